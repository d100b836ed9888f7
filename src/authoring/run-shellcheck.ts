/**
 * shellcheck (https://www.shellcheck.net) over files, its findings as data. One process
 * per group of files that share a `--shell` choice; findings come back from its json1
 * format (https://github.com/koalaman/shellcheck/wiki/Integration).
 */
import { RocktsError } from '../core/errors.js';
import { execCapture, findOnPath } from '../docker/engine.js';

export type ShellcheckSeverity = 'error' | 'warning' | 'info' | 'style';
export const SHELLCHECK_SEVERITIES: readonly ShellcheckSeverity[] = ['error', 'warning', 'info', 'style'];

export interface ShellcheckFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly level: ShellcheckSeverity;
  readonly code: number;
  readonly message: string;
}

export interface ShellcheckInput {
  readonly file: string;
  /** Passed as --shell; undefined lets shellcheck read the shebang or a `# shellcheck shell=` directive. */
  readonly shell: string | undefined;
}

/** The shellcheck command on PATH, or a clear error that says how to install it. */
export async function requireShellcheck(): Promise<string> {
  const bin = await findOnPath('shellcheck');
  if (bin === undefined) {
    throw new RocktsError(
      'TOOL_MISSING',
      'shellcheck is not installed, and `rockts extension test --static` checks the shell in your RUN instructions and *.sh files with it. Install it (Debian/Ubuntu: `sudo apt-get install shellcheck`; macOS: `brew install shellcheck`), or pass --no-shellcheck to check only the manifest, options and templates',
    );
  }
  return bin;
}

/** Findings of `severity` or worse in `inputs`, in shellcheck's order. */
export async function runShellcheck(bin: string, inputs: readonly ShellcheckInput[], severity: ShellcheckSeverity): Promise<ShellcheckFinding[]> {
  const groups = new Map<string | undefined, string[]>();
  for (const input of inputs) groups.set(input.shell, [...(groups.get(input.shell) ?? []), input.file]);
  const findings: ShellcheckFinding[] = [];
  for (const [shell, files] of groups) {
    const args = ['--format=json1', `--severity=${severity}`, ...(shell === undefined ? [] : [`--shell=${shell}`]), '--', ...files];
    const run = await execCapture(bin, args, 120_000);
    // 0: no findings, 1: findings; anything else means shellcheck itself failed.
    let comments: ShellcheckFinding[] | undefined;
    try {
      comments = (JSON.parse(run.stdout) as { comments: ShellcheckFinding[] }).comments;
    } catch {
      comments = undefined;
    }
    if ((run.code !== 0 && run.code !== 1) || comments === undefined) {
      throw new RocktsError('TOOL_MISSING', `shellcheck failed (exit ${run.code}): ${run.stderr.trim().split('\n').pop() || 'no output'}`);
    }
    findings.push(...comments.map(({ file, line, column, level, code, message }) => ({ file, line, column, level, code, message })));
  }
  return findings;
}
