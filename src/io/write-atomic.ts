/**
 * Writes a file so that readers see either the old content or the whole new content,
 * never a part: the text goes to a temporary file in the same folder, then is renamed
 * over the target (rename is atomic within one file system).
 *
 * A symlink is kept: its target is written (atomically when that is a regular file or
 * does not exist yet). A target that is not a regular file (a FIFO, a terminal, a device
 * such as /dev/stdout) is written through, as a shell's `>` would, never renamed over.
 * Ctrl-C (SIGINT, SIGTERM) while writing leaves the target as it was, removes the
 * temporary file and ends in an INTERRUPTED error.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { lstat, open, readlink, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { catchSignals } from './catch-signals.js';
import { RocktsError } from '../core/errors.js';

/** As many links as Linux follows (MAXSYMLINKS) before ELOOP. */
const MAX_LINKS = 40;

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  let temporary: string | undefined;
  // A second Ctrl-C may end the process before the write below resumes: remove it at once.
  const removeTemporary = () => {
    if (temporary !== undefined) rmSync(temporary, { force: true });
  };
  return catchSignals(async (interruption) => {
    const stopIfInterrupted = () => interruption.check(`interrupted; ${file} was left as it was`);
    try {
      // stat follows links as the kernel does, /proc's magic links (/dev/stdout) included.
      const existing = await stat(file).catch(() => undefined);
      stopIfInterrupted();
      if (existing !== undefined && !existing.isFile()) return await writeThrough(file, text);
      const target = await followLinks(file);
      temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await open(temporary, 'wx', existing === undefined ? 0o644 : existing.mode & 0o777);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      stopIfInterrupted();
      await rename(temporary, target);
    } catch (error) {
      if (temporary !== undefined) await rm(temporary, { force: true });
      if (error instanceof RocktsError) throw error;
      throw new RocktsError('IO_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
    }
  }, removeTemporary);
}

/** The path a chain of symlinks at `file` leads to (which need not exist yet). */
async function followLinks(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const stats = await lstat(current).catch(() => undefined);
    if (!stats?.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new RocktsError('IO_FAILED', `cannot write ${file}: found a symlink loop (more than ${MAX_LINKS} links)`);
}

/** Writes into an existing FIFO, terminal or device, as `>` would. */
async function writeThrough(file: string, text: string): Promise<void> {
  try {
    const handle = await open(file, 'w');
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
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
