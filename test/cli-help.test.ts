/**
 * A CLI that helps: suggestions for misspelt commands and flags, `help <command>`, the
 * version in three spellings, shell completion for bash and zsh, and errors as JSON
 * under --json with the documented exit codes. Real `node bin/run.js` processes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rocktsIn } from './helpers/engine.js';
import { ROOT } from './helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-cli-help-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rockts = (args: string[]) => rocktsIn(dir, args, { HOME: dir, NO_COLOR: '1' });
const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('a misspelt command gets the nearest command and the usage exit code', async () => {
  expect(await rockts(['plna'])).toEqual({ code: 2, stdout: '', stderr: "rockts: 'plna' is not a rockts command (did you mean 'plan'?)\nSee `rockts help` for the list of commands.\n" });
  expect((await rockts(['extension', 'tset'])).stderr).toContain("rockts: 'extension tset' is not a rockts command (did you mean 'extension test'?)\n");
  expect((await rockts(['xyzzyq'])).stderr).toBe("rockts: 'xyzzyq' is not a rockts command\nSee `rockts help` for the list of commands.\n");
});

test('a misspelt flag gets the nearest flag of that command', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello]\n');
  expect(await rockts(['plan', '--jsn'])).toEqual({ code: 2, stdout: '', stderr: "rockts: Nonexistent flag: --jsn (did you mean '--json'?)\nSee `rockts plan --help`.\n" });
});

test('under --json, errors are JSON on stderr with the same exit codes', async () => {
  const unknownCommand = await rockts(['plna', '--json']);
  expect(unknownCommand.code).toBe(2);
  expect(JSON.parse(unknownCommand.stderr)).toEqual({ error: { code: 'USAGE', message: "'plna' is not a rockts command", location: null, suggestions: ['plan'] } });

  const unknownFlag = await rockts(['plan', '--jsn', '--json']);
  expect(unknownFlag.code).toBe(2);
  expect(JSON.parse(unknownFlag.stderr)).toEqual({ error: { code: 'USAGE', message: 'Nonexistent flag: --jsn', location: null, suggestions: ['--json'] } });

  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [helo]\n');
  const invalid = await rockts(['plan', '--json']);
  expect(invalid).toMatchObject({ code: 3, stdout: '' });
  expect(JSON.parse(invalid.stderr)).toEqual({
    error: { code: 'EXTENSION_UNKNOWN', message: "unknown extension 'helo'", location: { file: 'rockerc.yaml', line: 2, column: 14 }, suggestions: ['hello'] },
  });
});

test('several problems travel together in the JSON error', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [helo, tol]\n');
  const result = await rockts(['plan', '--json']);
  expect(result.code).toBe(3);
  const { error } = JSON.parse(result.stderr) as { error: { message: string; problems: { suggestions: string[] }[] } };
  expect(error.message).toBe('2 problems found');
  expect(error.problems.map((p) => p.suggestions)).toEqual([['hello'], ['tool']]);
});

test('help <command> and --help show the command\'s usage', async () => {
  const help = await rockts(['help', 'plan']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('USAGE\n  $ rockts plan [-c FILE] [--json]');
  expect((await rockts(['plan', '--help'])).stdout).toBe(help.stdout);
  expect((await rockts(['help', 'extension', 'test'])).stdout).toContain('$ rockts extension test');
  expect(await rockts(['help', 'extension', 'tset'])).toEqual({
    code: 2,
    stdout: '',
    stderr: "rockts: 'extension tset' is not a rockts command (did you mean 'rockts help extension test'?)\nSee `rockts help` for the list of commands.\n",
  });
});

test('the version: --version, -v, version and version --json', async () => {
  for (const args of [['--version'], ['-v']]) expect((await rockts(args)).stdout).toMatch(new RegExp(`^rockts/${version.replaceAll('.', '\\.')} `));
  expect(await rockts(['version'])).toEqual({ code: 0, stdout: `rockts ${version}\n`, stderr: '' });
  expect(JSON.parse((await rockts(['version', '--json'])).stdout)).toMatchObject({ version, node: process.version });
});

test('bash completion completes commands and flags', async () => {
  const script = (await rockts(['autocomplete', 'script', 'bash'])).stdout;
  const complete = (words: string[]) =>
    execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; _rockts_autocomplete; echo "\${COMPREPLY[@]}"`], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir },
    }).trim();
  // The cache is built on first use; build it as a user does.
  await rockts(['autocomplete', 'bash']);
  expect(complete(['rockts', 'dev'])).toBe('devcontainer');
  expect(complete(['rockts', 'p'])).toBe('plan ps');
  expect(complete(['rockts', 'down', '--i'])).toBe('--image');
});

test('zsh completion lists the commands, their flags and the values a flag accepts', async () => {
  await rockts(['autocomplete', 'zsh']);
  const zsh = await readFile(path.join(dir, '.cache/rockts/autocomplete/functions/zsh/_rockts'), 'utf8');
  expect(zsh).toContain('"devcontainer[Write .devcontainer/devcontainer.json');
  expect(zsh).toMatch(/--engine"\[container engine[^\n]*:engine options:\(docker podman\)"/);
  expect(zsh).toContain('--use-image"[use the image');
});

test('colour only when asked for: FORCE_COLOR colours help, NO_COLOR wins, and rockts\'s own messages have none', async () => {
  const ansi = /\u001b\[/;
  expect((await rocktsIn(dir, ['help', 'plan'], { HOME: dir, FORCE_COLOR: '1' })).stdout).toMatch(ansi);
  expect((await rocktsIn(dir, ['help', 'plan'], { HOME: dir, FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ansi);
  expect((await rocktsIn(dir, ['plna'], { HOME: dir, FORCE_COLOR: '1' })).stderr).not.toMatch(ansi);
});

test('a JSON error keeps its notes: each edge of a dependency cycle with its place', async () => {
  await cp(path.join(ROOT, 'test/golden-errors/cycle'), dir, { recursive: true });
  const result = await rockts(['plan', '--json']);
  expect(result.code).toBe(3);
  const { error } = JSON.parse(result.stderr) as { error: { code: string; location: unknown; notes: unknown[] } };
  expect(error).toMatchObject({ code: 'DEPENDENCY_CYCLE', location: { file: 'ext/a/extension.yaml', line: 5, column: 12 } });
  expect(error.notes).toEqual([
    { message: "'a' requires 'b'", location: { file: 'ext/a/extension.yaml', line: 5, column: 12 } },
    { message: "'b' is declared after 'c'", location: { file: 'ext/b/extension.yaml', line: 5, column: 9 } },
    { message: "'c' requires 'a'", location: { file: 'ext/c/extension.yaml', line: 5, column: 12 } },
  ]);
});
