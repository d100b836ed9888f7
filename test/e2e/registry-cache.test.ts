/**
 * Registry caches addressed by content, end to end on loopback: a registry from
 * scripts/ci/registry-up.sh (ROCKTS_REGISTRY, e.g. 127.0.0.1:5510) and a second Docker 26
 * daemon with its own data root (scripts/ci/engine26b-up.sh), the "second machine".
 * Everything is asserted from BuildKit's plain progress output, never from timings.
 * Every builder is a folder extension of the test's own whose RUN prints a marker with a
 * fresh value per run, so no local cache can already hold it.
 *
 * What "reused" means: a step BuildKit did not execute. Its display is not enough: a step
 * whose result comes from an imported cache is shown `CACHED`, or only as the download
 * of its layer, or (through bake) with no line at all, depending on timing and on when a
 * later stage needs its files. A step that runs prints its output, so the markers, and
 * the shared builder base's apt output, say what really ran.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { ALT_IMAGE, BASE_IMAGE, describeWithEngine, docker, DOCKER_26, fixtureConfig, removeImages, rocktsWith, type TestEngine } from '../helpers/engine.js';

jest.setTimeout(900_000);

const REGISTRY = process.env.ROCKTS_REGISTRY ?? '127.0.0.1:5510';
const SECOND: TestEngine = {
  name: 'a second Docker 26 daemon (own data root) and a loopback registry',
  kind: 'docker',
  bin: 'docker',
  env: { DOCKER_HOST: 'unix:///var/run/rockts-docker26b.sock' },
  args: [],
  setup: 'scripts/ci/engine26b-up.sh and scripts/ci/registry-up.sh',
};
const nonce = `${process.pid}${Date.now()}`.slice(-9);
const repository = `${REGISTRY}/rockts-e2e-cache-${nonce}`;

function registryProblem(): string | undefined {
  try {
    execFileSync('curl', ['-fsS', '--max-time', '3', `http://${REGISTRY}/v2/`], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `no registry answers on ${REGISTRY}`;
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-cache-'));
  for (const name of ['shared', 'own-a', 'own-b', 'baked', 'own-c']) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'extension.yaml'), `name: ${name}\nversion: 1.0.0\ndescription: a builder that says when it runs\nrockts: "^0.1"\n`);
    // The marker's words are quoted apart in the command, so only its output matches marker(name).
    await writeFile(path.join(root, name, 'builder.Dockerfile.hbs'), `RUN mkdir -p {{outDir}}/etc && echo "${name} builder" "ran ${nonce}" | tee {{outDir}}/etc/${name}\n`);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  // Only the images this test tagged; the second daemon's are its own anyway.
  removeImages(SECOND, ['a', 'b', 'c'].map((name) => `rockts-e2e-cache-${name}-${nonce}`));
  removeImages(DOCKER_26, [`rockts-e2e-cache-c-${nonce}`]);
});

function project(name: string, image: string, extensions: readonly string[]): string {
  return fixtureConfig({ image, extensions, tag: `rockts-e2e-cache-${name}-${nonce}`, more: [`cache: { registry: ${repository} }`] });
}

/** rockts build in a fresh folder: BuildKit's output of every build it ran (one per stage export, then the image). */
async function build(engine: TestEngine, name: string, text: string, extra: readonly string[] = []): Promise<string> {
  const dir = path.join(root, `${name}-${engine === DOCKER_26 ? 'main' : 'second'}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'rockerc.yaml'), text);
  const result = await rocktsWith(engine, dir, ['build', '--progress', 'plain', '--network', 'host', ...extra]);
  if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  return result.stderr;
}

const marker = (name: string) => `${name} builder ran ${nonce}`;
/** Whether the builder of folder extension `name` really ran: its RUN printed the marker. */
const ran = (log: string, name: string) => new RegExp(`^#\\d+ \\d+\\.\\d+ ${marker(name)}$`, 'm').test(log);

/**
 * Whether a step of `stage` printed output (so it ran), build by build: BuildKit numbers
 * each build's steps from #1, and names a step `[STAGE i/n]` (bake: `[TARGET STAGE i/n]`).
 */
function printed(log: string, stage: string): boolean {
  return log.split(/^(?=#1 \[internal\] load build definition)/m).some((one) => {
    const ids = new Set([...one.matchAll(/^#(\d+) \[(?:\S+ )?([a-z0-9._-]+) \d+\/\d+\] /gm)].filter((m) => m[2] === stage).map((m) => m[1]!));
    return [...one.matchAll(/^#(\d+) \d+\.\d+ /gm)].some((m) => ids.has(m[1]!));
  });
}

const importsCache = (log: string, stage: string) => new RegExp(`importing cache manifest from ${repository.replace(/\./g, '\\.')}:${stage}-[0-9a-f]{24}\\b`).test(log);

const A = project('a', BASE_IMAGE, ['../shared', '../own-a']);
const B = project('b', ALT_IMAGE, ['../shared', '../own-b', 'links']);

describeWithEngine('registry caches on Docker 26 (export) and a second Docker 26 daemon (import), with rockts build and with --bake', () => {
  const problem = registryProblem();
  if (problem !== undefined && process.env.ROCKTS_REQUIRE_ENGINE !== '1') {
    test.skip(`${problem} (run \`sudo bash scripts/ci/registry-up.sh\`)`, () => undefined);
    return;
  }

  test('project A exports one cache per stage (and --push pushes its image); on an empty second machine, project B runs its own builder but not the common one; project A then runs no builder', async () => {
    if (problem !== undefined) throw new Error(problem);
    const pushed = `${REGISTRY}/rockts-e2e-push-${nonce}:a`;
    const a = await build(DOCKER_26, 'a', A, ['--tag', pushed, '--push']);
    expect(a).toMatch(/exporting cache to registry/);
    expect(JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-push-${nonce}/tags/list`], { encoding: 'utf8' }))).toEqual({ name: `rockts-e2e-push-${nonce}`, tags: ['a'] });
    docker(DOCKER_26, ['image', 'rm', pushed]);
    const tags = JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-cache-${nonce}/tags/list`], { encoding: 'utf8' })) as { tags: string[] };
    expect(tags.tags.map((t) => t.replace(/-[0-9a-f]{24}$/, '')).sort()).toEqual(['rockts-builder-base', 'rockts-builder-own-a', 'rockts-builder-shared', 'rockts-final']);
    expect([ran(a, 'shared'), ran(a, 'own-a')]).toEqual([true, true]);

    // The second machine's build cache is its own (no other test uses that daemon): wipe it.
    docker(SECOND, ['builder', 'prune', '-af']);
    const b = await build(SECOND, 'b', B);
    expect(importsCache(b, 'rockts-builder-shared')).toBe(true);
    expect([ran(b, 'shared'), ran(b, 'own-b')]).toEqual([false, true]);
    // printed() sees a step that ran (own-b's) and no output of the builder base's apt install.
    expect([printed(b, 'rockts-builder-own-b'), printed(b, 'rockts-builder-base')]).toEqual([true, false]);
    expect(docker(SECOND, ['run', '--rm', '--network', 'host', `rockts-e2e-cache-b-${nonce}`, 'cat', '/etc/shared', '/etc/own-b'])).toBe(`${marker('shared')}\n${marker('own-b')}\n`);

    docker(SECOND, ['builder', 'prune', '-af']);
    const again = await build(SECOND, 'a', A);
    expect([ran(again, 'shared'), ran(again, 'own-a')]).toEqual([false, false]);
    expect(printed(again, 'rockts-builder-base')).toBe(false);
  });

  test("rockts build --bake exports each builder target's cache (and --push pushes and keeps its image); the second machine's bake build runs none of them", async () => {
    if (problem !== undefined) throw new Error(problem);
    const C = project('c', BASE_IMAGE, ['../baked', '../own-c']);
    const pushed = `${REGISTRY}/rockts-e2e-push-${nonce}:c`;
    const first = await build(DOCKER_26, 'c', C, ['--bake', '--tag', pushed, '--push']);
    expect(first).toMatch(/exporting cache to registry/);
    expect(JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-push-${nonce}/tags/list`], { encoding: 'utf8' })).tags).toContain('c');
    docker(DOCKER_26, ['image', 'rm', pushed]);
    expect([ran(first, 'baked'), ran(first, 'own-c')]).toEqual([true, true]);

    docker(SECOND, ['builder', 'prune', '-af']);
    const second = await build(SECOND, 'c', C, ['--bake']);
    expect([importsCache(second, 'rockts-builder-baked'), importsCache(second, 'rockts-builder-own-c')]).toEqual([true, true]);
    expect([ran(second, 'baked'), ran(second, 'own-c')]).toEqual([false, false]);
    expect(printed(first, 'rockts-builder-own-c')).toBe(true);
    expect(printed(second, 'rockts-builder-base')).toBe(false);
    expect(docker(SECOND, ['run', '--rm', '--network', 'host', `rockts-e2e-cache-c-${nonce}`, 'cat', '/etc/baked', '/etc/own-c'])).toBe(`${marker('baked')}\n${marker('own-c')}\n`);
  });
}, SECOND);
