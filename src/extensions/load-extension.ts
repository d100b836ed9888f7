/**
 * Reads extension folders: extension.yaml, the templates beside it and whether it
 * ships files/. All file access for extensions happens here; templates are checked by
 * the core when the extension is used.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RocktsError, throwIfAny } from '../core/errors.js';
import type { ExtensionSource, LoadedExtension, TemplateKind, TemplateSource } from '../core/types.js';
import { readOptionalText } from './extension-files.js';
import { hashFolder } from '../project/lockfile.js';
import { parseManifest } from './parse-manifest.js';
import { YAML_LIMITS } from '../io/yaml-source.js';

export const MANIFEST_FILE_NAME = 'extension.yaml';
const TEMPLATE_FILES: readonly [TemplateKind, string][] = [
  ['builder', 'builder.Dockerfile.hbs'],
  ['setup', 'setup.Dockerfile.hbs'],
  ['user', 'user.Dockerfile.hbs'],
];

/** A template is read only up to this size (README, "Limits"). */
const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** The built-in extensions shipped in this package's extensions/ folder. */
export const BUILTIN_EXTENSIONS_DIR = fileURLToPath(new URL('../../extensions/', import.meta.url));

export async function loadExtension(dir: string, source: ExtensionSource): Promise<LoadedExtension> {
  const loaded = await loadExtensionIfAny(dir, source);
  if (loaded === undefined) {
    throw new RocktsError('EXTENSION_UNKNOWN', `no ${MANIFEST_FILE_NAME} in extension folder ${dir}`);
  }
  return loaded;
}

/** The extension in `dir`, or undefined when the folder has no extension.yaml. */
async function loadExtensionIfAny(dir: string, source: ExtensionSource): Promise<LoadedExtension | undefined> {
  const manifestFile = path.join(dir, MANIFEST_FILE_NAME);
  const text = await readOptionalText(manifestFile, YAML_LIMITS.bytes);
  if (text === undefined) return undefined;
  const manifest = parseManifest(text, manifestFile);
  const templates: TemplateSource[] = [];
  for (const [kind, fileName] of TEMPLATE_FILES) {
    const file = path.join(dir, fileName);
    const templateText = await readOptionalText(file, MAX_TEMPLATE_BYTES);
    if (templateText === undefined) continue;
    if (Buffer.byteLength(templateText) > MAX_TEMPLATE_BYTES) {
      throw new RocktsError('TEMPLATE_INVALID', `expected a template of at most 1 MiB (${MAX_TEMPLATE_BYTES} bytes), found a larger one`, { location: { file, line: 1, column: 1 } });
    }
    templates.push({ kind, file, text: templateText });
  }
  const hasFiles = await isDirectory(path.join(dir, 'files'));
  const hasBuilder = templates.some((t) => t.kind === 'builder');
  const problems: RocktsError[] = [];
  const where = { location: { file: manifestFile, line: 1, column: 1 } };
  if (!hasBuilder && manifest.builder.apt.length > 0) {
    problems.push(new RocktsError('MANIFEST_INVALID', 'builder.apt: expected a builder.Dockerfile.hbs beside extension.yaml to use these packages, found none', where));
  }
  if (!hasBuilder && manifest.final.copy.kind === 'list') {
    problems.push(new RocktsError('MANIFEST_INVALID', 'final.copy: expected a builder.Dockerfile.hbs to copy from, found none', where));
  }
  throwIfAny(problems);
  return { manifest, manifestFile, dir, source, templates, hasFiles, ...(hasFiles ? { filesDigest: await hashFolder(path.join(dir, 'files')) } : {}) };
}

/**
 * Every extension folder directly below `root` (a folder holding extension.yaml).
 * Problems in several folders are reported together.
 */
export async function discoverExtensions(root: string, source: ExtensionSource): Promise<LoadedExtension[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    const what = source.kind === 'builtin' ? 'the built-in extensions folder' : 'extensions folder';
    const reason = error.code === 'ENOENT' ? 'it does not exist' : error.code === 'ENOTDIR' ? 'it is not a folder' : error.message;
    throw new RocktsError('IO_FAILED', `cannot read ${what} ${root}: ${reason}`, { cause: error });
  });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const loaded: LoadedExtension[] = [];
  const problems: RocktsError[] = [];
  for (const name of dirs) {
    try {
      const extension = await loadExtensionIfAny(path.join(root, name), source);
      if (extension) loaded.push(extension);
    } catch (error) {
      if (error instanceof RocktsError) problems.push(error);
      else throw error;
    }
  }
  throwIfAny(problems);
  return loaded;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
