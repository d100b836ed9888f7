/**
 * The built-in catalogue index written by `npm run build`: it holds exactly what reading
 * extensions/ gives, and it is ignored as soon as the folder differs from it.
 */
import { appendFile, chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBuiltins, readBuiltinIndex, writeBuiltinIndex } from '../../src/extensions/builtin-index.js';
import { discoverExtensions } from '../../src/extensions/load-extension.js';
import { BUILTIN_EXTENSIONS, FIXTURE_EXTENSIONS, ROOT } from '../helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-index-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the index the build wrote matches the built-in extension folders', async () => {
  const indexed = await readBuiltinIndex(BUILTIN_EXTENSIONS, path.join(ROOT, 'dist/builtin-extensions.json'));
  expect(indexed).toBeDefined();
  expect(indexed).toEqual(await discoverExtensions(BUILTIN_EXTENSIONS, { kind: 'builtin' }));
});

test('an index holds what reading the folder gives, with its paths where the folder now is', async () => {
  await cp(FIXTURE_EXTENSIONS, path.join(dir, 'before'), { recursive: true });
  await writeBuiltinIndex(path.join(dir, 'before'), path.join(dir, 'index.json'));
  await cp(path.join(dir, 'before'), path.join(dir, 'moved'), { recursive: true });
  const moved = path.join(dir, 'moved');
  expect(await readBuiltinIndex(moved, path.join(dir, 'index.json'))).toEqual(await discoverExtensions(moved, { kind: 'builtin' }));
});

describe('the index is ignored, and the folder read, when the folder has changed since', () => {
  const extensions = () => path.join(dir, 'extensions');
  const index = () => path.join(dir, 'index.json');
  beforeEach(async () => {
    await cp(FIXTURE_EXTENSIONS, extensions(), { recursive: true });
    await writeBuiltinIndex(extensions(), index());
    expect(await readBuiltinIndex(extensions(), index())).toBeDefined();
  });

  test('a manifest changed', async () => {
    await writeFile(path.join(extensions(), 'hello/extension.yaml'), 'name: hello\nversion: 9.9.9\ndescription: changed\nrockts: "^0.1"\n');
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
    const hello = (await loadBuiltins(extensions(), index())).find((e) => e.manifest.name === 'hello');
    expect(hello?.manifest.version).toBe('9.9.9');
  });

  test('a template changed', async () => {
    await appendFile(path.join(extensions(), 'links/setup.Dockerfile.hbs'), 'RUN true\n');
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
  });

  test('a template or a files/ folder appeared', async () => {
    await writeFile(path.join(extensions(), 'links/user.Dockerfile.hbs'), 'RUN true\n');
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
  });

  test('a file in files/ changed (its digest is in the index)', async () => {
    await appendFile(path.join(extensions(), 'hello/files/hello.c'), '/* changed */\n');
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
    const hello = (await loadBuiltins(extensions(), index())).find((e) => e.manifest.name === 'hello');
    expect(hello).toEqual((await discoverExtensions(extensions(), { kind: 'builtin' })).find((e) => e.manifest.name === 'hello'));
  });

  test('a file in files/ became executable', async () => {
    await chmod(path.join(extensions(), 'hello/files/hello.c'), 0o755);
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
  });

  test('an extension folder went', async () => {
    await rm(path.join(extensions(), 'links'), { recursive: true });
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
    expect((await loadBuiltins(extensions(), index())).map((e) => e.manifest.name)).not.toContain('links');
  });

  test('the index is missing', async () => {
    await rm(index());
    expect(await readBuiltinIndex(extensions(), index())).toBeUndefined();
    expect(await loadBuiltins(extensions(), index())).toEqual(await discoverExtensions(extensions(), { kind: 'builtin' }));
  });
});
