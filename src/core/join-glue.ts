/**
 * The final stage's glue (root setup, then per-user snippets) as the fewest RUN steps
 * that mean the same: every RUN is a container start, and after any change in the final
 * stage they all run again (README, "Final-stage layouts measured").
 *
 * Within each group, a run of two or more consecutive joinable snippets becomes one
 * `RUN <<'ROCKTS_GLUE'` script with a section per extension: it announces itself
 * (`echo '### rockts: NAME setup'`, which failure attribution reads), keeps the
 * snippet's comment lines, and runs each of its RUNs in a subshell, stopping the script
 * with that RUN's exit status when it fails. The status is tested after the subshell,
 * not with `( … ) || exit`: in an AND-OR list the shell ignores `set -e`, also inside
 * the subshell, and snippets rely on it. No shell variable is set outside the
 * subshells, so no section sees another's state.
 *
 * A snippet is joinable only when its physical lines, run as part of a script, mean to
 * sh what BuildKit makes of them: BuildKit joins continued lines before the shell sees
 * them, sh does that only outside comments and single quotes. Anything this module
 * cannot show to be the same is left as it is; not joining is always correct.
 * (https://docs.docker.com/reference/dockerfile/#here-documents)
 */
import { readDockerfile, utf8Length, type DockerfileInstruction } from './dockerfile-reader.js';
import type { Snippet } from './types.js';

/** The heredoc word of a joined RUN. A snippet whose text holds it is never joined, so no text can end the heredoc early. */
export const GLUE_TERMINATOR = 'ROCKTS_GLUE';
export const GLUE_OPENER = `RUN <<'${GLUE_TERMINATOR}'`;

/** The marker a section prints first: `### rockts: NAME setup` or `### rockts: NAME user`. */
export const GLUE_MARKER = /### rockts: ([a-z0-9][a-z0-9-]*) (?:setup|user)$/;

/**
 * A joined script stays far below Linux's limit for one argument (128 KiB, the script
 * is `sh -c`'s argument), whatever the snippets weigh.
 */
const MAX_SCRIPT_BYTES = 65536;

export type GlueStep =
  | { readonly kind: 'alone'; readonly snippet: Snippet }
  | { readonly kind: 'joined'; readonly sections: readonly { readonly extension: string; readonly script: string }[] };

/** The snippets of one group (`setup` before the USER line, `user` after it), in order, alone or joined. */
export function joinGlue(snippets: readonly Snippet[], group: 'setup' | 'user'): GlueStep[] {
  const steps: GlueStep[] = [];
  let run: { readonly snippet: Snippet; readonly script: string }[] = [];
  let bytes = 0;
  const flush = () => {
    if (run.length === 1) steps.push({ kind: 'alone', snippet: run[0]!.snippet });
    if (run.length > 1) steps.push({ kind: 'joined', sections: run.map((r) => ({ extension: r.snippet.extension, script: r.script })) });
    run = [];
    bytes = 0;
  };
  for (const snippet of snippets) {
    const script = sectionScript(snippet.body, `${snippet.extension} ${group}`);
    if (script === undefined) {
      flush();
      steps.push({ kind: 'alone', snippet });
      continue;
    }
    const size = utf8Length(script);
    if (bytes + size > MAX_SCRIPT_BYTES) flush();
    run.push({ snippet, script });
    bytes += size;
  }
  flush();
  return steps;
}

/** The snippet as a section of a joined script, or undefined when it is not joinable. */
function sectionScript(body: string, marker: string): string | undefined {
  if (body.includes(GLUE_TERMINATOR)) return undefined;
  let instructions: readonly DockerfileInstruction[];
  try {
    const read = readDockerfile(body, '', { directives: false });
    if (read.openContinuation) return undefined;
    instructions = read.instructions;
  } catch {
    return undefined;
  }
  if (instructions.length === 0) return undefined;
  const lines = body.split('\n');
  const between = (from: number, to: number) => lines.slice(from - 1, to - 1);
  // Outside instructions there are only comment and blank lines; sh must read them so too.
  const plain = (text: readonly string[]) => text.every((l) => /^[ \t]*(?:#.*)?$/.test(l));
  const script = [`echo '### rockts: ${marker}'`];
  let next = 1;
  for (const instruction of instructions) {
    const text = lines.slice(instruction.startLine - 1, instruction.endLine);
    const command = runCommand(instruction, text);
    if (command === undefined || !plain(between(next, instruction.startLine))) return undefined;
    script.push(...between(next, instruction.startLine), '(', ...command, ')', 'case $? in 0) ;; *) exit $? ;; esac');
    next = instruction.endLine + 1;
  }
  const rest = lines.slice(next - 1);
  if (!plain(rest)) return undefined;
  return [...script, ...rest].join('\n').replace(/\n+$/, '');
}

/**
 * A shell-form RUN's physical lines without the keyword, when sh reads them as BuildKit
 * does: no flags, no heredoc (nor `<<` anywhere: sh would take the script's next lines
 * for its body), no background job (it would outlive its RUN), and its continued lines
 * joined by BuildKit give the same text as by sh.
 */
function runCommand(instruction: DockerfileInstruction, text: readonly string[]): string[] | undefined {
  const { keyword, flagsText, json, heredocs, args, line } = instruction;
  if (keyword !== 'RUN' || flagsText !== '' || json || heredocs.length > 0 || args === '') return undefined;
  // A command that is only a comment (`RUN # nothing`) is nothing to sh, and `(` with nothing before `)` a syntax error.
  if (args.startsWith('#')) return undefined;
  const physical = text.join('\n');
  if (physical.includes('<<') || /(?:^|[^&<>|])&(?!&)/.test(physical)) return undefined;
  // A comment line or a blank after a backslash inside the continuation: BuildKit drops them, sh would not.
  if (physical.replace(/^[ \t]+/, '').replace(/\\\n/g, '') !== line) return undefined;
  // `#` before the last line: BuildKit continues a comment onto the next line, sh ends it there.
  if (text.slice(0, -1).some((l) => l.includes('#'))) return undefined;
  if (text.length > 1 && !continuesLikeSh(physical)) return undefined;
  // A last line ending in `\\\` is no continuation to BuildKit (the backslash before it is one), but is to sh.
  if (text[text.length - 1]!.endsWith('\\')) return undefined;
  // An unclosed quote or substitution is a syntax error in its own RUN; joined, it would
  // run on into the lines after it (the next RUN's text would close it) and mean something else.
  if (!closedLikeSh(physical)) return undefined;
  const first = /^[ \t]*RUN[ \t]+/i.exec(text[0]!);
  if (!first) return undefined;
  const command = [text[0]!.slice(first[0].length), ...text.slice(1)];
  // BuildKit trims every blank Go knows (\v, \f, \r, U+00A0, …) from the ends of the
  // command; sh ignores only spaces and tabs there. Join only when the two agree.
  if (command.join('\n').replace(/\\\n/g, '').replace(/^[ \t]+|[ \t]+$/g, '') !== args) return undefined;
  return command;
}

/**
 * Whether every backslash-newline in `text` lies where sh removes it too: outside single
 * quotes. Reads quotes, `$(…)` and escapes as sh does; gives up (false) on what it does not
 * follow: backquotes, `$'…'`, `${…}` or `case` inside double quotes or `$(…)`.
 */
function continuesLikeSh(text: string): boolean {
  // The open double quotes and command substitutions, innermost last; a number counts a substitution's open parentheses.
  const open: ('"' | number)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const inside = open[open.length - 1];
    if (c === '`' || (c === '$' && text[i + 1] === "'")) return false;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      open.push(1);
      i++;
      continue;
    }
    if (inside === '"') {
      if (c === '"') open.pop();
      else if (c === '$' && text[i + 1] === '{') return false;
      continue;
    }
    if (typeof inside === 'number' && /\bcase\b/.test(text.slice(i, i + 5)) && !/\w/.test(text[i - 1] ?? '')) return false;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0 || text.slice(i, end).includes('\n')) return false;
      i = end;
    } else if (c === '"') open.push('"');
    else if (typeof inside === 'number' && c === '(') open[open.length - 1] = inside + 1;
    else if (typeof inside === 'number' && c === ')') {
      if (inside === 1) open.pop();
      else open[open.length - 1] = inside - 1;
    }
  }
  return true;
}

/**
 * Whether `text` ends with every quote, backquote, `(` and `$(…)` it opens closed and
 * closes none it did not open, read as sh reads them (escapes, comments at the start of a
 * word). A `case` pattern's `)` counts as closing: such a RUN stays alone.
 */
function closedLikeSh(text: string): boolean {
  const open: ('"' | '`' | number)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const inside = open[open.length - 1];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inside === '`') {
      if (c === '`') open.pop();
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      open.push(1);
      i++;
      continue;
    }
    if (c === '`') {
      open.push('`');
      continue;
    }
    if (inside === '"') {
      if (c === '"') open.pop();
      continue;
    }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return false;
      i = end;
    } else if (c === '"') open.push('"');
    else if (c === '(') {
      if (typeof inside === 'number') open[open.length - 1] = inside + 1;
      else open.push(1);
    } else if (c === ')') {
      // A `)` that closes nothing would close the section's subshell, and the rest of the RUN would run outside it.
      if (typeof inside !== 'number') return false;
      if (inside === 1) open.pop();
      else open[open.length - 1] = inside - 1;
    }
  }
  return open.length === 0;
}
