/**
 * `rockts extension test` on a container engine, one scenario at a time: build the
 * composed image, run the extension's test script in it as the mapped user, then build
 * the same Dockerfile again with its final stage starting FROM the first image (the
 * extension twice in the chain: builders stay cached, every final-stage step runs a
 * second time on an image that already has its result) and run the script again.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { FINAL_STAGE } from '../core/stage-names.js';
import { RocktsError } from '../core/errors.js';
import { runSettings, type HostContext } from '../core/run-settings.js';
import type { OrderedExtension } from '../core/types.js';
import { buildFailure, stripAnsi } from '../docker/attribute-failure.js';
import { buildCommand, PLAIN_BUILD } from '../docker/build-argv.js';
import { proxyVariables } from '../docker/proxy-env.js';
import { writeBuildContext } from '../docker/build-context.js';
import { execCapture, type Engine } from '../docker/engine.js';
import { runStreaming } from '../docker/run-streaming.js';
import type { ComposedScenario } from './compose-scenarios.js';

/** Where the extension's test/ folder is mounted (read-only) and the script runs. */
export const TEST_MOUNT = '/rockts-test';
const TAIL_LINES = 40;

export interface EngineTestOptions {
  readonly idempotency: boolean;
  readonly keepImages: boolean;
  /** --network for builds and the test container (host when the engine has no bridge). */
  readonly network: string | undefined;
  readonly uid: number;
  readonly gid: number;
  /** The host, for the extensions' `run:` arguments (as `rockts run` fills them in). */
  readonly host: HostContext;
}

export type ScenarioOutcome =
  | { readonly ok: true; readonly name: string; readonly buildSeconds: number; readonly testSeconds: number }
  | { readonly ok: false; readonly name: string; readonly phase: string; readonly detail: string };

/** `<extension>/<scenario>`, as reports name a scenario. */
export function scenarioLabel(s: ComposedScenario): string {
  return `${s.extension.manifest.name}/${s.scenario.name}`;
}

export async function testScenario(engine: Engine, s: ComposedScenario, options: EngineTestOptions, say: (message: string) => void): Promise<ScenarioOutcome> {
  const name = scenarioLabel(s);
  const tag = `rockts-test-${s.extension.manifest.name}-${s.scenario.name}`;
  const again = `${tag}:twice`;
  const { dockerfile, owners, plan } = s.composition;
  let buildSeconds = 0;
  let testSeconds = 0;
  const fail = (phase: string, detail: string): ScenarioOutcome => ({ ok: false, name, phase, detail });
  try {
    say(`${name}: building`);
    const first = await buildImage(engine, dockerfile, owners, plan.extensions, tag, options.network);
    if (!first.ok) return fail('build', first.detail);
    buildSeconds += first.seconds;
    const settings = runSettings(plan.extensions, options.host, engine.kind);
    for (const note of settings.notes) say(`${name}: ${note}`);
    const run = { ...options, extensionArgs: settings.args };
    say(`${name}: running test/${s.scenario.test.value}`);
    const test = await runTest(engine, s, tag, run);
    if (!test.ok) return fail('test', test.detail);
    testSeconds += test.seconds;
    if (!options.idempotency) return { ok: true, name, buildSeconds, testSeconds };

    const twice = twiceInTheChain(dockerfile, owners, tag);
    const why = "the final stage's steps ran a second time, on the image they had already built: setup must be safe to run twice (mkdir -p, ln -sf, a guarded useradd)";
    say(`${name}: building again FROM the first image (the extension twice in the chain)`);
    const second = await buildImage(engine, twice.dockerfile, twice.owners, plan.extensions, again, options.network);
    if (!second.ok) return fail('idempotency build', `${why}\n${second.detail}`);
    buildSeconds += second.seconds;
    say(`${name}: running test/${s.scenario.test.value} again`);
    const retest = await runTest(engine, s, again, run);
    if (!retest.ok) return fail('idempotency test', `${why}\n${retest.detail}`);
    testSeconds += retest.seconds;
    return { ok: true, name, buildSeconds, testSeconds };
  } finally {
    if (!options.keepImages) await execCapture(engine.bin, ['image', 'rm', tag, again]);
  }
}

/**
 * The Dockerfile whose final stage starts FROM `image` (as root, whatever user the
 * image ends with) instead of the scenario's base image; the builders are unchanged.
 */
export function twiceInTheChain(dockerfile: string, owners: readonly (string | undefined)[], image: string): { dockerfile: string; owners: (string | undefined)[] } {
  const lines = dockerfile.split('\n');
  const index = lines.findIndex((l) => l.startsWith('FROM ') && l.endsWith(` AS ${FINAL_STAGE}`));
  if (index < 0) throw new Error(`internal: no ${FINAL_STAGE} stage in the Dockerfile`);
  lines.splice(index, 1, `FROM ${image} AS ${FINAL_STAGE}`, 'USER root');
  return { dockerfile: lines.join('\n'), owners: [...owners.slice(0, index), undefined, undefined, ...owners.slice(index + 1)] };
}

type Phase = { ok: true; seconds: number } | { ok: false; detail: string };

async function buildImage(
  engine: Engine,
  dockerfile: string,
  owners: readonly (string | undefined)[],
  extensions: readonly OrderedExtension[],
  tag: string,
  network: string | undefined,
): Promise<Phase> {
  const context = await writeBuildContext(dockerfile, extensions);
  try {
    const command = buildCommand(engine, {
      ...PLAIN_BUILD,
      contextDir: context.dir,
      dockerfile: context.dockerfile,
      iidFile: context.iidFile,
      tag,
      network,
      // Behind a proxy, extension tests download through it like `rockts build` does.
      buildArgs: proxyVariables(process.env),
    });
    const started = performance.now();
    const run = await runStreaming(command.bin, command.args, { ...command.env, ...context.engineEnv }, false);
    if (run.interrupted) throw new RocktsError('INTERRUPTED', 'interrupted; the test images were removed');
    if (run.code !== 0) return { ok: false, detail: describeBuildFailure(run.log, owners, dockerfile) };
    return { ok: true, seconds: (performance.now() - started) / 1000 };
  } finally {
    await context.dispose();
  }
}

export type RunOptions = Pick<EngineTestOptions, 'network' | 'uid' | 'gid' | 'host'> & { readonly extensionArgs: readonly string[] };

async function runTest(engine: Engine, s: ComposedScenario, image: string, options: RunOptions): Promise<Phase> {
  const started = performance.now();
  const run = await runStreaming(engine.bin, testArgs(s, image, options), {}, false);
  if (run.interrupted) throw new RocktsError('INTERRUPTED', 'interrupted; the test images were removed');
  if (run.code === 0) return { ok: true, seconds: (performance.now() - started) / 1000 };
  return { ok: false, detail: `test/${s.scenario.test.value} exited with ${run.code}; its output:\n${tail(run.log)}` };
}

/**
 * `docker run` for the test script (run through /bin/sh only to join its output streams):
 * the mapped uid:gid, test/ mounted read-only as the working directory; the scenario's
 * name, the extension's option values and the host's ROCKTS_EXPECT_* variables in the
 * environment; and the extensions' own `run:` arguments (as `rockts run` passes them).
 */
export function testArgs(s: ComposedScenario, image: string, options: RunOptions): string[] {
  const args = ['run', '--rm'];
  if (options.network !== undefined) args.push('--network', options.network);
  args.push('--user', `${options.uid}:${options.gid}`, '--volume', `${s.testDir}:${TEST_MOUNT}:ro`, '--workdir', TEST_MOUNT);
  args.push('--env', `ROCKTS_TEST_SCENARIO=${s.scenario.name}`);
  const underTest = s.composition.plan.extensions.find((e) => e.extension.dir === s.extension.dir);
  for (const o of underTest?.options ?? []) args.push('--env', `ROCKTS_TEST_OPTION_${o.name}=${String(o.value)}`);
  // What the author expects on this machine (ROCKTS_EXPECT_RUST_TOOLCHAIN=1.83.0, ...) reaches the script.
  for (const [name, value] of Object.entries(options.host.env)) {
    if (name.startsWith('ROCKTS_EXPECT_') && value !== undefined) args.push('--env', `${name}=${value}`);
  }
  args.push(...options.extensionArgs);
  // The script's stderr joins its stdout inside the container: the engine carries the two
  // streams apart and loses their order, and the report shows the output as it was written.
  args.push('--entrypoint', '/bin/sh', image, '-c', 'exec "$0" 2>&1', path.posix.join(TEST_MOUNT, s.scenario.test.value));
  return args;
}

/** What failed, in the extension's terms, and the end of the engine's output. */
function describeBuildFailure(log: string, owners: readonly (string | undefined)[], dockerfile: string): string {
  return `${buildFailure(log, owners, dockerfile).message}\n${tail(stripAnsi(log))}`;
}

function tail(output: string): string {
  const lines = output.trimEnd().split('\n');
  const shown = lines.slice(-TAIL_LINES).map((l) => `  | ${l}`);
  return (lines.length > TAIL_LINES ? [`  | ... (${lines.length - TAIL_LINES} earlier lines)`, ...shown] : shown).join('\n');
}
