/**
 * The quick path of `rockts dockerfile` and `rockts plan` (src/cli/quick-start.ts): it
 * takes only argv that oclif would parse the same way, it trusts oclif's manifest and the
 * bundle only while they are current, and what it prints is what the oclif command prints.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE, isBundleCurrent } from '../../src/cli/load-quick.js';
import { currentManifest, parseFlags } from '../../src/cli/quick-start.js';
import { ROOT } from '../helpers/project.js';

const FLAGS = [
  { name: 'config', type: 'option', char: 'c', multiple: false, description: 'config file', helpValue: 'FILE', hasDynamicHelp: false },
  { name: 'json', type: 'boolean', allowNo: false, description: 'JSON' },
] as const;

describe('parseFlags takes what oclif parses the same way', () => {
  test.each([
    [[], {}],
    [['-c', 'x.yaml'], { config: 'x.yaml' }],
    [['--config', 'x.yaml', '--json'], { config: 'x.yaml', json: true }],
    [['--config=x.yaml'], { config: 'x.yaml' }],
  ])('%j', (args, expected) => {
    expect(parseFlags(args, FLAGS)).toEqual(expected);
  });

  test.each([
    [['--help']],
    [['-h']],
    [['--nope']],
    [['extra']],
    [['--']],
    [['-c', 'a.yaml', '-c', 'b.yaml']],
    [['--config=']],
    [['-c', '--json']],
    [['--config']],
    [['--json=yes']],
  ])('%j goes to oclif', (args) => {
    expect(parseFlags(args, FLAGS)).toBeUndefined();
  });

  test('a flag with more than a plain value (a default, options, env) goes to oclif', () => {
    expect(parseFlags([], [{ ...FLAGS[0], default: 'rockerc.yaml' } as never])).toBeUndefined();
    expect(parseFlags([], [{ name: 'engine', type: 'option', options: ['docker', 'podman'] } as never])).toBeUndefined();
    expect(parseFlags([], [{ ...FLAGS[1], allowNo: true }])).toBeUndefined();
  });
});

describe('the manifest and the bundle are used only while current', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rockts-quick-'));
    await mkdir(path.join(root, 'dist/commands/extension'), { recursive: true });
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ version: '1.2.3', oclif: { commands: './dist/commands' } }));
    await writeFile(path.join(root, 'dist/commands/plan.js'), '');
    await writeFile(path.join(root, 'dist/commands/extension/new.js'), '');
    await writeFile(path.join(root, 'dist/commands/extension/new.d.ts'), '');
    await writeFile(path.join(root, 'oclif.manifest.json'), JSON.stringify({ version: '1.2.3', commands: { plan: {}, 'extension:new': {} } }));
    await utimes(path.join(root, 'oclif.manifest.json'), new Date(), new Date(Date.now() + 10_000));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('a manifest newer than every command file, with the same commands and version, is current', () => {
    expect(currentManifest(root)?.version).toBe('1.2.3');
  });

  test('a command file newer than the manifest makes it stale', async () => {
    await utimes(path.join(root, 'dist/commands/plan.js'), new Date(), new Date(Date.now() + 20_000));
    expect(currentManifest(root)).toBeUndefined();
  });

  test('a command the manifest does not list makes it stale', async () => {
    await writeFile(path.join(root, 'dist/commands/lock.js'), '');
    await utimes(path.join(root, 'dist/commands/lock.js'), new Date(), new Date(Date.now() - 20_000));
    expect(currentManifest(root)).toBeUndefined();
  });

  test('another package version makes it stale', async () => {
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ version: '1.2.4', oclif: { commands: './dist/commands' } }));
    expect(currentManifest(root)).toBeUndefined();
  });

  test('the bundle is started only while none of its inputs is newer', async () => {
    await mkdir(path.join(root, 'dist/cli'), { recursive: true });
    await writeFile(path.join(root, 'dist/core.js'), '');
    await writeFile(path.join(root, BUNDLE), '');
    await writeFile(path.join(root, 'dist/cli/quick-start.bundle.json'), JSON.stringify({ inputs: ['dist/core.js'] }));
    await utimes(path.join(root, 'dist/core.js'), new Date(), new Date(Date.now() - 20_000));
    expect(isBundleCurrent(root)).toBe(true);
    await utimes(path.join(root, 'dist/core.js'), new Date(), new Date(Date.now() + 20_000));
    expect(isBundleCurrent(root)).toBe(false);
  });
});

describe('the build left a current manifest and bundle', () => {
  test('oclif.manifest.json lists every command and is current', async () => {
    const manifest = currentManifest(ROOT);
    expect(manifest).toBeDefined();
    expect(Object.keys(manifest!.commands)).toEqual(expect.arrayContaining(['dockerfile', 'plan', 'build', 'extension:new']));
    expect(manifest!.version).toBe(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('bin/run.js starts the bundle, with its code cache when this V8 made it', async () => {
    expect(isBundleCurrent(ROOT)).toBe(true);
    const { v8 } = JSON.parse(await readFile(path.join(ROOT, 'dist/cli/quick-start.bundle.json'), 'utf8')) as { v8: string };
    const script = `import(${JSON.stringify(path.join(ROOT, 'dist/cli/load-quick.js'))}).then((m) => console.log(m.runBundle(${JSON.stringify(ROOT)}).script.cachedDataRejected))`;
    // V8 reports false when it took the cache, undefined when none was given (another V8 made it).
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe(v8 === process.versions.v8 ? 'false\n' : 'undefined\n');
  });
});

/** Marks a run that loaded oclif: a preload that notes when @oclif/core is required. */
const PRELOAD = `const Module = require('node:module');
const load = Module._load;
let seen = false;
Module._load = function (request, ...rest) {
  if (!seen && request.includes('@oclif/core')) {
    seen = true;
    process.on('exit', () => process.stderr.write('[oclif loaded]'));
  }
  return load.call(this, request, ...rest);
};
`;

function rockts(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = ['--require', path.join(cwd, 'preload.cjs'), path.join(ROOT, 'bin/run.js'), ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd, env: { ...process.env, HOME: cwd, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the quick path prints what oclif prints, without loading oclif', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-quick-cli-'));
    await writeFile(path.join(dir, 'rockerc.yaml'), await readFile(path.join(ROOT, 'rockerc.example.yaml'), 'utf8'));
    await writeFile(path.join(dir, 'preload.cjs'), PRELOAD);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // `--` is refused by the quick path and means nothing to oclif here, so the second run is oclif's.
  test.each([[['dockerfile']], [['plan']], [['plan', '--json']]])('%j', async (args) => {
    const quick = await rockts(args, dir);
    const oclif = await rockts([...args, '--'], dir);
    expect(quick).toMatchObject({ code: 0, stderr: '' });
    expect(oclif.stderr).toBe('[oclif loaded]');
    expect(quick.stdout).toBe(oclif.stdout);
  });

  test('a problem goes to oclif, which reports it once', async () => {
    const result = await rockts(['dockerfile', '-c', 'missing.yaml'], dir);
    expect(result.code).toBe(3);
    expect(result.stderr.match(/config file not found/g)).toHaveLength(1);
    expect(result.stderr).toContain('[oclif loaded]');
  });
});

test('a stale manifest cannot break a command: oclif then reads the commands themselves', async () => {
  // A command compiled after the manifest (a bare `tsc -b`), as if its flags had changed.
  const file = path.join(ROOT, 'dist/commands/extensions.js');
  const { atime, mtime } = await stat(file);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-stale-'));
  try {
    await utimes(file, atime, new Date(Date.now() + 3_600_000));
    expect(currentManifest(ROOT)).toBeUndefined();
    await writeFile(path.join(dir, 'preload.cjs'), PRELOAD);
    await writeFile(path.join(dir, 'rockerc.yaml'), await readFile(path.join(ROOT, 'rockerc.example.yaml'), 'utf8'));
    const listed = await rockts(['extensions', '--json'], dir);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((e: { name: string }) => e.name)).toContain('cargo');
    const planned = await rockts(['plan'], dir);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^Plan for rockerc\.yaml\n/);
    expect(planned.stderr).toBe('[oclif loaded]');
  } finally {
    await utimes(file, atime, mtime);
    await rm(dir, { recursive: true, force: true });
  }
});
