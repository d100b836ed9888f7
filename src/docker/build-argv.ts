/**
 * The engine command line for a build, as data (pure): what `rockts build --dry-run`
 * prints and what `rockts build` runs. Docker builds with buildx (or
 * `DOCKER_BUILDKIT=1 docker build` without it); Podman with `podman build`.
 */
import { RocktsError } from '../core/errors.js';
import type { Engine } from './engine.js';

export interface BuildRequest {
  readonly contextDir: string;
  readonly dockerfile: string;
  readonly tag: string;
  readonly iidFile: string;
  /** BuildKit's progress output (Docker only; default plain; `rockts build` asks for auto on a terminal). */
  readonly progress: 'auto' | 'plain' | 'tty' | 'quiet' | undefined;
  readonly noCache: boolean;
  readonly pull: boolean;
  readonly network: string | undefined;
  readonly buildArgs: readonly string[];
  readonly builder: string | undefined;
  /** The builder is Docker's own driver (docker/engine.ts usesDockerDriver); unknown: only when no --builder is named. */
  readonly dockerDriver?: boolean;
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  readonly platform: string | undefined;
  /** Build only this stage (and what it needs). */
  readonly target?: string;
  /** Also push the image to the registry its tag names (buildx). */
  readonly push?: boolean;
  /** Keep the result only in the build cache (and the --cache-to exports): no tag, no image loaded. */
  readonly cacheOnly?: boolean;
  /** Forward the ssh agent (`--ssh default`) for `RUN --mount=type=ssh` (git-clone's ssh URLs). */
  readonly sshAgent?: boolean;
}

/** A build with nothing asked beyond the context, Dockerfile and tag. */
export const PLAIN_BUILD: Omit<BuildRequest, 'contextDir' | 'dockerfile' | 'tag' | 'iidFile'> = {
  progress: undefined,
  noCache: false,
  pull: false,
  network: undefined,
  buildArgs: [],
  builder: undefined,
  cacheFrom: [],
  cacheTo: [],
  platform: undefined,
};

export interface BuildCommand {
  readonly bin: string;
  readonly args: readonly string[];
  /** Extra environment for the docker process. */
  readonly env: Readonly<Record<string, string>>;
}

/** Whether the builder keeps the image it pushes in the local store (Docker's own driver does). */
export function keepsPushedImage(request: Pick<BuildRequest, 'builder' | 'dockerDriver'>): boolean {
  return request.dockerDriver ?? request.builder === undefined;
}

export function buildCommand(engine: Pick<Engine, 'kind' | 'bin' | 'buildx'>, request: BuildRequest): BuildCommand {
  if (engine.kind === 'podman') return podmanBuild(engine.bin, request);
  const args: string[] = engine.buildx ? ['buildx', 'build'] : ['build'];
  args.push('--file', request.dockerfile);
  if (request.cacheOnly) {
    if (!engine.buildx) throw new RocktsError('USAGE', 'a cache-only build needs docker buildx');
    args.push('--output', 'type=cacheonly');
  } else args.push('--tag', request.tag, '--iidfile', request.iidFile);
  args.push('--progress', request.progress ?? 'plain');
  // With buildx, --load puts the result in the local image store whatever the builder's
  // driver. Docker's own driver also stores the image it pushes, and --load beside --push
  // gives it a second exporter racing the first to name the image ("image … already
  // exists"), so a push there goes without --load.
  if (engine.buildx && !request.cacheOnly && !(request.push && keepsPushedImage(request))) args.push('--load');
  if (request.push && !request.cacheOnly) {
    if (!engine.buildx) throw new RocktsError('USAGE', '--push needs docker buildx; without it, build, then `docker push` the tag');
    args.push('--push');
  }
  if (request.network !== undefined) args.push('--network', request.network);
  if (request.noCache) args.push('--no-cache');
  if (request.pull) args.push('--pull');
  for (const arg of request.buildArgs) args.push('--build-arg', arg);
  if (request.builder !== undefined) args.push('--builder', request.builder);
  for (const from of request.cacheFrom) args.push('--cache-from', from);
  for (const to of request.cacheTo) args.push('--cache-to', to);
  if (request.platform !== undefined) args.push('--platform', request.platform);
  if (request.target !== undefined) args.push('--target', request.target);
  if (request.sshAgent) args.push('--ssh', 'default');
  args.push(request.contextDir);
  return { bin: engine.bin, args, env: engine.buildx ? {} : { DOCKER_BUILDKIT: '1' } };
}

/** `podman build`; the buildx-only flags are refused rather than ignored. */
function podmanBuild(bin: string, request: BuildRequest): BuildCommand {
  for (const [flag, given] of [['--builder', request.builder !== undefined], ['--progress', request.progress !== undefined]] as const) {
    if (given) throw new RocktsError('USAGE', `${flag} is a docker buildx option; podman build has no equivalent (it prints its own progress)`);
  }
  if (request.push) throw new RocktsError('USAGE', '--push is a docker buildx option; with podman, build, then `podman push` the tag');
  // --layers keeps every step's layer, so unchanged steps are reused (Podman's cache).
  const args = ['build', '--file', request.dockerfile, '--tag', request.tag, '--iidfile', request.iidFile, '--layers'];
  if (request.network !== undefined) args.push('--network', request.network);
  if (request.noCache) args.push('--no-cache');
  if (request.pull) args.push('--pull');
  for (const arg of request.buildArgs) args.push('--build-arg', arg);
  for (const from of request.cacheFrom) args.push('--cache-from', from);
  for (const to of request.cacheTo) args.push('--cache-to', to);
  if (request.platform !== undefined) args.push('--platform', request.platform);
  if (request.target !== undefined) args.push('--target', request.target);
  if (request.sshAgent) args.push('--ssh', 'default');
  args.push(request.contextDir);
  return { bin, args, env: {} };
}

/**
 * The build run under a pseudo-terminal made by util-linux `script`, so that BuildKit
 * draws its live progress (`--progress auto` sees a terminal) while rockts still reads
 * the output, which it needs to name the extension whose lines failed. The terminal
 * gets the size of the user's.
 */
export function underTerminal(command: BuildCommand, script: string, size: { readonly columns: number; readonly rows: number }): BuildCommand {
  const line = `stty cols ${Math.trunc(size.columns)} rows ${Math.trunc(size.rows)} 2>/dev/null; exec ${formatCommand({ ...command, env: {} })}`;
  return { bin: script, args: ['--quiet', '--return', '--flush', '--command', line, '/dev/null'], env: command.env };
}

/** The command as one line a user can paste into a POSIX shell. */
export function formatCommand(command: BuildCommand): string {
  const env = Object.entries(command.env).map(([k, v]) => `${k}=${shellWord(v)}`);
  return [...env, command.bin, ...command.args].map((w, i) => (i < env.length ? w : shellWord(w))).join(' ');
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface BakeRequest {
  /** The bake file, after any Compose overlays it is merged with (bake merges them in order). */
  readonly files: readonly string[];
  readonly target: string;
  readonly progress: BuildRequest['progress'];
  readonly builder: string | undefined;
}

/** `docker buildx bake` of one target of a bake file (its `target:` contexts are built first, in parallel). */
export function bakeCommand(engine: Pick<Engine, 'kind' | 'bin' | 'buildx'>, request: BakeRequest): BuildCommand {
  if (engine.kind !== 'docker' || !engine.buildx) {
    throw new RocktsError('USAGE', `--bake needs docker buildx; ${engine.kind === 'podman' ? 'podman has no bake' : 'install the docker-buildx plugin'}, or build without --bake`);
  }
  const args = ['buildx', 'bake', ...request.files.flatMap((file) => ['--file', file]), '--progress', request.progress ?? 'plain'];
  if (request.builder !== undefined) args.push('--builder', request.builder);
  args.push(request.target);
  return { bin: engine.bin, args, env: {} };
}
