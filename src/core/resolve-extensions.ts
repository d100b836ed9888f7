/**
 * Config + available extensions → the enabled extensions, each with its options
 * checked and defaults applied. Three steps: choose where each name comes from, enable
 * what the config asks for and what that requires, resolve each one's options. Every
 * problem is collected before failing.
 */
import semver from 'semver';
import { RocktsError, throwIfAny } from './errors.js';
import { describeValue } from './grammar.js';
import { checkOptionValue } from './option-values.js';
import { compareCodePoints, suggestNames } from './suggest.js';
import { checkTemplate } from './templates.js';
import {
  BUILTIN_PACKAGE,
  EXTENSION_API_VERSION,
  type Config,
  type ConfigOption,
  type ExtensionManifest,
  type LoadedConfig,
  type LoadedEntry,
  type LoadedExtension,
  type Request,
  type ResolvedExtension,
  type Scalar,
  type SourceLocation,
} from './types.js';

/** The builder base image used when neither the config nor the manifest names one. */
const DEFAULT_BUILDER_BASE_IMAGE = 'ubuntu:22.04';

export interface ResolveInput {
  /** The config, each entry with what it loaded. */
  readonly config: LoadedConfig;
  /** The catalogue: built-in extensions and those of installed packages; a name may repeat. */
  readonly available: readonly LoadedExtension[];
}

/** Where the extensions a name may stand for come from. */
interface Sources {
  /** The catalogue by name; a name may be offered by several sources. */
  readonly offered: ReadonlyMap<string, readonly LoadedExtension[]>;
  /** What entries that name their source chose, by name: the user's choice wins wherever the name is used. */
  readonly chosen: ReadonlyMap<string, LoadedExtension>;
}

/** An extension to compose, and why. */
interface Enabled {
  readonly name: string;
  readonly extension: LoadedExtension;
  /** The options the config gives it (none when it is enabled only because others require it). */
  readonly options: readonly ConfigOption[];
  readonly request: Request;
}

/** How messages name where an extension comes from. */
function describeSource(extension: LoadedExtension): string {
  const { source } = extension;
  if (source.kind === 'builtin') return 'built-in';
  if (source.kind === 'package') return `package ${source.package}@${source.version}`;
  return 'folder';
}

/**
 * The image a builder starts from when the config's builder.images does not name one
 * for its extension: the config's builder.baseImage, else the manifest's
 * builderBaseImage, else the rockts default. Without a manifest image, this is the
 * default builder base (the stage named rockts-builder-base).
 */
export function builderBaseImage(config: Config, manifestImage?: string): string {
  return config.builder.baseImage?.value ?? manifestImage ?? DEFAULT_BUILDER_BASE_IMAGE;
}

export function resolveExtensions(input: ResolveInput): ResolvedExtension[] {
  const { config } = input;
  const problems: RocktsError[] = [];
  const sources = chooseSources(config.extensions, input.available, problems);
  const enabled = enableExtensions(config, sources, problems);
  for (const override of config.builder.images) {
    if (!isOffered(sources, override.extension.value)) {
      problems.push(
        new RocktsError('EXTENSION_UNKNOWN', `builder.images names unknown extension '${override.extension.value}'`, {
          location: override.extension.location,
          suggestions: suggestNames(override.extension.value, offeredNames(sources)),
        }),
      );
    }
  }
  const imageOverrides = new Map(config.builder.images.map((i) => [i.extension.value, i.image.value]));
  const resolved: ResolvedExtension[] = [];
  for (const { name, extension, options, request } of enabled) {
    const { manifest } = extension;
    if (!semver.satisfies(EXTENSION_API_VERSION, manifest.rockts.value)) {
      problems.push(
        new RocktsError('EXTENSION_INCOMPATIBLE', `extension '${name}' supports rockts extension API ${manifest.rockts.value}, but this rockts provides API ${EXTENSION_API_VERSION}; use a version of '${name}' made for API ${EXTENSION_API_VERSION}, or a rockts that provides ${manifest.rockts.value}`, {
          location: manifest.rockts.location,
        }),
      );
      continue;
    }
    for (const template of extension.templates) problems.push(...checkTemplate(template, extension));
    const values = resolveOptions(name, manifest, options, problems);
    resolved.push({
      name,
      extension,
      options: values,
      optionValues: Object.fromEntries(values.map((o) => [o.name, o.value])),
      builderBaseImage: imageOverrides.get(name) ?? builderBaseImage(config, manifest.builderBaseImage),
      request,
    });
  }
  throwIfAny(problems);
  return resolved;
}

/**
 * The catalogue by name, and the extensions that entries naming their source (a folder,
 * `PACKAGE/NAME`, `package:`) chose; two different choices of one name are a conflict.
 */
function chooseSources(entries: readonly LoadedEntry[], available: readonly LoadedExtension[], problems: RocktsError[]): Sources {
  const offered = new Map<string, LoadedExtension[]>();
  for (const extension of available) {
    const list = offered.get(extension.manifest.name) ?? [];
    if (!list.some((e) => e.dir === extension.dir)) list.push(extension);
    offered.set(extension.manifest.name, list);
  }
  const chosen = new Map<string, LoadedExtension>();
  for (const entry of entries) {
    for (const extension of entry.loaded) {
      const other = chosen.get(extension.manifest.name);
      if (other && other.dir !== extension.dir) {
        problems.push(
          new RocktsError('COMPOSITION_CONFLICT', `two sources of extension '${extension.manifest.name}' are both chosen; keep one`, {
            location: entry.location,
            notes: [other, extension].map((e) => ({ message: describeSource(e), location: { file: e.manifestFile, line: 1, column: 1 } })),
          }),
        );
      }
      chosen.set(extension.manifest.name, extension);
    }
  }
  return { offered, chosen };
}

function isOffered(sources: Sources, name: string): boolean {
  return sources.offered.has(name) || sources.chosen.has(name);
}

/** Every name on offer, for suggestions. */
function offeredNames(sources: Sources): string[] {
  return [...sources.offered.keys(), ...sources.chosen.keys()];
}

/**
 * The extension a bare name stands for: the chosen one, else the only one offered, else
 * one from the same package as the extension that requires it; otherwise a problem.
 */
function lookup(sources: Sources, name: string, location: SourceLocation, requiredBy: LoadedExtension | undefined, problems: RocktsError[]): LoadedExtension | undefined {
  const chosen = sources.chosen.get(name);
  if (chosen) return chosen;
  const offered = sources.offered.get(name) ?? [];
  if (offered.length <= 1) return offered[0];
  const sibling = offered.find((e) => samePackage(e, requiredBy));
  if (sibling) return sibling;
  // `rockts/NAME` always means the built-in: a package named rockts is chosen by its folder.
  const ways = offered.map((e) =>
    e.source.kind !== 'package' ? `\`${BUILTIN_PACKAGE}/${name}\`` : e.source.package === BUILTIN_PACKAGE ? `its folder (${e.dir})` : `\`${e.source.package}/${name}\``,
  );
  problems.push(
    new RocktsError('COMPOSITION_CONFLICT', `extension '${name}' is offered by ${offered.length} sources; choose one in rockerc.yaml by writing ${ways.join(' or ')}`, {
      location,
      notes: offered.map((e) => ({ message: describeSource(e), location: { file: e.manifestFile, line: 1, column: 1 } })),
    }),
  );
  return undefined;
}

/**
 * What the config asks for (unless extension-blacklist excludes it), then what those
 * require, transitively, in name order so the result never depends on listing order.
 * Sorted by name.
 */
function enableExtensions(config: LoadedConfig, sources: Sources, problems: RocktsError[]): Enabled[] {
  const blacklist = new Map(config.blacklist.map((b) => [b.value, b]));
  const requested = new Map<string, Enabled>();
  for (const entry of config.extensions) {
    const request: Request =
      entry.detected === undefined ? { kind: 'config', location: entry.location } : { kind: 'detected', reason: entry.detected, location: entry.location };
    if (entry.ref.kind !== 'name') {
      for (const extension of entry.loaded) {
        const { name } = extension.manifest;
        if (!blacklist.has(name)) requested.set(name, { name, extension, options: entry.options, request });
      }
      continue;
    }
    const name = entry.ref.name;
    if (!isOffered(sources, name) && entry.unavailable !== undefined) {
      problems.push(new RocktsError('EXTENSION_UNKNOWN', entry.unavailable, { location: entry.location }));
      continue;
    }
    if (!isOffered(sources, name)) {
      const suggestions = suggestNames(name, offeredNames(sources));
      const hint = suggestions.length === 0 ? '; `rockts extensions` lists the available ones' : '';
      problems.push(new RocktsError('EXTENSION_UNKNOWN', `unknown extension '${name}'${hint}`, { location: entry.location, suggestions }));
      continue;
    }
    const extension = lookup(sources, name, entry.location, undefined, problems);
    if (extension && !blacklist.has(name)) requested.set(name, { name, extension, options: entry.options, request });
  }

  // An extension enabled only because others require it: who requires it, sorted once at the end.
  const required = new Map<string, { extension: LoadedExtension; by: Set<string> }>();
  const queue = [...requested.values()].sort((a, b) => compareCodePoints(a.name, b.name)).map((e) => e.extension);
  for (let next = 0; next < queue.length; next++) {
    const extension = queue[next]!;
    const name = extension.manifest.name;
    for (const requirement of extension.manifest.requires) {
      const wanted = requirement.value;
      if (requested.has(wanted)) continue;
      const earlier = required.get(wanted);
      if (earlier) {
        earlier.by.add(name);
        continue;
      }
      const banned = blacklist.get(wanted);
      if (banned) {
        problems.push(
          new RocktsError('DEPENDENCY_MISSING', `extension '${name}' requires '${wanted}', which extension-blacklist excludes`, {
            location: requirement.location,
            notes: [{ message: `'${wanted}' is excluded here`, location: banned.location }],
          }),
        );
        continue;
      }
      if (!isOffered(sources, wanted)) {
        problems.push(
          new RocktsError('DEPENDENCY_MISSING', `extension '${name}' requires '${wanted}', which is not available`, {
            location: requirement.location,
            suggestions: suggestNames(wanted, offeredNames(sources)),
          }),
        );
        continue;
      }
      const dependency = lookup(sources, wanted, requirement.location, extension, problems);
      if (!dependency) continue;
      required.set(wanted, { extension: dependency, by: new Set([name]) });
      queue.push(dependency);
    }
  }
  const enabled: Enabled[] = [...requested.values()];
  for (const [name, { extension, by }] of required) {
    enabled.push({ name, extension, options: [], request: { kind: 'required', by: [...by].sort(compareCodePoints) } });
  }
  return enabled.sort((a, b) => compareCodePoints(a.name, b.name));
}

/**
 * Every option the manifest declares, in declaration order, with the value in force:
 * the config's when it passes the option's check, else the default. An unknown option
 * or a value that fails is a problem.
 */
function resolveOptions(name: string, manifest: ExtensionManifest, given: readonly ConfigOption[], problems: RocktsError[]): ResolvedExtension['options'] {
  const declarations = new Map(manifest.options.map((o) => [o.name, o]));
  const values = new Map<string, Scalar>();
  for (const option of given) {
    const declaration = declarations.get(option.key.value);
    if (!declaration) {
      const names = manifest.options.map((o) => o.name);
      const known = names.length === 0 ? 'it has no options' : `expected one of: ${names.join(', ')}`;
      problems.push(
        new RocktsError('OPTION_INVALID', `unknown option '${option.key.value}' for extension '${name}'; ${known}`, {
          location: option.key.location,
          suggestions: suggestNames(option.key.value, names),
        }),
      );
      continue;
    }
    const checked = checkOptionValue(declaration.spec, option.value.value);
    if ('expected' in checked) {
      problems.push(
        new RocktsError('OPTION_INVALID', `option '${option.key.value}' of extension '${name}': expected ${checked.expected}, found ${describeValue(option.value.value)}`, {
          location: option.value.location,
        }),
      );
      continue;
    }
    values.set(declaration.name, checked.value);
  }
  return manifest.options.map((o) => ({ name: o.name, value: values.get(o.name) ?? o.spec.default }));
}

function samePackage(a: LoadedExtension, b: LoadedExtension | undefined): boolean {
  if (b === undefined) return false;
  if (a.source.kind === 'builtin' || b.source.kind === 'builtin') return a.source.kind === b.source.kind;
  return a.source.kind === 'package' && b.source.kind === 'package' && a.source.root === b.source.root;
}
