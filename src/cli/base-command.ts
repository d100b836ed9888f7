/**
 * What every rockts command shares: the -c flag, the project loader with this process's
 * environment, and turning errors into the documented exit codes.
 */
import os from 'node:os';
import path from 'node:path';
import { Command, Errors, Flags } from '@oclif/core';
import { escapeControls, formatError, formatWarning, RocktsError, type ErrorCode } from '../core/errors.js';
import { npmGlobalRoot } from '../extensions/packages.js';
import { composeProject, currentHostUser, loadProject, type ProjectOptions } from '../load-project.js';

/**
 * Exit codes (README "Exit codes"): 0 success; 1 an internal error (a bug in rockts);
 * 2 a usage error (unknown flag, missing argument); 3 the config, an extension, a
 * template or an option is invalid, or a file would be overwritten; 4 a file could not
 * be read or written; 5 no usable container engine (or, for `extension test --static`,
 * no shellcheck); 6 the image build failed; 7 `extension test` found a failing test;
 * 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, internal: 1, usage: 2, invalidInput: 3, io: 4, engine: 5, buildFailed: 6, testsFailed: 7, interrupted: 130 } as const;

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
    return {
      configFile,
      cwd: process.cwd(),
      home: os.homedir(),
      rocktsVersion: this.config.version,
      hostUser: currentHostUser(),
      builtinDir: process.env.ROCKTS_BUILTIN_EXTENSIONS || undefined,
      globalNodeModules: npmGlobalRoot(process.env, os.homedir(), process.execPath),
      warn: (warning) => process.stderr.write(formatWarning(warning, (f) => this.displayPath(f))),
    };
  }

  protected compose(configFile: string | undefined) {
    return composeProject(this.projectOptions(configFile));
  }

  protected loadProject(configFile: string | undefined) {
    return loadProject(this.projectOptions(configFile));
  }

  /** Paths in messages are shown relative to the current folder when inside it. */
  protected displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (error instanceof RocktsError) {
      process.stderr.write(formatError(error, (f) => this.displayPath(f)));
      return this.exit(EXIT_FOR_CODE[error.code]);
    }
    if (error instanceof Errors.ExitError) throw error;
    if (error instanceof Errors.CLIError) {
      // oclif's flag and argument parse errors.
      const message = error.message.replace(/\n?See more help with --help\s*$/, '');
      process.stderr.write(`rockts: ${escapeControls(message)}\nSee \`rockts ${(this.id ?? '').replaceAll(':', ' ')} --help\`.\n`);
      return this.exit(EXIT.usage);
    }
    process.stderr.write(`rockts: internal error: ${error.stack ?? error.message}\nPlease report this as a bug.\n`);
    return this.exit(EXIT.internal);
  }
}
