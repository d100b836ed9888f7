/**
 * `rockts bake` (write-bake.ts, core/bake-file.ts) and the content-addressed cache refs
 * (core/cache-refs.ts, registry-cache.ts):
 *  - test/golden-bake/<case>/  rockerc.yaml → expected.docker-bake.json (UPDATE_GOLDEN=1 rewrites it)
 *    and, for full, --network host → expected.rockts-network.compose.yaml
 *  - a builder's ref depends on what builds it, never on the project.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeBake } from '../src/build/write-bake.js';
import { stageCaches } from '../src/build/registry-cache.js';
import { composeProject } from '../src/project/load-project.js';
import { compareGolden, FIXTURE_EXTENSIONS, ROOT, TEST_USER, TEST_VERSION } from './helpers/project.js';

const options = (dir: string) => ({ configFile: 'rockerc.yaml', cwd: dir, home: path.join(dir, 'no-home'), rocktsVersion: TEST_VERSION, hostUser: TEST_USER, builtinDir: FIXTURE_EXTENSIONS });
const GOLDEN = path.join(ROOT, 'test/golden-bake');

describe('test/golden-bake', () => {
  test.each(['full', 'no-cache', 'read-only'])('%s', async (name) => {
    const dir = path.join(GOLDEN, name);
    const { text } = await writeBake(options(dir), { output: undefined, context: 'rockts-context', tag: undefined, network: undefined });
    await compareGolden(path.join(dir, 'expected.docker-bake.json'), text);
  });
});

test('every golden-bake case is tested', async () => {
  expect((await readdir(GOLDEN)).sort()).toEqual(['full', 'no-cache', 'read-only']);
});

describe('cache refs are addressed by content', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'rockts-cache-refs-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  async function refsOf(name: string, config: string) {
    const dir = path.join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'rockerc.yaml'), config);
    const caches = stageCaches(await composeProject(options(dir)));
    return { builders: new Map(caches!.refs.builders.map((b) => [b.stage, b.ref])), bases: caches!.refs.bases, final: caches!.refs.final.ref };
  }
  const cache = 'cache: { registry: 127.0.0.1:5000/c }\n';

  test('two projects with one builder in common share its ref, whatever their image, tag, folder and other extensions', async () => {
    const a = await refsOf('a', `image: ubuntu:24.04\ntag: a:dev\nextensions: [hello, tool]\n${cache}`);
    const b = await refsOf('b', `image: debian:bookworm\ntag: b:dev\nextensions: [hello, links, user]\n${cache}`);
    expect(a.builders.get('rockts-builder-hello')).toMatch(/^127\.0\.0\.1:5000\/c:rockts-builder-hello-[0-9a-f]{24}$/);
    expect(b.builders.get('rockts-builder-hello')).toBe(a.builders.get('rockts-builder-hello'));
    expect(a.final).not.toBe(b.final);
  });

  test('a changed option gives the builder a new ref and leaves the others', async () => {
    const a = await refsOf('opt-a', `image: ubuntu:24.04\nextensions: [hello, tool]\n${cache}`);
    const b = await refsOf('opt-b', `image: ubuntu:24.04\nextensions: [{ hello: { greeting: other } }, tool]\n${cache}`);
    expect(b.builders.get('rockts-builder-hello')).not.toBe(a.builders.get('rockts-builder-hello'));
    expect(b.builders.get('rockts-builder-tool')).toBe(a.builders.get('rockts-builder-tool'));
    expect(b.final).not.toBe(a.final);
  });

  test('a changed builder base changes the builders on it', async () => {
    const a = await refsOf('base-a', `image: ubuntu:24.04\nextensions: [hello]\n${cache}`);
    const b = await refsOf('base-b', `image: ubuntu:24.04\nextensions: [hello]\nbuilder: { apt: [curl] }\n${cache}`);
    expect(b.bases[0]!.ref).not.toBe(a.bases[0]!.ref);
    expect(b.builders.get('rockts-builder-hello')).not.toBe(a.builders.get('rockts-builder-hello'));
  });

  test("a changed file in an extension's files/ changes its builder's ref", async () => {
    const copy = path.join(root, 'ext-copy');
    await cp(path.join(FIXTURE_EXTENSIONS, 'hello'), copy, { recursive: true });
    const a = await refsOf('files-a', `image: ubuntu:24.04\nextensions: [${copy}]\n${cache}`);
    const files = await readdir(path.join(copy, 'files'), { recursive: true, withFileTypes: true });
    const first = files.find((f) => f.isFile())!;
    await writeFile(path.join(first.parentPath, first.name), '/* changed */\n', { flag: 'a' });
    const b = await refsOf('files-b', `image: ubuntu:24.04\nextensions: [${copy}]\n${cache}`);
    expect(b.builders.get('rockts-builder-hello')).not.toBe(a.builders.get('rockts-builder-hello'));
  });

  test('a new company CA gives every stage a new ref (they all trust it)', async () => {
    const pem = (name: string, dir: string) =>
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.pem'), '-days', '1', '-subj', `/CN=${name}`], { stdio: 'pipe' });
    const config = `image: ubuntu:24.04\nca: ca.pem\nextensions: [hello]\n${cache}`;
    for (const name of ['ca-a', 'ca-b']) {
      await mkdir(path.join(root, name), { recursive: true });
      pem(name, path.join(root, name));
    }
    const [a, b] = [await refsOf('ca-a', config), await refsOf('ca-b', config)];
    expect(b.bases[0]!.ref).not.toBe(a.bases[0]!.ref);
    expect(b.builders.get('rockts-builder-hello')).not.toBe(a.builders.get('rockts-builder-hello'));
    expect(b.final).not.toBe(a.final);
  });
});

describe('rockts bake -o', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-bake-o-'));
    await writeFile(path.join(dir, 'rockerc.yaml'), await readFile(path.join(GOLDEN, 'full/rockerc.yaml'), 'utf8'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('writes the bake file and its build context beside it, and replaces only a context it wrote', async () => {
    const output = path.join(dir, 'docker-bake.json');
    const first = await writeBake(options(dir), { output, context: 'rockts-context', tag: undefined, network: undefined });
    expect(await readFile(output, 'utf8')).toBe(first.text);
    expect(first.text).toBe(await readFile(path.join(GOLDEN, 'full/expected.docker-bake.json'), 'utf8'));
    const context = path.join(dir, 'rockts-context');
    expect((await readdir(context)).sort()).toEqual(['.rockts-context', 'Dockerfile', 'files']);
    expect(await readdir(path.join(context, 'files'))).toEqual(['hello']);
    await writeFile(path.join(context, 'stale'), 'x');
    await writeBake(options(dir), { output, context: 'rockts-context', tag: undefined, network: undefined });
    expect(await readdir(context)).not.toContain('stale');

    await mkdir(path.join(dir, 'mine'));
    await expect(writeBake(options(dir), { output, context: 'mine', tag: undefined, network: undefined })).rejects.toThrow(`${path.join(dir, 'mine')} exists and was not written by rockts bake; remove it or choose another --context`);
    await expect(writeBake(options(dir), { output, context: '../out', tag: undefined, network: undefined })).rejects.toThrow('--context: expected a folder name relative to the bake file, inside its folder (such as rockts-context), found "../out"');
  });

  test('--network writes the network overlay beside the bake file (golden: full), and only with -o and a plain network name', async () => {
    const output = path.join(dir, 'docker-bake.json');
    const result = await writeBake(options(dir), { output, context: 'rockts-context', tag: undefined, network: 'host' });
    expect(result.overlay).toBe(path.join(dir, 'rockts-network.compose.yaml'));
    await compareGolden(path.join(GOLDEN, 'full/expected.rockts-network.compose.yaml'), await readFile(result.overlay!, 'utf8'));
    expect(result.text).toBe(await readFile(path.join(GOLDEN, 'full/expected.docker-bake.json'), 'utf8'));

    await expect(writeBake(options(dir), { output: undefined, context: 'rockts-context', tag: undefined, network: 'host' })).rejects.toThrow('--network: expected -o FILE too (the network goes into rockts-network.compose.yaml, written beside the bake file), found no -o');
    await expect(writeBake(options(dir), { output, context: 'rockts-context', tag: undefined, network: 'host\n    dockerfile: x' })).rejects.toThrow('--network: expected a network name such as host, or container:NAME, found "host\\n    dockerfile: x"');
  });
});

test('~/.rockerc.yaml gives the registry once; a project may only say export: false', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-bake-home-'));
  try {
    await mkdir(path.join(dir, 'home'));
    await writeFile(path.join(dir, 'home/.rockerc.yaml'), 'cache: { registry: registry.example/team/rockts-cache, mode: min }\n');
    await writeFile(path.join(dir, 'rockerc.yaml'), 'image: debian:bookworm\nextensions: [hello]\ncache: { export: false }\n');
    const { text } = await writeBake({ ...options(dir), home: path.join(dir, 'home') }, { output: undefined, context: 'rockts-context', tag: undefined, network: undefined });
    expect(text).toContain('"type=registry,ref=registry.example/team/rockts-cache:rockts-builder-hello-');
    expect(text).not.toContain('cache-to');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
