/**
 * Reading the files of an extension folder safely, for its lock hash and its build
 * context. What rockts does with each kind of entry (README, "Symlinks and special files"):
 *  - regular files and folders are used as they are;
 *  - a symlink whose target lies inside the extension folder is followed: a link to a
 *    file counts as a file with its target's content and mode, a link to a folder as
 *    that folder (a link back to a folder it is inside of is a loop, and refused);
 *  - a symlink leading out of the folder, a dangling or looping symlink, a FIFO, a
 *    socket or a device node is refused with an IO_FAILED error naming the path and
 *    what was found. FIFOs and devices are never opened: a file is opened non-blocking
 *    and checked to be a regular file before it is read.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { RocktsError } from '../core/errors.js';

export interface ExtensionFile {
  /** The path below the start folder, with `/` separators. */
  readonly relative: string;
  /** The file to read: the entry itself, or the target of the symlink it is. */
  readonly source: string;
  readonly stats: Stats;
}

/** Folders never hashed or sent: package managers' and version control's own. */
const SKIPPED = new Set(['node_modules', '.git']);

/**
 * The most entries one listing visits. Links to folders can make a small folder look
 * huge (each of n folders linking twice to the next is 2^n paths): past this, refuse.
 */
export const MAX_ENTRIES = 10_000;

/**
 * Every file below `root/start` (start '' for the whole folder), in path order, with
 * symlinks resolved as described above. Folders named node_modules or .git are skipped.
 */
export async function listExtensionFiles(root: string, start = ''): Promise<ExtensionFile[]> {
  const realRoot = await realpath(root).catch((error: unknown) => {
    throw ioError(root, error);
  });
  const files: ExtensionFile[] = [];
  // Iterative: a deep tree cannot overflow the stack. Each folder carries the real paths
  // of the folders it is inside of, to recognise a link back to one of them.
  const pending: { relative: string; dir: string; ancestors: readonly string[] }[] = [];
  const first = await resolveEntry(realRoot, path.join(realRoot, start), path.join(root, start));
  if (first.kind === 'file') return [{ relative: start, source: first.source, stats: first.stats }];
  pending.push({ relative: start, dir: first.source, ancestors: [first.source] });
  let visited = 0;
  while (pending.length > 0) {
    const { relative, dir, ancestors } = pending.pop()!;
    const names = await readdir(dir).catch((error: unknown) => {
      throw ioError(path.join(root, relative), error);
    });
    visited += names.length;
    if (visited > MAX_ENTRIES) {
      throw oddity(root, `more than ${MAX_ENTRIES} files and folders (counting every path symlinks to folders lead to); expected fewer`);
    }
    for (const name of names) {
      if (SKIPPED.has(name)) continue;
      const child = relative === '' ? name : `${relative}/${name}`;
      const entry = await resolveEntry(realRoot, path.join(dir, name), path.join(root, child));
      if (entry.kind === 'file') files.push({ relative: child, source: entry.source, stats: entry.stats });
      else if (ancestors.includes(entry.source)) throw oddity(path.join(root, child), 'a symlink loop (a link to a folder it is inside of)');
      else pending.push({ relative: child, dir: entry.source, ancestors: [...ancestors, entry.source] });
    }
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/**
 * Reads a regular file chunk by chunk (so a large one never sits in memory whole): it is
 * opened without blocking and checked before it is read, so a FIFO or a device (or a
 * file swapped for one) is refused rather than read. Stops after `maxBytes` + 1 bytes.
 */
export async function readChunks(file: string, onChunk: (chunk: Buffer) => unknown, maxBytes = Infinity): Promise<void> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw ioError(file, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw oddity(file, describeKind(stats));
    // Sized to the file (one byte more, to see the end at once), not to CHUNK_BYTES: a
    // run reads hundreds of small package.json files, and zeroing 1 MiB for each of
    // them cost more CPU than the rest of `rockts dockerfile` in a large node_modules.
    const buffer = Buffer.alloc(Math.max(1, Math.min(CHUNK_BYTES, stats.size + 1, maxBytes + 1)));
    for (let total = 0; total <= maxBytes; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, maxBytes + 1 - total));
      if (bytesRead === 0) break;
      await onChunk(Buffer.from(buffer.subarray(0, bytesRead)));
      total += bytesRead;
    }
  } catch (error) {
    throw error instanceof RocktsError ? error : ioError(file, error);
  } finally {
    await handle.close();
  }
}

const CHUNK_BYTES = 1024 * 1024;

/** The content of a regular file (see readChunks), up to `maxBytes` + 1 bytes. */
export async function readRegularFile(file: string, maxBytes = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readChunks(file, (chunk) => chunks.push(chunk), maxBytes);
  return Buffer.concat(chunks);
}

/**
 * The text of a regular file, or undefined when there is none (see readRegularFile).
 * Past `maxBytes`, only the first maxBytes + 1 bytes are read.
 */
export async function readOptionalText(file: string, maxBytes = Infinity): Promise<string | undefined> {
  try {
    return (await readRegularFile(file, maxBytes)).toString('utf8');
  } catch (error) {
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

type Resolved = { kind: 'file'; source: string; stats: Stats } | { kind: 'folder'; source: string };

/**
 * What the entry at `full` (a path through real folders) is, following a symlink that
 * stays inside `realRoot`; `shown` is how messages name it.
 */
async function resolveEntry(realRoot: string, full: string, shown: string): Promise<Resolved> {
  let stats = await lstat(full).catch((error: unknown) => {
    throw ioError(shown, error);
  });
  let source = full;
  if (stats.isSymbolicLink()) {
    const target = await readlink(full).catch(() => '?');
    try {
      source = await realpath(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw oddity(shown, `a dangling symlink (to ${target}, which does not exist)`);
      if (code === 'ELOOP') throw oddity(shown, `a symlink loop (to ${target})`);
      throw ioError(shown, error);
    }
    if (source !== realRoot && !source.startsWith(realRoot + path.sep)) {
      throw oddity(shown, `a symlink leading out of the extension folder (to ${target}); expected links to files and folders inside it only`);
    }
    stats = await stat(source).catch((error: unknown) => {
      throw ioError(shown, error);
    });
  }
  if (stats.isDirectory()) return { kind: 'folder', source };
  if (stats.isFile()) return { kind: 'file', source, stats };
  throw oddity(shown, describeKind(stats));
}

function describeKind(stats: Stats): string {
  // Only readChunks meets a folder here (a file a config names that turned out a folder).
  if (stats.isDirectory()) return 'a folder; expected a regular file';
  const kind = stats.isFIFO()
    ? 'a FIFO (named pipe)'
    : stats.isSocket()
      ? 'a socket'
      : stats.isCharacterDevice()
        ? 'a character device'
        : stats.isBlockDevice()
          ? 'a block device'
          : 'a special file';
  return `${kind}; expected regular files and folders only`;
}

function oddity(file: string, found: string): RocktsError {
  return new RocktsError('IO_FAILED', `cannot use ${file}: found ${found}`);
}

function ioError(file: string, error: unknown): RocktsError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
  return new RocktsError('IO_FAILED', `cannot read ${file}: ${reason}`, { cause: error });
}
