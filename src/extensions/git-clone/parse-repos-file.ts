/**
 * One vcstool `*.repos` file → its repositories, every value checked against a grammar
 * and located. The format (vcstool's `vcs import`): a mapping with one key,
 * `repositories`, mapping a target path to `{type, url, version}`. rockts clones git
 * repositories only, and refuses a URL carrying credentials: it would stay in the
 * image's history. No file system here.
 */
import { RocktsError } from '../../core/errors.js';
import { describeValue } from '../../core/grammar.js';
import type { SourceLocation } from '../../core/types.js';
import { parseYaml } from '../../io/yaml-source.js';

/** A target path below the clone root: names of letters, digits, `.`, `_`, `+`, `-` (not starting with `.`), joined by `/`. */
export const REPO_PATH = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]*(?:\/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*$/;
/** https, http and git URLs: host, optional port and path; no user, password, query or fragment. */
const PLAIN_URL = /^(?:https?|git):\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%+-]+)*\/?$/;
/** ssh URLs (`ssh://user@host:port/path`) and scp-like ones (`git@host:org/repo.git`). */
const SSH_URL = /^(?:ssh:\/\/(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%+-]+)+\/?|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9_~+][A-Za-z0-9._~+/-]*)$/;
/** A URL with a user part that can hold a secret: any in https/http/git (`https://token@host/...`), a password in ssh. */
const CREDENTIALS = /^(?:(?:https?|git):\/\/[^/]*@|ssh:\/\/[^/@]*:[^/@]*@)/;
/** A branch, tag or commit: git ref-name characters, not starting with `-` or `.`, no `..`. */
export const REPO_VERSION = /^(?!.*\.\.)(?!.*\/\.)[A-Za-z0-9_+][A-Za-z0-9._+/-]*$/;
const ENTRY_KEYS = ['type', 'url', 'version'];

export interface Repository {
  /** The target path below the clone root, as written. */
  readonly path: string;
  readonly url: string;
  /** Cloned over ssh: the build needs the ssh agent (`--ssh default`). */
  readonly ssh: boolean;
  readonly version: string | undefined;
  readonly file: string;
  readonly location: SourceLocation;
}

export interface ReposFile {
  readonly file: string;
  /** The repositories without problems; the others are left out so the rest can still be checked. */
  readonly repositories: readonly Repository[];
  readonly problems: readonly RocktsError[];
}

/** Parses one .repos file; YAML syntax errors are thrown, every other problem is returned. */
export function parseReposFile(text: string, file: string): ReposFile {
  const source = parseYaml(text, file, 'CONFIG_INVALID');
  const problems: RocktsError[] = [];
  const fail = (message: string, location: SourceLocation) => void problems.push(new RocktsError('CONFIG_INVALID', message, { location }));
  const data = source.data;
  if (data === null || data === undefined) return { file, repositories: [], problems };
  if (!isMapping(data)) {
    throw new RocktsError('CONFIG_INVALID', `repos file: expected a mapping with repositories: {PATH: {type: git, url: URL, version: REF}}, found ${describeValue(data)}`, { location: source.locate([]) });
  }
  for (const key of Object.keys(data)) if (key !== 'repositories') fail(`repos file: expected the key repositories, found ${describeValue(key)}`, source.locateKey([key]));
  const listed = data.repositories;
  if (listed === null || listed === undefined) return { file, repositories: [], problems };
  if (!isMapping(listed)) {
    fail(`repositories: expected a mapping of target paths to {type, url, version}, found ${describeValue(listed)}`, source.locate(['repositories']));
    return { file, repositories: [], problems };
  }
  const repositories: Repository[] = [];
  for (const [target, entry] of Object.entries(listed)) {
    const at = (key?: string) => (key === undefined ? source.locateKey(['repositories', target]) : source.locate(['repositories', target, key]));
    const before = problems.length;
    if (!REPO_PATH.test(target)) fail(`repositories: expected a path below the clone root such as src/foo (names of letters, digits, '.', '_', '+' and '-' joined by /, none starting with '.'), found ${describeValue(target)}`, at());
    if (!isMapping(entry)) {
      fail(`repositories '${target}': expected a mapping {type: git, url: URL, version: REF}, found ${describeValue(entry)}`, at());
      continue;
    }
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) fail(`repositories '${target}': expected a key of ${ENTRY_KEYS.join(', ')}, found ${describeValue(key)}`, source.locateKey(['repositories', target, key]));
    if (entry.type !== 'git') fail(`repositories '${target}' type: expected git (git-clone clones git repositories; vcstool's hg, svn, bzr, tar and zip are not supported), found ${describeValue(entry.type)}`, entry.type === undefined ? at() : at('type'));
    const url = entry.url;
    if (typeof url !== 'string') fail(`repositories '${target}' url: expected a git URL, found ${describeValue(url)}`, url === undefined ? at() : at('url'));
    else if (CREDENTIALS.test(url)) fail(`repositories '${target}' url: expected a URL without credentials (they would stay in the image's history; use an ssh URL and your ssh agent), found ${describeValue(url.replace(/\/\/[^/]*@/, '//***@'))}`, at('url'));
    else if (!PLAIN_URL.test(url) && !SSH_URL.test(url)) fail(`repositories '${target}' url: expected an https://, http://, git:// or ssh:// URL or user@host:path, found ${describeValue(url)}`, at('url'));
    const version = entry.version;
    if (version !== undefined && version !== null && (typeof version !== 'string' || !REPO_VERSION.test(version))) {
      fail(`repositories '${target}' version: expected a branch, tag or commit such as main, v1.2.0 or a commit hash, found ${describeValue(version)}`, at('version'));
    }
    if (problems.length > before) continue;
    repositories.push({ path: target, url: url as string, ssh: SSH_URL.test(url as string), version: typeof version === 'string' ? version : undefined, file, location: at() });
  }
  return { file, repositories, problems };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
