/**
 * The built-in catalogue, read once at build time: `npm run build` writes
 * dist/builtin-extensions.json, every built-in extension as discoverExtensions loads it
 * (manifest parsed and checked, template texts), with a hash of each file it was read
 * from. A run then reads one JSON file and hashes the small files instead of parsing
 * every extension.yaml. When the folder no longer matches (a file changed, appeared or
 * went, in files/ too: the index records its digest), the index is ignored and the
 * folders are read as before. Content, not times: npm sets every file's time when it
 * packs the package.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedExtension } from '../core/types.js';
import { BUILTIN_EXTENSIONS_DIR, discoverExtensions } from './load-extension.js';

/** Where the build writes the index of BUILTIN_EXTENSIONS_DIR. */
export const BUILTIN_INDEX_FILE = fileURLToPath(new URL('../builtin-extensions.json', import.meta.url));

/**
 * Stands for the extensions folder in the index, so the package can move. It begins with
 * a NUL, which no text of a built-in extension begins with (the index test compares the
 * index with the folders, so one that did would fail the build's tests).
 */
const HERE = '\u0000extensions';

interface Index {
  /** Every file and folder directly in an extension folder and below its files/ (see folderState). */
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly extensions: readonly LoadedExtension[];
}

/** The built-in extensions in `dir`: from the index when it matches the folder, else read from it. */
export async function loadBuiltins(dir: string = BUILTIN_EXTENSIONS_DIR, indexFile: string = BUILTIN_INDEX_FILE): Promise<LoadedExtension[]> {
  return (await readBuiltinIndex(dir, indexFile)) ?? discoverExtensions(dir, { kind: 'builtin' });
}

/** The extensions recorded in `indexFile` for `dir`; undefined when it is missing or the folder has changed since. */
export async function readBuiltinIndex(dir: string = BUILTIN_EXTENSIONS_DIR, indexFile: string = BUILTIN_INDEX_FILE): Promise<LoadedExtension[] | undefined> {
  let index: Index;
  let current: { path: string; sha256: string }[];
  try {
    current = folderState(dir);
    index = JSON.parse(await readFile(indexFile, 'utf8'), (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(HERE) ? path.join(dir, value.slice(HERE.length)) : value,
    ) as Index;
  } catch {
    return undefined;
  }
  const same = current.length === index.files.length && current.every((f, i) => f.path === index.files[i]!.path && f.sha256 === index.files[i]!.sha256);
  return same ? [...index.extensions] : undefined;
}

/** Writes the index of the extensions in `dir` (run by `npm run build`). */
export async function writeBuiltinIndex(dir: string = BUILTIN_EXTENSIONS_DIR, indexFile: string = BUILTIN_INDEX_FILE): Promise<void> {
  const files = folderState(dir);
  const extensions = await discoverExtensions(dir, { kind: 'builtin' });
  const prefix = path.join(dir, path.sep);
  const text = JSON.stringify({ files, extensions }, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(prefix) ? `${HERE}${value.slice(prefix.length - 1)}` : value,
  );
  await writeFile(indexFile, `${text}\n`);
}

/**
 * What loading reads in `dir`: each extension folder's entries, in a fixed order, files
 * with the sha256 of their content (and whether they are executable), folders by being
 * there; files/ is listed to the bottom, as its digest (LoadedExtension.filesDigest,
 * which the index carries) covers every file in it.
 */
function folderState(dir: string): { path: string; sha256: string }[] {
  const state: { path: string; sha256: string }[] = [];
  const add = (relative: string, deep: boolean) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, relative, entry.name);
      const stats = statSync(file);
      const isFile = stats.isFile();
      // The executable bit too: files/ keeps it in the image, and filesDigest covers it.
      const sha256 = isFile ? `${createHash('sha256').update(readFileSync(file)).digest('hex')}${stats.mode & 0o111 ? ' x' : ''}` : '';
      state.push({ path: `${relative}/${entry.name}${isFile ? '' : '/'}`, sha256 });
      if (!isFile && (deep || entry.name === 'files')) add(`${relative}/${entry.name}`, true);
    }
  };
  for (const folder of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) add(folder, false);
  return state;
}
