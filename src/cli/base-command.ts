/**
 * What every rockts command shares: the -c flag, the project loader with this process's
 * environment, and turning errors into the documented exit codes.
 */
import { Command, Errors, Flags } from '@oclif/core';
import { escapeControls, formatError, formatWarning, RocktsError, type ErrorCode, type SourceLocation } from '../core/errors.js';
import { suggestNames } from '../core/suggest.js';
import type { ProjectOptions } from '../project/load-project.js';
import { displayPath, processProjectOptions } from './project-options.js';

/**
 * Exit codes (README "Exit codes"): 0 success; 1 an internal error (a bug in rockts);
 * 2 a usage error (unknown flag, missing argument); 3 the config, an extension, a
 * template or an option is invalid, or a file would be overwritten; 4 a file could not
 * be read or written; 5 no usable container engine (or, for `extension test --static`,
 * no shellcheck); 6 the image build failed; 7 `extension test` found a failing test;
 * 8 the project has no container (`exec`, `stop`); 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, internal: 1, usage: 2, invalidInput: 3, io: 4, engine: 5, buildFailed: 6, testsFailed: 7, noContainer: 8, interrupted: 130 } as const;

const EXIT_FOR_CODE: Record<ErrorCode, number> = {
  CONFIG_INVALID: EXIT.invalidInput,
  CONFIG_NOT_FOUND: EXIT.invalidInput,
  MANIFEST_INVALID: EXIT.invalidInput,
  TEMPLATE_INVALID: EXIT.invalidInput,
  EXTENSION_UNKNOWN: EXIT.invalidInput,
  EXTENSION_INCOMPATIBLE: EXIT.invalidInput,
  PACKAGE_INVALID: EXIT.invalidInput,
  OPTION_INVALID: EXIT.invalidInput,
  DEPENDENCY_MISSING: EXIT.invalidInput,
  DEPENDENCY_CYCLE: EXIT.invalidInput,
  COMPOSITION_CONFLICT: EXIT.invalidInput,
  FILE_EXISTS: EXIT.invalidInput,
  USAGE: EXIT.usage,
  LOCK_MISMATCH: EXIT.invalidInput,
  ENGINE_UNAVAILABLE: EXIT.engine,
  CONTAINER_MISSING: EXIT.noContainer,
  TOOL_MISSING: EXIT.engine,
  BUILD_FAILED: EXIT.buildFailed,
  INTERRUPTED: EXIT.interrupted,
  IO_FAILED: EXIT.io,
  INTERNAL: EXIT.internal,
};

export const configFlag = Flags.string({
  char: 'c',
  description: 'config file to use (default: rockerc.yaml in the current folder)',
  helpValue: 'FILE',
});

export const engineFlag = Flags.string({
  description: 'container engine (default: `engine:` in rockerc.yaml where there is one, else docker when installed, else podman)',
  options: ['docker', 'podman'],
});

/** --name: the kept container, for the commands that act on it. */
export const containerNameFlag = Flags.string({ description: 'the container `rockts run --name` made (default: rockts-<folder>, as `rockts run --keep` names it)' });

/** --json: the result as JSON on stdout, and an error as JSON on stderr (see `catch`). */
export const jsonFlag = Flags.boolean({ description: 'print the result as JSON on stdout (errors as JSON on stderr)' });

/**
 * For commands that take a command to run after `--` (run, exec): the words before the
 * first `--`, for oclif to parse, and the words after it, untouched (undefined without
 * `--`). oclif's own parse takes the words after `--` apart: with `-c FILE` before it,
 * `-- sh -c x` lost `sh`.
 */
export function splitAtSeparator(argv: readonly string[]): { own: string[]; command: string[] | undefined } {
  const separator = argv.indexOf('--');
  return separator === -1 ? { own: [...argv], command: undefined } : { own: argv.slice(0, separator), command: argv.slice(separator + 1) };
}

export abstract class BaseCommand extends Command {
  protected projectOptions(configFile: string | undefined): ProjectOptions {
    return processProjectOptions(configFile, this.config.version, (warning) => this.warnUser(warning));
  }

  /** A problem that does not stop the command, on stderr. */
  protected warnUser(warning: RocktsError): void {
    process.stderr.write(formatWarning(warning, displayPath));
  }

  /** Paths in messages are shown relative to the current folder when inside it. */
  protected displayPath(file: string): string {
    return displayPath(file);
  }

  /** Whether --json was given (before any `--`), read from argv so it holds even when parsing failed. */
  protected wantsJson(): boolean {
    const end = this.argv.indexOf('--');
    const json = this.argv.indexOf('--json');
    return json !== -1 && (end === -1 || json < end);
  }

  /** Prints a result: JSON under --json, else the text. */
  protected print(result: unknown, text: () => string): void {
    process.stdout.write(this.wantsJson() ? JSON.stringify(result, null, 2) + '\n' : text());
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (this.wantsJson() && !(error instanceof Errors.ExitError)) {
      const { json, exit } = this.errorToJson(error);
      process.stderr.write(JSON.stringify({ error: json }, null, 2) + '\n');
      return this.exit(exit);
    }
    if (error instanceof RocktsError) {
      process.stderr.write(formatError(error, (f) => this.displayPath(f)));
      return this.exit(EXIT_FOR_CODE[error.code]);
    }
    if (error instanceof Errors.ExitError) throw error;
    if (error instanceof Errors.CLIError) {
      // oclif's flag and argument parse errors.
      const message = error.message.replace(/\n?See more help with --help\s*$/, '');
      const hint = this.flagSuggestions(message).map((s) => `'${s}'`).join(' or ');
      process.stderr.write(`rockts: ${escapeControls(message)}${hint ? ` (did you mean ${hint}?)` : ''}\nSee \`rockts ${(this.id ?? '').replaceAll(':', ' ')} --help\`.\n`);
      return this.exit(EXIT.usage);
    }
    process.stderr.write(`rockts: internal error: ${error.stack ?? error.message}\nPlease report this as a bug.\n`);
    return this.exit(EXIT.internal);
  }

  /** For oclif's "Nonexistent flag: --jsn": the command's nearest flags. */
  private flagSuggestions(message: string): string[] {
    const wrong = /^Nonexistent flags?: (--?[^\s,]+)/.exec(message)?.[1];
    if (wrong === undefined) return [];
    const flags = Object.entries((this.constructor as typeof Command).flags ?? {}).flatMap(([name, flag]) => [`--${name}`, ...(flag.char ? [`-${flag.char}`] : [])]);
    return suggestNames(wrong, flags);
  }

  /** `{code, message, location, suggestions}` (and `problems` for several) with the exit code the text form has. */
  private errorToJson(error: Error): { json: ErrorJson; exit: number } {
    if (error instanceof RocktsError) return { json: rocktsErrorToJson(error, (f) => this.displayPath(f)), exit: EXIT_FOR_CODE[error.code] };
    if (error instanceof Errors.CLIError) {
      const message = error.message.replace(/\n?See more help with --help\s*$/, '');
      return { json: { code: 'USAGE', message, location: null, suggestions: this.flagSuggestions(message) }, exit: EXIT.usage };
    }
    return { json: { code: 'INTERNAL', message: error.stack ?? error.message, location: null, suggestions: [] }, exit: EXIT.internal };
  }
}

export interface ErrorJson {
  readonly code: ErrorCode | 'USAGE' | 'INTERNAL';
  readonly message: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number } | null;
  readonly suggestions: readonly string[];
  /** Second places that explain the problem, e.g. each edge of a dependency cycle. */
  readonly notes?: readonly { readonly message: string; readonly location: ErrorJson['location'] }[];
  readonly problems?: readonly ErrorJson[];
}

function rocktsErrorToJson(error: RocktsError, displayPath: (file: string) => string): ErrorJson {
  const locate = (l: SourceLocation | undefined) => (l ? { ...l, file: displayPath(l.file) } : null);
  const json: ErrorJson = {
    code: error.code,
    message: error.message,
    location: locate(error.location),
    suggestions: error.suggestions,
    ...(error.notes.length > 0 ? { notes: error.notes.map((n) => ({ message: n.message, location: locate(n.location) })) } : {}),
  };
  return error.problems.length > 0 ? { ...json, problems: error.problems.map((p) => rocktsErrorToJson(p, displayPath)) } : json;
}
