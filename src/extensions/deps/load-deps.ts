/**
 * The `deps` built-in, specialised for one project: finds the project's deps files
 * (deps_rocker's `--deps` filter, default `*.deps.yaml`, searched below the project
 * folder), reads them with the scripts, wheels and pyproject.toml files they call for,
 * and returns the extension as the core composes any other: its manifest carries the
 * apt packages and env, its templates the layers' Dockerfile text, and the build
 * context carries the files. All file access for deps files happens here.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { RocktsError } from '../../core/errors.js';
import { describeValue } from '../../core/grammar.js';
import type { Located, LoadedExtension, OptionSpec, SourceLocation, TemplateSource } from '../../core/types.js';
import { composeDeps, DEPS_EXTENSION, referencedFiles, type ContextFile, type DepsLayer } from './compose-deps.js';
import { parseDepsFile, type DepsFile } from './parse-deps-file.js';
import { readRegularFile } from '../extension-files.js';
import { globMatcher, parseProjectFiles, readText } from '../project-files.js';

export { DEPS_EXTENSION } from './compose-deps.js';

export interface LoadedDeps {
  readonly extension: LoadedExtension;
  readonly contextFiles: readonly ContextFile[];
  /** What each layer contributed, for `rockts plan`. */
  readonly summary: { readonly filter: string; readonly files: readonly string[]; readonly layers: readonly DepsLayer[] };
}

/**
 * `deps` (the built-in `base`) filled in from the deps files below `projectDir` that
 * match `filter` (the config's option value; undefined for the default). `found` is
 * every file below it (listFiles). A filter the option's pattern refuses is left to
 * option checking, which reports it where written.
 */
export async function loadDeps(base: LoadedExtension, projectDir: string, found: readonly string[], filter: Located<unknown> | undefined): Promise<LoadedDeps | undefined> {
  const spec = base.manifest.options.find((o) => o.name === 'filter')?.spec as Extract<OptionSpec, { type: 'string' }>;
  const glob = filter === undefined ? spec.default : filter.value;
  if (typeof glob !== 'string' || !new RegExp(spec.pattern ?? '').test(glob)) return undefined;
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
      text = await readText(file, root, 'pyproject.toml');
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

/** Where `needle` first appears in `text` (TOML values carry no positions). */
function locateText(text: string, needle: string, file: string): SourceLocation {
  const index = Math.max(0, text.indexOf(needle));
  const before = text.slice(0, index).split('\n');
  return { file, line: before.length, column: before[before.length - 1]!.length + 1 };
}
