/**
 * The `deps` built-in, specialised for one project: finds the project's deps files
 * (deps_rocker's `--deps` filter, default `*.deps.yaml`, searched below the project
 * folder), reads them with the scripts, wheels and pyproject.toml files they call for,
 * and returns the extension as the core composes any other: its manifest carries the
 * apt packages and env, its templates the layers' Dockerfile text, and the build
 * context carries the files. All file access for deps files happens here.
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { RocktsError } from '../../core/errors.js';
import { CONTROL_CHARACTER, describeValue } from '../../core/grammar.js';
import type { Located, LoadedExtension, OptionSpec, SourceLocation, TemplateSource } from '../../core/types.js';
import { composeDeps, DEPS_EXTENSION, referencedFiles, type ContextFile, type DepsLayer } from './compose-deps.js';
import { parseDepsFile, type DepsFile } from './parse-deps-file.js';
import { readRegularFile } from '../extension-files.js';
import { YAML_LIMITS } from '../../yaml-source.js';

export { DEPS_EXTENSION } from './compose-deps.js';

/** Folders never searched: version control and installed packages. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

export interface LoadedDeps {
  readonly extension: LoadedExtension;
  readonly contextFiles: readonly ContextFile[];
  /** What each layer contributed, for `rockts plan`. */
  readonly summary: { readonly filter: string; readonly files: readonly string[]; readonly layers: readonly DepsLayer[] };
}

/**
 * `deps` (the built-in `base`) filled in from the deps files below `projectDir` that
 * match `filter` (the config's option value; undefined for the default). A filter the
 * option's pattern refuses is left to option checking, which reports it where written.
 */
export async function loadDeps(base: LoadedExtension, projectDir: string, filter: Located<unknown> | undefined): Promise<LoadedDeps | undefined> {
  const spec = base.manifest.options.find((o) => o.name === 'filter')?.spec as Extract<OptionSpec, { type: 'string' }>;
  const glob = filter === undefined ? spec.default : filter.value;
  if (typeof glob !== 'string' || !new RegExp(spec.pattern ?? '').test(glob)) return undefined;
  const found = await listFiles(projectDir);
  const matcher = globMatcher(glob);
  const problems: RocktsError[] = [];
  const files: DepsFile[] = await parseProjectFiles(projectDir, found.filter(matcher), 'deps file', parseDepsFile, problems);
  const root = await realpath(projectDir);
  const contents = new Map<string, Buffer>();
  for (const ref of referencedFiles(files)) {
    try {
      contents.set(ref.path, await readConfined(ref.path, root, projectDir, ref.location));
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
    }
  }
  const wantsPyproject = files.some((f) => f.entries.some((e) => e.command === 'pyproject'));
  const pyproject = wantsPyproject ? await readPyprojects(projectDir, root, found.filter((f) => path.basename(f) === 'pyproject.toml'), problems) : [];
  let contribution: ReturnType<typeof composeDeps>;
  try {
    contribution = composeDeps({ projectDir, files, contents, pyproject });
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    throw RocktsError.combine([...problems, error]);
  }
  if (problems.length > 0) throw RocktsError.combine(problems);
  const templateFile = path.join(projectDir, glob);
  const templates: TemplateSource[] = [];
  if (contribution.setup !== '') templates.push({ kind: 'setup', file: templateFile, text: contribution.setup + '\n' });
  if (contribution.user !== '') templates.push({ kind: 'user', file: templateFile, text: contribution.user + '\n' });
  const { final } = base.manifest;
  const extension: LoadedExtension = {
    ...base,
    manifest: { ...base.manifest, final: { ...final, apt: [...final.apt, ...contribution.apt], env: [...final.env, ...contribution.env], path: [...final.path, ...contribution.path] } },
    templates: [...base.templates, ...templates],
  };
  return {
    extension,
    contextFiles: contribution.contextFiles,
    summary: { filter: glob, files: files.map((f) => path.relative(projectDir, f.file)), layers: contribution.layers },
  };
}

/**
 * Reads and parses each file (paths relative to `projectDir`), adding every problem to
 * `problems`: a name that could reach Dockerfile text (it appears in comments), a file
 * that cannot be read, and the parser's own problems. The files that parsed are returned.
 */
export async function parseProjectFiles<T extends { readonly problems: readonly RocktsError[] }>(
  projectDir: string,
  relatives: readonly string[],
  label: string,
  parse: (text: string, file: string) => T,
  problems: RocktsError[],
): Promise<T[]> {
  const parsed: T[] = [];
  const root = await realpath(projectDir);
  for (const relative of relatives) {
    const file = path.join(projectDir, relative);
    if (CONTROL_CHARACTER.test(relative) || relative.includes('{{')) {
      problems.push(new RocktsError('CONFIG_INVALID', `${label}: expected a file name without control characters or '{{', found ${describeValue(relative)}`, { location: { file, line: 1, column: 1 } }));
      continue;
    }
    try {
      const one = parse(await readText(file, root, label), file);
      parsed.push(one);
      problems.push(...one.problems);
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
    }
  }
  return parsed;
}

/** Every file below `dir` (relative, `/`-separated, code-point order), not following links into folders. */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) files.push(...(await listFiles(dir, relative)));
    else if (entry.isFile() || entry.isSymbolicLink()) files.push(relative);
  }
  return files;
}

/**
 * Python's `Path.rglob(pattern)`, as deps_rocker searches: the pattern matches the end
 * of a path below the folder (`*` and `?` within one name, `[abc]` a character class,
 * `**` any number of folders).
 */
export function globMatcher(glob: string): (relative: string) => boolean {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:[^/]+/)*';
      i += 2;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const pattern = new RegExp(`(?:^|/)${source}$`);
  return (relative) => pattern.test(relative);
}

/** A file a deps file names, which must exist inside the project folder (links resolved). */
async function readConfined(file: string, root: string, projectDir: string, location: SourceLocation): Promise<Buffer> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new RocktsError('CONFIG_INVALID', `deps file: expected an existing file, found no ${path.relative(projectDir, file)} in the project folder`, { location });
  }
  if (!real.startsWith(root + path.sep)) {
    throw new RocktsError('CONFIG_INVALID', `deps file: expected a file inside the project folder, found ${path.relative(root, real)}, which is outside it`, { location });
  }
  try {
    return await readRegularFile(real);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    throw new RocktsError(error.code, `deps file: ${error.message}`, { location, cause: error.cause });
  }
}

/**
 * What deps_rocker's `pyproject` layer installs: `[project] dependencies` and the `test`
 * and `dev` optional dependencies of every pyproject.toml below the project folder.
 */
async function readPyprojects(projectDir: string, root: string, relatives: readonly string[], problems: RocktsError[]): Promise<Located<string>[]> {
  const requirements: Located<string>[] = [];
  for (const relative of relatives) {
    const file = path.join(projectDir, relative);
    let text: string;
    let data: Record<string, unknown>;
    try {
      text = await readText(file, root);
      data = parseToml(text) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof RocktsError) {
        problems.push(error);
        continue;
      }
      const e = error as Error & { line?: number; column?: number };
      problems.push(new RocktsError('CONFIG_INVALID', `invalid TOML: ${e.message.split('\n')[0]}`, { location: { file, line: e.line ?? 1, column: e.column ?? 1 } }));
      continue;
    }
    const project = (data.project ?? {}) as Record<string, unknown>;
    const optional = (project['optional-dependencies'] ?? {}) as Record<string, unknown>;
    for (const list of [project.dependencies, optional.test, optional.dev]) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        problems.push(new RocktsError('CONFIG_INVALID', `[project] dependencies: expected a list of requirements, found ${describeValue(list)}`, { location: { file, line: 1, column: 1 } }));
        continue;
      }
      for (const item of list) requirements.push({ value: String(item), location: locateText(text, String(item), file) });
    }
  }
  return requirements;
}

/**
 * A deps file's or pyproject.toml's text. The search lists symlinks too, so the file must
 * lead to a regular file inside the project folder (never a FIFO or a device, which
 * would hang the read) of at most 1 MiB; anything else is a located problem.
 */
async function readText(file: string, root: string, label = 'deps file'): Promise<string> {
  const location = { file, line: 1, column: 1 };
  let text: Buffer;
  try {
    const real = await realpath(file);
    if (!real.startsWith(root + path.sep)) {
      throw new RocktsError('CONFIG_INVALID', `${label}: expected a file inside the project folder, found a symlink to ${real}, which is outside it`, { location });
    }
    text = await readRegularFile(real, YAML_LIMITS.bytes);
  } catch (error) {
    if (error instanceof RocktsError) throw error.location ? error : new RocktsError(error.code, error.message, { location, cause: error.cause });
    throw new RocktsError('IO_FAILED', `cannot read ${path.basename(file)}: ${(error as Error).message}`, { location, cause: error });
  }
  if (text.length > YAML_LIMITS.bytes) {
    throw new RocktsError('CONFIG_INVALID', `expected a file of at most 1 MiB (${YAML_LIMITS.bytes} bytes), found a larger one`, { location });
  }
  return text.toString('utf8');
}

/** Where `needle` first appears in `text` (TOML values carry no positions). */
function locateText(text: string, needle: string, file: string): SourceLocation {
  const index = Math.max(0, text.indexOf(needle));
  const before = text.slice(0, index).split('\n');
  return { file, line: before.length, column: before[before.length - 1]!.length + 1 };
}
