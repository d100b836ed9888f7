/**
 * `rockts extension new` as a user runs it: the package it writes, and what it refuses.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rocktsIn } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS, ROOT } from '../helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-new-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], cwd = dir) => rocktsIn(cwd, args, { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

test('writes a complete single-extension package in ./rockts-extension-NAME', async () => {
  const result = await run(['extension', 'new', 'greeter']);
  expect(result).toMatchObject({ code: 0, stdout: '' });
  expect(result.stderr).toBe(
    'wrote rockts-extension-greeter/: README.md, builder.Dockerfile.hbs, extension.yaml, package.json, setup.Dockerfile.hbs, test/scenarios.yaml, test/test.sh\nnext: cd rockts-extension-greeter && rockts extension test\n',
  );
  const pkg = path.join(dir, 'rockts-extension-greeter');
  expect(await listFiles(pkg)).toEqual(['README.md', 'builder.Dockerfile.hbs', 'extension.yaml', 'package.json', 'setup.Dockerfile.hbs', 'test/scenarios.yaml', 'test/test.sh']);
  expect(await readdir(dir)).toEqual(['rockts-extension-greeter']);

  const manifest = JSON.parse(await readFile(path.join(pkg, 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({
    name: 'rockts-extension-greeter',
    version: '0.1.0',
    keywords: ['rockts-extension'],
    rockts: { api: '^0.1', extensions: ['.'] },
    license: 'UNLICENSED',
  });
  expect(manifest.files).toEqual(['extension.yaml', '*.Dockerfile.hbs', 'files/', 'test/']);
  expect(typeof manifest.description).toBe('string');
  // Nothing runs on install: only the author's own test and lint scripts.
  expect(Object.keys(manifest.scripts).sort()).toEqual(['lint', 'test']);

  const testScript = path.join(pkg, 'test/test.sh');
  expect((await stat(testScript)).mode & 0o777).toBe(0o755);
  expect((await stat(path.join(pkg, 'extension.yaml'))).mode & 0o777).toBe(0o644);
  expect(await readFile(testScript, 'utf8')).toMatch(/^#!\/bin\/sh\n(?:#.*\n)*set -eu\n/);

  for (const file of await listFiles(pkg)) expect(await readFile(path.join(pkg, file), 'utf8')).not.toMatch(/@@|\.tmpl/);
});

test('extension.yaml starts with a schema comment that points at the running rockts\'s schema', async () => {
  expect((await run(['extension', 'new', 'greeter', '--dir', 'nested/here'])).code).toBe(0);
  const text = await readFile(path.join(dir, 'nested/here/extension.yaml'), 'utf8');
  const schema = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
  expect(schema).toBeDefined();
  expect(path.resolve(dir, 'nested/here', schema!)).toBe(path.join(ROOT, 'schemas/extension.schema.json'));
  expect(text).toMatch(/\nname: greeter\nversion: 0\.1\.0\n/);
  expect(text).toMatch(/\ncachePriority: 50\n/);
  expect(text).toContain('default: "Hello from greeter"');
});

test('the scenarios cover the default options and a changed option', async () => {
  expect((await run(['extension', 'new', 'greeter'])).code).toBe(0);
  const text = await readFile(path.join(dir, 'rockts-extension-greeter/test/scenarios.yaml'), 'utf8');
  expect(text).toMatch(/\n {2}default: \{\}/);
  expect(text).toMatch(/\n {2}custom-greeting:\n {4}options:\n {6}greeting: /);
});

test.each([
  ['Greeter', 'NAME: expected an extension name (lower-case letters, digits and dashes, starting with a letter or digit: ^[a-z0-9][a-z0-9-]{0,62}$), found "Greeter"'],
  ['-x', 'NAME: expected an extension name (lower-case letters, digits and dashes, starting with a letter or digit: ^[a-z0-9][a-z0-9-]{0,62}$), found "-x"'],
  ['a/b', 'NAME: expected an extension name (lower-case letters, digits and dashes, starting with a letter or digit: ^[a-z0-9][a-z0-9-]{0,62}$), found "a/b"'],
  ['base', "NAME: 'base' would name its builder stage like a shared builder base stage (rockts-builder-base...); choose another name"],
])('refuses the name %j and writes nothing', async (name, message) => {
  const result = await run(['extension', 'new', '--', name]);
  expect(result).toEqual({ code: 2, stdout: '', stderr: `rockts: ${message}\n` });
  expect(await readdir(dir)).toEqual([]);
});

test('refuses a folder that exists and is not empty, and leaves it as it was', async () => {
  await mkdir(path.join(dir, 'rockts-extension-greeter'));
  await writeFile(path.join(dir, 'rockts-extension-greeter/notes.txt'), 'mine\n');
  const result = await run(['extension', 'new', 'greeter']);
  expect(result).toEqual({
    code: 3,
    stdout: '',
    stderr: `rockts: ${path.join(dir, 'rockts-extension-greeter')} already exists and is not empty; rockts extension new never overwrites (remove it, or choose another --dir)\n`,
  });
  expect(await readdir(path.join(dir, 'rockts-extension-greeter'))).toEqual(['notes.txt']);
  expect(await readdir(dir)).toEqual(['rockts-extension-greeter']);
});

test('fills an existing empty folder', async () => {
  await mkdir(path.join(dir, 'empty'));
  expect((await run(['extension', 'new', 'greeter', '--dir', 'empty'])).code).toBe(0);
  expect(existsSync(path.join(dir, 'empty/extension.yaml'))).toBe(true);
  expect(await readdir(dir)).toEqual(['empty']);
});

test('`extension new --help` and `extension test --help` document the commands with examples', async () => {
  for (const command of ['new', 'test']) {
    const result = await run(['extension', command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('EXAMPLES');
    expect(result.stdout).toContain(`$ rockts extension ${command}`);
  }
});
