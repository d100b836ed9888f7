/**
 * The `git-clone` built-in, specialised for one project: finds the project's vcstool
 * files (`*.repos` and `*.repos.yaml` below the project folder, as deps_rocker's ROS
 * extensions search), merges their repositories and returns the extension with one
 * clone step per repository in its setup snippet. Every value has passed the grammar of
 * parse-repos-file.ts before it reaches Dockerfile text. All file access happens here.
 */
import path from 'node:path';
import { RocktsError } from '../../core/errors.js';
import type { LoadedExtension } from '../../core/types.js';
import { globMatcher, parseProjectFiles } from '../project-files.js';
import { parseReposFile, type Repository } from './parse-repos-file.js';

export const GIT_CLONE_EXTENSION = 'git-clone';
const REPOS_FILES = [globMatcher('*.repos'), globMatcher('*.repos.yaml')];
const INDENT = '    ';

export interface LoadedGitClone {
  readonly extension: LoadedExtension;
  /** What the repos files gave, for `rockts plan` and the build (ssh URLs need `--ssh default`). */
  readonly summary: { readonly files: readonly string[]; readonly repositories: readonly Repository[]; readonly needsSsh: boolean };
}

/**
 * `git-clone` (the built-in `base`) with the repositories of the .repos files below
 * `projectDir`; `projectFiles` is every file below it (listFiles).
 */
export async function loadGitClone(base: LoadedExtension, projectDir: string, projectFiles: readonly string[]): Promise<LoadedGitClone> {
  const found = projectFiles.filter((f) => REPOS_FILES.some((matches) => matches(f)));
  const problems: RocktsError[] = [];
  const repositories = (await parseProjectFiles(projectDir, found, 'repos file', parseReposFile, problems)).flatMap((f) => f.repositories);
  const merged = mergeRepositories(repositories, projectDir, problems);
  if (problems.length > 0) throw RocktsError.combine(problems);
  const setup = base.templates.find((t) => t.kind === 'setup');
  const clones = merged.map((r) => cloneStep(r, path.relative(projectDir, r.file))).join('\n');
  const templates = merged.length === 0 || !setup ? base.templates : base.templates.map((t) => (t === setup ? { ...t, text: `${t.text}${clones}\n` } : t));
  const needsSsh = merged.some((r) => r.ssh);
  const { final } = base.manifest;
  const extension: LoadedExtension = {
    ...base,
    manifest: needsSsh ? { ...base.manifest, final: { ...final, apt: [...final.apt, 'openssh-client'] } } : base.manifest,
    templates,
  };
  return { extension, summary: { files: found, repositories: merged, needsSsh } };
}

/**
 * One list from all files (file order, then order written). A path listed twice with the
 * same URL and version is cloned once; with different ones, or a path inside another
 * repository's path, it is an error (deps_rocker kept the first with a warning).
 */
function mergeRepositories(repositories: readonly Repository[], projectDir: string, problems: RocktsError[]): Repository[] {
  const merged: Repository[] = [];
  const where = (r: Repository) => `${path.relative(projectDir, r.file)}:${r.location.line}:${r.location.column}`;
  for (const repository of repositories) {
    const same = merged.find((m) => m.path === repository.path);
    if (same && same.url === repository.url && same.version === repository.version) continue;
    const clash = same ?? merged.find((m) => repository.path.startsWith(`${m.path}/`) || m.path.startsWith(`${repository.path}/`));
    if (clash) {
      const what = same ? `the same path with url ${same.url} and version ${same.version ?? '(default branch)'}` : `${clash.path}, which contains it or lies inside it`;
      problems.push(new RocktsError('CONFIG_INVALID', `repositories '${repository.path}': expected one repository per path, found ${what} at ${where(clash)}`, { location: repository.location }));
      continue;
    }
    merged.push(repository);
  }
  return merged;
}

/**
 * The Dockerfile text that clones one repository below the clone root at its version
 * (and its submodules), owned by the mapped user; root's git config trusts it too, so
 * root in the container (no `user` extension, `exec -u root`) can still use it. An ssh URL clones through the build's
 * ssh agent socket (`RUN --mount=type=ssh`): no key enters a layer.
 */
function cloneStep(repository: Repository, file: string): string {
  const dir = `{{quote options.root}}/${repository.path}`;
  // The host key is accepted on first use (the build has no known_hosts of yours); a commit version pins the content.
  const mount = repository.ssh ? `--mount=type=ssh export GIT_SSH_COMMAND='ssh -o StrictHostKeyChecking=accept-new' \\\n${INDENT}&& ` : '';
  const lines = [`# ${repository.path} from ${file}: ${repository.url}${repository.version ? ` at ${repository.version}` : ''}`];
  // http(s) URLs go through the config's mirrors (the `url` helper), as every download does.
  const url = /^https?:/.test(repository.url) ? `{{url "${repository.url}"}}` : repository.url;
  const steps = [`git clone --quiet${repository.version ? ' --no-checkout' : ''} '${url}' ${dir}`];
  if (repository.version) steps.push(`git -C ${dir} -c advice.detachedHead=false checkout --quiet '${repository.version}'`);
  steps.push(`git -C ${dir} submodule update --init --recursive --quiet`);
  lines.push(`RUN ${mount}${steps.join(` \\\n${INDENT}&& `)}{{#if user.uid}} \\\n${INDENT}&& chown -R {{user.uid}}:{{user.gid}} ${dir} \\\n${INDENT}&& git config --global --add safe.directory ${dir}{{/if}}`);
  return lines.join('\n');
}
