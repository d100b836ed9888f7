/**
 * Extension packages: npm packages whose package.json has a `rockts` field,
 *
 *     "rockts": { "api": "^0.1", "extensions": ["./cargo-nightly"] }
 *
 * found in the node_modules folders from the project up to the file-system root, then in
 * the global npm root. Only files are read: no package code runs, so ESM-only packages,
 * `exports` maps and install scripts make no difference. The nearest copy of a package
 * wins, as in Node's own resolution.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { RocktsError } from '../core/errors.js';
import { describeValue } from '../core/grammar.js';
import { EXTENSION_API_VERSION, type LoadedExtension } from '../core/types.js';
import { parseYaml, YAML_LIMITS, zodIssuesToErrors, type YamlSource } from '../io/yaml-source.js';
import { readOptionalText } from './extension-files.js';
import { loadExtension } from './load-extension.js';

/** The npm keyword that marks an extension package (for `npm search`). */
export const PACKAGE_KEYWORD = 'rockts-extension';

/** An installed extension package: its extensions, or why it cannot be used. */
export interface ExtensionPackage {
  readonly name: string;
  readonly version: string;
  readonly root: string;
  readonly extensions: readonly LoadedExtension[];
  /** Why the package cannot be used; its extensions are then empty. */
  readonly problem: RocktsError | undefined;
  /** Extension names it is meant to provide (folder names), for telling a user why one is missing. */
  readonly intended: readonly string[];
}

const rocktsField = z.strictObject({
  api: z.string({ message: 'a semver range of the rockts extension API such as "^0.1"' }),
  extensions: z.array(z.string().min(1), { message: 'a list of extension folders such as ["./my-extension"]' }).min(1, {
    message: 'at least one extension folder',
  }),
});

const packageSchema = z.looseObject({
  name: z.string({ message: 'a package name' }),
  version: z.string({ message: 'a version such as 1.0.0' }),
  keywords: z.array(z.unknown()).optional(),
  rockts: rocktsField,
});

/**
 * The node_modules folders searched, nearest first: each one from `startDir` up to the
 * root, then the global root (when given and not already in the list).
 */
export function searchFolders(startDir: string, globalRoot: string | undefined): string[] {
  const folders: string[] = [];
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    folders.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) break;
  }
  if (globalRoot !== undefined && !folders.includes(path.resolve(globalRoot))) folders.push(path.resolve(globalRoot));
  return folders;
}

/** The extensions of every usable package, in package-name order. */
export function packageExtensions(packages: ReadonlyMap<string, ExtensionPackage>): LoadedExtension[] {
  return [...packages.values()].flatMap((p) => p.extensions);
}

/**
 * The global npm root, where `npm install -g` puts packages: from npm's prefix
 * ($npm_config_prefix, else `prefix=` in ~/.npmrc, else the folder above node's bin/).
 */
export function npmGlobalRoot(env: Readonly<Record<string, string | undefined>>, home: string, execPath: string): string {
  let prefix = env.npm_config_prefix || env.NPM_CONFIG_PREFIX;
  if (!prefix) {
    let npmrc = '';
    try {
      npmrc = readFileSync(path.join(home, '.npmrc'), 'utf8');
    } catch {
      // no user npmrc
    }
    prefix = /^\s*prefix\s*=\s*(.+?)\s*$/m.exec(npmrc)?.[1]?.replace(/^~(?=\/)/, home);
  }
  prefix ??= path.resolve(path.dirname(execPath), '..');
  return process.platform === 'win32' ? path.join(prefix, 'node_modules') : path.join(prefix, 'lib', 'node_modules');
}

/**
 * Every extension package in `folders` (nearest copy of each name): those with a
 * `rockts` field, and broken ones that carry the keyword without it.
 */
export async function discoverPackages(folders: readonly string[]): Promise<Map<string, ExtensionPackage>> {
  const found = new Map<string, ExtensionPackage>();
  for (const folder of folders) {
    for (const name of await packageNames(folder)) {
      if (found.has(name)) continue;
      const root = path.join(folder, name);
      // Every candidate below mentions rockts (its field, its keyword, or broken JSON meant
      // as one), so the others are skipped on a plain read, unparsed.
      if (!mayMentionRockts(path.join(root, 'package.json'))) continue;
      const manifest = await readPackageJson(root, { onlyMentioningRockts: true });
      if (manifest === undefined) continue;
      // A package.json that is not JSON counts when it mentions rockts: it was meant to be
      // one; one that cannot be read counts too, as rockts cannot tell.
      const candidate = manifest instanceof RocktsError ? manifest.code === 'IO_FAILED' || /rockts/.test(manifest.text) : isExtensionPackage(manifest.data);
      if (candidate) found.set(name, await loadPackage(name, root, manifest));
    }
  }
  return found;
}

/**
 * The package a config names explicitly (`package: NAME` or `NAME/extension`): the
 * nearest copy, whether or not it looks like an extension package; undefined when absent.
 */
export async function findPackage(name: string, folders: readonly string[]): Promise<ExtensionPackage | undefined> {
  for (const folder of folders) {
    const root = path.join(folder, name);
    const manifest = await readPackageJson(root);
    if (manifest !== undefined) return loadPackage(name, root, manifest);
  }
  return undefined;
}

/**
 * The extension package whose folder is `root`, checked as discovery checks it (for
 * `rockts extension test`); undefined when there is no package.json with a `rockts` field.
 */
export async function loadPackageAt(root: string): Promise<ExtensionPackage | undefined> {
  const manifest = await readPackageJson(root);
  if (manifest === undefined) return undefined;
  if (manifest instanceof RocktsError) return loadPackage(path.basename(root), root, manifest);
  const data = manifest.data;
  if (data === null || typeof data !== 'object' || !('rockts' in data)) return undefined;
  const name = (data as { name?: unknown }).name;
  return loadPackage(typeof name === 'string' ? name : path.basename(root), root, manifest);
}

async function loadPackage(name: string, root: string, source: YamlSource | RocktsError): Promise<ExtensionPackage> {
  const broken = (problem: RocktsError, version = '', intended: string[] = []): ExtensionPackage => ({
    name,
    version,
    root,
    extensions: [],
    problem,
    intended,
  });
  if (source instanceof RocktsError) return broken(source);
  if (source.data === null || typeof source.data !== 'object' || !('rockts' in source.data)) {
    const message = `package ${name} is not a rockts extension package: expected a \`rockts\` field in its package.json such as "rockts": { "api": "^0.1", "extensions": ["./my-extension"] }`;
    return broken(new RocktsError('PACKAGE_INVALID', message, { location: source.locate([]) }));
  }
  const parsed = packageSchema.safeParse(source.data);
  if (!parsed.success) {
    const problems = zodIssuesToErrors(parsed.error.issues, source, 'PACKAGE_INVALID', packageSchema);
    return broken(RocktsError.combine(problems.map((p) => prefixed(p, name))));
  }
  const { version, rockts } = parsed.data;
  const intended = rockts.extensions.map((folder) => path.basename(path.resolve(root, folder)));
  const located = (key: (string | number)[], message: string) =>
    new RocktsError('PACKAGE_INVALID', `package ${name}: ${message}`, { location: source.locate(['rockts', ...key]) });
  if (semver.validRange(rockts.api) === null) {
    return broken(located(['api'], `rockts.api: expected a semver range such as "^0.1", found ${describeValue(rockts.api)}`), version, intended);
  }
  if (!semver.satisfies(EXTENSION_API_VERSION, rockts.api)) {
    const message = `supports rockts extension API ${rockts.api}, but this rockts provides API ${EXTENSION_API_VERSION}; install a version of ${name} made for API ${EXTENSION_API_VERSION}, or a rockts that provides ${rockts.api}`;
    return broken(located(['api'], message), version, intended);
  }
  const extensions: LoadedExtension[] = [];
  const problems: RocktsError[] = [];
  for (const [index, folder] of rockts.extensions.entries()) {
    const dir = path.resolve(root, folder);
    // Where the folder really is: a symlink may lead out of the package.
    const real = await realpath(dir).catch(() => dir);
    const inside = path.relative(await realpath(root).catch(() => root), real);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      const through = real === dir ? '' : ` (a symlink to ${real})`;
      problems.push(located(['extensions', index], `rockts.extensions[${index}]: expected a folder inside the package, found ${describeValue(folder)}${through}`));
      continue;
    }
    try {
      extensions.push(await loadExtension(dir, { kind: 'package', package: name, version, root }));
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      const unplaced = error.location === undefined && error.problems.length === 0;
      problems.push(unplaced ? located(['extensions', index], `rockts.extensions[${index}]: ${error.message}`) : error);
    }
  }
  if (problems.length > 0) return broken(RocktsError.combine(problems), version, intended);
  return { name, version, root, extensions, problem: undefined, intended };
}

function prefixed(problem: RocktsError, name: string): RocktsError {
  return new RocktsError(problem.code, `package ${name}: ${problem.message}`, { location: problem.location, suggestions: problem.suggestions });
}

function isExtensionPackage(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  const record = data as Record<string, unknown>;
  return record.rockts !== undefined || (Array.isArray(record.keywords) && record.keywords.includes(PACKAGE_KEYWORD));
}

/** Package folder names in a node_modules folder, scoped ones as `@scope/name`. */
async function packageNames(folder: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await listFolders(folder)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) names.push(...(await listFolders(path.join(folder, entry))).map((n) => `${entry}/${n}`));
    else names.push(entry);
  }
  return names.sort();
}

async function listFolders(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * package.json with positions (JSON is YAML); a file that is not valid JSON is a
 * located problem. Undefined when there is no package.json, or, with
 * `onlyMentioningRockts`, when a readable one does not mention rockts (it is not parsed).
 */
/**
 * False when `file` is a regular file of at most YAML_LIMITS.bytes that does not hold the
 * word rockts; true when it does, or when this quick synchronous look cannot tell (no
 * file, not a regular file, unreadable, too large), which the checked reader then
 * reports (opened without blocking and checked first, as that reader does, so a FIFO or a
 * device is never read). A large node_modules holds hundreds of package.json files,
 * nearly all skipped here; through the checked reader's promises they cost a third of
 * the run.
 */
function mayMentionRockts(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = fstatSync(fd);
    const size = stats.size;
    if (!stats.isFile() || size > YAML_LIMITS.bytes) return true;
    const buffer = Buffer.alloc(size + 1);
    const read = readSync(fd, buffer, 0, size + 1, 0);
    return read > size || buffer.subarray(0, read).includes('rockts');
  } catch {
    return true;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function readPackageJson(root: string, { onlyMentioningRockts = false } = {}): Promise<YamlSource | (RocktsError & { text: string }) | undefined> {
  const file = path.join(root, 'package.json');
  let text: string | undefined;
  try {
    text = await readOptionalText(file, YAML_LIMITS.bytes);
  } catch (error) {
    if (error instanceof RocktsError) return Object.assign(error, { text: '' });
    throw error;
  }
  if (text === undefined || (onlyMentioningRockts && !text.includes('rockts'))) return undefined;
  if (Buffer.byteLength(text) > YAML_LIMITS.bytes) {
    const problem = new RocktsError('PACKAGE_INVALID', `expected a package.json of at most 1 MiB (${YAML_LIMITS.bytes} bytes), found a larger one`, { location: { file, line: 1, column: 1 } });
    return Object.assign(problem, { text: '' });
  }
  // npm ignores a UTF-8 byte order mark, and so does rockts.
  text = text.replace(/^\uFEFF/, '');
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
    const before = text.slice(0, offset).split('\n');
    const location = { file, line: before.length, column: before[before.length - 1]!.length + 1 };
    const problem = new RocktsError('PACKAGE_INVALID', `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, { location });
    return Object.assign(problem, { text });
  }
  try {
    return parseYaml(text, file, 'PACKAGE_INVALID', { maxValueLength: Infinity });
  } catch {
    // Valid JSON that YAML rejects (e.g. tab indentation): the data without positions.
    const data: unknown = JSON.parse(text);
    return { file, data, locate: () => ({ file, line: 1, column: 1 }), locateKey: () => ({ file, line: 1, column: 1 }) };
  }
}
