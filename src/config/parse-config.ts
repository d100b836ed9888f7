/**
 * Turns the text of a rockerc.yaml into a ConfigLayer: validated, every value with its
 * location. No file system: the caller reads the files (load-config.ts).
 */
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { describeValue, EXTENSION_NAME, PACKAGE_NAME } from '../core/grammar.js';
import type { ConfigExtensionEntry, ConfigOption, ExtensionRef, Located, SourceLocation } from '../core/types.js';
import { parseYaml, zodIssuesToErrors, type YamlSource } from '../yaml-source.js';
import { configSchema } from './config-schema.js';

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
  readonly blacklist: readonly Located<string>[];
  readonly builderBaseImage: Located<string> | undefined;
  readonly builderApt: readonly Located<string>[] | undefined;
  readonly builderImages: readonly { readonly extension: Located<string>; readonly image: Located<string> }[];
  /** `extensions: auto`: the loader fills in what the project's files call for. */
  readonly autoExtensions: SourceLocation | undefined;
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
  const source = parseYaml(text, file, 'CONFIG_INVALID');
  if (source.data === null || source.data === undefined) {
    throw new RocktsError('CONFIG_INVALID', 'expected a mapping with at least `image:`, found an empty file', {
      location: { file, line: 1, column: 1 },
    });
  }
  const problems: RocktsError[] = [];
  let parsed = configSchema.safeParse(source.data);
  let imageInvalid = false;
  if (!parsed.success) {
    problems.push(...zodIssuesToErrors(parsed.error.issues, source, 'CONFIG_INVALID', configSchema));
    const bad = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path],
    );
    imageInvalid = bad.some((p) => p[0] === 'image');
    // Check the rest without the invalid parts; if that still fails, report what we have.
    parsed = configSchema.safeParse(withoutPaths(source.data, bad));
    if (!parsed.success) throw RocktsError.combine(problems);
  }
  const doc = parsed.data;
  const at = <T>(value: T, p: readonly (string | number)[]): Located<T> => ({ value, location: source.locate(p) });

  const entries: ConfigExtensionEntry[] = [];
  const listed = doc.extensions === 'auto' ? [] : (doc.extensions ?? []);
  listed.forEach((item, index) => {
    const entry = parseEntry(item, ['extensions', index], source, context, problems);
    if (entry) entries.push(entry);
  });
  // rockerc's `args:` lists extension names; they join `extensions:`.
  (doc.args ?? []).forEach((name, index) => {
    const location = source.locate(['args', index]);
    const ref = refFor(name, context, location, problems);
    if (ref) entries.push({ ref, options: [], location });
  });

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
    blacklist: (doc['extension-blacklist'] ?? []).map((name, i) => at(name, ['extension-blacklist', i])),
    builderBaseImage: doc.builder?.baseImage === undefined ? undefined : at(doc.builder.baseImage, ['builder', 'baseImage']),
    builderApt: doc.builder?.apt?.map((pkg, i) => at(pkg, ['builder', 'apt', i])),
    autoExtensions: doc.extensions === 'auto' ? source.locate(['extensions']) : undefined,
    builderImages: Object.entries(doc.builder?.images ?? {}).map(([name, image]) => ({
      extension: { value: name, location: source.locateKey(['builder', 'images', name]) },
      image: at(image, ['builder', 'images', name]),
    })),
  };
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
