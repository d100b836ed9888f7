/**
 * The I/O side of composing: read the config, the built-in extensions, the installed
 * extension packages and the folders the config names, then hand everything to the
 * pure core.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadCompanyCa } from '../config/load-ca.js';
import { loadConfig } from '../config/load-config.js';
import { compose, type Composition } from '../core/compose.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import type { DockerfileFeatures } from '../core/plain-forms.js';
import { suggestNames } from '../core/suggest.js';
import { BUILTIN_PACKAGE, type Config, type ExtensionRef, type HostUser, type LoadedConfig, type LoadedEntry, type LoadedExtension } from '../core/types.js';
import { loadBuiltins } from '../extensions/builtin-index.js';
import { readRegularFile } from '../extensions/extension-files.js';
import { discoverExtensions, loadExtension } from '../extensions/load-extension.js';
import { discoverPackages, findPackage, packageExtensions, searchFolders, type ExtensionPackage } from '../extensions/packages.js';
import type { ContextFile } from '../extensions/deps/compose-deps.js';
import { DEPS_EXTENSION, loadDeps, type LoadedDeps } from '../extensions/deps/load-deps.js';
import { GIT_CLONE_EXTENSION, loadGitClone, type LoadedGitClone } from '../extensions/git-clone/load-git-clone.js';
import { listFiles } from '../extensions/project-files.js';
import { dockerfileTag } from './image-tag.js';

export interface ProjectOptions {
  readonly configFile: string | undefined;
  readonly cwd: string;
  readonly home: string;
  readonly rocktsVersion: string;
  readonly hostUser: HostUser | undefined;
  /** Where built-in extensions live; tests point this at frozen fixtures. */
  readonly builtinDir?: string;
  /** The global npm root (`npm install -g`), searched after the project's node_modules. */
  readonly globalNodeModules?: string;
  /** What the target engine's Dockerfile frontend can do (default: Dockerfile 1.4+). */
  readonly features?: DockerfileFeatures;
  /** Told of problems that do not stop the command, e.g. a broken package the config does not use. */
  readonly warn?: (warning: RocktsError) => void;
}

/** What finding the available extensions needs of the options. */
type CatalogueOptions = Pick<ProjectOptions, 'builtinDir' | 'globalNodeModules' | 'warn'>;

export interface Project {
  readonly config: Config;
  /** Problems in the config files and the extensions they name that still left the rest checkable. */
  readonly problems: readonly RocktsError[];
  readonly builtins: readonly LoadedExtension[];
  /** Installed extension packages, by name (broken ones carry their problem). */
  readonly packages: ReadonlyMap<string, ExtensionPackage>;
  /** The config with what each entry loaded; undefined when an entry could not be loaded (`problems` says why). */
  readonly loaded: LoadedConfig | undefined;
  /** Files the build context carries beside the extensions' files/ (the deps extension's). */
  readonly contextFiles: readonly ContextFile[];
  /** What the project's deps files contributed, when the config enables `deps`. */
  readonly deps: LoadedDeps['summary'] | undefined;
  /** The repositories of the project's .repos files, when the config enables `git-clone`. */
  readonly gitClone: LoadedGitClone['summary'] | undefined;
}

export async function loadProject(options: ProjectOptions): Promise<Project> {
  const loaded = await loadConfig({ file: options.configFile, cwd: options.cwd, home: options.home });
  const configProblems = [...loaded.problems];
  const ca = await loadCompanyCa(await withDockerfileImage(loaded.config, configProblems), configProblems);
  const config = ca.config;
  const discovered = await loadBuiltinsFor(options);
  const projectDir = path.dirname(path.resolve(options.cwd, config.file));
  const folders = searchFolders(projectDir, options.globalNodeModules);
  const packages = await discoverPackages(folders);
  const problems: RocktsError[] = [...configProblems];
  // The project folder is searched once, and only when a built-in needs its files.
  let listing: Promise<string[]> | undefined;
  const projectFiles = () => (listing ??= listFiles(projectDir));
  const deps = await specialise(config, discovered, DEPS_EXTENSION, problems, async (base, entry) =>
    loadDeps(base, projectDir, await projectFiles(), entry.options.find((o) => o.key.value === 'filter')?.value),
  );
  const gitClone = await specialise(config, discovered, GIT_CLONE_EXTENSION, problems, async (base) => loadGitClone(base, projectDir, await projectFiles()));
  // deps's COPY lines read the generated context files: they stand in for its files/ in the image's record.
  const depsExtension = deps && { ...deps.extension, filesDigest: digestContextFiles(deps.contextFiles) };
  const specialised = new Map([depsExtension, gitClone?.extension].flatMap((e) => (e ? [[e.manifest.name, e] as const] : [])));
  const builtins = discovered.map((e) => specialised.get(e.manifest.name) ?? e);
  const named = new Set<string>();
  const entries: LoadedEntry[] = [];
  for (const entry of config.extensions) {
    if (entry.ref.kind === 'qualified' || entry.ref.kind === 'package') named.add(entry.ref.package);
    try {
      entries.push({ ...entry, loaded: await loadChosen(entry.ref, builtins, packages, folders) });
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      // A problem with no place of its own is reported where the config names the extension.
      const unplaced = error.location === undefined && error.problems.length === 0;
      problems.push(unplaced ? new RocktsError(error.code, error.message, { location: entry.location, suggestions: error.suggestions }) : error);
    }
  }
  // A broken package is an error when the config uses it, and a warning otherwise.
  const offered = new Set([...builtins, ...packageExtensions(packages)].map((e) => e.manifest.name));
  const wanted = new Set(config.extensions.flatMap((e) => (e.ref.kind === 'name' ? [e.ref.name] : [])));
  for (const pkg of packages.values()) {
    if (pkg.problem === undefined || named.has(pkg.name)) continue;
    if (pkg.intended.some((name) => wanted.has(name) && !offered.has(name))) problems.push(pkg.problem);
    else options.warn?.(ignoredPackage(pkg, pkg.problem));
  }
  const complete = entries.length === config.extensions.length;
  return { config, problems, builtins, packages, loaded: complete ? { ...config, extensions: entries } : undefined, contextFiles: [...ca.contextFiles, ...(deps?.contextFiles ?? [])], deps: deps?.summary, gitClone: gitClone?.summary };
}

/** The largest `dockerfile:` read (it is hashed into the image's tag). */
const MAX_DOCKERFILE_BYTES = 1024 * 1024;

/**
 * For `dockerfile:`, the image becomes the tag that Dockerfile is built to. It is read
 * as a regular file only: a FIFO or a device would hang or exhaust the read.
 */
async function withDockerfileImage(config: Config, problems: RocktsError[]): Promise<Config> {
  if (!config.dockerfile) return config;
  const { value: file, location } = config.dockerfile;
  const shown = path.relative(path.dirname(config.file), file);
  try {
    const bytes = await readRegularFile(file, MAX_DOCKERFILE_BYTES);
    if (bytes.length > MAX_DOCKERFILE_BYTES) {
      problems.push(new RocktsError('CONFIG_INVALID', `dockerfile: expected a Dockerfile of at most 1 MiB (${MAX_DOCKERFILE_BYTES} bytes), found a larger one at ${shown}`, { location }));
      return config;
    }
    return { ...config, image: { value: dockerfileTag(config, file, bytes.toString('utf8')), location } };
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    if (cause?.code === 'ENOENT' || cause?.code === 'ENOTDIR') {
      problems.push(new RocktsError('CONFIG_INVALID', `dockerfile: expected a Dockerfile, found none at ${shown}: it does not exist`, { location }));
    } else problems.push(new RocktsError(error.code, `dockerfile: ${error.message.replace(file, shown)}`, { location, cause }));
    return config;
  }
}

/**
 * A built-in filled in from the project's files at load time (`deps`, `git-clone`), when
 * the config lists it (by name or as rockts/NAME) and does not blacklist it.
 */
async function specialise<T>(
  config: Config,
  builtins: readonly LoadedExtension[],
  name: string,
  problems: RocktsError[],
  load: (base: LoadedExtension, entry: Config['extensions'][number]) => Promise<T | undefined>,
): Promise<T | undefined> {
  const base = builtins.find((e) => e.manifest.name === name);
  const entry = config.extensions.find((e) => (e.ref.kind === 'name' || (e.ref.kind === 'qualified' && e.ref.package === BUILTIN_PACKAGE)) && e.ref.name === name);
  if (!base || !entry || config.blacklist.some((b) => b.value === name)) return undefined;
  try {
    return await load(base, entry);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    problems.push(error);
    return undefined;
  }
}

/** The built-in extensions: from the build's index, or read from the folder tests point at. */
function loadBuiltinsFor(options: CatalogueOptions): Promise<LoadedExtension[]> {
  return options.builtinDir === undefined ? loadBuiltins() : discoverExtensions(options.builtinDir, { kind: 'builtin' });
}

/** sha256 over generated context files: each path and content, in path order. */
function digestContextFiles(files: readonly ContextFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${file.path}\0`).update(file.content).update('\n');
  return hash.digest('hex');
}

function ignoredPackage(pkg: ExtensionPackage, problem: RocktsError): RocktsError {
  const note = { message: `rockts ignores package ${pkg.name} until it is fixed or removed`, location: { file: path.join(pkg.root, 'package.json'), line: 1, column: 1 } };
  const problems = problem.problems.length > 0 ? problem.problems : [problem];
  return RocktsError.combine(problems.map((p, i) => (i === 0 ? new RocktsError(p.code, p.message, { location: p.location, notes: [note] }) : p)));
}

/** The extensions a config entry that names its source stands for. */
async function loadChosen(
  ref: ExtensionRef,
  builtins: readonly LoadedExtension[],
  packages: ReadonlyMap<string, ExtensionPackage>,
  folders: readonly string[],
): Promise<readonly LoadedExtension[]> {
  if (ref.kind === 'path') return [await loadExtension(ref.path, { kind: 'path', path: ref.path })];
  if (ref.kind === 'name') return [];
  if (ref.kind === 'qualified' && ref.package === BUILTIN_PACKAGE) {
    const builtin = builtins.find((e) => e.manifest.name === ref.name);
    if (builtin) return [builtin];
    const names = builtins.map((e) => e.manifest.name);
    throw new RocktsError('EXTENSION_UNKNOWN', `no built-in extension '${ref.name}'`, { suggestions: suggestNames(ref.name, names) });
  }
  const pkg = packages.get(ref.package) ?? (await findPackage(ref.package, folders));
  if (!pkg) {
    throw new RocktsError(
      'EXTENSION_UNKNOWN',
      `package '${ref.package}' is not installed in ${folders[0]}, any node_modules above it, or the global root; install it with \`npm install --save-dev ${ref.package}\``,
    );
  }
  if (pkg.problem) throw pkg.problem;
  if (ref.kind === 'package') return pkg.extensions;
  const extension = pkg.extensions.find((e) => e.manifest.name === ref.name);
  if (extension) return [extension];
  const names = pkg.extensions.map((e) => e.manifest.name);
  throw new RocktsError('EXTENSION_UNKNOWN', `package ${pkg.name} has no extension '${ref.name}'; it provides: ${names.join(', ')}`, {
    suggestions: suggestNames(ref.name, names),
  });
}

/**
 * The extensions rockts can offer without a config: the built-ins and those of packages
 * installed from `dir` up and globally (broken packages are warned about).
 */
export async function loadCatalogue(options: CatalogueOptions, dir: string): Promise<LoadedExtension[]> {
  const builtins = await loadBuiltinsFor(options);
  const packages = await discoverPackages(searchFolders(dir, options.globalNodeModules));
  for (const pkg of packages.values()) if (pkg.problem) options.warn?.(ignoredPackage(pkg, pkg.problem));
  return [...builtins, ...packageExtensions(packages)];
}

/** Every extension the project can use by name: the built-ins and those of installed packages. */
export function availableExtensions(project: Project): LoadedExtension[] {
  return [...project.builtins, ...packageExtensions(project.packages)];
}

/** Loads and composes; every problem from the files and the composition is reported together. */
export async function composeProject(options: ProjectOptions): Promise<Composition & Project> {
  return composeLoaded(await loadProject(options), options);
}

/** Composes a loaded project (for build and run, which pick the engine from the config first). */
export function composeLoaded(project: Project, options: ProjectOptions): Composition & Project {
  let composition: Composition | undefined;
  const problems = [...project.problems];
  if (project.loaded) {
    try {
      composition = compose({
        config: project.loaded,
        available: availableExtensions(project),
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
