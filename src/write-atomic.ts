/**
 * Writes a file so that readers see either the old content or the whole new content,
 * never a part: the text goes to a temporary file in the same folder, then is renamed
 * over the target (rename is atomic within one file system).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { RocktsError } from './core/errors.js';

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new RocktsError('IO_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Creates `file` with `text`, refusing (FILE_EXISTS) when it already exists. */
export async function writeNewFile(file: string, text: string): Promise<void> {
  try {
    const handle = await open(file, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RocktsError('FILE_EXISTS', `${file} already exists; rockts init never overwrites a file (edit it, or remove it first)`);
    }
    await rm(file, { force: true });
    throw new RocktsError('IO_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
