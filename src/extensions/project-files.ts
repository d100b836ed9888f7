/**
 * Finding and reading the project's own files that built-ins are specialised from (deps
 * files, .repos files, pyproject.toml): the search below the project folder, and a read
 * confined to it that never hangs on a FIFO or a device.
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { CONTROL_CHARACTER, describeValue } from '../core/grammar.js';
import { readRegularFile } from './extension-files.js';
import { YAML_LIMITS } from '../io/yaml-source.js';

/** Folders never searched: version control and installed packages. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

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

/**
 * A deps file's or pyproject.toml's text. The search lists symlinks too, so the file must
 * lead to a regular file inside the project folder (never a FIFO or a device, which
 * would hang the read) of at most 1 MiB; anything else is a located problem.
 */
export async function readText(file: string, root: string, label: string): Promise<string> {
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

