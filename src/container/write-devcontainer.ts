/**
 * `rockts devcontainer`: writes .devcontainer/devcontainer.json (and, to build from the
 * composed Dockerfile, its build context in .devcontainer/rockts/) for the project's
 * composition, so editors and the Dev Containers CLI open the same environment as
 * `rockts run`. A devcontainer.json rockts did not write is never replaced without --force.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadForEngine, type Say } from '../build/build-image.js';
import { projectTag } from '../project/image-tag.js';
import { checkNetworkFlag } from '../core/run-settings.js';
import { composeDevcontainer, readDevcontainerRecord } from '../core/devcontainer.js';
import { RocktsError } from '../core/errors.js';
import { replaceBuildContext } from '../docker/build-context.js';
import { chooseNetwork, type EngineKind } from '../docker/engine.js';
import { workspaceDir } from '../docker/run-argv.js';
import type { ProjectOptions } from '../project/load-project.js';
import { projectRunSettings } from './run-container.js';
import { writeFileAtomic } from '../io/write-atomic.js';
import { DEVCONTAINER_DIR, DEVCONTAINER_FILE, readJson } from './devcontainer-status.js';

export { DEVCONTAINER_DIR, DEVCONTAINER_FILE, devcontainerStatus } from './devcontainer-status.js';

/** The build context's folder inside the devcontainer folder. */
export const CONTEXT_DIR = 'rockts';

export interface DevcontainerFlags {
  /** -o: the folder for devcontainer.json (default: .devcontainer next to rockerc.yaml). */
  readonly outDir: string | undefined;
  readonly force: boolean;
  /** Use the image `rockts build` tags instead of building from the Dockerfile. */
  readonly useImage: boolean;
  readonly network: string | undefined;
  readonly engine: EngineKind | undefined;
}

export interface DevcontainerResult {
  readonly file: string;
  /** The build context folder; undefined with --use-image. */
  readonly context: string | undefined;
  readonly composition: string;
}

export async function writeDevcontainer(project: ProjectOptions, flags: DevcontainerFlags, say: Say): Promise<DevcontainerResult> {
  // One argument in runArgs and the build's options, checked as for `rockts run` and `build`, before anything else.
  checkNetworkFlag(flags.network);
  // The engine decides the Dockerfile forms and the network; none is needed to write the file.
  const { engine, composed } = await loadForEngine(project, { engine: flags.engine, withoutEngine: 'writing for a current engine' }, say);
  const configFile = path.resolve(project.cwd, composed.config.file);
  const projectDir = path.dirname(configFile);
  const outDir = path.resolve(project.cwd, flags.outDir ?? path.join(projectDir, DEVCONTAINER_DIR));
  const file = path.join(outDir, DEVCONTAINER_FILE);
  await checkOverwrite(file, flags.force);

  // As for `rockts run`: --network, else the config's run.network, else the engine's default.
  const network = chooseNetwork(flags.network ?? composed.config.run.network?.value, engine, say);
  const settings = projectRunSettings(project, composed, engine.kind);
  for (const note of settings.notes) say(`rockts: ${note}`);
  if (composed.plan.final.user === undefined) {
    say("rockts: no extension switches to your user (the built-in `user` does): editors will run as the image's default user");
  }
  const context = flags.useImage ? undefined : path.join(outDir, CONTEXT_DIR);
  // dockerfile:: the final stage starts from a local image rockts builds first; the editor builds it the same way, on the host.
  const dockerfile = composed.config.dockerfile?.value;
  const base =
    context === undefined || dockerfile === undefined
      ? undefined
      : [engine.kind, 'build', ...(network === undefined ? [] : ['--network', network]), '--tag', composed.config.image.value, '--file', dockerfile, path.dirname(dockerfile)];
  const tag = projectTag(composed.config);
  const document = composeDevcontainer({
    name: tag,
    configHash: composed.plan.configHash,
    rocktsVersion: project.rocktsVersion,
    configFile: path.relative(outDir, configFile),
    source: context === undefined ? { kind: 'image', image: tag } : { kind: 'build', dockerfile: `${CONTEXT_DIR}/Dockerfile`, context: CONTEXT_DIR, network, sshAgent: composed.gitClone?.needsSsh === true },
    // The usual layout (.devcontainer beside rockerc.yaml) stays valid when the folder moves.
    workspace: { source: outDir === path.join(projectDir, DEVCONTAINER_DIR) ? '${localWorkspaceFolder}' : projectDir, target: workspaceDir(projectDir) },
    user: composed.plan.final.user,
    network,
    runArgs: settings.args,
    ...(base === undefined ? {} : { initializeCommand: base }),
  });

  await mkdir(outDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EEXIST' || error.code === 'ENOTDIR' ? 'a file that is not a folder is in the way' : error.message;
    throw new RocktsError('IO_FAILED', `cannot write into ${outDir}: ${reason}`, { cause: error });
  });
  if (context !== undefined) {
    await replaceBuildContext(context, composed.dockerfile, composed.plan.extensions, composed.contextFiles).catch((error: Error) => {
      throw new RocktsError('IO_FAILED', `cannot write the build context ${context}: ${error.message}`, { cause: error });
    });
  }
  await writeFileAtomic(file, JSON.stringify(document, null, 2) + '\n');
  return { file, context, composition: composed.plan.configHash };
}

async function checkOverwrite(file: string, force: boolean): Promise<void> {
  const existing = await readJson(file);
  if (force || !existing.found || readDevcontainerRecord(existing.document) !== undefined) return;
  throw new RocktsError('FILE_EXISTS', `${file} exists and was not written by rockts; rockts devcontainer replaces it only with --force (or write elsewhere with -o)`);
}

