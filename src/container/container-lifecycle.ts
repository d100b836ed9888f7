/**
 * `rockts exec`, `stop`, `down` and `ps`: the project's kept container and image, found
 * from the same config `rockts run` reads (the container's name, the image tag and the
 * composition hash).
 */
import path from 'node:path';
import { loadForEngine, type Say } from '../build/build-image.js';
import { projectTag } from '../project/image-tag.js';
import { RocktsError } from '../core/errors.js';
import { checkContainerNameFlag } from '../core/run-settings.js';
import { engineOrThrow, enterContainer, inspectContainer, projectContainers, type ContainerState } from '../docker/containers.js';
import { CONFIG_LABEL, inspectImage } from '../docker/inspect-image.js';
import type { Engine, EngineKind } from '../docker/engine.js';
import type { ProjectOptions } from '../project/load-project.js';
import { keptContainerName } from './run-container.js';

export interface ContainerFlags {
  readonly engine: EngineKind | undefined;
  /** --name: the container `rockts run --name` made; default rockts-<folder>. */
  readonly name: string | undefined;
}

interface ProjectTarget {
  readonly engine: Engine;
  readonly projectDir: string;
  readonly configFile: string;
  readonly name: string;
  readonly tag: string;
  /** The current composition's hash (the rockts.config label). */
  readonly hash: string;
}

async function locateProject(project: ProjectOptions, flags: ContainerFlags, say: Say): Promise<ProjectTarget> {
  checkContainerNameFlag(flags.name);
  const { engine, composed } = await loadForEngine(project, { engine: flags.engine }, say);
  const configFile = path.resolve(project.cwd, composed.config.file);
  return {
    engine,
    projectDir: path.dirname(configFile),
    configFile,
    name: flags.name ?? keptContainerName(composed.config),
    tag: projectTag(composed.config),
    hash: composed.plan.configHash,
  };
}

function noContainer(target: ProjectTarget, flags: ContainerFlags): RocktsError {
  const start = flags.name === undefined ? 'rockts run --keep' : `rockts run --name ${flags.name}`;
  return new RocktsError('CONTAINER_MISSING', `there is no container ${target.name} for ${target.configFile}; start one with \`${start}\``);
}

/**
 * Runs `command` (default: a login shell) in the project's kept container, starting it
 * when it is stopped. Resolves to the command's exit code.
 */
export async function execInProject(project: ProjectOptions, flags: ContainerFlags & { command: readonly string[]; tty: boolean }, say: Say): Promise<{ container: string; code: number }> {
  const target = await locateProject(project, flags, say);
  const container = await inspectContainer(target.engine, target.name);
  if (!container) throw noContainer(target, flags);
  if (container.hash !== target.hash) {
    say(`rockts: container ${target.name} was made from another composition; \`rockts run --keep\` replaces it with the current one`);
  }
  if (!container.running) say(`rockts: starting container ${target.name}`);
  return { container: target.name, code: await enterContainer(target.engine, container, { command: flags.command, tty: flags.tty }) };
}

/** Stops the project's kept container; `stopped` is false when it was not running. */
export async function stopProject(project: ProjectOptions, flags: ContainerFlags, say: Say): Promise<{ container: string; stopped: boolean }> {
  const target = await locateProject(project, flags, say);
  const container = await inspectContainer(target.engine, target.name);
  if (!container) throw noContainer(target, flags);
  if (!container.running) return { container: target.name, stopped: false };
  // The kept container idles under an init, which stops at once on SIGTERM.
  await engineOrThrow(target.engine, ['stop', target.name]);
  return { container: target.name, stopped: true };
}

/** Removes the project's containers (stopping them) and, with `image`, its image. */
export async function downProject(
  project: ProjectOptions,
  flags: ContainerFlags & { image: boolean },
  say: Say,
): Promise<{ containers: string[]; image: string | undefined }> {
  const target = await locateProject(project, flags, say);
  const containers = (await projectContainers(target.engine, target.projectDir, target.name)).map((c) => c.name);
  for (const name of containers) await engineOrThrow(target.engine, ['rm', '--force', name]);
  let image: string | undefined;
  if (flags.image && (await inspectImage(target.engine, target.tag))) {
    await engineOrThrow(target.engine, ['image', 'rm', target.tag]);
    image = target.tag;
  }
  return { containers, image };
}

export interface ProjectStatus {
  readonly config: string;
  readonly composition: string;
  readonly containers: readonly (Pick<ContainerState, 'name' | 'status' | 'image'> & { readonly composition: string; readonly current: boolean })[];
  readonly image: { readonly tag: string; readonly id: string; readonly composition: string; readonly current: boolean } | undefined;
}

/** The project's containers and image, each with the composition it was made from and whether that is the current one. */
export async function projectStatus(project: ProjectOptions, flags: ContainerFlags, say: Say): Promise<ProjectStatus> {
  const target = await locateProject(project, flags, say);
  const [containers, image] = await Promise.all([projectContainers(target.engine, target.projectDir, target.name), inspectImage(target.engine, target.tag)]);
  const composition = image?.labels[CONFIG_LABEL] ?? '';
  return {
    config: target.configFile,
    composition: target.hash,
    containers: containers.map((c) => ({ name: c.name, status: c.status, image: c.image, composition: c.hash, current: c.hash === target.hash })),
    image: image && { tag: target.tag, id: image.id, composition, current: composition === target.hash },
  };
}

/** `rockts ps` as text: one line per container and one for the image. */
export function describeStatus(status: ProjectStatus, displayPath: (file: string) => string): string {
  const currency = (current: boolean) => (current ? 'current' : 'stale (another composition)');
  const lines = [`${displayPath(status.config)}: composition ${status.composition}`];
  if (status.containers.length === 0) lines.push('no containers (`rockts run --keep` starts one)');
  for (const c of status.containers) lines.push(`container ${c.name}: ${c.status}, ${currency(c.current)}`);
  lines.push(status.image ? `image ${status.image.tag} (${status.image.id}): ${currency(status.image.current)}` : 'no image (`rockts build` builds it)');
  return lines.join('\n') + '\n';
}
