/**
 * `rockts run`: build the image when it is missing or stale (its rockts.config label
 * differs from the current composition), then start a dev container with the project
 * mounted and the host user's uid/gid. A kept container (--keep, or --name) is reused
 * while the composition is unchanged and replaced when it changes, as rockerc does.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildComposed, DEFAULT_BUILD_FLAGS, defaultTag, loadForEngine, type Say } from './build-image.js';
import { RocktsError } from './core/errors.js';
import { mergeRunSettings, runSettings } from './core/run-settings.js';
import { execArgs, runArgs, runLabel, workspaceDir, type RunRequest } from './docker/run-argv.js';
import { execCapture, type Engine, type EngineKind } from './docker/engine.js';
import type { ProjectOptions } from './load-project.js';
import type { RunCommandFlags } from './core/run-settings.js';

export interface RunFlags extends RunCommandFlags {
  readonly command: readonly string[];
  readonly engine: EngineKind | undefined;
}

/** Runs the dev container; resolves to the exit code of the command inside it. */
export async function runContainer(project: ProjectOptions, flags: RunFlags, say: Say): Promise<number> {
  const { engine, composed } = await loadForEngine(project, { engine: flags.engine, dryRun: false }, say);
  const tag = composed.config.tag?.value ?? defaultTag(composed.config);
  const hash = composed.plan.configHash;

  const network = flags.network ?? composed.config.run.network?.value ?? (engine.bridge ? undefined : 'host');
  const imageHash = await imageLabel(engine, tag);
  if (imageHash !== hash) {
    say(imageHash === undefined ? `rockts: no image ${tag} yet; building it` : `rockts: ${tag} was built from another composition; rebuilding`);
    await buildComposed(composed, engine, { ...DEFAULT_BUILD_FLAGS, network, engine: engine.kind }, say);
  }

  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const extensionSettings = runSettings(
    composed.plan.extensions,
    { home: project.home, env: process.env, user: project.hostUser ?? { name: 'root', uid, gid, home: project.home }, exists: existsSync },
    engine.kind,
  );
  const settings = mergeRunSettings(extensionSettings, composed.config.run, flags);
  for (const note of settings.notes) say(`rockts: ${note}`);
  const projectDir = path.dirname(path.resolve(project.cwd, composed.config.file));
  const name = settings.name ?? (settings.keep ? `rockts-${defaultTag(composed.config).replace(/-dev$/, '')}` : undefined);
  const request: RunRequest = {
    image: tag,
    configHash: hash,
    projectDir,
    workdir: workspaceDir(projectDir),
    uid,
    gid,
    name,
    detach: settings.detach,
    tty: Boolean(process.stdin.isTTY) && !settings.detach,
    network: settings.network ?? network,
    extensionArgs: settings.args,
    command: flags.command,
  };

  if (name === undefined) return attach(engine, runArgs(request, false));
  const runHash = runLabel(request);
  let state = await containerState(engine, name);
  if (state && (state.hash !== hash || state.run !== runHash)) {
    const what = state.hash !== hash ? 'the composition' : 'the run settings';
    say(`rockts: ${what} changed since container ${name} was made; replacing it`);
    await execOrThrow(engine, ['rm', '--force', name]);
    state = undefined;
  }
  if (!state) await execOrThrow(engine, runArgs(request, true));
  else if (!state.running) await execOrThrow(engine, ['start', name]);
  if (settings.detach) {
    say(`rockts: container ${name} is running; \`rockts run --name ${name}\` enters it`);
    return 0;
  }
  return attach(engine, execArgs(name, request));
}


/** The rockts.config label of the image `tag`, or undefined when there is no such image. */
async function imageLabel(engine: Engine, tag: string): Promise<string | undefined> {
  const result = await execCapture(engine.bin, ['image', 'inspect', '--format', '{{index .Config.Labels "rockts.config"}}', tag]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

async function containerState(engine: Engine, name: string): Promise<{ hash: string; run: string; running: boolean } | undefined> {
  const format = '{{index .Config.Labels "rockts.config"}} {{index .Config.Labels "rockts.run"}} {{.State.Running}}';
  const result = await execCapture(engine.bin, ['container', 'inspect', '--format', format, name]);
  if (result.code !== 0) return undefined;
  const [hash = '', run = '', running] = result.stdout.trim().split(' ');
  return { hash, run, running: running === 'true' };
}

async function execOrThrow(engine: Engine, args: string[]): Promise<void> {
  const result = await execCapture(engine.bin, args);
  if (result.code !== 0) throw new RocktsError('ENGINE_UNAVAILABLE', `\`${engine.bin} ${args.join(' ')}\` failed: ${result.stderr.trim()}`);
}

/**
 * Runs docker with the terminal handed over. Ctrl-C goes to the container (docker
 * forwards it); rockts waits for docker to finish and returns its exit code.
 */
function attach(engine: Engine, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine.bin, args, { stdio: 'inherit' });
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      process.off('SIGINT', ignore);
      reject(error);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}
