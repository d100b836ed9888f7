/**
 * The build context: a private temporary folder with the Dockerfile and every used
 * extension's files/ (at files/<name>/, where templates' {{filesDir}} points).
 * Nothing is written into the project folder. Symlinks inside the extension folder are
 * copied as the files they point to; special files and links leading out are refused.
 */
import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { filesDirFor } from '../core/build-plan.js';
import type { OrderedExtension } from '../core/types.js';
import { listExtensionFiles, readRegularFile } from '../extensions/extension-files.js';

export interface BuildContext {
  readonly dir: string;
  readonly dockerfile: string;
  readonly iidFile: string;
  dispose(): Promise<void>;
}

export async function writeBuildContext(dockerfile: string, extensions: readonly OrderedExtension[]): Promise<BuildContext> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-build-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const dockerfilePath = path.join(dir, 'Dockerfile');
    await writeFile(dockerfilePath, dockerfile);
    for (const e of extensions) {
      if (!e.extension.hasFiles) continue;
      const target = path.join(dir, filesDirFor(e.name));
      await mkdir(target, { recursive: true });
      for (const file of await listExtensionFiles(e.extension.dir, 'files')) {
        const copy = path.join(target, path.relative('files', file.relative));
        await mkdir(path.dirname(copy), { recursive: true });
        await writeFile(copy, await readRegularFile(file.source), { mode: file.stats.mode & 0o777 });
        await chmod(copy, file.stats.mode & 0o777);
        await utimes(copy, file.stats.atime, file.stats.mtime);
      }
    }
    return { dir, dockerfile: dockerfilePath, iidFile: path.join(dir, 'image-id'), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
