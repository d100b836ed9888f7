/**
 * The I/O side of composing: read the config, the built-in extensions and the folders
 * the config names, then hand everything to the pure core.
 */
import os from 'node:os';
import { loadConfig } from './config/load-config.js';
import { compose, type Composition } from './core/compose.js';
import { RocktsError, throwIfAny } from './core/errors.js';
import type { DockerfileFeatures } from './core/plain-forms.js';
import type { Config, HostUser, LoadedExtension } from './core/types.js';
import { BUILTIN_EXTENSIONS_DIR, discoverExtensions, loadExtension } from './extensions/load-extension.js';

export interface ProjectOptions {
  readonly configFile: string | undefined;
  readonly cwd: string;
  readonly home: string;
  readonly rocktsVersion: string;
  readonly hostUser: HostUser | undefined;
  /** Where built-in extensions live; tests point this at frozen fixtures. */
  readonly builtinDir?: string;
  /** What the target engine's Dockerfile frontend can do (default: Dockerfile 1.4+). */
  readonly features?: DockerfileFeatures;
}

export interface Project {
  readonly config: Config;
  /** Problems in the config files that still left the rest composable. */
  readonly problems: readonly RocktsError[];
  readonly builtins: readonly LoadedExtension[];
  readonly byPath: ReadonlyMap<string, LoadedExtension>;
}

export async function loadProject(options: ProjectOptions): Promise<Project> {
  const { config, problems: configProblems } = await loadConfig({ file: options.configFile, cwd: options.cwd, home: options.home });
  const builtins = await discoverExtensions(options.builtinDir ?? BUILTIN_EXTENSIONS_DIR, { kind: 'builtin' });
  const byPath = new Map<string, LoadedExtension>();
  const problems: RocktsError[] = [...configProblems];
  for (const entry of config.extensions) {
    if (entry.ref.kind !== 'path' || byPath.has(entry.ref.path)) continue;
    try {
      byPath.set(entry.ref.path, await loadExtension(entry.ref.path, { kind: 'path', path: entry.ref.path }));
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      // A folder without extension.yaml is reported where the config names it.
      const unplaced = error.location === undefined && error.problems.length === 0;
      problems.push(unplaced ? new RocktsError(error.code, error.message, { location: entry.location }) : error);
    }
  }
  return { config, problems, builtins, byPath };
}

/** Loads and composes; every problem from the files and the composition is reported together. */
export async function composeProject(options: ProjectOptions): Promise<Composition & Project> {
  return composeLoaded(await loadProject(options), options);
}

/** Composes a loaded project (for build and run, which pick the engine from the config first). */
export function composeLoaded(project: Project, options: ProjectOptions): Composition & Project {
  const missingFolders = project.config.extensions.some((e) => e.ref.kind === 'path' && !project.byPath.has(e.ref.path));
  let composition: Composition | undefined;
  const problems = [...project.problems];
  if (!missingFolders) {
    try {
      composition = compose({
        config: project.config,
        available: project.builtins,
        byPath: project.byPath,
        rocktsVersion: options.rocktsVersion,
        hostUser: options.hostUser,
        ...(options.features ? { features: options.features } : {}),
      });
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
    }
  }
  throwIfAny(problems);
  return { ...project, ...composition! };
}

/**
 * The user running rockts, as the dev container will map it. A uid without a passwd
 * entry (e.g. under sudo -u '#4242' or in CI) is still mapped: its name comes from
 * $USER, else `user<uid>`, and its home from $HOME.
 */
export function currentHostUser(): HostUser | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined || uid < 0) return undefined;
  try {
    const info = os.userInfo();
    return { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir };
  } catch {
    const name = process.env.USER && process.env.USER !== 'root' ? process.env.USER : `user${uid}`;
    return { name, uid, gid, home: process.env.HOME || `/home/${name}` };
  }
}
