/**
 * The build context: a private temporary folder with the Dockerfile and every used
 * extension's files/ (at files/<name>/, where templates' {{filesDir}} points).
 * Nothing is written into the project folder.
 */
import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { filesDirFor } from '../core/build-plan.js';
import type { OrderedExtension } from '../core/types.js';
import type { ContextFile } from '../extensions/deps/compose-deps.js';

export interface BuildContext {
  readonly dir: string;
  readonly dockerfile: string;
  readonly iidFile: string;
  dispose(): Promise<void>;
}

/** `files` are generated ones (the deps extension's), at their path in the context. */
export async function writeBuildContext(dockerfile: string, extensions: readonly OrderedExtension[], files: readonly ContextFile[] = []): Promise<BuildContext> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-build-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const dockerfilePath = await fillBuildContext(dir, dockerfile, extensions, files);
    return { dir, dockerfile: dockerfilePath, iidFile: path.join(dir, 'image-id'), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Writes the Dockerfile, the extensions' files/ and the generated `files` into the empty
 * folder `dir`; returns the Dockerfile's path.
 */
export async function fillBuildContext(dir: string, dockerfile: string, extensions: readonly OrderedExtension[], files: readonly ContextFile[] = []): Promise<string> {
  const dockerfilePath = path.join(dir, 'Dockerfile');
  await writeFile(dockerfilePath, dockerfile);
  for (const e of extensions) {
    if (!e.extension.hasFiles) continue;
    const source = path.join(e.extension.dir, 'files');
    if (!(await stat(source)).isDirectory()) continue;
    await cp(source, path.join(dir, filesDirFor(e.name)), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await writeFile(path.join(dir, file.path), file.content);
  }
  return dockerfilePath;
}
