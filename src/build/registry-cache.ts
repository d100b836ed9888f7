/**
 * The registry caches of a composition, and how the engine can use them. The refs
 * themselves are derived in the pure core (core/cache-refs.ts) from the composition's
 * step keys, which already cover the files each extension sends in the build context.
 */
import { cacheRefs, type CacheRefs, type CacheSettings } from '../core/cache-refs.js';
import type { Composition } from '../core/compose.js';
import type { Engine } from '../docker/engine.js';
import type { Project } from '../project/load-project.js';

export interface StageCaches {
  readonly settings: CacheSettings;
  readonly refs: CacheRefs;
}

/** The caches the config's `cache:` block asks for; undefined without one. */
export function stageCaches(composed: Composition & Project): StageCaches | undefined {
  const cache = composed.config.cache;
  if (cache === undefined) return undefined;
  const settings: CacheSettings = { registry: cache.registry.value, export: cache.export, mode: cache.mode };
  return { settings, refs: cacheRefs(composed, settings.registry) };
}

/**
 * Why this engine cannot export a registry cache, with the fix; undefined when it can.
 * Docker's own driver (`dockerDriver`, docker/engine.ts usesDockerDriver) exports caches
 * only on the containerd image store; any other buildx builder (docker-container,
 * kubernetes, remote) can.
 * https://docs.docker.com/build/cache/backends/
 */
export function cacheExportProblem(engine: Pick<Engine, 'kind' | 'buildx' | 'containerdStore'>, dockerDriver: boolean): string | undefined {
  if (engine.kind !== 'docker' || !engine.buildx) return undefined;
  if (engine.containerdStore || !dockerDriver) return undefined;
  return "this Docker daemon uses the classic image store, where the docker driver cannot export a registry cache; building with the caches imported only. Fix: enable the containerd image store (daemon.json: {\"features\": {\"containerd-snapshotter\": true}}) or build with a docker-container builder (`docker buildx create --name rockts --driver docker-container`, then --builder rockts)";
}
