/**
 * What `rockts extension test PATH` tests: every folder a package at PATH lists in
 * package.json's `rockts.extensions` (checked as rockts checks installed packages, API
 * range included), or else the extension folder PATH itself.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import type { ExtensionSource, LoadedExtension } from '../core/types.js';
import { MANIFEST_FILE_NAME } from '../extensions/load-extension.js';
import { loadPackageAt } from '../extensions/packages.js';

/** An extension folder to test, and where it comes from (a package's extensions are siblings). */
export interface ExtensionUnderTest {
  readonly dir: string;
  readonly source: ExtensionSource;
  /** A package's extension, already loaded with the package; a lone folder is loaded with its scenarios. */
  readonly loaded: LoadedExtension | undefined;
}

/** The extension folders to test, in the order the package lists them. */
export async function findExtensionsUnderTest(dir: string): Promise<ExtensionUnderTest[]> {
  const root = path.resolve(dir);
  const pkg = await loadPackageAt(root);
  if (pkg?.problem) throw pkg.problem;
  if (pkg) return pkg.extensions.map((e) => ({ dir: e.dir, source: e.source, loaded: e }));
  const isExtension = await stat(path.join(root, MANIFEST_FILE_NAME)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isExtension) return [{ dir: root, source: { kind: 'path', path: root }, loaded: undefined }];
  throw new RocktsError(
    'EXTENSION_UNKNOWN',
    `${root} is neither an extension folder (no ${MANIFEST_FILE_NAME}) nor a package whose package.json lists its extension folders in \`rockts.extensions\``,
  );
}
