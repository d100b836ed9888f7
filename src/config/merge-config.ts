/**
 * Merges the project's rockerc.yaml over ~/.rockerc.yaml. The project wins for single
 * values; lists are merged and de-duplicated (global first); an extension listed in
 * both keeps the global options the project does not set.
 */
import { RocktsError } from '../core/errors.js';
import type { Config, ConfigExtensionEntry, ExtensionRef, Located, RunConfig } from '../core/types.js';
import type { ConfigLayer } from './parse-config.js';

/** `image` until the project loader has read the Dockerfile and knows its tag. */
export const DOCKERFILE_IMAGE_PENDING = 'rockts-dockerfile-pending';

/**
 * The merged config and every problem found in either file. When `config` is
 * undefined the problems leave nothing to compose; otherwise the caller reports them
 * together with whatever composing the rest finds.
 */
export interface MergedConfig {
  readonly config: Config | undefined;
  readonly problems: readonly RocktsError[];
}

export function mergeConfig(project: ConfigLayer, global: ConfigLayer | undefined): MergedConfig {
  const problems: RocktsError[] = [...(global?.problems ?? []), ...project.problems];
  for (const layer of [global, project]) {
    if (layer?.image && layer.dockerfile) {
      problems.push(
        new RocktsError('CONFIG_INVALID', 'expected one of `image:` and `dockerfile:` (the final stage starts from one image), found both', {
          location: layer.dockerfile.location,
          notes: [{ message: '`image:` is here', location: layer.image.location }],
        }),
      );
    }
  }
  // The project's choice of image or Dockerfile wins over the global file's.
  const chosen = project.image || project.dockerfile ? project : global;
  const dockerfile = chosen?.image ? undefined : chosen?.dockerfile;
  // The tag a Dockerfile is built to depends on its text: the project loader sets it.
  const image = chosen?.image ?? (dockerfile && { value: DOCKERFILE_IMAGE_PENDING, location: dockerfile.location });
  if (!image && !project.imageInvalid && !global?.imageInvalid) {
    problems.push(
      new RocktsError('CONFIG_INVALID', "missing required key 'image' at the top level (the final stage's base image, e.g. `image: ubuntu:24.04`, or `dockerfile: PATH` to build one)", {
        location: { file: project.file, line: 1, column: 1 },
      }),
    );
  }
  const extensions = mergeEntries([...dedupeWithinFile(global?.extensions ?? [], problems), ...dedupeWithinFile(project.extensions, problems)]);
  if (!image) return { config: undefined, problems };
  const builderApt =
    project.builderApt === undefined && global?.builderApt === undefined
      ? undefined
      : uniqueBy([...(global?.builderApt ?? []), ...(project.builderApt ?? [])], (l) => l.value);
  const images = new Map<string, Config['builder']['images'][number]>();
  for (const entry of [...(global?.builderImages ?? []), ...project.builderImages]) images.set(entry.extension.value, entry);
  const run = global ? mergeRun(global.run, project.run) : project.run;
  // The host's IPC namespace brings the host's /dev/shm: Docker ignores a size, Podman refuses the run.
  if (run.ipc?.value === 'host' && run.shmSize !== undefined) {
    problems.push(
      new RocktsError('CONFIG_INVALID', 'shm size: expected no shared-memory size with ipc: host (the container uses the host\'s /dev/shm); remove one of them', {
        location: run.shmSize.location,
        notes: [{ message: 'ipc: host is set here', location: run.ipc.location }],
      }),
    );
  }
  const cache = mergeCache(project, global, problems);
  const config: Config = {
    file: project.file,
    image,
    dockerfile,
    syntax: project.syntax ?? global?.syntax,
    tag: project.tag ?? global?.tag,
    engine: project.engine ?? global?.engine,
    extensions,
    blacklist: uniqueBy([...(global?.blacklist ?? []), ...project.blacklist], (l) => l.value),
    build: { pull: project.pull ?? global?.pull, noCache: project.noCache ?? global?.noCache },
    run,
    cache,
    readings: [...(global?.readings ?? []), ...project.readings],
    builder: { baseImage: project.builderBaseImage ?? global?.builderBaseImage, apt: builderApt, images: [...images.values()] },
    ...mergeNetwork(project, global),
  };
  return { config, problems };
}

/** `mirrors:` key by key (the project's entry for an upstream wins) and `ca:` (the project's wins). */
function mergeNetwork(project: ConfigLayer, global: ConfigLayer | undefined): Pick<Config, 'mirrors' | 'ca'> {
  const mirrors = new Map<string, Config['mirrors'][number]>();
  for (const entry of [...(global?.mirrors ?? []), ...project.mirrors]) mirrors.set(entry.upstream.value, entry);
  const ca = project.ca ?? global?.ca;
  return { mirrors: [...mirrors.values()], ca: ca && { file: ca, sha256: undefined } };
}

/**
 * `cache:` key by key, the project's over the global file's (a team sets the registry
 * once at home; a developer's project may only say `export: false`).
 */
function mergeCache(project: ConfigLayer, global: ConfigLayer | undefined, problems: RocktsError[]): Config['cache'] {
  const [p, g] = [project.cache, global?.cache];
  if (p === undefined && g === undefined) return undefined;
  const registry = p?.registry ?? g?.registry;
  if (registry === undefined) {
    if (p?.registryInvalid || g?.registryInvalid) return undefined;
    problems.push(
      new RocktsError('CONFIG_INVALID', 'cache: expected `registry:` (a repository such as registry.example/team/rockts-cache) in this file or ~/.rockerc.yaml, found none', {
        location: (p ?? g)!.location,
      }),
    );
    return undefined;
  }
  return { registry, export: (p?.export ?? g?.export)?.value ?? true, mode: (p?.mode ?? g?.mode)?.value ?? 'max' };
}

/** Within one file, naming an extension twice is fine unless both name options. */
function dedupeWithinFile(entries: readonly ConfigExtensionEntry[], problems: RocktsError[]): ConfigExtensionEntry[] {
  const seen = new Map<string, ConfigExtensionEntry>();
  for (const entry of entries) {
    const key = refKey(entry.ref);
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, entry);
    } else if (earlier.options.length > 0 && entry.options.length > 0) {
      const { line, column } = earlier.location;
      problems.push(
        new RocktsError('CONFIG_INVALID', `extension '${describeRef(entry.ref)}' is listed twice with options (first at line ${line}, column ${column}); list it once`, {
          location: entry.location,
        }),
      );
    } else if (entry.options.length > 0) {
      seen.set(key, { ...entry, location: entry.location });
    }
  }
  return [...seen.values()];
}

/** Across files: later entries (the project's) override earlier options key by key. */
function mergeEntries(entries: readonly ConfigExtensionEntry[]): ConfigExtensionEntry[] {
  const merged = new Map<string, ConfigExtensionEntry>();
  for (const entry of entries) {
    const key = refKey(entry.ref);
    const earlier = merged.get(key);
    if (!earlier) {
      merged.set(key, entry);
      continue;
    }
    const options = new Map(earlier.options.map((o) => [o.key.value, o]));
    for (const option of entry.options) options.set(option.key.value, option);
    merged.set(key, { ref: entry.ref, location: entry.location, options: [...options.values()] });
  }
  return [...merged.values()];
}

/**
 * The project's run settings over the global ones: a single value from the project wins;
 * lists are merged, global first, without repeats.
 */
function mergeRun(global: RunConfig, project: RunConfig): RunConfig {
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(project) as (keyof RunConfig)[]) {
    const [g, p] = [global[key], project[key]];
    merged[key] = Array.isArray(p) ? uniqueBy([...(g as Located<string>[]), ...p], (l) => l.value) : (p ?? g);
  }
  return merged as unknown as RunConfig;
}

/** The identity of a config entry's reference: entries with the same key are the same extension. */
function refKey(ref: ExtensionRef): string {
  switch (ref.kind) {
    case 'name':
      return `name:${ref.name}`;
    case 'path':
      return `path:${ref.path}`;
    case 'qualified':
      return `qualified:${ref.package}/${ref.name}`;
    case 'package':
      return `package:${ref.package}`;
  }
}

export function describeRef(ref: ExtensionRef): string {
  return ref.kind === 'name' ? ref.name : ref.written;
}

function uniqueBy<T>(items: readonly Located<T>[], key: (item: Located<T>) => unknown): Located<T>[] {
  const seen = new Set<unknown>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
