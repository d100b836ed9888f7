/**
 * Real-engine helpers for the end-to-end tests: whether an engine with the test base
 * images is reachable, running the CLI against it, and reading BuildKit's plain progress.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { FIXTURE_EXTENSIONS, ROOT } from './project.js';

export const BASE_IMAGE = 'rockts-test/bookworm:base';
export const ALT_IMAGE = 'rockts-test/bookworm:alt';

/**
 * A rockerc.yaml for the fixture extensions on the test base images: `extensions` one per
 * line, builders on `builderBase` (BASE_IMAGE by default) with gcc and libc6-dev, then
 * `builderLines` inside `builder:`, the tag and `more` top-level lines.
 */
export function fixtureConfig(project: {
  readonly image: string;
  readonly extensions: readonly string[];
  readonly tag: string;
  readonly builderBase?: string;
  readonly builderLines?: readonly string[];
  readonly more?: readonly string[];
}): string {
  return [
    `image: ${project.image}`,
    'extensions:',
    ...project.extensions.map((e) => `  - ${e}`),
    'builder:',
    `  baseImage: ${project.builderBase ?? BASE_IMAGE}`,
    '  apt: [gcc, libc6-dev]',
    ...(project.builderLines ?? []),
    `tag: ${project.tag}`,
    ...(project.more ?? []),
    '',
  ].join('\n');
}

/** An engine the end-to-end tests run against, and the environment that selects it. */
export interface TestEngine {
  readonly name: string;
  readonly kind: 'docker' | 'podman';
  /** The engine's own command, for the tests' direct calls. */
  readonly bin: string;
  readonly env: Readonly<Record<string, string>>;
  /** Arguments that make rockts use it. */
  readonly args: readonly string[];
  /** The script that starts it. */
  readonly setup: string;
}

export const DOCKER_26: TestEngine = { name: 'Docker 26 (buildx, containerd image store)', kind: 'docker', bin: 'docker', env: {}, args: [], setup: 'scripts/ci/engine-up.sh' };
export const DOCKER_20: TestEngine = {
  name: 'Docker 20.10 (no Dockerfile 1.4: plain forms)',
  kind: 'docker',
  bin: 'docker',
  env: { DOCKER_HOST: 'unix:///var/run/rockts-docker20.sock' },
  args: [],
  setup: 'scripts/ci/engine20-up.sh',
};
export const PODMAN: TestEngine = {
  name: 'Podman 4.3 (Buildah: plain forms)',
  kind: 'podman',
  bin: 'podman',
  env: {},
  args: ['--engine', 'podman'],
  setup: 'scripts/ci/podman-up.sh',
};
export const ENGINES: readonly TestEngine[] = [DOCKER_26, DOCKER_20, PODMAN];

/** The engine's command with its environment. */
export function docker(engine: TestEngine, args: readonly string[], options: { input?: string } = {}): string {
  return execFileSync(engine.bin, [...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...engine.env }, input: options.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Removes each of `images` from the engine (forced); one that is not there (never built or tagged) is no error. */
export function removeImages(engine: TestEngine, images: readonly string[]): void {
  for (const image of images) {
    try {
      docker(engine, ['image', 'rm', '--force', image]);
    } catch {
      // not there
    }
  }
}

/** `rockts <command> <engine args> ...rest` in `cwd` against `engine`. */
export function rocktsWith(engine: TestEngine, cwd: string, [command, ...rest]: readonly string[]): Promise<CliResult> {
  return rocktsIn(cwd, [command!, ...engine.args, ...rest], engine.env);
}

/** Why the engine cannot be used, or undefined when it can. */
export function engineProblem(engine: TestEngine): string | undefined {
  try {
    docker(engine, ['image', 'inspect', BASE_IMAGE, ALT_IMAGE]);
    return undefined;
  } catch {
    return `${engine.name} with ${BASE_IMAGE} and ${ALT_IMAGE} is not reachable (run \`sudo bash ${engine.setup}\`)`;
  }
}

/**
 * `describe` when the engine is reachable; otherwise the tests are reported as skipped
 * with the reason, or fail when ROCKTS_REQUIRE_ENGINE=1 (as in CI).
 */
export function describeWithEngine(name: string, body: () => void, engine: TestEngine = DOCKER_26): void {
  const problem = engineProblem(engine);
  if (problem === undefined) {
    describe(name, body);
  } else if (process.env.ROCKTS_REQUIRE_ENGINE === '1') {
    describe(name, () => {
      test('a Docker engine is reachable (ROCKTS_REQUIRE_ENGINE=1)', () => {
        throw new Error(problem);
      });
    });
  } else {
    process.stderr.write(`\nSKIPPED end-to-end tests "${name}": ${problem}\n`);
    describe.skip(name, body);
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function rocktsIn(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/run.js'), ...args],
      { cwd, env: { ...process.env, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * rockts as another user (the tests run as root): uid and gid `uid`, plus the group of
 * the engine's socket so it may still talk to the daemon; HOME is `cwd`.
 */
export function rocktsAsUid(engine: TestEngine, uid: number, cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const socket = engine.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
  const socketGroup = execFileSync('stat', ['-c', '%g', socket], { encoding: 'utf8' }).trim();
  return new Promise((resolve) => {
    execFile(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${uid}`, `--groups=${socketGroup}`, '--', process.execPath, path.join(ROOT, 'bin/run.js'), ...args],
      { cwd, env: { ...process.env, ...engine.env, HOME: cwd, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS, ...env }, timeout: 600_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface Step {
  readonly stage: string;
  readonly name: string;
  readonly cached: boolean;
}

/** The build steps the engine reported (BuildKit's --progress=plain or Podman's), without FROM steps. */
export function parseSteps(log: string, kind: TestEngine['kind'] = 'docker'): Step[] {
  return kind === 'podman' ? parsePodmanSteps(log) : parseBuildKitSteps(log);
}

/**
 * Podman: `[i/n] STEP a/b: INSTRUCTION`, ended by `--> <short id>` and preceded by
 * `--> Using cache <id>` when cached. Buildah builds stages on demand: a COPY --from
 * step waits while the stage it needs is built, so its end comes after that stage's
 * steps. Ends therefore close the most recently started open step (a stack), and the
 * `[i/n]` prefix says which stage (named by its FROM step) a step belongs to.
 */
function parsePodmanSteps(log: string): Step[] {
  const steps: { stage: string; name: string; cached: boolean }[] = [];
  const open: { cached: boolean }[] = [];
  const stageNames = new Map<string, string>();
  for (const line of log.split('\n')) {
    const step = /^(?:\[(\d+)\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
    if (step) {
      const index = step[1] ?? '1';
      const from = /^FROM \S+ AS (\S+)/.exec(step[2]!);
      if (from) {
        stageNames.set(index, from[1]!);
      } else {
        const entry = { stage: stageNames.get(index) ?? '', name: step[2]!, cached: false };
        steps.push(entry);
        open.push(entry);
      }
    } else if (/^--> Using cache /.test(line)) {
      const top = open[open.length - 1];
      if (top) top.cached = true;
    } else if (/^--> [0-9a-f]{6,}$/.test(line)) {
      open.pop();
    }
  }
  return steps;
}

function parseBuildKitSteps(log: string): Step[] {
  const names = new Map<string, { stage: string; name: string }>();
  const cached = new Set<string>();
  for (const line of log.split('\n')) {
    const step = /^#(\d+) \[([a-z0-9._-]+) \d+\/\d+\] (.*)$/.exec(line);
    if (step) names.set(step[1]!, { stage: step[2]!, name: step[3]! });
    const hit = /^#(\d+) CACHED$/.exec(line);
    if (hit) cached.add(hit[1]!);
  }
  return [...names.entries()]
    .filter(([, s]) => !s.name.startsWith('FROM '))
    .map(([id, s]) => ({ ...s, cached: cached.has(id) }));
}
