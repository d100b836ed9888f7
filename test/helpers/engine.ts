/**
 * Real-engine helpers for the end-to-end tests: whether an engine with the test base
 * images is reachable, running the CLI against it, and reading BuildKit's plain progress.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { FIXTURE_EXTENSIONS, ROOT } from './project.js';

export const BASE_IMAGE = 'rockts-test/bookworm:base';
export const ALT_IMAGE = 'rockts-test/bookworm:alt';

/** Why the engine cannot be used, or undefined when it can. */
export function engineProblem(): string | undefined {
  try {
    execFileSync('docker', ['image', 'inspect', BASE_IMAGE, ALT_IMAGE], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return `no Docker engine with ${BASE_IMAGE} and ${ALT_IMAGE} is reachable (run \`sudo bash scripts/ci/engine-up.sh\`)`;
  }
}

/**
 * `describe` when the engine is reachable; otherwise the tests are reported as skipped
 * with the reason, or fail when ROCKTS_REQUIRE_ENGINE=1 (as in CI).
 */
export function describeWithEngine(name: string, body: () => void): void {
  const problem = engineProblem();
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

export interface Step {
  readonly stage: string;
  readonly name: string;
  readonly cached: boolean;
}

/** The build steps BuildKit reported in --progress=plain output, without FROM steps. */
export function parseSteps(log: string): Step[] {
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
