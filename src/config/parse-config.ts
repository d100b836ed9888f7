/**
 * Turns the text of a rockerc.yaml into a ConfigLayer: validated, every value with its
 * location. No file system: the caller reads the files (load-config.ts).
 */
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { describeValue, EXTENSION_NAME, PACKAGE_NAME } from '../core/grammar.js';
import { describeBadMirrorUrl, type Mirror } from '../core/mirrors.js';
import type { ConfigExtensionEntry, ConfigOption, ExtensionRef, Located, Reading, RunConfig, SourceLocation } from '../core/types.js';
import { parseYaml, zodIssuesToErrors, type YamlSource } from '../io/yaml-source.js';
import { suggestNames } from '../core/suggest.js';
import { configSchema, NATIVE_KEYS } from './config-schema.js';
import { argsItem, describeTranslation, rockerName, translateItems, type RockerItem } from './read-rocker.js';
import { normalizeName, ROCKER_NAMES } from './rocker-names.js';
import { RUN_SETTINGS } from '../core/run-settings.js';

/** One config file's contribution, before merging. */
export interface ConfigLayer {
  readonly file: string;
  /**
   * Problems found in this file. The parts they concern are left out of the layer, so
   * the rest can still be checked and every problem reported in one pass.
   */
  readonly problems: readonly RocktsError[];
  /** True when `image:` was given but invalid (so it is not also reported missing). */
  readonly imageInvalid: boolean;
  readonly image: Located<string> | undefined;
  /** `dockerfile:`, resolved against the file's folder. */
  readonly dockerfile: Located<string> | undefined;
  readonly syntax: Located<string> | undefined;
  readonly tag: Located<string> | undefined;
  readonly engine: Located<'docker' | 'podman'> | undefined;
  readonly extensions: readonly ConfigExtensionEntry[];
  /** extension-blacklist, names read with `-` for `_`. */
  readonly blacklist: readonly Located<string>[];
  /** disable_args: like the blacklist, for this file and the files merged before it (rockerc's rule). */
  readonly disabled: readonly Located<string>[];
  readonly pull: Located<boolean> | undefined;
  readonly noCache: Located<boolean> | undefined;
  /** The `cache:` block, key by key (merged key by key with the other file's). */
  readonly cache: { readonly registry?: Located<string>; readonly export?: Located<boolean>; readonly mode?: Located<'min' | 'max'>; readonly location: SourceLocation; readonly registryInvalid: boolean } | undefined;
  /** The `run:` block; apply-rocker.ts adds what rockerc keys and args say. */
  readonly run: RunConfig;
  /** rockerc `args:` items and top-level keys that are not rockts's own, in file order. */
  readonly items: readonly RockerItem[];
  /** How entries written in another project's spelling were read. */
  readonly readings: readonly Reading[];
  readonly builderBaseImage: Located<string> | undefined;
  readonly builderApt: readonly Located<string>[] | undefined;
  readonly builderImages: readonly { readonly extension: Located<string>; readonly image: Located<string> }[];
  /** `extensions: auto`: the loader fills in what the project's files call for. */
  readonly autoExtensions: SourceLocation | undefined;
  readonly mirrors: readonly Mirror[];
  /** `ca:`, resolved against the file's folder. */
  readonly ca: Located<string> | undefined;
}

export interface ParseConfigContext {
  /** Folder that relative extension paths are resolved against (the file's folder). */
  readonly baseDir: string;
  /** The user's home, for `~/` extension paths. */
  readonly home: string;
}

/** A config entry is a folder path when it starts like one. */
export function isPathEntry(text: string): boolean {
  return /^(?:\.{1,2}\/|\/|~\/)/.test(text) || text === '.' || text === '..';
}

export function parseConfig(text: string, file: string, context: ParseConfigContext): ConfigLayer {
  const yaml = parseYaml(text, file, 'CONFIG_INVALID');
  if (yaml.data === null || yaml.data === undefined) {
    throw new RocktsError('CONFIG_INVALID', 'expected a mapping with at least `image:`, found an empty file', {
      location: { file, line: 1, column: 1 },
    });
  }
  const problems: RocktsError[] = [];
  const { data, keyItems, renamed } = splitRockerKeys(yaml, problems);
  // Paths under a renamed key (extension_blacklist, disable-args) are found under the key as written.
  const written = (p: readonly (string | number)[]) => (typeof p[0] === 'string' && renamed.has(p[0]) ? [renamed.get(p[0])!, ...p.slice(1)] : p);
  const source: YamlSource = { file, data, locate: (p) => yaml.locate(written(p)), locateKey: (p) => yaml.locateKey(written(p)) };
  let parsed = configSchema.safeParse(data);
  let imageInvalid = false;
  let registryInvalid = false;
  if (!parsed.success) {
    problems.push(...zodIssuesToErrors(parsed.error.issues, source, 'CONFIG_INVALID', configSchema));
    const bad = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    );
    imageInvalid = bad.some((p) => p[0] === 'image');
    registryInvalid = bad.some((p) => p[0] === 'cache' && p[1] === 'registry');
    // Check the rest without the invalid parts; if that still fails, report what we have.
    parsed = configSchema.safeParse(withoutPaths(data, bad));
    if (!parsed.success) throw RocktsError.combine(problems);
  }
  const doc = parsed.data;
  const at = <T>(value: T, p: readonly (string | number)[]): Located<T> => ({ value, location: source.locate(p) });

  const entries: ConfigExtensionEntry[] = [];
  const readings: Reading[] = [];
  const listed = doc.extensions === 'auto' ? [] : (doc.extensions ?? []);
  listed.forEach((item, index) => {
    const entry = parseEntry(item, ['extensions', index], source, context, problems);
    const read = entry && aliasEntry(entry, readings);
    if (read) entries.push(read);
  });
  // rockerc's `args:` items are rocker flags and extension names (read-rocker.ts); a
  // folder path or PACKAGE/NAME is an extension reference as in `extensions:`.
  const items: RockerItem[] = [];
  (doc.args ?? []).forEach((text, index) => {
    const location = source.locate(['args', index]);
    // `- a\n   - b` with uneven indentation is one YAML string "a - b" (rockerc checks for it too).
    if (/^[A-Za-z0-9_-]+(?: - [A-Za-z0-9_-]+)+$/.test(text)) {
      const names = text.split(' - ');
      problems.push(new RocktsError('CONFIG_INVALID', `args[${index}]: expected one name per list item, found ${describeValue(text)}: indent every \`- ${names[0]}\`, \`- ${names[1]}\` … the same`, { location }));
      return;
    }
    const item = argsItem(text, location);
    const ref = item ? undefined : refFor(text, context, location, problems);
    if (item) items.push(item);
    else if (ref) entries.push({ ref, options: [], location });
  });
  items.push(...keyItems);
  items.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  const names = (key: 'extension-blacklist' | 'disable_args') => {
    const value = doc[key];
    if (value === undefined) return [];
    const list = typeof value === 'string' ? [value] : value;
    return list.map((name, i) => ({ value: normalizeName(name), location: source.locate(typeof value === 'string' ? [key] : [key, i]) }));
  };

  return {
    file,
    problems,
    imageInvalid,
    image: doc.image === undefined ? undefined : at(doc.image, ['image']),
    dockerfile: doc.dockerfile === undefined ? undefined : at(path.resolve(context.baseDir, doc.dockerfile), ['dockerfile']),
    syntax: doc.syntax === undefined ? undefined : at(doc.syntax, ['syntax']),
    tag: doc.tag === undefined ? undefined : at(doc.tag, ['tag']),
    engine: doc.engine === undefined ? undefined : at(doc.engine, ['engine']),
    extensions: entries,
    blacklist: names('extension-blacklist'),
    disabled: names('disable_args'),
    pull: doc.build?.pull === undefined ? undefined : at(doc.build.pull, ['build', 'pull']),
    noCache: doc.build?.noCache === undefined ? undefined : at(doc.build.noCache, ['build', 'noCache']),
    run: parseRunBlock(doc.run ?? {}, source, context),
    cache:
      doc.cache === undefined
        ? undefined
        : {
            location: source.locateKey(['cache']),
            registryInvalid,
            ...(doc.cache.registry === undefined ? {} : { registry: at(doc.cache.registry, ['cache', 'registry']) }),
            ...(doc.cache.export === undefined ? {} : { export: at(doc.cache.export, ['cache', 'export']) }),
            ...(doc.cache.mode === undefined ? {} : { mode: at(doc.cache.mode, ['cache', 'mode']) }),
          },
    items,
    readings,
    builderBaseImage: doc.builder?.baseImage === undefined ? undefined : at(doc.builder.baseImage, ['builder', 'baseImage']),
    builderApt: doc.builder?.apt?.map((pkg, i) => at(pkg, ['builder', 'apt', i])),
    autoExtensions: doc.extensions === 'auto' ? source.locate(['extensions']) : undefined,
    builderImages: Object.entries(doc.builder?.images ?? {}).map(([name, image]) => ({
      extension: { value: name, location: source.locateKey(['builder', 'images', name]) },
      image: at(image, ['builder', 'images', name]),
    })),
    mirrors: parseMirrors(doc.mirrors ?? {}, source, problems),
    ca: doc.ca === undefined ? undefined : at(path.resolve(context.baseDir, doc.ca), ['ca']),
  };
}

/** `mirrors:` entries whose upstream and mirror are both URL prefixes; the others become problems. */
function parseMirrors(map: Readonly<Record<string, string>>, source: YamlSource, problems: RocktsError[]): Mirror[] {
  const mirrors: Mirror[] = [];
  for (const [upstream, mirror] of Object.entries(map)) {
    const entry = {
      upstream: { value: upstream, location: source.locateKey(['mirrors', upstream]) },
      mirror: { value: mirror, location: source.locate(['mirrors', upstream]) },
    };
    let valid = true;
    for (const [what, located] of [['upstream', entry.upstream], ['mirror', entry.mirror]] as const) {
      const expected = describeBadMirrorUrl(located.value);
      if (expected === undefined) continue;
      valid = false;
      problems.push(new RocktsError('CONFIG_INVALID', `mirrors: expected the ${what} to be ${expected}, found ${describeValue(located.value)}`, { location: located.location }));
    }
    if (valid) mirrors.push(entry);
  }
  return mirrors;
}

/**
 * A copy of `data` without the values at `paths` (list items are removed, later
 * indices first, so earlier paths stay valid).
 */
function withoutPaths(data: unknown, paths: readonly (readonly PropertyKey[])[]): unknown {
  const copy = structuredClone(data);
  const sorted = [...paths].sort((a, b) => b.length - a.length || compareLast(b, a));
  for (const path of sorted) {
    if (path.length === 0) return {};
    let parent: unknown = copy;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[segment];
    const last = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (parent !== null && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[last];
  }
  return copy;
}

function compareLast(a: readonly PropertyKey[], b: readonly PropertyKey[]): number {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

/** A folder path, `PACKAGE/NAME` (an extension of one npm package) or a bare extension name. */
function refFor(text: string, context: ParseConfigContext, location: SourceLocation, problems: RocktsError[]): ExtensionRef | undefined {
  if (isPathEntry(text)) {
    const expanded = text.startsWith('~/') ? path.join(context.home, text.slice(2)) : text;
    return { kind: 'path', path: path.resolve(context.baseDir, expanded), written: text };
  }
  if (!text.includes('/')) return { kind: 'name', name: text };
  const slash = text.lastIndexOf('/');
  const [pkg, name] = [text.slice(0, slash), text.slice(slash + 1)];
  if (!PACKAGE_NAME.test(pkg) || !EXTENSION_NAME.test(name)) {
    problems.push(
      new RocktsError('CONFIG_INVALID', `expected PACKAGE/EXTENSION such as rockts-extension-foo/foo, or a folder path starting with ./, found ${describeValue(text)}`, {
        location,
      }),
    );
    return undefined;
  }
  return { kind: 'qualified', package: pkg, name, written: text };
}

function parseEntry(
  item: string | { package: string } | Record<string, Record<string, unknown> | null>,
  at: readonly (string | number)[],
  source: YamlSource,
  context: ParseConfigContext,
  problems: RocktsError[],
): ConfigExtensionEntry | undefined {
  const location = source.locate(at);
  if (typeof item === 'string') {
    const ref = refFor(item, context, location, problems);
    return ref && { ref, options: [], location };
  }
  if (typeof item.package === 'string') {
    const valueLocation = source.locate([...at, 'package']);
    if (!PACKAGE_NAME.test(item.package)) {
      problems.push(
        new RocktsError('CONFIG_INVALID', `expected an npm package name such as rockts-extension-foo, found ${describeValue(item.package)}`, {
          location: valueLocation,
        }),
      );
      return undefined;
    }
    return { ref: { kind: 'package', package: item.package, written: `package: ${item.package}` }, options: [], location: valueLocation };
  }
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    problems.push(
      new RocktsError(
        'CONFIG_INVALID',
        `${at.join('.').replace(/\.(\d+)/g, '[$1]')}: expected one extension per list item (\`- name: {options}\`), found ${keys.length} keys: ${keys.join(', ')}`,
        { location },
      ),
    );
    return undefined;
  }
  const name = keys[0]!;
  const options: ConfigOption[] = Object.entries((item as Record<string, Record<string, unknown> | null>)[name] ?? {}).map(([key, value]) => ({
    key: { value: key, location: source.locateKey([...at, name, key]) },
    value: { value, location: source.locate([...at, name, key]) },
  }));
  const keyLocation = source.locateKey([...at, name]);
  const ref = refFor(name, context, keyLocation, problems);
  return ref && { ref, options, location: keyLocation };
}

/**
 * Takes rockerc's other top-level keys out of the document: `k: v` is rocker's `--k v`.
 * A key that is neither rockts's nor a known flag is an extension switched on (`fzf: true`)
 * when its value is true or empty, and an unknown key otherwise.
 */
function splitRockerKeys(source: YamlSource, problems: RocktsError[]): { data: unknown; keyItems: RockerItem[]; renamed: Map<string, string> } {
  const renamed = new Map<string, string>();
  if (source.data === null || typeof source.data !== 'object' || Array.isArray(source.data)) return { data: source.data, keyItems: [], renamed };
  const data: Record<string, unknown> = {};
  const keyItems: RockerItem[] = [];
  for (const [key, value] of Object.entries(source.data)) {
    if (NATIVE_KEYS.includes(key)) {
      data[key] = value;
      continue;
    }
    const name = normalizeName(key);
    const canonical = canonicalKey(key);
    if (canonical !== undefined && !(canonical in (source.data as object))) {
      data[canonical] = value;
      renamed.set(canonical, key);
      continue;
    }
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    const list = Array.isArray(value) && value.every((v) => ['string', 'number'].includes(typeof v));
    const location = source.locateKey([key]);
    if (rockerName(name) !== undefined ? scalar || list : value === true || value === null) {
      keyItems.push({ name, written: `${key}: ${writtenValue(value)}`, value, location });
      continue;
    }
    const known = [...NATIVE_KEYS, ...ROCKER_NAMES.keys()];
    problems.push(
      new RocktsError('CONFIG_INVALID', `unknown key '${key}' at the top level; expected one of: ${NATIVE_KEYS.join(', ')}, or a rocker flag (README: Coming from rocker)`, {
        location,
        suggestions: suggestNames(key, known),
      }),
    );
  }
  return { data, keyItems, renamed };
}

/** `_` and `-` are the same in rockerc's own list keys too: `extension_blacklist`, `disable-args`. */
export function canonicalKey(key: string): 'disable_args' | 'extension-blacklist' | undefined {
  const name = normalizeName(key);
  return name === 'disable-args' ? 'disable_args' : name === 'extension-blacklist' ? 'extension-blacklist' : undefined;
}

function writtenValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return value === null ? '' : String(value);
}

/** The `run:` block, located; volume host paths resolved against the file's folder. */
function parseRunBlock(run: Readonly<Record<string, unknown>>, source: YamlSource, context: ParseConfigContext): RunConfig {
  const located = <T>(value: T, p: readonly (string | number)[]): Located<T> => ({ value, location: source.locate(['run', ...p]) });
  const settings: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(RUN_SETTINGS)) {
    const value = run[name];
    if (name === 'env') {
      const env = Object.entries((value as Record<string, unknown> | undefined) ?? {});
      settings[name] = env.map(([key, v]) => located(v === null ? key : `${key}=${String(v)}`, [name, key]));
    } else if (spec.kind === 'list') {
      const list = ((value as string[] | undefined) ?? []).map((v, i) => located(v, [name, i]));
      settings[name] = name === 'volumes' ? list.map((v) => ({ ...v, value: resolveVolume(v.value, context) })) : list;
    } else {
      settings[name] = value === undefined ? undefined : located(value, [name]);
    }
  }
  return settings as unknown as RunConfig;
}

/**
 * A volume as docker takes it: a host path made absolute (against the config file's
 * folder; `~` is the home), a host path alone mounted at the same path (rocker's rule),
 * a named volume as is.
 */
export function resolveVolume(value: string, context: ParseConfigContext): string {
  const [host = '', ...rest] = value.split(':');
  if (!host.startsWith('/') && !host.startsWith('.') && !host.startsWith('~')) return value;
  const expanded = host === '~' ? context.home : host.startsWith('~/') ? path.join(context.home, host.slice(2)) : host;
  const absolute = path.resolve(context.baseDir, expanded);
  return [absolute, ...(rest.length === 0 ? [absolute] : rest)].join(':');
}

/**
 * An `extensions:` entry under another project's name becomes the rockts extension it
 * stands for (`nvidia` → gpu, `ros_jazzy` → ros {distro: jazzy}), read as an `args:`
 * item would be; one that only another project offers says so when nothing provides it.
 */
function aliasEntry(entry: ConfigExtensionEntry, readings: Reading[]): ConfigExtensionEntry | undefined {
  if (entry.ref.kind !== 'name') return entry;
  const written = entry.ref.name;
  const { translations } = translateItems([{ name: normalizeName(written), written, value: undefined, location: entry.location }]);
  const t = translations[0];
  if (t?.kind === 'noop') {
    readings.push({ written, readAs: describeTranslation(t), location: entry.location });
    return undefined;
  }
  if (translations.length !== 1 || t?.kind !== 'extension') {
    const unavailable = `'${written}' is a rocker flag, not an extension: list it under \`args:\` as rockerc does, or write its rockts form (\`rockts migrate\` shows it)`;
    return { ...entry, ref: { kind: 'name', name: normalizeName(written) }, unavailable };
  }
  if (t.name !== written) readings.push({ written, readAs: describeTranslation(t), location: entry.location });
  const own = new Set(entry.options.map((o) => o.key.value));
  const fixed = t.options.filter(([key]) => !own.has(key)).map(([key, value]) => ({ key: { value: key, location: entry.location }, value: { value, location: entry.location } }));
  return { ...entry, ref: { kind: 'name', name: t.name }, options: [...fixed, ...entry.options], ...(t.unavailable === undefined ? {} : { unavailable: t.unavailable }) };
}
