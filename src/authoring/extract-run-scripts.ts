/**
 * The shell scripts in a rendered template's RUN instructions, for shellcheck (pure).
 * A shell-form RUN (`RUN a \` / `    && b`) runs under /bin/sh -c; a RUN heredoc run by
 * itself or by a shell (`RUN <<'EOF'`, `RUN bash <<EOF`) is a script whose dialect is
 * its shebang's, else that shell's; other heredocs (`RUN cat > f <<EOF`) stay part of
 * their command. Exec-form RUN and other instructions are skipped.
 * (https://docs.docker.com/reference/dockerfile/#shell-and-exec-form,
 * https://docs.docker.com/reference/dockerfile/#here-documents)
 */
import { argsWithout, readDockerfile, type DockerfileInstruction } from '../core/dockerfile-reader.js';

export type ShellDialect = 'sh' | 'bash' | 'dash' | 'ksh';

export interface RunScript {
  readonly dialect: ShellDialect;
  /** The script as shellcheck reads it. */
  readonly lines: readonly string[];
  /** For each line of `lines`, its 1-based line in the rendered template. */
  readonly origins: readonly number[];
}

interface Line {
  readonly text: string;
  readonly n: number;
}

const SHELL_COMMAND = /^(?:(?:\/usr)?\/bin\/)?(sh|bash|dash|ksh)(?:\s+-[A-Za-z]+)*$/;
const DIRECTIVE = /^\s*#\s*shellcheck\s/;

/** The scripts of the RUN instructions in `rendered`, read as BuildKit reads them (see dockerfile-reader.ts). */
export function extractRunScripts(rendered: string): RunScript[] {
  const lines = rendered.split('\n');
  const line = (n: number): Line => ({ text: lines[n - 1]!, n });
  const read = readDockerfile(rendered, 'rendered template', { directives: false });
  const scripts: RunScript[] = [];
  let previousEnd = 0;
  for (const instruction of read.instructions) {
    // `# shellcheck disable=...` right above a RUN applies to its script; a blank line ends the block.
    let directives: Line[] = [];
    for (let n = previousEnd + 1; n < instruction.startLine; n++) {
      const text = lines[n - 1]!;
      if (text.trim() === '') directives = [];
      else if (DIRECTIVE.test(text)) directives.push({ text: text.trim(), n });
    }
    previousEnd = instruction.endLine;
    if (instruction.keyword !== 'RUN' || instruction.json || instruction.args === '') continue;
    const command = commandLines(instruction, lines);
    const { heredocs } = instruction;
    const heredoc = heredocs.length === 1 ? heredocs[0]! : undefined;
    const reader = heredoc && argsWithout(instruction, heredoc, read.escape).args;
    const invoked = reader === undefined ? null : SHELL_COMMAND.exec(reader);
    if (heredoc && (reader === '' || invoked)) {
      const body = heredoc.body.map((text, k) => ({ text, n: heredoc.endLine - heredoc.body.length + k }));
      const shebang = body[0]?.text.startsWith('#!') ? body[0] : undefined;
      const dialect = shebang ? shebangDialect(shebang.text) : ((invoked?.[1] as ShellDialect | undefined) ?? 'sh');
      if (dialect === undefined) continue; // a script for another interpreter
      scripts.push(script(dialect, command[0]!.n, directives, shebang ? body.slice(1) : body));
    } else {
      const rest = heredocs.flatMap((h) => [...h.body.map((text, k) => ({ text, n: h.endLine - h.body.length + k })), line(h.endLine)]);
      scripts.push(script('sh', command[0]!.n, directives, [...command, ...rest]));
    }
  }
  return scripts;
}

/** The instruction's lines from where its command starts (after `RUN` and its flags), as written. */
function commandLines(instruction: DockerfileInstruction, lines: readonly string[]): Line[] {
  let offset = instruction.argsStart;
  const parts = instruction.parts.filter((part) => {
    if (offset >= part.text.length) {
      offset -= part.text.length;
      return false;
    }
    return true;
  });
  const [first, ...rest] = parts;
  return [{ text: lines[first!.line - 1]!.slice(first!.start + offset), n: first!.line }, ...rest.map((p) => ({ text: lines[p.line - 1]!, n: p.line }))];
}

function shebangDialect(line: string): ShellDialect | undefined {
  const words = line.slice(2).trim().split(/\s+/);
  const program = words[0]?.endsWith('/env') ? words[1] : words[0];
  const name = program?.split('/').pop();
  return name === 'sh' || name === 'bash' || name === 'dash' || name === 'ksh' ? name : undefined;
}

/** The script with a first line naming its dialect (shellcheck reads no shebang from a template). */
function script(dialect: ShellDialect, runLine: number, directives: readonly Line[], body: readonly Line[]): RunScript {
  const all = [{ text: `# shellcheck shell=${dialect}`, n: runLine }, ...directives, ...body];
  return { dialect, lines: all.map((l) => l.text), origins: all.map((l) => l.n) };
}
