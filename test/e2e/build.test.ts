/**
 * `rockts build` on a real engine, and DESIGN.md's cache table asserted against
 * BuildKit's own --progress=plain output. Uses the frozen fixture extensions, which need
 * only Debian packages and local files (a C program compiled with gcc, apt packages,
 * setup steps), on local base images made by scripts/ci/make-base-images.sh.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { ALT_IMAGE, BASE_IMAGE, describeWithEngine, docker, ENGINES, fixtureConfig, parseSteps, removeImages, rocktsWith, type Step, type TestEngine } from '../helpers/engine.js';
import { composeCase, FIXTURE_EXTENSIONS, ROOT } from '../helpers/project.js';
import { writeBuildContext } from '../../src/docker/build-context.js';
import { DOCKER_20_FEATURES } from '../../src/core/plain-forms.js';

jest.setTimeout(600_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh value per run, so a "changed" option really is new to the build cache. */
const nonce = `${process.pid}${Date.now()}`.slice(-12);

function config(image: string, extensions: string[]): string {
  return fixtureConfig({ image, extensions, tag: `rockts-e2e-${path.basename(dir).toLowerCase()}` });
}

async function build(engine: TestEngine, text: string): Promise<{ steps: Step[]; imageId: string; stderr: string }> {
  await writeFile(path.join(dir, 'rockerc.yaml'), text);
  const progress = engine.kind === 'docker' ? ['--progress', 'plain'] : [];
  const result = await rocktsWith(engine, dir, ['build', ...progress, '--network', 'host']);
  if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  return { steps: parseSteps(result.stderr, engine.kind), imageId: result.stdout.trim(), stderr: result.stderr };
}

const inStage = (steps: Step[], prefix: string) => steps.filter((s) => s.stage.startsWith(prefix));
const ran = (steps: Step[]) => steps.filter((s) => !s.cached).map((s) => `${s.stage}: ${s.name.slice(0, 60)}`);

function dockerRun(engine: TestEngine, image: string, args: string[]): string {
  return docker(engine, ['run', '--rm', '--network=host', ...args, image]);
}

for (const engine of ENGINES) {
describeWithEngine(`rockts build on ${engine.name}`, () => {
  afterEach(() => {
    // Every test tags its image after its own folder; leave nothing behind.
    removeImages(engine, [`rockts-e2e-${path.basename(dir).toLowerCase()}`]);
  });

  test('the image runs, with the builders\' output on PATH for a non-root user', async () => {
    const { imageId, stderr } = await build(engine, config(BASE_IMAGE, [`hello: { greeting: "hi ${nonce}" }`, 'tool', 'links']));
    expect(stderr).toContain('rockts: wrote rockts.lock');
    expect(readFileSync(path.join(dir, 'rockts.lock'), 'utf8')).toMatch(/- name: hello\n    version: 1\.0\.0\n    source: builtin\n    sha256: [0-9a-f]{64}\n/);
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(dockerRun(engine, imageId, ['--user', '1000:1000', '--entrypoint', 'hello'])).toBe(`hi ${nonce}\n`);
    expect(dockerRun(engine, imageId, ['--user', '1000:1000', '--entrypoint', 'tool'])).toBe('tool 1.2.3\n');
    // PATH from the env group reaches a non-root user: tool (/opt/tool/bin) and hello (/usr/local/bin).
    expect(dockerRun(engine, imageId, ['--user', '1000:1000', '--entrypoint', 'sh']).length).toBe(0);
    expect(docker(engine, ['run', '--rm', '--network=host', '--user', '1000:1000', imageId, 'sh', '-c', 'command -v tool; command -v hello'])).toBe('/opt/tool/bin/tool\n/usr/local/bin/hello\n');
    const labels = JSON.parse(docker(engine, ['image', 'inspect', '--format', '{{json .Config.Labels}}', imageId]));
    expect(labels['rockts.extensions']).toBe('libbase,tool,hello,links');
    expect(labels['rockts.config']).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('changing image: every builder step is CACHED; the final stage rebuilds', async () => {
    // profile's line lands in the final stage only; the nonce makes that stage new to the cache.
    const extensions = ['hello', 'tool', 'links', `profile: { line: "export RUN_ID=${nonce}" }`];
    await build(engine, config(BASE_IMAGE, extensions));
    const { steps } = await build(engine, config(ALT_IMAGE, extensions));
    const builders = inStage(steps, 'rockts-builder');
    expect(builders.length).toBeGreaterThanOrEqual(4);
    expect(ran(builders)).toEqual([]);
    expect(ran(inStage(steps, 'rockts-final')).length).toBeGreaterThan(0);
  });

  test('changing image: to a derived image of the same release downloads no package again', async () => {
    // An image no build has seen: the base plus one file, committed from a container.
    const derived = `rockts-e2e-derived:${nonce}`;
    const container = `rockts-e2e-derive-${nonce}`;
    docker(engine, ['run', '--network=host', '--name', container, BASE_IMAGE, 'sh', '-c', `echo ${nonce} > /etc/rockts-derived`]);
    try {
      docker(engine, ['commit', container, derived]);
    } finally {
      docker(engine, ['rm', '--force', container]);
    }
    try {
      // The builders are cached, so every apt line in the second log is the final stage's.
      const extensions = ['hello', 'tool', 'links'];
      await build(engine, config(BASE_IMAGE, extensions));
      const { stderr } = await build(engine, config(derived, extensions));
      expect(stderr).toMatch(/Need to get 0 B\/[0-9.,]+ [kM]B of archives/);
      // apt names each package it downloads: `Get:1 <mirror> <suite>/<component> <arch> <package> <arch> <version> [<size>]`.
      expect(stderr.split('\n').filter((line) => /Get:\d+ \S+ \S+ \S+ \S+ \S+ \S+ \[/.test(line))).toEqual([]);
    } finally {
      docker(engine, ['image', 'rm', '--force', derived]);
    }
  });

  test('adding an extension: every existing builder step is CACHED', async () => {
    await build(engine, config(BASE_IMAGE, ['hello']));
    const { steps } = await build(engine, config(BASE_IMAGE, ['hello', `tool: { version: "7.${nonce.slice(-4)}.0" }`]));
    const existing = [...inStage(steps, 'rockts-builder-base'), ...inStage(steps, 'rockts-builder-hello')];
    expect(existing.length).toBeGreaterThanOrEqual(4);
    expect(ran(existing)).toEqual([]);
    expect(ran(inStage(steps, 'rockts-builder-tool')).length).toBe(1);
  });

  test("changing one extension's option: only that builder's steps re-run", async () => {
    await build(engine, config(BASE_IMAGE, ['hello', 'tool']));
    const { steps } = await build(engine, config(BASE_IMAGE, ['hello', `tool: { version: "8.${nonce.slice(-4)}.0" }`]));
    expect(ran(inStage(steps, 'rockts-builder'))).toEqual([expect.stringMatching(/^rockts-builder-tool: RUN mkdir/)]);
  });

  test('reordering extensions: the whole build is CACHED', async () => {
    await build(engine, config(BASE_IMAGE, ['links', 'hello', 'tool']));
    const { steps } = await build(engine, config(BASE_IMAGE, ['tool', 'links', 'hello']));
    expect(steps.length).toBeGreaterThanOrEqual(8);
    expect(ran(steps)).toEqual([]);
  });

  test('a failing step names the extension whose lines failed', async () => {
    await mkdir(path.join(dir, 'broken'));
    await writeFile(path.join(dir, 'broken/extension.yaml'), 'name: broken\nversion: 1.0.0\ndescription: fails\nrockts: "^0.1"\n');
    await writeFile(path.join(dir, 'broken/builder.Dockerfile.hbs'), `RUN mkdir -p {{outDir}} && echo ${nonce} && exit 3\n`);
    await writeFile(path.join(dir, 'rockerc.yaml'), config(BASE_IMAGE, ['hello', './broken']));
    const result = await rocktsWith(engine, dir, ['build', '--network', 'host']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/rockts: the build failed in the lines of extension 'broken' \(Dockerfile:\d+, stage rockts-builder-broken\): .*exit (?:code: |status )3/);
  });

  test('a failure inside a joined setup RUN names the extension whose section failed', async () => {
    // Two joinable setup snippets: one RUN on engines with heredocs, two elsewhere.
    for (const [name, command] of [['glue-a', `echo ${nonce}`], ['glue-b', 'echo before && exit 4']] as const) {
      await mkdir(path.join(dir, name));
      await writeFile(path.join(dir, name, 'extension.yaml'), `name: ${name}\nversion: 1.0.0\ndescription: setup\nrockts: "^0.1"\n`);
      await writeFile(path.join(dir, name, 'setup.Dockerfile.hbs'), `RUN ${command}\n`);
    }
    await writeFile(path.join(dir, 'rockerc.yaml'), config(BASE_IMAGE, ['./glue-a', './glue-b']));
    const result = await rocktsWith(engine, dir, ['build', '--network', 'host']);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/rockts: the build failed in the lines of extension 'glue-b' \(Dockerfile:\d+, stage rockts-final\): .*exit (?:code: |status )4/);
  });

  test('Ctrl-C during a build stops docker, exits 130 and leaves no build context behind', async () => {
    await mkdir(path.join(dir, 'slow'));
    await writeFile(path.join(dir, 'slow/extension.yaml'), 'name: slow\nversion: 1.0.0\ndescription: sleeps\nrockts: "^0.1"\n');
    await writeFile(path.join(dir, 'slow/builder.Dockerfile.hbs'), `RUN mkdir -p {{outDir}} && echo ${nonce} && sleep 120\n`);
    await writeFile(path.join(dir, 'rockerc.yaml'), config(BASE_IMAGE, ['./slow']));
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'rockts-tmp-'));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), 'build', ...engine.args, '--network', 'host'], {
      cwd: dir,
      env: { ...process.env, ...engine.env, TMPDIR: tmp, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const ran = new RegExp(`(?:^|\\s)${nonce}\\r?$`, 'm');
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Once the step runs (its echo printed), not when it is announced: Podman's own
      // temporary folder exists only then.
      if (ran.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('rockts: build interrupted; nothing was tagged');
    expect(await readdir(tmp)).toEqual([]);
    await rm(tmp, { recursive: true, force: true });
  });

  // Podman always gets the plain forms, so every other test here covers them there.
  if (engine.kind === 'docker') test('the plain forms for old engines (no COPY --link, RUN heredocs inlined) build and run', async () => {
    await mkdir(path.join(dir, 'scripted'));
    await writeFile(path.join(dir, 'scripted/extension.yaml'), 'name: scripted\nversion: 1.0.0\ndescription: heredocs\nrockts: "^0.1"\n');
    await writeFile(
      path.join(dir, 'scripted/builder.Dockerfile.hbs'),
      `RUN <<'EOF'\nset -eu\nmkdir -p {{outDir}}/etc\nprintf '%s\\n' "built ${nonce}" "it's quoted" > {{outDir}}/etc/scripted\nEOF\n`,
    );
    await writeFile(path.join(dir, 'scripted/setup.Dockerfile.hbs'), 'RUN cat - >> /etc/scripted <<EOF\nset up\nEOF\n');
    await writeFile(path.join(dir, 'rockerc.yaml'), config(BASE_IMAGE, ['hello', './scripted']));
    const { dockerfile, plan } = await composeCase(dir, FIXTURE_EXTENSIONS, DOCKER_20_FEATURES);
    expect(dockerfile).not.toMatch(/--link|<</);
    const context = await writeBuildContext(dockerfile, plan.extensions);
    try {
      const tag = `rockts-e2e-plain:${nonce}`;
      docker(engine, ['buildx', 'build', '--network=host', '--load', '--progress=plain', '--tag', tag, context.dir]);
      expect(docker(engine, ['run', '--rm', '--network=host', tag, 'cat', '/etc/scripted'])).toBe(`built ${nonce}\nit's quoted\nset up\n`);
      docker(engine, ['image', 'rm', tag]);
    } finally {
      await context.dispose();
    }
  });

  test('a missing base image gets a clear message', async () => {
    // A registry on a closed loopback port: the pull fails at once and nothing leaves the machine.
    await writeFile(path.join(dir, 'rockerc.yaml'), config('localhost:1/rockts-test/no-such-image:none', ['links']));
    const result = await rocktsWith(engine, dir, ['build', '--network', 'host']);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("rockts: base image 'localhost:1/rockts-test/no-such-image:none' is not available: it is not in the local image store and could not be pulled");
  });
}, engine);
}
