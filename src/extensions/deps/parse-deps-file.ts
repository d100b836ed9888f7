/**
 * One deps_rocker `*.deps.yaml` file → its layers, in the order written, every value
 * located. The format (deps_rocker/dependencies.py): a mapping whose keys are
 * `COMMAND` or `COMMAND_LAYER` (the command is the text before the first `_`) and whose
 * values are lists. Keys containing `user` run after the switch to the user; keys
 * containing `preamble` went before the first FROM. No file system here.
 */
import { RocktsError } from '../../core/errors.js';
import { describeValue } from '../../core/grammar.js';
import { suggestNames } from '../../core/suggest.js';
import type { Located, SourceLocation } from '../../core/types.js';
import { parseYaml } from '../../io/yaml-source.js';

export const DEPS_COMMANDS = ['add-apt-repository', 'apt', 'env', 'pip', 'pyproject', 'run', 'script'] as const;
// At most 128 characters: the key becomes a file name in the build context (255 bytes at most).
const DEPS_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export type DepsCommand = (typeof DEPS_COMMANDS)[number];

/** One key of one deps file. */
export interface DepsEntry {
  /** The whole key, e.g. `apt_language-toolchain`: entries with the same key share a layer. */
  readonly key: string;
  readonly command: DepsCommand;
  /** Runs after the switch to the user (deps_rocker: the key contains `user`). */
  readonly asUser: boolean;
  readonly location: SourceLocation;
  readonly values: readonly Located<string>[];
}

export interface DepsFile {
  readonly file: string;
  /** The entries without problems; the others are left out so the rest can still be checked. */
  readonly entries: readonly DepsEntry[];
  readonly problems: readonly RocktsError[];
}

/** Parses one deps file; YAML syntax errors are thrown, every other problem is returned. */
export function parseDepsFile(text: string, file: string): DepsFile {
  const source = parseYaml(text, file, 'CONFIG_INVALID');
  if (source.data === null || source.data === undefined) return { file, entries: [], problems: [] };
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new RocktsError('CONFIG_INVALID', `deps file: expected a mapping of keys such as apt_base: [PACKAGE, ...], found ${describeValue(source.data)}`, {
      location: source.locate([]),
    });
  }
  const problems: RocktsError[] = [];
  const entries: DepsEntry[] = [];
  for (const [key, list] of Object.entries(source.data as Record<string, unknown>)) {
    const location = source.locateKey([key]);
    const command = key.split('_')[0]!;
    // The key names the layer's files in the build context and its comment in the Dockerfile.
    if (!DEPS_KEY.test(key)) {
      problems.push(new RocktsError('CONFIG_INVALID', `deps key: expected COMMAND_LAYER made of letters, digits, '.', '_' and '-', at most 128 characters, found ${describeValue(key)}`, { location }));
      continue;
    }
    if (!(DEPS_COMMANDS as readonly string[]).includes(command)) {
      problems.push(
        new RocktsError('CONFIG_INVALID', `deps key '${key}': expected COMMAND or COMMAND_LAYER with a command of ${DEPS_COMMANDS.join(', ')}, found command '${command}'`, {
          location,
          suggestions: suggestNames(command, DEPS_COMMANDS).map((c) => key.replace(command, c)),
        }),
      );
      continue;
    }
    if (key.includes('preamble')) {
      problems.push(
        new RocktsError(
          'CONFIG_INVALID',
          `deps key '${key}': preamble layers went before the first FROM in deps_rocker, where only ARG is allowed; expected a layer of the image (rename the key without 'preamble')`,
          { location },
        ),
      );
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(new RocktsError('CONFIG_INVALID', `deps key '${key}': expected a list, found ${describeValue(list)}`, { location: source.locate([key]) }));
      continue;
    }
    const values: Located<string>[] = [];
    list.forEach((item, index) => {
      const at = source.locate([key, index]);
      if (typeof item === 'string' && item.trim() !== '') values.push({ value: item.trim(), location: at });
      else problems.push(new RocktsError('CONFIG_INVALID', `deps key '${key}'[${index}]: expected a non-empty string, found ${describeValue(item)}`, { location: at }));
    });
    entries.push({ key, command: command as DepsCommand, asUser: key.includes('user'), location, values });
  }
  return { file, entries, problems };
}
