/**
 * `rockts build --bake` on Docker 26, which has no bridge network here: the build network
 * reaches every bake target (the two builders, their base and the final image) through
 * the Compose overlay, and the image has the same contents as `rockts build` of the same
 * project. Compared by what is in the images (files with modes, owners and sizes; config;
 * the output of the built tools), never by image IDs.
 * The builders' options carry a fresh value per run, so the bake build, which runs first,
 * cannot find them in any cache, nor the final image's stamp (an extension of the test's
 * own with a root setup RUN): their RUN steps really run on the build network.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, fixtureConfig, parseSteps, removeImages, rocktsWith } from '../helpers/engine.js';

jest.setTimeout(900_000);

const nonce = `${process.pid}${Date.now()}`.slice(-9);
const tags = { bake: `rockts-e2e-bakenet-bake-${nonce}`, build: `rockts-e2e-bakenet-build-${nonce}` };

let root: string;
let stamp: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-bakenet-'));
  stamp = path.join(root, 'stamp');
  await mkdir(stamp);
  await writeFile(path.join(stamp, 'extension.yaml'), 'name: stamp\nversion: 1.0.0\ndescription: A root setup RUN in the final stage\nrockts: "^0.1"\n');
  await writeFile(path.join(stamp, 'setup.Dockerfile.hbs'), `RUN echo 'stamp ${nonce}' > /etc/rockts-stamp\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  removeImages(DOCKER_26, [tags.bake, tags.build]);
});

/** rockts build (with `extra` flags) of the two-builder project, tagged `tag`, in a fresh folder. */
async function build(tag: string, extra: readonly string[]): Promise<string> {
  const dir = path.join(root, tag);
  await mkdir(dir);
  const config = fixtureConfig({ image: BASE_IMAGE, extensions: [`hello: { greeting: "baked ${nonce}" }`, `tool: { version: "3.4.${nonce}" }`, stamp], tag });
  await writeFile(path.join(dir, 'rockerc.yaml'), config);
  // Never the bridge network: host where the engine has a bridge, else rockts's own choice (host).
  const bridge = docker(DOCKER_26, ['network', 'ls', '--format', '{{.Name}}']).split('\n').includes('bridge');
  const result = await rocktsWith(DOCKER_26, dir, ['build', '--progress', 'plain', ...(bridge ? ['--network', 'host'] : []), ...extra]);
  if (result.code !== 0) throw new Error(`rockts build ${extra.join(' ')} failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  return result.stderr;
}

/** Every file of the image's filesystem: type and mode, owner, size and name (not times). */
function filesOf(tag: string): string[] {
  const container = docker(DOCKER_26, ['create', '--network', 'host', tag, 'true']).trim();
  try {
    const tar = execFileSync('docker', ['export', container], { maxBuffer: 2 * 1024 * 1024 * 1024 });
    const listing = execFileSync('tar', ['-tv', '--numeric-owner', '--full-time'], { input: tar, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // perms uid/gid size date time name[ -> target]
    return listing.split('\n').filter((l) => l !== '').map((l) => l.replace(/^(\S+ \S+ +\d+) \S+ \S+ /, '$1 '));
  } finally {
    docker(DOCKER_26, ['rm', container]);
  }
}

/** The steps of a bake build; bake prefixes each with its target: `#12 [rockts-final rockts-final 2/5] RUN …`. */
const bakeSteps = (log: string) => parseSteps(log.replace(/^(#\d+ \[)\S+ (?=\S+ \d+\/\d+\])/gm, '$1'));

const configOf = (tag: string) => docker(DOCKER_26, ['image', 'inspect', '--format', '{{json .Config.Env}} {{json .Config.Labels}} {{json .Config.User}} {{json .Config.WorkingDir}} {{json .Config.Cmd}}', tag]);
const toolsOf = (tag: string) => docker(DOCKER_26, ['run', '--rm', '--network', 'host', tag, 'sh', '-c', 'hello; tool; cat /etc/rockts-stamp']);

describeWithEngine('rockts build --bake on Docker 26 without a bridge network', () => {
  test('every target builds on the host network through the Compose overlay, and the image has the same contents as rockts build', async () => {
    const baked = await build(tags.bake, ['--bake']);
    expect(baked).toContain('load local bake definitions');
    const ran = bakeSteps(baked).filter((s) => s.name.startsWith('RUN') && !s.cached);
    for (const stage of ['rockts-builder-hello', 'rockts-builder-tool', 'rockts-final']) expect(ran.filter((s) => s.stage === stage)).not.toEqual([]);

    await build(tags.build, []);
    const files = filesOf(tags.bake);
    expect(files.some((f) => / \.?\/?usr\/local\/bin\/hello$/.test(f))).toBe(true);
    expect(files).toEqual(filesOf(tags.build));
    expect(configOf(tags.bake)).toBe(configOf(tags.build));
    expect(toolsOf(tags.bake)).toBe(`baked ${nonce}\ntool 3.4.${nonce}\nstamp ${nonce}\n`);
    expect(toolsOf(tags.build)).toBe(toolsOf(tags.bake));
  });
});
