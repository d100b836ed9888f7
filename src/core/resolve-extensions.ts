/**
 * Config + available extensions → the enabled extensions, each with its options
 * checked and defaults applied. Required extensions are enabled automatically.
 * Every problem is collected before failing.
 */
import semver from 'semver';
import { RocktsError, throwIfAny } from './errors.js';
import { describeValue } from './grammar.js';
import { asScalar, checkOptionValue } from './option-values.js';
import { compareCodePoints, suggestNames } from './suggest.js';
import { checkTemplate } from './templates.js';
import { BUILTIN_PACKAGE, EXTENSION_API_VERSION, type Config, type ConfigExtensionEntry, type ExtensionRef, type LoadedExtension, type Request, type ResolvedExtension, type SourceLocation } from './types.js';

/** The builder base image used when neither the config nor the manifest names one. */
export const DEFAULT_BUILDER_BASE_IMAGE = 'ubuntu:22.04';

export interface ResolveInput {
  readonly config: Config;
  /** The catalogue: built-in extensions and those of installed packages; a name may repeat. */
  readonly available: readonly LoadedExtension[];
  /**
   * What each config entry that names its source (a folder, `PACKAGE/NAME`, `package:`)
   * stands for, keyed by refKey. The loader fills it in or reports why it could not.
   */
  readonly chosen: ReadonlyMap<string, readonly LoadedExtension[]>;
}

/** The identity of a config entry's reference: entries with the same key are the same extension. */
export function refKey(ref: ExtensionRef): string {
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

/** How messages name where an extension comes from. */
export function describeSource(extension: LoadedExtension): string {
  const { source } = extension;
  if (source.kind === 'builtin') return 'built-in';
  if (source.kind === 'package') return `package ${source.package}@${source.version}`;
  return 'folder';
}

export function resolveExtensions(input: ResolveInput): ResolvedExtension[] {
  const { config } = input;
  const problems: RocktsError[] = [];
  const candidates = new Map<string, LoadedExtension[]>();
  for (const extension of input.available) {
    const list = candidates.get(extension.manifest.name) ?? [];
    if (!list.some((e) => e.dir === extension.dir)) list.push(extension);
    candidates.set(extension.manifest.name, list);
  }
  // An entry that names its source is the user's explicit choice: it wins over every other
  // extension of that name, wherever the name is used.
  const choices = new Map<string, LoadedExtension>();
  for (const entry of config.extensions) {
    if (entry.ref.kind === 'name') continue;
    const chosen = input.chosen.get(refKey(entry.ref));
    if (!chosen) throw new Error(`internal: ${refKey(entry.ref)} was not loaded`);
    for (const extension of chosen) {
      const other = choices.get(extension.manifest.name);
      if (other && other.dir !== extension.dir) {
        problems.push(
          new RocktsError('COMPOSITION_CONFLICT', `two sources of extension '${extension.manifest.name}' are both chosen; keep one`, {
            location: entry.location,
            notes: [other, extension].map((e) => ({ message: describeSource(e), location: { file: e.manifestFile, line: 1, column: 1 } })),
          }),
        );
      }
      choices.set(extension.manifest.name, extension);
    }
  }
  // Every name on offer, for suggestions; computed once, when a message first needs it.
  let knownNames: Set<string> | undefined;
  const known = () => (knownNames ??= new Set([...candidates.keys(), ...choices.keys()]));
  /**
   * The extension a bare name stands for: the chosen one, else the only one offered, else
   * one from the same package as the extension that requires it; otherwise an error.
   */
  const lookup = (name: string, location: SourceLocation, requiredBy?: LoadedExtension): LoadedExtension | undefined => {
    const chosen = choices.get(name);
    if (chosen) return chosen;
    const offered = candidates.get(name) ?? [];
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
  };
  const blacklist = new Map(config.blacklist.map((b) => [b.value, b]));

  // 1. What the config asks for. An extension enabled only because others require it has
  // no request yet: `requiredBy` collects who requires it, sorted once at the end.
  const enabled = new Map<string, { extension: LoadedExtension; entry: ConfigExtensionEntry | undefined; request: Request | undefined }>();
  const requiredBy = new Map<string, Set<string>>();
  for (const entry of config.extensions) {
    const request: Request =
      entry.detected === undefined ? { kind: 'config', location: entry.location } : { kind: 'detected', reason: entry.detected, location: entry.location };
    if (entry.ref.kind !== 'name') {
      for (const extension of input.chosen.get(refKey(entry.ref))!) {
        if (!blacklist.has(extension.manifest.name)) enabled.set(extension.manifest.name, { extension, entry, request });
      }
      continue;
    }
    const name = entry.ref.name;
    if (!candidates.has(name) && !choices.has(name) && entry.unavailable !== undefined) {
      problems.push(new RocktsError('EXTENSION_UNKNOWN', entry.unavailable, { location: entry.location }));
      continue;
    }
    if (!candidates.has(name) && !choices.has(name)) {
      const suggestions = suggestNames(name, known());
      const hint = suggestions.length === 0 ? '; `rockts extensions` lists the available ones' : '';
      problems.push(new RocktsError('EXTENSION_UNKNOWN', `unknown extension '${name}'${hint}`, { location: entry.location, suggestions }));
      continue;
    }
    const extension = lookup(name, entry.location);
    if (extension && !blacklist.has(name)) enabled.set(name, { extension, entry, request });
  }

  // 2. What those require, transitively, in name order so the result never depends on listing order.
  const queue = [...enabled.keys()].sort(compareCodePoints);
  for (let next = 0; next < queue.length; next++) {
    const name = queue[next]!;
    const { extension } = enabled.get(name)!;
    for (const required of extension.manifest.requires) {
      if (enabled.has(required.value)) {
        requiredBy.get(required.value)?.add(name);
        continue;
      }
      const banned = blacklist.get(required.value);
      if (banned) {
        problems.push(
          new RocktsError('DEPENDENCY_MISSING', `extension '${name}' requires '${required.value}', which extension-blacklist excludes`, {
            location: required.location,
            notes: [{ message: `'${required.value}' is excluded here`, location: banned.location }],
          }),
        );
        continue;
      }
      if (!candidates.has(required.value) && !choices.has(required.value)) {
        problems.push(
          new RocktsError('DEPENDENCY_MISSING', `extension '${name}' requires '${required.value}', which is not available`, {
            location: required.location,
            suggestions: suggestNames(required.value, known()),
          }),
        );
        continue;
      }
      const dependency = lookup(required.value, required.location, extension);
      if (!dependency) continue;
      enabled.set(required.value, { extension: dependency, entry: undefined, request: undefined });
      requiredBy.set(required.value, new Set([name]));
      queue.push(required.value);
    }
  }

  // 3. API compatibility, templates and options of each enabled extension.
  const imageOverrides = new Map(config.builder.images.map((i) => [i.extension.value, i]));
  for (const override of config.builder.images) {
    if (!known().has(override.extension.value)) {
      problems.push(
        new RocktsError('EXTENSION_UNKNOWN', `builder.images names unknown extension '${override.extension.value}'`, {
          location: override.extension.location,
          suggestions: suggestNames(override.extension.value, known()),
        }),
      );
    }
  }
  const resolved: ResolvedExtension[] = [];
  for (const name of [...enabled.keys()].sort(compareCodePoints)) {
    const { extension, entry, request } = enabled.get(name)!;
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
    const values = new Map(manifest.options.map((o) => [o.name, o.spec.default as unknown]));
    const declarations = new Map(manifest.options.map((o) => [o.name, o]));
    for (const option of entry?.options ?? []) {
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
      const problem = checkOptionValue(declaration.spec, option.value.value);
      if (problem) {
        problems.push(
          new RocktsError('OPTION_INVALID', `option '${option.key.value}' of extension '${name}': expected ${problem.expected}, found ${describeValue(option.value.value)}`, {
            location: option.value.location,
          }),
        );
        continue;
      }
      values.set(declaration.name, option.value.value);
    }
    resolved.push({
      name,
      extension,
      options: manifest.options.map((o) => ({ name: o.name, value: asScalar(values.get(o.name)) })),
      builderBaseImage:
        imageOverrides.get(name)?.image.value ?? config.builder.baseImage?.value ?? manifest.builderBaseImage ?? DEFAULT_BUILDER_BASE_IMAGE,
      request: request ?? { kind: 'required', by: [...requiredBy.get(name)!].sort(compareCodePoints) },
    });
  }
  throwIfAny(problems);
  return resolved;
}

function samePackage(a: LoadedExtension, b: LoadedExtension | undefined): boolean {
  if (b === undefined) return false;
  if (a.source.kind === 'builtin' || b.source.kind === 'builtin') return a.source.kind === b.source.kind;
  return a.source.kind === 'package' && b.source.kind === 'package' && a.source.root === b.source.root;
}
