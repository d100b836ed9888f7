/**
 * Symlinks and special files in an extension folder: the lock hash and the build context
 * follow links that stay inside the folder, and refuse (IO_FAILED, naming the path and
 * what was found) links leading out, dangling or looping links, FIFOs and devices,
 * without ever opening a FIFO or a device.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RocktsError } from '../src/core/errors.js';
import type { OrderedExtension } from '../src/core/types.js';
import { writeBuildContext } from '../src/docker/build-context.js';
import { hashFolder } from '../src/project/lockfile.js';
import { ROOT } from './helpers/project.js';

let dir: string;
let ext: string;
const tmpdir = process.env.TMPDIR;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-robust-files-'));
  // The build context goes here, so a test can see that nothing is left behind.
  await mkdir(path.join(dir, 'tmp'));
  process.env.TMPDIR = path.join(dir, 'tmp');
  ext = path.join(dir, 'ext');
  await mkdir(path.join(ext, 'files/sub'), { recursive: true });
  await writeFile(path.join(ext, 'extension.yaml'), 'name: ext\n');
  await writeFile(path.join(ext, 'files/sub/tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
});
afterEach(async () => {
  if (tmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpdir;
  await rm(dir, { recursive: true, force: true });
});

function extension(): OrderedExtension {
  return { name: 'ext', extension: { dir: ext, hasFiles: true } } as unknown as OrderedExtension;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RocktsError);
  return { code: (error as RocktsError).code, message: (error as RocktsError).message };
}

/** Both readers refuse the folder with the same message. */
async function expectRefused(message: string) {
  expect(await failure(hashFolder(ext))).toEqual({ code: 'IO_FAILED', message });
  expect(await failure(writeBuildContext('FROM scratch\n', [extension()]))).toEqual({ code: 'IO_FAILED', message });
  expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
}

test('a symlink to a file or a folder inside the extension counts as what it points to', async () => {
  const plain = await hashFolder(ext);
  await mkdir(path.join(dir, 'twin/files/sub'), { recursive: true });
  await writeFile(path.join(dir, 'twin/extension.yaml'), 'name: ext\n');
  await writeFile(path.join(dir, 'twin/files/sub/tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await writeFile(path.join(dir, 'twin/files/sub/again.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await mkdir(path.join(dir, 'twin/files/linked'));
  await writeFile(path.join(dir, 'twin/files/linked/tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await writeFile(path.join(dir, 'twin/files/linked/again.sh'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  await symlink('tool.sh', path.join(ext, 'files/sub/again.sh'));
  await symlink('sub', path.join(ext, 'files/linked'));
  expect(await hashFolder(ext)).not.toBe(plain);
  expect(await hashFolder(ext)).toBe(await hashFolder(path.join(dir, 'twin')));

  const context = await writeBuildContext('FROM scratch\n', [extension()]);
  try {
    const copied = path.join(context.dir, 'files/ext');
    expect(execFileSync('find', ['.', '-printf', '%y %m %p\\n'], { cwd: copied, encoding: 'utf8' }).split('\n').sort().join('\n')).toBe(
      ['', 'd 755 .', 'd 755 ./linked', 'd 755 ./sub', 'f 755 ./linked/again.sh', 'f 755 ./linked/tool.sh', 'f 755 ./sub/again.sh', 'f 755 ./sub/tool.sh'].join('\n'),
    );
    expect(await readFile(path.join(copied, 'linked/again.sh'), 'utf8')).toBe('#!/bin/sh\necho tool\n');
  } finally {
    await context.dispose();
  }
});

test('a symlink leading out of the extension folder is refused', async () => {
  await writeFile(path.join(dir, 'secret'), 'secret\n');
  await symlink('../../../secret', path.join(ext, 'files/sub/secret'));
  await expectRefused(`cannot use ${ext}/files/sub/secret: found a symlink leading out of the extension folder (to ../../../secret); expected links to files and folders inside it only`);
});

test('a symlink to /dev/zero is refused without reading it', async () => {
  await symlink('/dev/zero', path.join(ext, 'files/zero'));
  await expectRefused(`cannot use ${ext}/files/zero: found a symlink leading out of the extension folder (to /dev/zero); expected links to files and folders inside it only`);
});

test('a dangling symlink is refused', async () => {
  await symlink('nothing-here', path.join(ext, 'files/sub/gone'));
  await expectRefused(`cannot use ${ext}/files/sub/gone: found a dangling symlink (to nothing-here, which does not exist)`);
});

test('a symlink to itself is refused as a loop', async () => {
  await symlink('self', path.join(ext, 'files/self'));
  await expectRefused(`cannot use ${ext}/files/self: found a symlink loop (to self)`);
});

test('a symlink to a folder it is inside of is refused as a loop', async () => {
  await symlink('..', path.join(ext, 'files/sub/up'));
  await expectRefused(`cannot use ${ext}/files/sub/up: found a symlink loop (a link to a folder it is inside of)`);
});

test('a FIFO, and a symlink to one, are refused without opening them', async () => {
  execFileSync('mkfifo', [path.join(ext, 'files/pipe')]);
  await expectRefused(`cannot use ${ext}/files/pipe: found a FIFO (named pipe); expected regular files and folders only`);
  await rm(path.join(ext, 'files/pipe'));
  execFileSync('mkfifo', [path.join(ext, 'pipe')]);
  await symlink('../pipe', path.join(ext, 'files/pipe-link'));
  expect(await failure(hashFolder(ext))).toEqual({ code: 'IO_FAILED', message: `cannot use ${ext}/pipe: found a FIFO (named pipe); expected regular files and folders only` });
  expect(await failure(writeBuildContext('FROM scratch\n', [extension()]))).toEqual({
    code: 'IO_FAILED',
    message: `cannot use ${ext}/files/pipe-link: found a FIFO (named pipe); expected regular files and folders only`,
  });
});

const canMknod = (() => {
  try {
    execFileSync('mknod', [path.join(os.tmpdir(), `rockts-robust-mknod-${process.pid}`), 'c', '1', '5'], { stdio: 'ignore' });
    execFileSync('rm', [path.join(os.tmpdir(), `rockts-robust-mknod-${process.pid}`)]);
    return true;
  } catch {
    return false;
  }
})();

(canMknod ? test : test.skip)('a device node is refused without opening it', async () => {
  execFileSync('mknod', [path.join(ext, 'files/zero'), 'c', '1', '5']);
  await expectRefused(`cannot use ${ext}/files/zero: found a character device; expected regular files and folders only`);
});

test('an unreadable file is refused with the path and the reason', async () => {
  await writeFile(path.join(ext, 'files/locked'), 'x\n');
  await chmod(path.join(ext, 'files/locked'), 0o000);
  const script = `import('${path.join(ROOT, 'dist/project/lockfile.js')}').then((m) => m.hashFolder(process.argv[1])).then(() => process.exit(0), (e) => { console.log(e.code + ': ' + e.message); process.exit(2); })`;
  // As root every file is readable: check as an unprivileged user.
  await chmod(dir, 0o755);
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  let output = '';
  try {
    execFileSync(process.execPath, ['-e', script, ext], { encoding: 'utf8', ...asUser });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  expect(output).toBe(`IO_FAILED: cannot read ${ext}/files/locked: permission denied\n`);
});

test('symlinks to folders that multiply paths (each folder linking twice to the next) are refused past 10,000 entries', async () => {
  for (let level = 0; level < 20; level++) {
    const folder = path.join(ext, 'files', `d${level}`);
    await mkdir(folder);
    if (level > 0) {
      await symlink(`../d${level}`, path.join(ext, 'files', `d${level - 1}`, 'a'));
      await symlink(`../d${level}`, path.join(ext, 'files', `d${level - 1}`, 'b'));
    }
  }
  await expectRefused(`cannot use ${ext}: found more than 10000 files and folders (counting every path symlinks to folders lead to); expected fewer`);
});

test('Ctrl-C while the build context is written removes it', async () => {
  const writing = writeBuildContext('FROM scratch\n', [extension()]);
  process.emit('SIGINT', 'SIGINT');
  expect(await failure(writing)).toEqual({ code: 'INTERRUPTED', message: 'interrupted; no build context was left behind' });
  expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  expect(process.listenerCount('SIGINT')).toBe(0);
});

test('a file larger than one read chunk is hashed and copied whole', async () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
  await writeFile(path.join(ext, 'files/big.bin'), big);
  const before = await hashFolder(ext);
  big[big.length - 1] = 0x79;
  await writeFile(path.join(ext, 'files/big.bin'), big);
  expect(await hashFolder(ext)).not.toBe(before);
  const context = await writeBuildContext('FROM scratch\n', [extension()]);
  try {
    expect((await readFile(path.join(context.dir, 'files/ext/big.bin'))).equals(big)).toBe(true);
  } finally {
    await context.dispose();
  }
});
