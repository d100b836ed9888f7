/**
 * The one error type of rockts. Every problem a user can cause carries a code, the
 * place it was found (file, line, column) when there is one, and suggestions such as
 * the nearest valid name. Several problems found in one pass travel together in
 * `problems`, so the user can fix them all at once.
 *
 * Only src/commands turns these into exit codes (see exitCodeFor in src/commands).
 */

/** A 1-based position in a file the user wrote (or a template an extension ships). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'MANIFEST_INVALID'
  | 'TEMPLATE_INVALID'
  | 'EXTENSION_UNKNOWN'
  | 'EXTENSION_INCOMPATIBLE'
  | 'PACKAGE_INVALID'
  | 'OPTION_INVALID'
  | 'DEPENDENCY_MISSING'
  | 'DEPENDENCY_CYCLE'
  | 'COMPOSITION_CONFLICT'
  | 'FILE_EXISTS'
  | 'USAGE'
  | 'LOCK_MISMATCH'
  | 'ENGINE_UNAVAILABLE'
  | 'CONTAINER_MISSING'
  | 'TOOL_MISSING'
  | 'BUILD_FAILED'
  | 'INTERRUPTED'
  | 'IO_FAILED'
  | 'INTERNAL';

/** A second place that explains a problem, e.g. each edge of a dependency cycle. */
export interface ErrorNote {
  readonly message: string;
  readonly location?: SourceLocation;
}

export interface RocktsErrorOptions {
  readonly location?: SourceLocation;
  readonly notes?: readonly ErrorNote[];
  readonly suggestions?: readonly string[];
  readonly problems?: readonly RocktsError[];
  readonly cause?: unknown;
}

export class RocktsError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly suggestions: readonly string[];
  readonly notes: readonly ErrorNote[];
  /** The individual problems when this error stands for several; empty otherwise. */
  readonly problems: readonly RocktsError[];

  constructor(code: ErrorCode, message: string, options: RocktsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RocktsError';
    this.code = code;
    this.location = options.location;
    this.suggestions = options.suggestions ?? [];
    this.notes = options.notes ?? [];
    this.problems = options.problems ?? [];
  }

  /**
   * One error for a list of problems: the problem itself when there is one, else an
   * error whose `problems` lists them all (flattened, in the order found).
   */
  static combine(problems: readonly RocktsError[]): RocktsError {
    const flat = problems.flatMap((p) => (p.problems.length > 0 ? p.problems : [p]));
    if (flat.length === 1) return flat[0]!;
    const first = flat[0]!;
    return new RocktsError(first.code, `${flat.length} problems found`, { problems: flat });
  }
}

/** Throws the combined error when any problem was collected. */
export function throwIfAny(problems: readonly RocktsError[]): void {
  if (problems.length > 0) throw RocktsError.combine(problems);
}

/**
 * The user-facing text of an error: one line per problem, sorted by file, line and
 * column, `file:line:col: message (did you mean 'x'?)`, each note indented below it.
 * `displayPath` shortens file paths (passed in so this module stays free of path handling).
 */
export function formatError(error: RocktsError, displayPath: (file: string) => string = (f) => f): string {
  const problems = error.problems.length > 0 ? [...error.problems].sort(compareLocations) : [error];
  const lines = problems.flatMap((p) => formatProblem(p, displayPath));
  if (error.problems.length > 0) lines.unshift(`rockts: ${error.problems.length} problems found`);
  return lines.join('\n') + '\n';
}

/**
 * A problem that does not stop the command (e.g. a broken package the config does not
 * use): formatted like an error, with `warning: ` after the place.
 */
export function formatWarning(warning: RocktsError, displayPath: (file: string) => string = (f) => f): string {
  const problems = warning.problems.length > 0 ? [...warning.problems].sort(compareLocations) : [warning];
  return problems.flatMap((p) => formatProblem(p, displayPath, 'warning: ')).join('\n') + '\n';
}

function formatLocation(location: SourceLocation, displayPath: (file: string) => string): string {
  return `${escapeControls(displayPath(location.file), PATH_CONTROLS)}:${location.line}:${location.column}`;
}

// eslint-disable-next-line no-control-regex
const MESSAGE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const PATH_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters from names, values and paths the user (or a package) chose are shown
 * escaped (`\x1b`), so a crafted name cannot retitle the terminal, fake a line or reorder text; messages
 * keep their own line breaks and tabs.
 */
export function escapeControls(text: string, controls: RegExp = MESSAGE_CONTROLS): string {
  return text.replace(controls, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function formatProblem(problem: RocktsError, displayPath: (file: string) => string, kind = ''): string[] {
  const where = `${problem.location ? formatLocation(problem.location, displayPath) : 'rockts'}: ${kind}`;
  const hint =
    problem.suggestions.length === 0
      ? ''
      : ` (did you mean ${problem.suggestions.map((s) => `'${s}'`).join(' or ')}?)`;
  const notes = problem.notes.map(
    (n) => `  ${n.message}${n.location ? ` (${formatLocation(n.location, displayPath)})` : ''}`,
  );
  return [escapeControls(`${where}${problem.message}${hint}`), ...notes.map((n) => escapeControls(n))];
}

function compareLocations(a: RocktsError, b: RocktsError): number {
  if (!a.location || !b.location) return (a.location ? 0 : 1) - (b.location ? 0 : 1);
  const fileOrder = a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0;
  return fileOrder || a.location.line - b.location.line || a.location.column - b.location.column;
}
