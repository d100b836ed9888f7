/**
 * A project's containers on the engine: what `rockts exec`, `stop`, `down`, `ps` and a
 * kept `rockts run` share (its image is read by inspect-image.ts). Containers are found by the rockts.project label
 * `rockts run` puts on them (and by the kept container's default name, for containers
 * made before the label existed).
 */
import { spawn } from 'node:child_process';
import { RocktsError } from '../core/errors.js';
import { execCapture, type Engine } from './engine.js';
import { execArgs } from './run-argv.js';

export interface ContainerState {
  readonly name: string;
  /** The rockts.config label: the composition it was made from ('' when it has none). */
  readonly hash: string;
  /** The rockts.run label: the run settings it was made with ('' when it has none). */
  readonly run: string;
  readonly running: boolean;
  /** created, running, exited, paused… as the engine says. */
  readonly status: string;
  readonly image: string;
  readonly workdir: string;
  readonly user: string;
}

// Fields joined by a tab: none of them can contain one (names, labels without control characters, paths).
const CONTAINER_FORMAT = ['{{index .Config.Labels "rockts.config"}}', '{{index .Config.Labels "rockts.run"}}', '{{.State.Running}}', '{{.State.Status}}', '{{.Config.Image}}', '{{.Config.WorkingDir}}', '{{.Config.User}}'].join('\t');

/** The container named `name`, or undefined when there is none. */
export async function inspectContainer(engine: Engine, name: string): Promise<ContainerState | undefined> {
  const result = await execCapture(engine.bin, ['container', 'inspect', '--format', CONTAINER_FORMAT, name]);
  if (result.code !== 0) return undefined;
  const [hash = '', run = '', running, status = '', image = '', workdir = '', user = ''] = result.stdout.replace(/\n$/, '').split('\t');
  const label = (value: string) => (value === '<no value>' ? '' : value);
  return { name, hash: label(hash), run: label(run), running: running === 'true', status, image, workdir, user };
}

/** The project's containers: those labelled with its folder, and `keptName` when it exists; sorted by name. */
export async function projectContainers(engine: Engine, projectDir: string, keptName: string): Promise<ContainerState[]> {
  const listed = await execCapture(engine.bin, ['ps', '--all', '--filter', `label=rockts.project=${projectDir}`, '--format', '{{.Names}}']);
  if (listed.code !== 0) throw engineFailure(engine, ['ps'], listed.stderr);
  const names = new Set([...listed.stdout.split('\n').filter(Boolean), keptName]);
  const states = await Promise.all([...names].map((name) => inspectContainer(engine, name)));
  return states.filter((s): s is ContainerState => s !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Runs an engine command that must succeed (create, start, stop, rm). */
export async function engineOrThrow(engine: Engine, args: readonly string[]): Promise<void> {
  const result = await execCapture(engine.bin, args, 120_000);
  if (result.code !== 0) throw engineFailure(engine, args, result.stderr);
}

function engineFailure(engine: Engine, args: readonly string[], stderr: string): RocktsError {
  return new RocktsError('ENGINE_UNAVAILABLE', `\`${engine.kind} ${args.join(' ')}\` failed: ${stderr.trim() || 'no output'}`);
}

export interface EnterRequest {
  /** Default: a login shell. */
  readonly command: readonly string[];
  readonly tty: boolean;
}

/**
 * Runs a command in a kept container, starting it first when it is stopped: as the user
 * and in the working directory it was created with. Resolves to the command's exit code.
 * `rockts exec` and a kept `rockts run` both enter through here.
 */
export async function enterContainer(engine: Engine, container: ContainerState, request: EnterRequest): Promise<number> {
  if (!container.running) await engineOrThrow(engine, ['start', container.name]);
  const [uid = '0', gid = uid] = (container.user || '0').split(':');
  return attach(engine, execArgs(container.name, { workdir: container.workdir || '/', uid, gid, tty: request.tty, command: request.command }));
}

/**
 * Runs the engine with the terminal handed over. Ctrl-C goes to the container (the
 * engine forwards it); rockts waits for it to finish and returns its exit code.
 */
export function attach(engine: Engine, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine.bin, [...args], { stdio: 'inherit' });
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
