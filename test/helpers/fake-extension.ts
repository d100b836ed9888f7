/** In-memory extensions and configs for core tests: no files involved. */
import type { LoadedConfig, LoadedEntry, LoadedExtension, ResolvedExtension, TemplateSource } from '../../src/core/types.js';
import { NO_RUN_SETTINGS } from '../../src/core/run-settings.js';

export interface FakeExtension {
  readonly name: string;
  readonly priority?: number;
  readonly requires?: readonly string[];
  readonly after?: readonly string[];
  /** A builder template body; omitted means no builder. */
  readonly builder?: string;
  readonly builderBaseImage?: string;
  readonly finalApt?: readonly string[];
  readonly setup?: string;
}

const at = (file: string) => ({ file, line: 1, column: 1 });

export function fakeExtension(spec: FakeExtension): LoadedExtension {
  const file = `fake/${spec.name}/extension.yaml`;
  const templates: TemplateSource[] = [];
  if (spec.builder !== undefined) templates.push({ kind: 'builder', file: `fake/${spec.name}/builder.Dockerfile.hbs`, text: spec.builder });
  if (spec.setup !== undefined) templates.push({ kind: 'setup', file: `fake/${spec.name}/setup.Dockerfile.hbs`, text: spec.setup });
  return {
    manifest: {
      name: spec.name,
      version: '1.0.0',
      description: `fake ${spec.name}`,
      rockts: { value: '^0.1', location: at(file) },
      cachePriority: spec.priority ?? 50,
      builderBaseImage: spec.builderBaseImage,
      requires: (spec.requires ?? []).map((value) => ({ value, location: at(file) })),
      after: (spec.after ?? []).map((value) => ({ value, location: at(file) })),
      options: [],
      builder: { apt: [] },
      final: { apt: spec.finalApt ?? [], aptWhen: [], copy: { kind: 'default' }, env: [], path: [], switchUser: false },
      run: { env: [], volumes: [], devices: [], gpus: undefined },
    },
    manifestFile: file,
    dir: `fake/${spec.name}`,
    source: { kind: 'builtin' },
    templates,
    hasFiles: false,
  };
}

export function resolved(spec: FakeExtension): ResolvedExtension {
  return {
    name: spec.name,
    extension: fakeExtension(spec),
    options: [],
    optionValues: {},
    builderBaseImage: spec.builderBaseImage ?? 'ubuntu:22.04',
    request: { kind: 'config', location: at('rockerc.yaml') },
  };
}

export function fakeConfig(image: string, names: readonly string[]): LoadedConfig {
  const entries: LoadedEntry[] = names.map((name) => ({ ref: { kind: 'name', name }, options: [], location: at('rockerc.yaml'), loaded: [] }));
  return {
    file: 'rockerc.yaml',
    image: { value: image, location: at('rockerc.yaml') },
    syntax: undefined,
    tag: undefined,
    engine: undefined,
    extensions: entries,
    blacklist: [],
    dockerfile: undefined,
    build: { pull: undefined, noCache: undefined },
    run: NO_RUN_SETTINGS,
    cache: undefined,
    readings: [],
    builder: { baseImage: undefined, apt: undefined, images: [] },
    mirrors: [],
    ca: undefined,
  };
}
