/** `-o` and the lock file: written whole or not at all, through symlinks and special files. */
import { execFile, execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RocktsError } from '../src/core/errors.js';
import { writeFileAtomic } from '../src/io/write-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-robust-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a symlink is kept and its target written', async () => {
  await writeFile(path.join(dir, 'real.Dockerfile'), 'old\n', { mode: 0o600 });
  await symlink('real.Dockerfile', path.join(dir, 'Dockerfile'));
  await writeFileAtomic(path.join(dir, 'Dockerfile'), 'new\n');
  expect(await readlink(path.join(dir, 'Dockerfile'))).toBe('real.Dockerfile');
  expect(await readFile(path.join(dir, 'real.Dockerfile'), 'utf8')).toBe('new\n');
  expect((await lstat(path.join(dir, 'real.Dockerfile'))).mode & 0o777).toBe(0o600);
  expect((await readdir(dir)).sort()).toEqual(['Dockerfile', 'real.Dockerfile']);
});

test('a dangling symlink gets its target created', async () => {
  await symlink('out/../made.Dockerfile', path.join(dir, 'Dockerfile'));
  await symlink('.', path.join(dir, 'out'));
  await writeFileAtomic(path.join(dir, 'Dockerfile'), 'new\n');
  expect(await readFile(path.join(dir, 'made.Dockerfile'), 'utf8')).toBe('new\n');
  expect((await lstat(path.join(dir, 'Dockerfile'))).isSymbolicLink()).toBe(true);
});

test('a FIFO is written through, not replaced', async () => {
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const reader = new Promise<string>((resolve, reject) => execFile('cat', [fifo], (error, stdout) => (error ? reject(error) : resolve(stdout))));
  await writeFileAtomic(fifo, 'through the pipe\n');
  expect(await reader).toBe('through the pipe\n');
  expect((await lstat(fifo)).isFIFO()).toBe(true);
  expect(await readdir(dir)).toEqual(['pipe']);
});

test('Ctrl-C while writing leaves the target as it was and no temporary file', async () => {
  const file = path.join(dir, 'Dockerfile');
  await writeFile(file, 'old\n');
  const writing = writeFileAtomic(file, 'new\n');
  process.emit('SIGINT', 'SIGINT');
  const error = await writing.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RocktsError);
  expect((error as RocktsError).code).toBe('INTERRUPTED');
  expect((error as RocktsError).message).toBe(`interrupted; ${file} was left as it was`);
  expect(await readFile(file, 'utf8')).toBe('old\n');
  expect(await readdir(dir)).toEqual(['Dockerfile']);
  expect(process.listenerCount('SIGINT')).toBe(0);
});
