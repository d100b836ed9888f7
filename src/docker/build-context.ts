/**
 * The build context: a private temporary folder holding
 *   context/     what the engine is sent: the Dockerfile and every used extension's
 *                files/ (at files/<name>/, where templates' {{filesDir}} points);
 *   tmp/         the engine's own TMPDIR (see engineEnv);
 *   image-id     where the engine writes the built image's ID.
 * Nothing is written into the project folder. Symlinks inside the extension folder are
 * copied as the files they point to; special files and links leading out are refused.
 */
import { mkdir, mkdtemp, open, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catchSignals } from '../io/catch-signals.js';
import { filesDirFor } from '../core/build-plan.js';
import type { OrderedExtension } from '../core/types.js';
import type { ContextFile } from '../extensions/deps/compose-deps.js';
import { listExtensionFiles, readChunks, type ExtensionFile } from '../extensions/extension-files.js';

export interface BuildContext {
  /** The folder sent to the engine as the build context. */
  readonly dir: string;
  readonly dockerfile: string;
  readonly iidFile: string;
  /**
   * The environment to run the engine with: TMPDIR inside the private folder. Podman
   * interrupted by Ctrl-C exits leaving its `buildah<digits>` folder in TMPDIR; this way
   * it goes away with the context once the engine has exited.
   */
  readonly engineEnv: Readonly<Record<string, string>>;
  /** Removes the whole private folder; call it after the engine has exited. */
  dispose(): Promise<void>;
}

/**
 * Ctrl-C while the context is written removes it and ends in an INTERRUPTED error.
 * `files` are generated ones (the deps extension's), at their path in the context.
 */
export function writeBuildContext(dockerfile: string, extensions: readonly OrderedExtension[], files: readonly ContextFile[] = []): Promise<BuildContext> {
  return catchSignals((interruption) => writeContext(dockerfile, extensions, files, () => interruption.check('interrupted; no build context was left behind')));
}

async function writeContext(dockerfile: string, extensions: readonly OrderedExtension[], files: readonly ContextFile[], stopIfInterrupted: () => void): Promise<BuildContext> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rockts-build-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const dir = path.join(root, 'context');
    const tmp = path.join(root, 'tmp');
    await mkdir(dir);
    await mkdir(tmp);
    await linkBuildahCache(tmp);
    const dockerfilePath = await fillBuildContext(dir, dockerfile, extensions, files, stopIfInterrupted);
    stopIfInterrupted();
    return { dir, dockerfile: dockerfilePath, iidFile: path.join(root, 'image-id'), engineEnv: { TMPDIR: tmp }, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * Buildah (Podman) keeps RUN cache mounts, the apt cache among them, under
 * $TMPDIR/buildah-cache (buildah-cache-<uid> when rootless). The engine's private TMPDIR
 * would make every build start with an empty cache, so it gets a link to the folder
 * Buildah uses without one, in containers.conf's default /var/tmp. Removing the build
 * folder removes only the link.
 */
async function linkBuildahCache(tmp: string): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  const name = uid === 0 ? 'buildah-cache' : `buildah-cache-${uid}`;
  const shared = path.join('/var/tmp', name);
  await mkdir(shared, { recursive: true, mode: 0o700 });
  await symlink(shared, path.join(tmp, name));
}

/**
 * A build context written to stay (`rockts bake -o`, `rockts devcontainer`): filled in a
 * fresh sibling folder, `finish` run on it (a marker file, say), then swapped in for
 * `dir`, so `dir` is never half-written; the fresh folder is removed on any failure.
 */
export async function replaceBuildContext(
  dir: string,
  dockerfile: string,
  extensions: readonly OrderedExtension[],
  files: readonly ContextFile[],
  finish: (fresh: string) => Promise<void> = async () => undefined,
): Promise<void> {
  const fresh = await mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}-`));
  try {
    await fillBuildContext(fresh, dockerfile, extensions, files);
    await finish(fresh);
    await rm(dir, { recursive: true, force: true });
    await rename(fresh, dir);
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes the Dockerfile, the extensions' files/ and the generated `files` into the empty
 * folder `dir`; returns the Dockerfile's path. `stopIfInterrupted` runs after each copy.
 */
export async function fillBuildContext(
  dir: string,
  dockerfile: string,
  extensions: readonly OrderedExtension[],
  files: readonly ContextFile[] = [],
  stopIfInterrupted: () => void = () => undefined,
): Promise<string> {
  const dockerfilePath = path.join(dir, 'Dockerfile');
  await writeFile(dockerfilePath, dockerfile);
  for (const e of extensions) {
    if (!e.extension.hasFiles) continue;
    const target = path.join(dir, filesDirFor(e.name));
    await mkdir(target, { recursive: true });
    for (const file of await listExtensionFiles(e.extension.dir, 'files')) {
      await copyFile(file, path.join(target, path.relative('files', file.relative)));
      stopIfInterrupted();
    }
  }
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await writeFile(path.join(dir, file.path), file.content);
  }
  return dockerfilePath;
}

/** A copy of `file` at `copy`, with its mode and times, written chunk by chunk. */
async function copyFile(file: ExtensionFile, copy: string): Promise<void> {
  await mkdir(path.dirname(copy), { recursive: true });
  const output = await open(copy, 'wx', file.stats.mode & 0o777);
  try {
    // writeFile on a handle writes the whole chunk at the current position.
    await readChunks(file.source, (chunk) => output.writeFile(chunk));
    await output.chmod(file.stats.mode & 0o777);
  } finally {
    await output.close();
  }
  await utimes(copy, file.stats.atime, file.stats.mtime);
}
