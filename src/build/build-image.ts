/**
 * `rockts build`: compose, write a private build context, check the engine, run the
 * build with BuildKit's progress streamed, and explain a failure in terms of the
 * extension whose lines failed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { BUILDAH_FEATURES, MODERN_FEATURES } from '../core/plain-forms.js';
import { IMAGE_TAG } from '../core/grammar.js';
import { buildFailure, stripAnsi } from '../docker/attribute-failure.js';
import { bakeCommand, buildCommand, formatCommand, keepsPushedImage, type BuildCommand, PLAIN_BUILD, underTerminal, type BuildRequest } from '../docker/build-argv.js';
import { proxyVariables } from '../docker/proxy-env.js';
import { writeBuildContext } from '../docker/build-context.js';
import { chooseNetwork, detectEngine, engineLabel, execCapture, findOnPath, usesDockerDriver, type Engine, type EngineKind } from '../docker/engine.js';
import { inspectImage, type InspectedImage } from '../docker/inspect-image.js';
import { runStreaming } from '../docker/run-streaming.js';
import type { Composition } from '../core/compose.js';
import { composeLoaded, loadProject, type Project, type ProjectOptions } from '../project/load-project.js';
import { GIT_CLONE_EXTENSION } from '../extensions/git-clone/load-git-clone.js';
import { checkFrozen, diffLock, formatLock, LOCK_FILE_NAME, lockEntries, lockFileOf, readLock } from '../project/lockfile.js';
import { writeFileAtomic } from '../io/write-atomic.js';
import { describeChanges, previewAgainst } from './preview-changes.js';
import { projectTag } from '../project/image-tag.js';
import { NETWORK_OVERLAY, renderBakeFile, renderNetworkOverlay } from '../core/bake-file.js';
import { checkNetworkFlag } from '../core/run-settings.js';
import { FINAL_STAGE } from '../core/stage-names.js';
import { cacheExportProblem, stageCaches, type StageCaches } from './registry-cache.js';

/** What the user asks of a build: the request, less what rockts derives itself. */
export interface BuildFlags extends Omit<BuildRequest, 'contextDir' | 'dockerfile' | 'iidFile' | 'tag'> {
  readonly tag: string | undefined;
  readonly dryRun: boolean;
  /** --engine; otherwise `engine:` in rockerc.yaml; otherwise detected. */
  readonly engine: EngineKind | undefined;
  /** --frozen: refuse to build when rockts.lock is missing or would change. */
  readonly frozen: boolean;
  /** --bake: build through `docker buildx bake` (one target per stage; implied when exporting registry caches). */
  readonly bake: boolean;
}

export const DEFAULT_BUILD_FLAGS: BuildFlags = { ...PLAIN_BUILD, tag: undefined, dryRun: false, engine: undefined, frozen: false, bake: false };

export type BuildResult =
  | {
      readonly kind: 'built';
      readonly tag: string;
      readonly imageId: string;
      /** Wall-clock time of the engine's build. */
      readonly durationMs: number;
      /** Steps the engine took from its cache (BuildKit's CACHED, Podman's "Using cache"). */
      readonly cacheHits: number;
    }
  | {
      readonly kind: 'dry-run';
      readonly tag: string;
      /** The engine commands the build would run, in order, as a shell would take them. */
      readonly commands: readonly string[];
    };

/** Messages for the user (stderr); the caller decides how to print them. */
export type Say = (message: string) => void;

export async function buildImage(options: ProjectOptions, flags: BuildFlags, say: Say): Promise<BuildResult> {
  checkNetworkFlag(flags.network); // before anything is composed or asked of the engine
  const withoutEngine = flags.dryRun ? 'printing the command for a current engine anyway' : undefined;
  const { engine, composed } = await loadForEngine(options, { engine: flags.engine, withoutEngine }, say);
  return buildComposed(composed, engine, flags, say);
}

export interface EngineChoice {
  /** --engine; otherwise `engine:` in rockerc.yaml; otherwise detected. */
  readonly engine: EngineKind | undefined;
  /**
   * Where no engine can be reached: go on for a current engine of the kind asked for
   * (Docker by default), saying this after the reason; without it, fail.
   */
  readonly withoutEngine?: string;
}

/**
 * Every command that needs the engine starts here: loads the project, picks the engine
 * (--engine, else `engine:` in rockerc.yaml, else detected) and composes the Dockerfile
 * for what that engine can parse.
 */
export async function loadForEngine(options: ProjectOptions, choice: EngineChoice, say: Say): Promise<{ engine: Engine; composed: Composition & Project }> {
  const project = await loadProject(options);
  const engine = await detectEngineFor(choice.engine ?? project.config.engine?.value, choice.withoutEngine, say);
  return { engine, composed: composeLoaded(project, { ...options, features: engine.features }) };
}

/**
 * Builds a project composed for `engine` (what `rockts run` does when its image is
 * missing or stale). `previous` is the image the tag names, when the caller has already
 * inspected it.
 */
export async function buildComposed(
  composed: Composition & Project,
  engine: Engine,
  flags: BuildFlags,
  say: Say,
  previous?: { readonly image: InspectedImage | undefined },
): Promise<BuildResult> {
  const tag = flags.tag ?? projectTag(composed.config);
  // The config's build settings (rocker's pull and nocache) add to the command line's.
  const build = composed.config.build;
  flags = { ...flags, pull: flags.pull || build.pull?.value === true, noCache: flags.noCache || build.noCache?.value === true };
  if (!IMAGE_TAG.test(tag)) {
    throw new RocktsError('USAGE', `--tag: expected an image tag such as myproject-dev or myproject:dev, found ${JSON.stringify(tag)}`);
  }
  const network = chooseNetwork(flags.network, engine, say);
  // The builder's driver decides MergeOp, cache export and whether a pushed image is kept.
  const dockerDriver = await usesDockerDriver(engine, flags.builder);
  if (engine.kind === 'docker' && !engine.buildx) say('rockts: docker buildx is not installed; building with DOCKER_BUILDKIT=1 docker build');
  if (!composed.features.copyLink) {
    const better = engine.kind === 'docker' ? 'Docker 23 or newer keeps them independent.' : 'Docker 23 or newer with BuildKit keeps them independent.';
    say(`rockts: ${engineLabel(engine)}'s Dockerfile frontend predates COPY --link and heredocs; using plain COPY and inlined RUN heredocs (builders stay cached; the copies re-run after an image change). ${better}`);
  } else if (engine.kind === 'docker' && !engine.containerdStore && dockerDriver && composed.plan.final.copies.length > 0) {
    say(
      "rockts: note: this Docker daemon uses the classic image store, where BuildKit treats COPY --link as a plain COPY: changing `image:` will re-run every copy from the builders (the builders themselves stay cached). Fix: enable the containerd image store (daemon.json: {\"features\": {\"containerd-snapshotter\": true}}) or build with a docker-container builder (`docker buildx create --use`, then --builder).",
    );
  }

  const lockFile = lockFileOf(composed.config);
  const [locked, current] = await Promise.all([readLock(lockFile), lockEntries(composed.plan.extensions, path.dirname(lockFile))]);
  if (flags.frozen) checkFrozen(lockFile, locked, current);
  await announceChanges(composed, engine, tag, flags, dockerDriver, say, previous);

  // On a terminal, BuildKit's live progress (unless --progress asks for plain or quiet); plain in logs and pipes.
  const live = flags.progress === undefined || flags.progress === 'auto' || flags.progress === 'tty';
  const script = !flags.dryRun && live && engine.kind === 'docker' && process.stderr.isTTY ? await findTerminalWrapper() : undefined;
  // The host's proxies reach both builds as BuildKit's predefined ARGs (proxy-env.ts).
  const buildArgs = [...proxyVariables(process.env), ...flags.buildArgs];
  const sshAgent = needsSshAgent(composed, flags.dryRun);
  if (flags.bake && sshAgent) throw new RocktsError('USAGE', '--bake: the ssh repositories of git-clone need the ssh agent, which the bake file does not forward; build without --bake');
  const caches = usableCaches(composed, engine, dockerDriver, say);
  const context = await writeBuildContext(composed.dockerfile, composed.plan.extensions, composed.contextFiles);
  // A dry run keeps the context for inspection; anything else, or a refusal on the way, removes it.
  let keepContext = false;
  try {
    const base = composed.config.dockerfile;
    // dockerfile: its image is built first, with its folder as context; the final stage
    // starts FROM that local tag, so the main build must not try to pull it.
    const baseCommand = base && buildCommand(engine, {
      ...flags,
      contextDir: path.dirname(base.value),
      dockerfile: base.value,
      iidFile: path.join(path.dirname(context.dir), 'base-image-id'),
      tag: composed.config.image.value,
      network,
      buildArgs,
      cacheTo: [],
      target: undefined,
      push: false,
    });
    const progress = flags.progress ?? (script === undefined ? undefined : 'auto');
    const request: BuildRequest = { ...flags, progress, pull: flags.pull && !base, contextDir: context.dir, dockerfile: context.dockerfile, iidFile: context.iidFile, tag, network, buildArgs, sshAgent, dockerDriver };
    const { exports, command, bakeFile } = flags.bake ? await writeBakeBuild(composed, engine, request, flags.buildArgs, caches) : stageBuilds(engine, request, caches);
    if (flags.dryRun) {
      if (bakeFile !== undefined) say(`bake file: ${bakeFile}`);
      say(`Dockerfile: ${context.dockerfile}`);
      say(`build context: ${context.dir} (kept for inspection; remove ${path.dirname(context.dir)} when done)`);
      keepContext = true;
      return { kind: 'dry-run', tag, commands: [...(baseCommand ? [baseCommand] : []), ...exports, command].map(formatCommand) };
    }
    const started = Date.now();
    if (baseCommand) {
      say(`rockts: building ${composed.config.image.value} from ${path.relative(process.cwd(), base!.value) || base!.value} (dockerfile:)`);
      const built = await runStreaming(baseCommand.bin, baseCommand.args, { ...baseCommand.env, ...context.engineEnv });
      if (built.interrupted) throw new RocktsError('INTERRUPTED', 'build interrupted; nothing was tagged');
      if (built.code !== 0) throw new RocktsError('BUILD_FAILED', `building the image of dockerfile: ${base!.value} failed; see its output above`, { location: base!.location });
      say(`rockts: built ${composed.config.image.value}; now building ${tag} from it`);
    }
    for (const stage of exports) {
      const exported = await runStreaming(stage.bin, stage.args, { ...stage.env, ...context.engineEnv });
      if (exported.interrupted) throw new RocktsError('INTERRUPTED', 'build interrupted; nothing was tagged');
      if (exported.code !== 0) throw buildFailure(exported.log, composed.owners, composed.dockerfile);
    }
    const running = script === undefined ? command : underTerminal(command, script, { columns: process.stderr.columns || 80, rows: process.stderr.rows || 24 });
    const run = await runStreaming(running.bin, running.args, { ...running.env, ...context.engineEnv });
    const durationMs = Date.now() - started;
    if (run.interrupted) throw new RocktsError('INTERRUPTED', 'build interrupted; nothing was tagged');
    if (run.code !== 0) throw buildFailure(run.log, composed.owners, composed.dockerfile);
    const imageId = flags.bake ? await imageIdOf(engine, tag) : (await readFile(context.iidFile, 'utf8')).trim();
    if (locked === undefined || diffLock(locked, current).length > 0) {
      await writeFileAtomic(lockFile, formatLock(current));
      say(`rockts: ${locked === undefined ? 'wrote' : 'updated'} ${LOCK_FILE_NAME}`);
    }
    return { kind: 'built', tag, imageId, durationMs, cacheHits: countCacheHits(run.log) };
  } finally {
    if (!keepContext) await context.dispose();
  }
}

/** What a build runs, in order: the cache exports, then the image's build (bake's, from `bakeFile`). */
interface BuildCommands {
  readonly exports: readonly BuildCommand[];
  readonly command: BuildCommand;
  readonly bakeFile: string | undefined;
}

/**
 * The commands of a build without bake. With registry caches to export, each builder base
 * and builder stage is first built on its own (cache only), exporting its own cache; then
 * the image is built, importing them all.
 */
function stageBuilds(engine: Engine, request: BuildRequest, caches: StageCaches | undefined): BuildCommands {
  if (caches === undefined) return { exports: [], command: buildCommand(engine, request), bakeFile: undefined };
  const from = (ref: string) => `type=registry,ref=${ref}`;
  const to = (ref: string) => `type=registry,ref=${ref},mode=${caches.settings.mode}`;
  const stages = [...caches.refs.bases, ...caches.refs.builders];
  const exports = caches.settings.export
    ? stages.map((stage) => buildCommand(engine, { ...request, target: stage.stage, cacheOnly: true, cacheFrom: [from(stage.ref)], cacheTo: [to(stage.ref)] }))
    : [];
  const cacheFrom = [...[...stages, caches.refs.final].map((c) => from(c.ref)), ...request.cacheFrom];
  const cacheTo = [...(caches.settings.export ? [to(caches.refs.final.ref)] : []), ...request.cacheTo];
  return { exports, command: buildCommand(engine, { ...request, cacheFrom, cacheTo }), bakeFile: undefined };
}

/**
 * A build through bake: docker-bake.json (one target per stage, each with its own
 * registry cache) written beside the build context, with the network overlay when there
 * is a build network, and the bake command that builds the final target.
 */
async function writeBakeBuild(
  composed: Composition,
  engine: Engine,
  request: BuildRequest,
  buildArgs: readonly string[],
  caches: StageCaches | undefined,
): Promise<BuildCommands> {
  const dir = path.dirname(request.contextDir);
  const file = path.join(dir, 'docker-bake.json');
  // bake reads a build's network from Compose files only: an overlay beside the bake file gives it.
  const overlay = request.network === undefined ? undefined : path.join(dir, NETWORK_OVERLAY);
  const text = renderBakeFile({
    plan: composed.plan,
    context: request.contextDir,
    dockerfile: path.basename(request.dockerfile),
    tag: request.tag,
    platforms: request.platform === undefined ? [] : [request.platform],
    pull: request.pull,
    noCache: request.noCache,
    args: buildArgs, // proxies are not written into a file: bake reads no build argument by name
    extraCache: { from: request.cacheFrom, to: request.cacheTo },
    cache: caches,
    // As for --push without bake (docker/build-argv.ts): Docker's own driver stores the
    // image it pushes, and a type=docker output beside it races it to name the image.
    output: request.push === true && keepsPushedImage(request) ? [] : ['type=docker'],
    push: request.push === true,
  });
  const command = bakeCommand(engine, { files: overlay === undefined ? [file] : [overlay, file], target: FINAL_STAGE, progress: request.progress, builder: request.builder });
  if (overlay !== undefined) await writeFileAtomic(overlay, renderNetworkOverlay(composed.plan, request.network!));
  await writeFileAtomic(file, text);
  return { exports: [], command, bakeFile: file };
}

/** Every build says what it is about to run: the summary line, or with --dry-run the full preview. */
async function announceChanges(composed: Composition, engine: Engine, tag: string, flags: BuildFlags, dockerDriver: boolean, say: Say, previous: { readonly image: InspectedImage | undefined } | undefined): Promise<void> {
  if (flags.noCache) return say('rockts: --no-cache: every step will run');
  try {
    const image = previous === undefined ? await inspectImage(engine, tag) : previous.image;
    const changes = previewAgainst(composed, engine, tag, image, dockerDriver);
    say(flags.dryRun ? describeChanges(changes).trimEnd() : `rockts: ${changes.preview.summary}`);
  } catch (error) {
    // The preview is advice: an engine that cannot be asked (a dry run without one) does not stop the build.
    if (!(error instanceof RocktsError)) throw error;
    say(`rockts: cannot say what will run (${error.message})`);
  }
}

/**
 * The config's registry caches as this engine can use them: none without docker buildx
 * (said once), import only where the engine cannot export (said once, with the fix).
 */
function usableCaches(composed: Composition & Project, engine: Engine, dockerDriver: boolean, say: Say): StageCaches | undefined {
  const caches = stageCaches(composed);
  if (caches === undefined) return undefined;
  if (engine.kind !== 'docker' || !engine.buildx) {
    say(`rockts: note: registry caches (\`cache:\` in ${path.basename(composed.config.file)}) need docker buildx; building without them`);
    return undefined;
  }
  const problem = caches.settings.export ? cacheExportProblem(engine, dockerDriver) : undefined;
  if (problem === undefined) return caches;
  say(`rockts: note: ${problem}`);
  return { ...caches, settings: { ...caches.settings, export: false } };
}

/** The ID of the image bake loaded under `tag` (bake has no --iidfile). */
async function imageIdOf(engine: Engine, tag: string): Promise<string> {
  const image = await inspectImage(engine, tag);
  if (image === undefined) throw new RocktsError('BUILD_FAILED', `bake finished but image ${tag} is not in the local image store`);
  return image.id;
}

async function detectEngineFor(preferred: EngineKind | undefined, withoutEngine: string | undefined, say: Say): Promise<Engine> {
  try {
    return await detectEngine(preferred);
  } catch (error) {
    // A dry run prints the command, and a devcontainer.json is written, even where no engine runs.
    if (withoutEngine !== undefined && error instanceof RocktsError) {
      say(`rockts: ${error.message}; ${withoutEngine}`);
      const kind = preferred ?? 'docker';
      return { kind, bin: kind, version: 'unknown', buildx: kind === 'docker', bridge: true, containerdStore: true, features: kind === 'docker' ? MODERN_FEATURES : BUILDAH_FEATURES };
    }
    throw error;
  }
}

/**
 * Cached steps in a build log: BuildKit's plain `#N CACHED` lines, its terminal display's
 * `=> CACHED [stage n/m] …` (redrawn many times, so counted once each), Podman's
 * `--> Using cache`.
 */
export function countCacheHits(log: string): number {
  const plain = stripAnsi(log).replace(/\r/g, '\n');
  const cached = new Set<string>();
  let podman = 0;
  for (const line of plain.split('\n')) {
    const step = /^#(\d+) CACHED\s*$/.exec(line)?.[1] ?? /^\s*=> CACHED (\[[^\]]+\])/.exec(line)?.[1];
    if (step !== undefined) cached.add(step);
    else if (line.startsWith('--> Using cache ')) podman++;
  }
  return cached.size + podman;
}

/** util-linux `script`, which runs a command under a pseudo-terminal; undefined where there is none (e.g. BSD's). */
async function findTerminalWrapper(): Promise<string | undefined> {
  const script = await findOnPath('script');
  if (script === undefined) return undefined;
  const version = await execCapture(script, ['--version']);
  return version.code === 0 && version.stdout.includes('util-linux') ? script : undefined;
}

/**
 * git-clone's ssh URLs clone through the host's ssh agent (`--ssh default`), asked for
 * only when the composition has one; without an agent the build could not clone them.
 */
function needsSshAgent(composed: Composition & Project, dryRun: boolean): boolean {
  const repositories = composed.gitClone?.repositories.filter((r) => r.ssh) ?? [];
  if (repositories.length === 0 || !composed.plan.extensions.some((e) => e.name === GIT_CLONE_EXTENSION)) return false;
  if (!dryRun && !process.env.SSH_AUTH_SOCK) {
    const first = repositories[0]!;
    throw new RocktsError('USAGE', `git-clone: ${first.path} has an ssh URL (${first.url}), which is cloned through your ssh agent, but SSH_AUTH_SOCK is not set; start an agent and add your key (eval "$(ssh-agent)"; ssh-add), or use an https URL`, { location: first.location });
  }
  return true;
}
