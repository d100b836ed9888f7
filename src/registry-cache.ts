/**
 * The registry caches of a composition (I/O: it hashes the files each extension sends in
 * the build context), and how the engine can use them. The refs themselves are derived
 * in the pure core (core/cache-refs.ts).
 */
import { createHash } from 'node:crypto';
import { filesDirFor } from './core/build-plan.js';
import { cacheRefs, type CacheRefs, type CacheSettings } from './core/cache-refs.js';
import type { Composition } from './core/compose.js';
import type { Engine } from './docker/engine.js';
import type { Project } from './load-project.js';
import { hashFolder } from './lockfile.js';

export interface StageCaches {
  readonly settings: CacheSettings;
  readonly refs: CacheRefs;
}

/** The caches the config's `cache:` block asks for; undefined without one. */
export async function stageCaches(composed: Composition & Project): Promise<StageCaches | undefined> {
  const cache = composed.config.cache;
  if (cache === undefined) return undefined;
  const hashes = new Map<string, string>();
  await Promise.all(
    composed.plan.extensions.map(async (e) => {
      // Generated files (the deps extension's) sit in the context under the extension's files folder too.
      const prefix = `${filesDirFor(e.name)}/`;
      const generated = composed.contextFiles.filter((f) => f.path.startsWith(prefix));
      if (!e.extension.hasFiles && generated.length === 0) return;
      const hash = createHash('sha256').update(e.extension.hasFiles ? await hashFolder(e.extension.dir, 'files') : '');
      for (const file of [...generated].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`\0${file.path}\0`).update(createHash('sha256').update(file.content).digest('hex'));
      hashes.set(e.name, hash.digest('hex'));
    }),
  );
  const settings: CacheSettings = { registry: cache.registry.value, export: cache.export, mode: cache.mode };
  return { settings, refs: cacheRefs(composed.plan, composed.dockerfile, hashes, settings.registry) };
}

/**
 * Why this engine cannot export a registry cache, with the fix; undefined when it can.
 * Docker's own driver exports caches only on the containerd image store; any other
 * buildx builder (docker-container, kubernetes, remote) can.
 * https://docs.docker.com/build/cache/backends/
 */
export function cacheExportProblem(engine: Pick<Engine, 'kind' | 'buildx' | 'containerdStore'>, builder: string | undefined): string | undefined {
  if (engine.kind !== 'docker' || !engine.buildx) return undefined;
  if (engine.containerdStore || builder !== undefined) return undefined;
  return "this Docker daemon uses the classic image store, where the docker driver cannot export a registry cache; building with the caches imported only. Fix: enable the containerd image store (daemon.json: {\"features\": {\"containerd-snapshotter\": true}}) or build with a docker-container builder (`docker buildx create --name rockts --driver docker-container`, then --builder rockts)";
}
