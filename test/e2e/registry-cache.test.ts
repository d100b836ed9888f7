/**
 * Registry caches addressed by content, end to end on loopback: a registry from
 * scripts/ci/registry-up.sh (ROCKTS_REGISTRY, e.g. 127.0.0.1:5510) and a second Docker 26
 * daemon with its own data root (scripts/ci/engine26b-up.sh), the "second machine".
 * Everything is asserted from BuildKit's plain progress output, never from timings.
 * Builders get options with a fresh value per run, so no local cache can already hold them.
 *
 * What "reused" means: a step BuildKit did not execute. Its display is not enough: a step
 * whose result comes from an imported cache is shown `CACHED`, or, when a later stage
 * needs its files, only as the download and extraction of its layer, with no `CACHED`
 * line (which of the two depends on timing). So the shared builder prints a marker when it
 * really runs, and other steps count as reused when shown CACHED or loaded from the cache.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { ALT_IMAGE, BASE_IMAGE, describeWithEngine, docker, DOCKER_26, fixtureConfig, parseSteps, removeImages, rocktsWith, type Step, type TestEngine } from '../helpers/engine.js';

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
  for (const name of ['shared', 'baked']) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'extension.yaml'), `name: ${name}\nversion: 1.0.0\ndescription: a builder two projects share\nrockts: "^0.1"\n`);
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

/** rockts build in a fresh folder; the steps of every build it ran (one per stage export, then the image). */
async function build(engine: TestEngine, name: string, text: string, extra: readonly string[] = []): Promise<{ steps: Step[]; log: string }> {
  const dir = path.join(root, `${name}-${engine === DOCKER_26 ? 'main' : 'second'}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'rockerc.yaml'), text);
  const result = await rocktsWith(engine, dir, ['build', '--progress', 'plain', '--network', 'host', ...extra]);
  if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  // Bake names each step after its target too (`[TARGET STAGE i/n]`): drop the target.
  const log = extra.includes('--bake') ? result.stderr.replace(/^(#\d+ \[)\S+ (?=\S+ \d+\/\d+\])/gm, '$1') : result.stderr;
  // BuildKit numbers the steps of each build from #1: parse build by build.
  const builds = log.split(/^(?=#1 \[internal\] load build definition)/m);
  return { steps: builds.flatMap((b) => parseSteps(b)), log };
}

const stepsOf = (steps: Step[], stage: string) => steps.filter((s) => s.stage === stage && !s.name.startsWith('FROM '));

/** The ids of the steps whose layer BuildKit downloaded and extracted (a result loaded from a cache). */
function loadedIds(log: string): Set<string> {
  return new Set([...log.matchAll(/^#(\d+) extracting sha256:/gm)].map((m) => m[1]!));
}

/** The steps of `stage` BuildKit executed, build by build: neither CACHED nor loaded from a cache. */
function executed(log: string, stage: string): Step[] {
  return log.split(/^(?=#1 \[internal\] load build definition)/m).flatMap((one) => {
    const loaded = loadedIds(one);
    const ids = new Map([...one.matchAll(/^#(\d+) \[([a-z0-9._-]+) \d+\/\d+\] (.*)$/gm)].map((m) => [`${m[2]} ${m[3]}`, m[1]!]));
    return stepsOf(parseSteps(one), stage).filter((s) => !s.cached && !loaded.has(ids.get(`${s.stage} ${s.name}`)!));
  });
}

/** The shared builders (folder extensions `shared` and `baked`) print their marker each time their RUN really runs. */
const marker = (name: string) => `${name} builder ran ${nonce}`;
const ran = (log: string, name: string) => new RegExp(`^#\\d+ \\d+\\.\\d+ ${marker(name)}$`, 'm').test(log);
const ranShared = (log: string) => ran(log, 'shared');
const A = project('a', BASE_IMAGE, ['../shared', `tool: { version: "1.2.${nonce}" }`]);
const B = project('b', ALT_IMAGE, ['../shared', `tool: { version: "1.3.${nonce}" }`, 'links']);

describeWithEngine('registry caches on Docker 26 (export) and a second Docker 26 daemon (import), with rockts build and with --bake', () => {
  const problem = registryProblem();
  if (problem !== undefined && process.env.ROCKTS_REQUIRE_ENGINE !== '1') {
    test.skip(`${problem} (run \`sudo bash scripts/ci/registry-up.sh\`)`, () => undefined);
    return;
  }

  test('project A exports one cache per stage (and --push pushes its image); on an empty second machine, project B executes none of the common builder steps and runs its own; project A then executes no builder step', async () => {
    if (problem !== undefined) throw new Error(problem);
    const pushed = `${REGISTRY}/rockts-e2e-push-${nonce}:a`;
    const a = await build(DOCKER_26, 'a', A, ['--tag', pushed, '--push']);
    expect(a.log).toMatch(/exporting cache to registry/);
    expect(JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-push-${nonce}/tags/list`], { encoding: 'utf8' }))).toEqual({ name: `rockts-e2e-push-${nonce}`, tags: ['a'] });
    docker(DOCKER_26, ['image', 'rm', pushed]);
    const tags = JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-cache-${nonce}/tags/list`], { encoding: 'utf8' })) as { tags: string[] };
    expect(tags.tags.map((t) => t.replace(/-[0-9a-f]{24}$/, '')).sort()).toEqual(['rockts-builder-base', 'rockts-builder-shared', 'rockts-builder-tool', 'rockts-final']);
    expect(ranShared(a.log)).toBe(true);

    // The second machine's build cache is its own (no other test uses that daemon): wipe it.
    docker(SECOND, ['builder', 'prune', '-af']);
    const b = await build(SECOND, 'b', B);
    const sharedRef = tags.tags.find((t) => t.startsWith('rockts-builder-shared-'))!;
    expect(b.log).toContain(`importing cache manifest from ${repository}:${sharedRef}`);
    expect(stepsOf(b.steps, 'rockts-builder-shared').length).toBeGreaterThan(0);
    expect(ranShared(b.log)).toBe(false);
    expect(executed(b.log, 'rockts-builder-shared')).toEqual([]);
    expect(executed(b.log, 'rockts-builder-tool').length).toBeGreaterThan(0);
    expect(docker(SECOND, ['run', '--rm', '--network', 'host', `rockts-e2e-cache-b-${nonce}`, 'cat', '/etc/shared'])).toBe(`${marker('shared')}\n`);

    docker(SECOND, ['builder', 'prune', '-af']);
    const again = await build(SECOND, 'a', A);
    expect(ranShared(again.log)).toBe(false);
    for (const stage of ['rockts-builder-base', 'rockts-builder-shared', 'rockts-builder-tool']) {
      expect(stepsOf(again.steps, stage).length).toBeGreaterThan(0);
      expect(executed(again.log, stage)).toEqual([]);
    }
  });

  test("rockts build --bake exports each builder target's cache (and --push pushes and keeps its image); the second machine's bake build executes none of them", async () => {
    if (problem !== undefined) throw new Error(problem);
    const C = project('c', BASE_IMAGE, ['../baked', `tool: { version: "1.4.${nonce}" }`]);
    const pushed = `${REGISTRY}/rockts-e2e-push-${nonce}:c`;
    const first = await build(DOCKER_26, 'c', C, ['--bake', '--tag', pushed, '--push']);
    expect(first.log).toMatch(/exporting cache to registry/);
    expect(JSON.parse(execFileSync('curl', ['-fsS', `http://${REGISTRY}/v2/rockts-e2e-push-${nonce}/tags/list`], { encoding: 'utf8' })).tags).toContain('c');
    docker(DOCKER_26, ['image', 'rm', pushed]);
    expect(ran(first.log, 'baked')).toBe(true);

    docker(SECOND, ['builder', 'prune', '-af']);
    const second = await build(SECOND, 'c', C, ['--bake']);
    expect(ran(second.log, 'baked')).toBe(false);
    for (const stage of ['rockts-builder-baked', 'rockts-builder-tool']) {
      expect(second.log).toMatch(new RegExp(`importing cache manifest from ${repository.replace(/\./g, '\\.')}:${stage}-[0-9a-f]{24}`));
      expect(stepsOf(second.steps, stage).length).toBeGreaterThan(0);
      expect(executed(second.log, stage)).toEqual([]);
    }
    expect(docker(SECOND, ['run', '--rm', '--network', 'host', `rockts-e2e-cache-c-${nonce}`, 'sh', '-c', 'cat /etc/baked; tool'])).toBe(`${marker('baked')}\ntool 1.4.${nonce}\n`);
  });
}, SECOND);
