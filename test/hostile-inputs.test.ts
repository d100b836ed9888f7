/**
 * Inputs that once crashed or hung rockts, run as a user would (a real `node bin/run.js`
 * process): each ends in a message naming the path and a documented exit code.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rocktsIn, type CliResult } from './helpers/engine.js';
import { BUILTIN_EXTENSIONS, FIXTURE_EXTENSIONS, ROOT } from './helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-robust-cli-'));
  // Readable by the unprivileged user some tests run as.
  await chmod(dir, 0o755);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rockts(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return rocktsIn(dir, args, { HOME: dir, NO_COLOR: '1', ...options.env });
}

/** As root every file is readable: run as nobody then, to meet a permission error. */
function rocktsUnprivileged(args: string[]): Promise<CliResult> {
  if (process.getuid?.() !== 0) return rockts(args);
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args], { cwd: dir, env: { ...process.env, HOME: dir, NO_COLOR: '1' }, uid: 65534, gid: 65534 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function localExtension(): Promise<string> {
  const ext = path.join(dir, 'ext');
  await mkdir(path.join(ext, 'files'), { recursive: true });
  await writeFile(path.join(ext, 'extension.yaml'), 'name: ext\nversion: 1.0.0\ndescription: local\nrockts: "^0.1"\n');
  await writeFile(path.join(ext, 'setup.Dockerfile.hbs'), 'RUN true\n');
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [./ext]\n');
  return ext;
}

test('a FIFO in an extension folder: `rockts lock` exits 4 naming it, without waiting on it', async () => {
  const ext = await localExtension();
  execFileSync('mkfifo', [path.join(ext, 'notes')]);
  expect(await rockts(['lock'])).toEqual({ code: 4, stdout: '', stderr: `rockts: cannot use ${ext}/notes: found a FIFO (named pipe); expected regular files and folders only\n` });
});

test('a template that is a symlink to /dev/zero or a FIFO is refused when the extension loads', async () => {
  const ext = await localExtension();
  await rm(path.join(ext, 'setup.Dockerfile.hbs'));
  await symlink('/dev/zero', path.join(ext, 'setup.Dockerfile.hbs'));
  expect(await rockts(['dockerfile'])).toMatchObject({ code: 4, stderr: `rockerc.yaml:2:14: cannot use ${ext}/setup.Dockerfile.hbs: found a character device; expected regular files and folders only\n` });
  await rm(path.join(ext, 'setup.Dockerfile.hbs'));
  execFileSync('mkfifo', [path.join(ext, 'pipe')]);
  await symlink('pipe', path.join(ext, 'user.Dockerfile.hbs'));
  expect(await rockts(['dockerfile'])).toMatchObject({ code: 4, stderr: `rockerc.yaml:2:14: cannot use ${ext}/user.Dockerfile.hbs: found a FIFO (named pipe); expected regular files and folders only\n` });
});

test('ROCKTS_BUILTIN_EXTENSIONS naming a missing folder exits 4 naming it', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  const missing = path.join(dir, 'no-such-folder');
  expect(await rockts(['dockerfile'], { env: { ROCKTS_BUILTIN_EXTENSIONS: missing } })).toEqual({
    code: 4,
    stdout: '',
    stderr: `rockts: cannot read the built-in extensions folder ${missing}: it does not exist\n`,
  });
});

test('an unreadable package.json is reported as unreadable, not as a missing package', async () => {
  const pkg = path.join(dir, 'node_modules/rockts-extension-locked');
  await mkdir(pkg, { recursive: true });
  await writeFile(path.join(pkg, 'package.json'), '{ "name": "rockts-extension-locked", "version": "1.0.0", "rockts": { "api": "^0.1", "extensions": ["./x"] } }\n');
  await chmod(path.join(pkg, 'package.json'), 0o000);
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [rockts-extension-locked/x]\n');
  const result = await rocktsUnprivileged(['dockerfile']);
  expect(result).toEqual({ code: 4, stdout: '', stderr: `rockerc.yaml:2:14: cannot read ${pkg}/package.json: permission denied\n` });
});

test("a FIFO as an installed package's package.json is not opened: the package is ignored with a warning", async () => {
  const pkg = path.join(dir, 'node_modules/some-package');
  await mkdir(pkg, { recursive: true });
  execFileSync('mkfifo', [path.join(pkg, 'package.json')]);
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  expect(await rockts(['dockerfile'])).toMatchObject({
    code: 0,
    stderr: `rockts: warning: cannot use ${pkg}/package.json: found a FIFO (named pipe); expected regular files and folders only\n  rockts ignores package some-package until it is fixed or removed (node_modules/some-package/package.json:1:1)\n`,
  });
});

test('a bad flag value exits 2, as the README says', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  expect(await rockts(['build', '--dry-run', '--tag', 'Not A Tag'])).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('rockts: --tag: expected an image tag such as myproject-dev or myproject:dev, found "Not A Tag"\n'),
  });
});

test('a 50 MB rockerc.yaml is refused before it is parsed; /dev/zero and a FIFO as the config are refused without reading them', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), `image: ubuntu:24.04\nextensions: [hello]\nargs:\n${'  - a-long-list-item\n'.repeat(2_500_000)}`);
  expect(await rockts(['dockerfile'])).toEqual({ code: 3, stdout: '', stderr: 'rockerc.yaml:1:1: expected a file of at most 1 MiB (1048576 bytes), found a larger one\n' });
  expect(await rockts(['dockerfile', '-c', '/dev/zero'])).toEqual({ code: 4, stdout: '', stderr: 'rockts: cannot use /dev/zero: found a character device; expected regular files and folders only\n' });
  execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
  expect(await rockts(['dockerfile', '-c', 'pipe.yaml'])).toEqual({ code: 4, stdout: '', stderr: `rockts: cannot use ${dir}/pipe.yaml: found a FIFO (named pipe); expected regular files and folders only\n` });
});

test('a template over 1 MiB is refused without being read whole', async () => {
  const ext = await localExtension();
  await writeFile(path.join(ext, 'setup.Dockerfile.hbs'), `RUN true\n${'# padding\n'.repeat(120_000)}`);
  expect(await rockts(['dockerfile'])).toEqual({
    code: 3,
    stdout: '',
    stderr: `${path.relative(dir, ext)}/setup.Dockerfile.hbs:1:1: expected a template of at most 1 MiB (1048576 bytes), found a larger one\n`,
  });
});

test('deps files: a symlink to a FIFO, a FIFO or a folder named as a script, a link leading out of the project are refused without reading them', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [deps]\n');
  execFileSync('mkfifo', [path.join(dir, 'pipe'), path.join(dir, 'script.sh')]);
  await symlink('pipe', path.join(dir, 'a.deps.yaml'));
  await symlink('/etc/hostname', path.join(dir, 'b.deps.yaml'));
  await mkdir(path.join(dir, 'folder'));
  await writeFile(path.join(dir, 'c.deps.yaml'), 'script_x: [script.sh]\nscript_y: [folder]\n');
  expect(await rockts(['dockerfile'], { env: { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS } })).toEqual({
    code: 4,
    stdout: '',
    stderr: [
      'rockts: 4 problems found',
      `a.deps.yaml:1:1: cannot use ${dir}/pipe: found a FIFO (named pipe); expected regular files and folders only`,
      'b.deps.yaml:1:1: deps file: expected a file inside the project folder, found a symlink to /etc/hostname, which is outside it',
      `c.deps.yaml:1:12: deps file: cannot use ${dir}/script.sh: found a FIFO (named pipe); expected regular files and folders only`,
      `c.deps.yaml:2:12: deps file: cannot use ${dir}/folder: found a folder; expected a regular file`,
      '',
    ].join('\n'),
  });
});

test('dockerfile: naming a FIFO or /dev/zero is refused without reading it', async () => {
  execFileSync('mkfifo', [path.join(dir, 'pipe')]);
  await writeFile(path.join(dir, 'rockerc.yaml'), 'dockerfile: pipe\nextensions: [hello]\n');
  expect(await rockts(['dockerfile'])).toEqual({ code: 4, stdout: '', stderr: 'rockerc.yaml:1:13: dockerfile: cannot use pipe: found a FIFO (named pipe); expected regular files and folders only\n' });
  await writeFile(path.join(dir, 'rockerc.yaml'), 'dockerfile: /dev/zero\nextensions: [hello]\n');
  expect(await rockts(['dockerfile'])).toEqual({ code: 4, stdout: '', stderr: `rockerc.yaml:1:13: dockerfile: cannot use ${path.relative(dir, '/dev/zero')}: found a character device; expected regular files and folders only\n` });
});

test('migrate -c FIFO and a FIFO Cargo.toml under `extensions: auto` neither hang nor read the pipe', async () => {
  execFileSync('mkfifo', [path.join(dir, 'pipe.yaml'), path.join(dir, 'Cargo.toml')]);
  expect(await rockts(['migrate', '-c', 'pipe.yaml'])).toEqual({ code: 4, stdout: '', stderr: `rockts: cannot use ${dir}/pipe.yaml: found a FIFO (named pipe); expected regular files and folders only\n` });
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: auto\n');
  expect(await rockts(['dockerfile'])).toMatchObject({ code: 0, stderr: '' });
});

test('a FIFO as .devcontainer/devcontainer.json: `rockts plan` exits 4 naming it instead of waiting on it', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  await mkdir(path.join(dir, '.devcontainer'));
  execFileSync('mkfifo', [path.join(dir, '.devcontainer/devcontainer.json')]);
  expect(await rockts(['plan'])).toEqual({ code: 4, stdout: '', stderr: `rockts: cannot use ${dir}/.devcontainer/devcontainer.json: found a FIFO (named pipe); expected regular files and folders only\n` });
});

test('--name starting with - is a usage error (exit 2) before any engine is asked: docker would read it as a flag', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  const message = 'rockts: --name: expected a container name such as my-dev (letters, digits, _ . -), found "--help"\n';
  for (const command of ['run', 'exec', 'stop', 'down', 'ps']) {
    expect({ command, ...(await rockts([command, '--name=--help'], { env: { ROCKTS_DOCKER: '/nonexistent/docker' } })) }).toEqual({ command, code: 2, stdout: '', stderr: message });
  }
});

test('--network with a space or a leading - is a usage error (exit 2) for run and build, before any engine is asked', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  const message = (found: string) => `rockts: --network: expected a network name such as host, or container:NAME, found ${found}\n`;
  for (const command of ['run', 'build']) {
    expect({ command, ...(await rockts([command, '--network=a b'], { env: { ROCKTS_DOCKER: '/nonexistent/docker' } })) }).toEqual({ command, code: 2, stdout: '', stderr: message('"a b"') });
    expect({ command, ...(await rockts([command, '--network=-x'], { env: { ROCKTS_DOCKER: '/nonexistent/docker' } })) }).toEqual({ command, code: 2, stdout: '', stderr: message('"-x"') });
  }
});

test('a FIFO as test/scenarios.yaml: `rockts extension test --static` exits 4 naming it instead of waiting on it', async () => {
  const ext = await localExtension();
  await mkdir(path.join(ext, 'test'));
  execFileSync('mkfifo', [path.join(ext, 'test/scenarios.yaml')]);
  expect(await rockts(['extension', 'test', '--static', 'ext'])).toEqual({ code: 4, stdout: '', stderr: `rockts: cannot use ${ext}/test/scenarios.yaml: found a FIFO (named pipe); expected regular files and folders only\n` });
});

test('stdout on a full disk (/dev/full) is exit 4 with a message, not a stack trace; --json makes it JSON', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  const full = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args], { cwd: dir, env: { ...process.env, HOME: dir, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS }, stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  const message = 'cannot write to standard output: ENOSPC: no space left on device, write';
  expect(await full(['extensions'])).toEqual({ code: 4, stderr: `rockts: ${message}\n` });
  expect(await full(['dockerfile'])).toEqual({ code: 4, stderr: `rockts: ${message}\n` });
  expect(JSON.parse((await full(['plan', '--json'])).stderr)).toEqual({ error: { code: 'IO_FAILED', message, location: null, suggestions: [] } });
});

test('devcontainer -o naming a file (rockerc.yaml, /dev/null) exits 4 naming it, not an internal error', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  for (const [output, shown] of [['rockerc.yaml', `${dir}/rockerc.yaml`], ['/dev/null', '/dev/null']]) {
    const result = await rockts(['devcontainer', '-o', output!], { env: { ROCKTS_DOCKER: '/nonexistent/docker' } });
    expect({ code: result.code, last: result.stderr.split('\n').at(-2) }).toEqual({ code: 4, last: `rockts: cannot write into ${shown}: a file that is not a folder is in the way` });
  }
});
