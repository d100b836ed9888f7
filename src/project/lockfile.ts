/**
 * rockts.lock: the extensions an image is composed from, so a team's builds are
 * reproducible. For every enabled extension: its source, version and a sha256 of its
 * folder's content. `rockts build` writes it; `rockts build --frozen` refuses to build
 * when it is missing or would change, and says what changed; `rockts lock` refreshes it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { RocktsError } from '../core/errors.js';
import type { Config, LoadedExtension, OrderedExtension } from '../core/types.js';
import { listExtensionFiles, readChunks, readOptionalText } from '../extensions/extension-files.js';
import { parseYaml, YAML_LIMITS, zodIssuesToErrors } from '../io/yaml-source.js';

export const LOCK_FILE_NAME = 'rockts.lock';

/** rockts.lock sits next to the config file. */
export function lockFileOf(config: Pick<Config, 'file'>): string {
  return path.join(path.dirname(path.resolve(config.file)), LOCK_FILE_NAME);
}
const LOCK_VERSION = 1;

export interface LockEntry {
  readonly name: string;
  readonly version: string;
  /** `builtin`, `package:NAME@VERSION`, or the folder relative to the lock file. */
  readonly source: string;
  readonly sha256: string;
}

const lockSchema = z.strictObject({
  lockVersion: z.literal(LOCK_VERSION, { message: `lockVersion ${LOCK_VERSION}` }),
  extensions: z.array(
    z.strictObject({
      name: z.string(),
      version: z.string(),
      source: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'a sha256 in hex' }),
    }),
  ),
});

/** The lock entries for a composition, in name order. */
export async function lockEntries(extensions: readonly OrderedExtension[], lockDir: string): Promise<LockEntry[]> {
  const entries = await Promise.all(
    extensions.map(async (e) => ({
      name: e.name,
      version: e.extension.manifest.version,
      source: lockSource(e.extension, lockDir),
      sha256: await hashFolder(e.extension.dir),
    })),
  );
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function lockSource(extension: LoadedExtension, lockDir: string): string {
  const { source } = extension;
  if (source.kind === 'builtin') return 'builtin';
  if (source.kind === 'package') return `package:${source.package}@${source.version}`;
  return path.relative(lockDir, extension.dir) || '.';
}

/**
 * sha256 over every file below `dir` (not node_modules or .git), in path order: its
 * relative path, whether it is executable, and the sha256 of its content. Symlinks are
 * followed within the folder and special files refused (see listExtensionFiles).
 * `start` limits it to one subfolder (e.g. `files`).
 */
export async function hashFolder(dir: string, start = ''): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listExtensionFiles(dir, start)) {
    const executable = (file.stats.mode & 0o111) !== 0;
    const content = createHash('sha256');
    await readChunks(file.source, (chunk) => content.update(chunk));
    hash.update(`${file.relative}\0${executable ? 'x' : '-'}\0${content.digest('hex')}\n`);
  }
  return hash.digest('hex');
}

export function formatLock(entries: readonly LockEntry[]): string {
  return [
    '# rockts.lock: the extensions this image is composed from. Written by `rockts build` and',
    '# `rockts lock`; `rockts build --frozen` refuses to build when it would change. Commit it.',
    stringify({ lockVersion: LOCK_VERSION, extensions: entries.map((e) => ({ ...e })) }),
  ].join('\n');
}

/** The lock in `file`, or undefined when there is none. */
export async function readLock(file: string): Promise<LockEntry[] | undefined> {
  const text = await readOptionalText(file, YAML_LIMITS.bytes);
  if (text === undefined) return undefined;
  const source = parseYaml(text, file, 'CONFIG_INVALID');
  const parsed = lockSchema.safeParse(source.data);
  if (!parsed.success) throw RocktsError.combine(zodIssuesToErrors(parsed.error.issues, source, 'CONFIG_INVALID', lockSchema));
  return parsed.data.extensions;
}

/** One line per difference between a lock and the current composition; empty when equal. */
export function diffLock(locked: readonly LockEntry[], current: readonly LockEntry[]): string[] {
  const before = new Map(locked.map((e) => [e.name, e]));
  const after = new Map(current.map((e) => [e.name, e]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const lines: string[] = [];
  for (const name of names) {
    const a = before.get(name);
    const b = after.get(name);
    if (!a) lines.push(`${name}: added (${b!.version}, ${b!.source})`);
    else if (!b) lines.push(`${name}: removed (was ${a.version}, ${a.source})`);
    else {
      const changes: string[] = [];
      if (a.source !== b.source) changes.push(`source ${a.source} → ${b.source}`);
      if (a.version !== b.version) changes.push(`version ${a.version} → ${b.version}`);
      if (a.sha256 !== b.sha256) changes.push(`contents changed (sha256 ${a.sha256.slice(0, 12)}… → ${b.sha256.slice(0, 12)}…)`);
      if (changes.length > 0) lines.push(`${name}: ${changes.join('; ')}`);
    }
  }
  return lines;
}

/** --frozen: the lock must exist and match. */
export function checkFrozen(lockFile: string, locked: readonly LockEntry[] | undefined, current: readonly LockEntry[]): void {
  const name = path.basename(lockFile);
  if (locked === undefined) {
    throw new RocktsError('LOCK_MISMATCH', `${name} is missing next to the config, and --frozen needs it; run \`rockts lock\` (or \`rockts build\` without --frozen) to write it`);
  }
  const differences = diffLock(locked, current);
  if (differences.length > 0) {
    throw new RocktsError('LOCK_MISMATCH', `${name} would change, and --frozen forbids that; run \`rockts lock\` to accept these changes:`, {
      notes: differences.map((message) => ({ message })),
    });
  }
}
