/**
 * The quick path of the CLI (bin/run.js). `rockts dockerfile` and `rockts plan` are what editors,
 * hooks and scripts call, so they run here without loading oclif when their argv is
 * plain: the flags are read with node:util's parseArgs against oclif's own manifest
 * (oclif.manifest.json, written by `npm run build`), so there is one definition of each
 * flag. Anything else, and any failure of the quick run, goes to oclif (run-oclif.ts),
 * which parses, reports and exits as documented (a failed quick run prints nothing, so
 * the error comes once, from oclif). A manifest older than the command files is not
 * trusted. This module and what it loads never load oclif: load-quick.ts runs them
 * from one bundle with V8's code cache.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RocktsError } from '../core/errors.js';

/** What oclif.manifest.json says of one flag (the fields the quick path understands). */
interface ManifestFlag {
  readonly name: string;
  readonly type: 'boolean' | 'option';
  readonly char?: string;
  readonly multiple?: boolean;
  readonly allowNo?: boolean;
}

interface Manifest {
  readonly version: string;
  readonly commands: Readonly<Record<string, { readonly flags: Readonly<Record<string, ManifestFlag>>; readonly args: Readonly<Record<string, unknown>> }>>;
}

/** Flag fields that only describe the flag; any other field (default, options, env, …) is left to oclif. */
const DESCRIPTIVE = new Set(['name', 'type', 'char', 'multiple', 'allowNo', 'description', 'summary', 'helpValue', 'hasDynamicHelp', 'hidden', 'helpGroup']);

/** The commands with a quick path, and what each runs (loaded only when used). */
const QUICK: Readonly<Record<string, () => Promise<QuickCommand>>> = {
  dockerfile: async () => (await import('./quick-commands.js')).dockerfileCommand,
  plan: async () => (await import('./quick-commands.js')).planCommand,
};

/**
 * A quick command: runs with parsed flags, tells `warn` of problems that do not stop it,
 * returns what to print, and throws on any problem that does.
 */
export type QuickCommand = (
  flags: Readonly<Record<string, string | boolean | undefined>>,
  version: string,
  warn: (warning: RocktsError) => void,
) => Promise<{ stdout: string; stderr: string }>;

/**
 * Runs `argv` (without node and the script) quickly when it can, for the package at
 * `root`; false when oclif must run it (run-oclif.ts), and nothing has been printed.
 */
export async function startQuick(argv: readonly string[], root: string): Promise<boolean> {
  const manifest = currentManifest(root);
  return manifest !== undefined && runQuick(argv, manifest);
}

export const MANIFEST = 'oclif.manifest.json';

/**
 * The quick run of `argv` when its command has one and its flags parse exactly as oclif
 * would parse them; false when oclif must run it (nothing has been printed then).
 */
export async function runQuick(argv: readonly string[], manifest: Manifest): Promise<boolean> {
  const [id, ...rest] = argv;
  const load = id === undefined ? undefined : QUICK[id];
  const command = id === undefined ? undefined : manifest.commands[id];
  if (load === undefined || command === undefined || Object.keys(command.args).length > 0) return false;
  const flags = parseFlags(rest, Object.values(command.flags));
  if (flags === undefined) return false;
  // Warnings wait for success: after a failure oclif runs the command again and gives them.
  const warnings: RocktsError[] = [];
  let output: { stdout: string; stderr: string };
  try {
    output = await (await load())(flags, manifest.version, (warning) => warnings.push(warning));
  } catch {
    return false;
  }
  if (warnings.length > 0) {
    const [{ formatWarning }, { displayPath }] = await Promise.all([import('../core/errors.js'), import('./project-options.js')]);
    for (const warning of warnings) process.stderr.write(formatWarning(warning, displayPath));
  }
  process.stderr.write(output.stderr);
  process.stdout.write(output.stdout);
  return true;
}

/**
 * `args` parsed against the command's flags, or undefined when oclif's parse could
 * differ: an unknown or repeated flag, a positional argument, `--`, an empty value or one
 * that looks like a flag, or a flag with behaviour beyond a plain boolean or value.
 */
export function parseFlags(args: readonly string[], flags: readonly ManifestFlag[]): Record<string, string | boolean | undefined> | undefined {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const flag of flags) {
    if (Object.keys(flag).some((key) => !DESCRIPTIVE.has(key)) || flag.multiple === true || flag.allowNo === true) return undefined;
    options[flag.name] = { type: flag.type === 'boolean' ? 'boolean' : 'string', ...(flag.char === undefined ? {} : { short: flag.char }) };
  }
  if (args.includes('--')) return undefined;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false, tokens: true });
  } catch {
    return undefined;
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') return undefined;
    if (seen.has(token.name)) return undefined;
    seen.add(token.name);
    if (token.value !== undefined && (token.value === '' || token.value.startsWith('-'))) return undefined;
  }
  return parsed.values as Record<string, string | boolean | undefined>;
}

/**
 * oclif.manifest.json when it describes the command files as built: the same command
 * ids, none of their files newer than it, the package's version. Undefined otherwise.
 */
export function currentManifest(root: string): Manifest | undefined {
  const file = path.join(root, MANIFEST);
  let manifest: Manifest;
  let written: number;
  let commandsDir: string;
  let version: string;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    written = statSync(file).mtimeMs;
    const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; oclif: { commands: string } };
    commandsDir = path.resolve(root, pjson.oclif.commands);
    version = pjson.version;
  } catch {
    return undefined;
  }
  if (manifest.version !== version || typeof manifest.commands !== 'object') return undefined;
  const files = commandFiles(commandsDir, '');
  const ids = Object.keys(manifest.commands).sort();
  const found = files.map((f) => f.id).sort();
  if (ids.length !== found.length || ids.some((id, i) => id !== found[i])) return undefined;
  return files.every((f) => f.modified <= written) ? manifest : undefined;
}

/** The command modules below `dir`: their oclif ids (`extension:new`) and modification times. */
function commandFiles(dir: string, prefix: string): { id: string; modified: number }[] {
  const found: { id: string; modified: number }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...commandFiles(file, `${prefix}${entry.name}:`));
    else if (entry.name.endsWith('.js')) found.push({ id: `${prefix}${entry.name.slice(0, -3)}`, modified: statSync(file).mtimeMs });
  }
  return found;
}
