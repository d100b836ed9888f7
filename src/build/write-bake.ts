/**
 * `rockts bake`: the composition's docker-bake.json (core/bake-file.ts), with its
 * registry caches, and, when written to a file, the build context beside it, so that
 * `docker buildx bake -f FILE` builds it in CI without rockts; with --network, also the
 * Compose overlay that gives its targets that build network.
 */
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NETWORK_OVERLAY, renderBakeFile, renderNetworkOverlay } from '../core/bake-file.js';
import { RocktsError } from '../core/errors.js';
import { IMAGE_TAG } from '../core/grammar.js';
import { checkNetworkFlag } from '../core/run-settings.js';
import { replaceBuildContext } from '../docker/build-context.js';
import { projectTag } from '../project/image-tag.js';
import { composeProject, type ProjectOptions } from '../project/load-project.js';
import { stageCaches } from './registry-cache.js';
import { writeFileAtomic } from '../io/write-atomic.js';

/** A file in the context folder marking it as rockts's to replace. */
const CONTEXT_MARKER = '.rockts-context';

export interface BakeFlags {
  /** Write the bake file here (and the context beside it) instead of printing it. */
  readonly output: string | undefined;
  /** The build context folder, relative to the bake file. */
  readonly context: string;
  readonly tag: string | undefined;
  /** The build network: with `output`, a Compose overlay beside the bake file gives it to every target. */
  readonly network: string | undefined;
}

export interface BakeResult {
  readonly text: string;
  /** The context folder written, when `output` was given. */
  readonly contextDir: string | undefined;
  /** The network overlay written beside the bake file, when `network` was given. */
  readonly overlay: string | undefined;
}

export async function writeBake(options: ProjectOptions, flags: BakeFlags): Promise<BakeResult> {
  if (path.isAbsolute(flags.context) || flags.context.split(/[\\/]/).includes('..') || flags.context === '.' || flags.context === '') {
    throw new RocktsError('USAGE', `--context: expected a folder name relative to the bake file, inside its folder (such as rockts-context), found ${JSON.stringify(flags.context)}`);
  }
  if (flags.tag !== undefined && !IMAGE_TAG.test(flags.tag)) {
    throw new RocktsError('USAGE', `--tag: expected an image tag such as myproject-dev or myproject:dev, found ${JSON.stringify(flags.tag)}`);
  }
  checkNetworkFlag(flags.network);
  if (flags.network !== undefined && flags.output === undefined) {
    throw new RocktsError('USAGE', `--network: expected -o FILE too (the network goes into ${NETWORK_OVERLAY}, written beside the bake file), found no -o`);
  }
  const composed = await composeProject(options);
  const caches = stageCaches(composed);
  const text = renderBakeFile({
    plan: composed.plan,
    context: flags.context,
    dockerfile: 'Dockerfile',
    tag: flags.tag ?? projectTag(composed.config),
    platforms: [],
    pull: composed.config.build.pull?.value === true,
    noCache: composed.config.build.noCache?.value === true,
    args: [],
    extraCache: { from: [], to: [] },
    cache: caches,
    output: ['type=docker'],
    push: false,
  });
  if (flags.output === undefined) return { text, contextDir: undefined, overlay: undefined };
  const file = path.resolve(flags.output);
  const contextDir = path.resolve(path.dirname(file), flags.context);
  if (!(await exists(path.dirname(file)))) {
    throw new RocktsError('IO_FAILED', `-o: expected an existing folder for ${flags.output}, found no folder ${path.dirname(file)}`);
  }
  // The context folder must be rockts's own (it has the marker) or absent.
  if ((await exists(contextDir)) && !(await exists(path.join(contextDir, CONTEXT_MARKER)))) {
    throw new RocktsError('FILE_EXISTS', `${contextDir} exists and was not written by rockts bake; remove it or choose another --context`);
  }
  await replaceBuildContext(contextDir, composed.dockerfile, composed.plan.extensions, composed.contextFiles, (fresh) =>
    writeFile(path.join(fresh, CONTEXT_MARKER), 'Written by `rockts bake`: the build context of docker-bake.json. Regenerate it; do not edit.\n'),
  );
  const overlay = flags.network === undefined ? undefined : path.join(path.dirname(file), NETWORK_OVERLAY);
  if (overlay !== undefined) await writeFileAtomic(overlay, renderNetworkOverlay(composed.plan, flags.network!));
  await writeFileAtomic(file, text);
  return { text, contextDir, overlay };
}

function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
