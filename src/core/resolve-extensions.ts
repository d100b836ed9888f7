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
import type { Config, ConfigExtensionEntry, LoadedExtension, Request, ResolvedExtension } from './types.js';

/** The version of the extension API that manifests' `rockts:` ranges are checked against. */
export const EXTENSION_API_VERSION = '0.1.0';

/** The builder base image used when neither the config nor the manifest names one. */
export const DEFAULT_BUILDER_BASE_IMAGE = 'ubuntu:22.04';

export interface ResolveInput {
  readonly config: Config;
  /** The catalogue: built-in extensions (and, later, packages), by name. */
  readonly available: readonly LoadedExtension[];
  /** Extensions the config names by folder path, keyed by absolute path. */
  readonly byPath: ReadonlyMap<string, LoadedExtension>;
}

export function resolveExtensions(input: ResolveInput): ResolvedExtension[] {
  const { config } = input;
  const problems: RocktsError[] = [];
  const catalogue = new Map(input.available.map((e) => [e.manifest.name, e]));
  // A folder named in the config is the user's explicit choice: it wins over a built-in of the same name.
  for (const entry of config.extensions) {
    if (entry.ref.kind !== 'path') continue;
    const extension = input.byPath.get(entry.ref.path);
    if (!extension) throw new Error(`internal: extension folder ${entry.ref.path} was not loaded`);
    const other = catalogue.get(extension.manifest.name);
    if (other && other.source.kind === 'path' && other.dir !== extension.dir) {
      problems.push(
        new RocktsError('COMPOSITION_CONFLICT', `two extension folders are both named '${extension.manifest.name}': ${other.dir} and ${extension.dir}`, {
          location: entry.location,
        }),
      );
    }
    catalogue.set(extension.manifest.name, extension);
  }
  const blacklist = new Map(config.blacklist.map((b) => [b.value, b]));

  // 1. What the config asks for.
  const enabled = new Map<string, { extension: LoadedExtension; entry: ConfigExtensionEntry | undefined; request: Request }>();
  for (const entry of config.extensions) {
    const extension = entry.ref.kind === 'path' ? input.byPath.get(entry.ref.path) : catalogue.get(entry.ref.name);
    if (!extension) {
      const name = entry.ref.kind === 'name' ? entry.ref.name : entry.ref.written;
      const suggestions = suggestNames(name, catalogue.keys());
      const hint = suggestions.length === 0 ? '; `rockts extensions` lists the available ones' : '';
      problems.push(new RocktsError('EXTENSION_UNKNOWN', `unknown extension '${name}'${hint}`, { location: entry.location, suggestions }));
      continue;
    }
    if (blacklist.has(extension.manifest.name)) continue;
    const request: Request =
      entry.detected === undefined ? { kind: 'config', location: entry.location } : { kind: 'detected', reason: entry.detected, location: entry.location };
    enabled.set(extension.manifest.name, { extension, entry, request });
  }

  // 2. What those require, transitively, in name order so the result never depends on listing order.
  const queue = [...enabled.keys()].sort(compareCodePoints);
  while (queue.length > 0) {
    const name = queue.shift()!;
    const { extension } = enabled.get(name)!;
    for (const required of extension.manifest.requires) {
      const present = enabled.get(required.value);
      if (present) {
        if (present.request.kind === 'required' && !present.request.by.includes(name)) {
          present.request = { kind: 'required', by: [...present.request.by, name].sort(compareCodePoints) };
        }
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
      const dependency = catalogue.get(required.value);
      if (!dependency) {
        problems.push(
          new RocktsError('DEPENDENCY_MISSING', `extension '${name}' requires '${required.value}', which is not available`, {
            location: required.location,
            suggestions: suggestNames(required.value, catalogue.keys()),
          }),
        );
        continue;
      }
      enabled.set(required.value, { extension: dependency, entry: undefined, request: { kind: 'required', by: [name] } });
      queue.push(required.value);
    }
  }

  // 3. API compatibility, templates and options of each enabled extension.
  const imageOverrides = new Map(config.builder.images.map((i) => [i.extension.value, i]));
  for (const override of config.builder.images) {
    if (!catalogue.has(override.extension.value)) {
      problems.push(
        new RocktsError('EXTENSION_UNKNOWN', `builder.images names unknown extension '${override.extension.value}'`, {
          location: override.extension.location,
          suggestions: suggestNames(override.extension.value, catalogue.keys()),
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
        new RocktsError('EXTENSION_INCOMPATIBLE', `extension '${name}' supports rockts extension API ${manifest.rockts.value}, but this rockts provides API ${EXTENSION_API_VERSION}`, {
          location: manifest.rockts.location,
        }),
      );
      continue;
    }
    for (const template of extension.templates) problems.push(...checkTemplate(template, extension));
    const values = new Map(manifest.options.map((o) => [o.name, o.spec.default as unknown]));
    for (const option of entry?.options ?? []) {
      const declaration = manifest.options.find((o) => o.name === option.key.value);
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
      request,
    });
  }
  throwIfAny(problems);
  return resolved;
}
