/**
 * The deps extension on the real engines: a project with deps_rocker files
 * (env, apt, pip with a wheel shipped in the test fixtures, run and script keys) builds
 * and runs, and editing one deps file re-runs only the steps after its first changed
 * line, as BuildKit's plain progress shows.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BASE_IMAGE, describeWithEngine, docker, ENGINES, parseSteps, removeImages, rocktsIn, type Step, type TestEngine } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS, ROOT } from '../helpers/project.js';

jest.setTimeout(600_000);

const WHEEL = 'hello_deps-1.0-py3-none-any.whl';
const nonce = `${process.pid}${Date.now()}`.slice(-12);
let dir: string;
let tag: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-deps-'));
  tag = `rockts-e2e-deps-${path.basename(dir).toLowerCase()}`;
  await mkdir(path.join(dir, 'wheels'));
  await mkdir(path.join(dir, 'tools/scripts'), { recursive: true });
  await copyFile(path.join(ROOT, 'test/golden-builtin/deps-every-key/wheels', WHEEL), path.join(dir, 'wheels', WHEEL));
  await writeFile(path.join(dir, 'rockerc.yaml'), `image: ${BASE_IMAGE}\nextensions: [deps]\ntag: ${tag}\n`);
  await writeFile(
    path.join(dir, 'base.deps.yaml'),
    ['env_base:', `  - DEPS_E2E=${nonce}`, 'apt_base:', '  - python3-pip', 'pip_tools:', `  - wheels/${WHEEL}`, 'run_setup:', '  - mkdir -p /opt/e2e', `  - echo run-${nonce} > /opt/e2e/run`, ''].join('\n'),
  );
  await writeFile(path.join(dir, 'tools/tools.deps.yaml'), 'run_setup:\n  - echo tools >> /opt/e2e/run\nscript_tools:\n  - scripts/tool.sh\n');
  await writeFile(path.join(dir, 'tools/scripts/tool.sh'), `#!/bin/bash\nsudo echo "script ${nonce}" > /opt/e2e/script\n`);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const engine of ENGINES) {
describeWithEngine(`deps on ${engine.name}`, () => {
  afterEach(() => removeImages(engine, [tag]));
  const build = () => buildWith(engine);
  const inContainer = (script: string) => docker(engine, ['run', '--rm', '--network=host', tag, 'bash', '-c', script]);

  test('a project with env, apt, pip (a local wheel), run and script keys builds and runs', async () => {
    await build();
    expect(inContainer('echo $DEPS_E2E; cat /opt/e2e/run /opt/e2e/script; hello-deps')).toBe(`${nonce}\nrun-${nonce}\ntools\nscript ${nonce}\nhello from a wheel\n`);
  });

  test('editing one deps file re-runs only the steps after its first changed line', async () => {
    await build();
    await writeFile(path.join(dir, 'tools/scripts/more.sh'), `echo "more ${nonce}" > /opt/e2e/more\n`);
    await writeFile(path.join(dir, 'tools/tools.deps.yaml'), 'run_setup:\n  - echo tools >> /opt/e2e/run\nscript_tools:\n  - scripts/tool.sh\n  - scripts/more.sh\n');
    const steps = await build();
    // LABEL is metadata (Podman lists it as a step; BuildKit does not).
    const ran = steps.filter((s) => !s.cached && !s.name.startsWith('LABEL')).map((s) => s.name.replace(/\s+/g, ' ').slice(0, 50));
    const cached = steps.filter((s) => s.cached).map((s) => s.name.replace(/\s+/g, ' ').slice(0, 50));
    // The apt install, the wheel's copy and pip install, and the run layer stay cached.
    expect(cached).toEqual(expect.arrayContaining([expect.stringMatching(/^RUN --mount=type=cache,id=rockts-apt,/), expect.stringMatching(/^COPY files\/deps\/pip_tools/), expect.stringMatching(/pip3 install/), expect.stringMatching(/^RUN mkdir -p \/opt\/e2e/)]));
    expect(ran).toEqual([expect.stringMatching(/^COPY files\/deps\/script_tools/), expect.stringMatching(/^RUN bash \/opt\/rockts\/deps\/script_tools/)]);
    expect(inContainer('cat /opt/e2e/script /opt/e2e/more')).toBe(`script ${nonce}\nmore ${nonce}\n`);
  });
}, engine);
}

async function buildWith(engine: TestEngine): Promise<Step[]> {
  const progress = engine.kind === 'docker' ? ['--progress', 'plain'] : [];
  const result = await rocktsIn(dir, ['build', ...engine.args, ...progress, '--network', 'host'], { ...engine.env, ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });
  if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
  return parseSteps(result.stderr, engine.kind).filter((s) => s.stage.startsWith('rockts-final'));
}
