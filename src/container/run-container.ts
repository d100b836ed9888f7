/**
 * `rockts run`: build the image when it is missing or stale (its rockts.config label
 * differs from the current composition), then start a dev container with the project
 * mounted and the host user's uid/gid. A kept container (--keep, or --name) is reused
 * while the composition is unchanged and replaced when it changes, as rockerc does.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildComposed, DEFAULT_BUILD_FLAGS, loadForEngine, type Say } from '../build/build-image.js';
import { defaultTag, projectTag } from '../project/image-tag.js';
import type { Composition } from '../core/compose.js';
import { RocktsError } from '../core/errors.js';
import { checkContainerNameFlag, checkNetworkFlag, mergeRunSettings, runSettings, type MergedRunSettings, type RunCommandFlags } from '../core/run-settings.js';
import type { Config } from '../core/types.js';
import { attach, engineOrThrow, enterContainer, inspectContainer } from '../docker/containers.js';
import { runArgs, runLabel, workspaceDir, type RunRequest } from '../docker/run-argv.js';
import { chooseNetwork, type EngineKind } from '../docker/engine.js';
import { CONFIG_LABEL, inspectImage } from '../docker/inspect-image.js';
import { proxyRunArgs } from '../docker/proxy-env.js';
import type { Project, ProjectOptions } from '../project/load-project.js';

export interface RunFlags extends RunCommandFlags {
  readonly command: readonly string[];
  readonly engine: EngineKind | undefined;
  /** --json: no TTY, whatever stdin is. */
  readonly json?: boolean;
}

/** Runs the dev container; resolves to the exit code of the command inside it and the kept container's name. */
export async function runContainer(project: ProjectOptions, flags: RunFlags, say: Say): Promise<{ code: number; container: string | undefined }> {
  checkContainerNameFlag(flags.name); // before anything is built
  checkNetworkFlag(flags.network);
  const { engine, composed } = await loadForEngine(project, { engine: flags.engine }, say);
  const tag = projectTag(composed.config);
  const hash = composed.plan.configHash;

  const network = chooseNetwork(flags.network ?? composed.config.run.network?.value, engine, say);
  const image = await inspectImage(engine, tag);
  if (image?.labels[CONFIG_LABEL] !== hash) {
    say(image === undefined ? `rockts: no image ${tag} yet; building it` : `rockts: ${tag} was built from another composition; rebuilding`);
    await buildComposed(composed, engine, { ...DEFAULT_BUILD_FLAGS, network, engine: engine.kind }, say, { image });
  }

  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const settings = projectRunSettings(project, composed, engine.kind, flags);
  for (const note of settings.notes) say(`rockts: ${note}`);
  const projectDir = path.dirname(path.resolve(project.cwd, composed.config.file));
  const name = settings.name ?? (settings.keep ? keptContainerName(composed.config) : undefined);
  const request: RunRequest = {
    image: tag,
    configHash: hash,
    projectDir,
    workdir: workspaceDir(projectDir),
    uid,
    gid,
    name,
    detach: settings.detach,
    tty: Boolean(process.stdin.isTTY) && !settings.detach && !flags.json,
    network,
    // The host's proxies (values read by the engine from its environment), then the extensions'.
    extensionArgs: [...proxyRunArgs(process.env), ...settings.args],
    command: flags.command,
  };

  if (name === undefined) return { code: await attach(engine, runArgs(request, false)), container: undefined };
  const runHash = runLabel(request);
  let state = await inspectContainer(engine, name);
  if (state && (state.hash !== hash || state.run !== runHash)) {
    const what = state.hash !== hash ? 'the composition' : 'the run settings';
    say(`rockts: ${what} changed since container ${name} was made; replacing it`);
    await engineOrThrow(engine, ['rm', '--force', name]);
    state = undefined;
  }
  if (!state) {
    await engineOrThrow(engine, runArgs(request, true));
    state = await inspectContainer(engine, name);
    if (!state) throw new RocktsError('ENGINE_UNAVAILABLE', `${engine.kind} created container ${name} but cannot find it`);
  }
  if (settings.detach) {
    if (!state.running) await engineOrThrow(engine, ['start', name]);
    say(`rockts: container ${name} is running; \`rockts exec${flags.name === undefined ? '' : ` --name ${name}`}\` enters it`);
    return { code: 0, container: name };
  }
  return { code: await enterContainer(engine, state, { command: flags.command, tty: request.tty }), container: name };
}

/**
 * The run settings of the composition on this machine: what `rockts run` passes to
 * `docker run`, and what `rockts devcontainer` writes as devcontainer.json properties.
 */
export function projectRunSettings(project: ProjectOptions, composed: Composition & Project, engine: EngineKind, flags: RunCommandFlags = NO_RUN_FLAGS): MergedRunSettings {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const extensions = runSettings(
    composed.plan.extensions,
    { home: project.home, env: process.env, user: project.hostUser ?? { name: 'root', uid, gid, home: project.home }, exists: existsSync },
    engine,
  );
  return mergeRunSettings(extensions, composed.config.run, flags);
}

const NO_RUN_FLAGS: RunCommandFlags = { keep: false, name: undefined, detach: false, network: undefined };

/** The kept container's name when --name does not give one: the config's `run.name` (rockerc's `name:`), else rockts-<folder>. */
export function keptContainerName(config: Config): string {
  return config.run.name?.value ?? `rockts-${defaultTag(config).replace(/-dev$/, '')}`;
}
