/**
 * The shell scripts in a rendered template's RUN instructions, for shellcheck (pure).
 * A shell-form RUN (`RUN a \` / `    && b`) runs under /bin/sh -c; a RUN heredoc run by
 * itself or by a shell (`RUN <<'EOF'`, `RUN bash <<EOF`) is a script whose dialect is
 * its shebang's, else that shell's; other heredocs (`RUN cat > f <<EOF`) stay part of
 * their command. Exec-form RUN and other instructions are skipped.
 * (https://docs.docker.com/reference/dockerfile/#shell-and-exec-form,
 * https://docs.docker.com/reference/dockerfile/#here-documents)
 */

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

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const SHELL_COMMAND = /^(?:(?:\/usr)?\/bin\/)?(sh|bash|dash|ksh)(?:\s+-[A-Za-z]+)*$/;
const DIRECTIVE = /^\s*#\s*shellcheck\s/;
const isBlankOrComment = (text: string) => /^\s*(#|$)/.test(text);

export function extractRunScripts(rendered: string): RunScript[] {
  const lines = rendered.split('\n');
  const scripts: RunScript[] = [];
  let directives: Line[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i]!;
    if (isBlankOrComment(first)) {
      // `# shellcheck disable=...` right above a RUN applies to its script.
      directives = DIRECTIVE.test(first) ? [...directives, { text: first.trim(), n: i + 1 }] : first.trim() === '' ? [] : directives;
      i++;
      continue;
    }
    // The instruction: its continuation lines, less the comment and blank lines Docker drops.
    const instruction: Line[] = [{ text: first, n: i + 1 }];
    let open = first.endsWith('\\');
    while (open && i + 1 < lines.length) {
      const next = lines[++i]!;
      if (isBlankOrComment(next)) continue;
      instruction.push({ text: next, n: i + 1 });
      open = next.endsWith('\\');
    }
    i++;
    const heredocs = [...instruction.map((l) => l.text).join('\n').matchAll(HEREDOC)].map((m) => ({ marker: m[0], strip: m[1] === '-', word: m[3]! }));
    const bodies: { body: Line[]; end: Line | undefined }[] = [];
    for (const heredoc of heredocs) {
      const body: Line[] = [];
      let end: Line | undefined;
      while (i < lines.length) {
        const text = lines[i]!;
        const line = { text, n: i + 1 };
        i++;
        if ((heredoc.strip ? text.replace(/^\t+/, '') : text) === heredoc.word) {
          end = line;
          break;
        }
        body.push(line);
      }
      bodies.push({ body, end });
    }
    const pending = directives;
    directives = [];
    if (!/^\s*RUN\s/i.test(first)) continue;
    const command = commandLines(instruction);
    if (command === undefined) continue;

    const commandText = command.map((l) => l.text.replace(/\\$/, '')).join(' ');
    const invoked = heredocs.length === 1 ? SHELL_COMMAND.exec(commandText.replace(heredocs[0]!.marker, '').trim()) : null;
    const bare = heredocs.length === 1 && commandText.replace(heredocs[0]!.marker, '').trim() === '';
    if (bare || invoked) {
      const body = bodies[0]!.body;
      const shebang = body[0]?.text.startsWith('#!') ? body[0] : undefined;
      const dialect = shebang ? shebangDialect(shebang.text) : ((invoked?.[1] as ShellDialect | undefined) ?? 'sh');
      if (dialect === undefined) continue; // a script for another interpreter
      scripts.push(script(dialect, command[0]!.n, pending, shebang ? body.slice(1) : body));
    } else {
      const rest = bodies.flatMap(({ body, end }) => (end ? [...body, end] : body));
      scripts.push(script('sh', command[0]!.n, pending, [...command, ...rest]));
    }
  }
  return scripts;
}

/** The instruction less `RUN` and its flags (--mount=..., --network=...); undefined for the exec form. */
function commandLines(instruction: readonly Line[]): Line[] | undefined {
  let index = 0;
  let text = instruction[0]!.text.replace(/^\s*RUN\s+/i, '');
  for (;;) {
    text = text.replace(/^\s*(?:--\S+\s*)*/, '');
    if (text.replace(/\\$/, '').trim() !== '' || index + 1 >= instruction.length) break;
    text = instruction[++index]!.text;
  }
  if (text.startsWith('[')) return undefined;
  return [{ text, n: instruction[index]!.n }, ...instruction.slice(index + 1)];
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
