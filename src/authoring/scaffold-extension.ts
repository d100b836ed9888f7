/**
 * `rockts extension new NAME`: a complete single-extension npm package, written from the
 * template files in scaffold/ (each `<file>.tmpl` becomes `<file>`). The only
 * substitution is `@@KEY@@` placeholders with values rockts computes or has checked
 * (the name passes the extension-name grammar first), so nothing the user types is
 * ever interpreted as template syntax. The package appears whole or not at all: it is
 * written into a temporary folder beside the target, then renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocktsError } from '../core/errors.js';
import { EXTENSION_NAME } from '../core/grammar.js';
import { BUILDER_BASE_STAGE, isBaseStageSuffix } from '../core/stage-names.js';
import { MANIFEST_SCHEMA_FILE, SCHEMAS_DIR } from '../config/json-schemas.js';

export const SCAFFOLD_DIR = fileURLToPath(new URL('../../scaffold/', import.meta.url));
const TEMPLATE_SUFFIX = '.tmpl';

/** `rockts-extension-<name>`: the package name, and the default folder. */
export function packageNameFor(name: string): string {
  return `rockts-extension-${name}`;
}

/** Refuses a name the composer would not accept or could not build. */
export function checkExtensionName(name: string): void {
  if (!EXTENSION_NAME.test(name)) {
    throw new RocktsError('USAGE', `NAME: expected an extension name (lower-case letters, digits and dashes, starting with a letter or digit: ${EXTENSION_NAME.source}), found ${JSON.stringify(name)}`);
  }
  if (isBaseStageSuffix(name)) {
    throw new RocktsError('USAGE', `NAME: '${name}' would name its builder stage like a shared builder base stage (${BUILDER_BASE_STAGE}...); choose another name`);
  }
}

/**
 * Writes the package for extension `name` into `target` (which must not exist, or be
 * an empty folder) and returns the files written, relative to it, sorted.
 */
export async function scaffoldExtension(name: string, target: string): Promise<string[]> {
  checkExtensionName(name);
  const dir = path.resolve(target);
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'ENOTDIR') throw new RocktsError('FILE_EXISTS', `${dir} already exists and is not a folder; choose another --dir`);
    throw new RocktsError('IO_FAILED', `cannot read ${dir}: ${error.message}`, { cause: error });
  });
  if (existing !== undefined && existing.length > 0) {
    throw new RocktsError('FILE_EXISTS', `${dir} already exists and is not empty; rockts extension new never overwrites (remove it, or choose another --dir)`);
  }
  // Editors with yaml-language-server check extension.yaml against the schema of the
  // rockts that wrote it, by a path relative to the package (as `rockts init` does).
  const values: Record<string, string> = { NAME: name, SCHEMA: path.relative(dir, path.join(SCHEMAS_DIR, MANIFEST_SCHEMA_FILE)) };
  const files = (await readdir(SCAFFOLD_DIR, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith(TEMPLATE_SUFFIX))
    .map((e) => path.relative(SCAFFOLD_DIR, path.join(e.parentPath, e.name)))
    .sort();

  await mkdir(path.dirname(dir), { recursive: true });
  const temporary = path.join(path.dirname(dir), `.${path.basename(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    for (const file of files) {
      const text = fillPlaceholders(await readFile(path.join(SCAFFOLD_DIR, file), 'utf8'), values, file);
      const out = path.join(temporary, file.slice(0, -TEMPLATE_SUFFIX.length));
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, text, { mode: out.endsWith('.sh') ? 0o755 : 0o644 });
    }
    // rename(2) replaces an empty folder, and fails (ENOTEMPTY/EEXIST) if one appeared meanwhile.
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (error instanceof RocktsError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new RocktsError('FILE_EXISTS', `${dir} appeared while the package was being written; nothing was written`);
    throw new RocktsError('IO_FAILED', `cannot write ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return files.map((f) => f.slice(0, -TEMPLATE_SUFFIX.length));
}

/** Replaces `@@KEY@@` with values[KEY]; an unknown key is a bug in the scaffold. */
function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, file: string): string {
  return text.replace(/@@([A-Z_]+)@@/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`internal: unknown placeholder @@${key}@@ in scaffold/${file}`);
    return value;
  });
}
