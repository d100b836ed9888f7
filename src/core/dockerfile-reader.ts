/**
 * Dockerfile text → instructions, split exactly as BuildKit's Dockerfile parser splits
 * them (moby/buildkit frontend/dockerfile/parser: Parse, splitCommand,
 * extractBuilderFlags, heredocsFromLine; shell/lex.go for the words). The rules:
 *
 * - Parser directives (`# escape=`, `# syntax=`, `# check=`) count only in the leading
 *   block of directive lines; the first other line (even an empty one) ends it.
 * - A line continues when its last character other than spaces and tabs is the escape
 *   character and the character before that is not the escape character. Comment lines
 *   and empty lines inside a continuation are skipped: the instruction goes on after them.
 * - RUN, COPY and ADD (also after ONBUILD), in shell form, open a heredoc for every word
 *   of the instruction that starts with `<<` (optionally after a file descriptor number)
 *   and names a single word: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`, `<<  EOF`. Words
 *   are read as a shell reads them, with quotes kept, so `"<<EOF"` is text, not a
 *   heredoc; a line whose words cannot be read (an unclosed quote) opens none. The bodies
 *   follow the instruction one after another; each ends at the first line equal to its
 *   word (leading tabs removed first for `<<-`). Blanks after `<<` belong to the word
 *   from Dockerfile frontend 1.16 on (`<<  EOF` opens a heredoc); older frontends, such
 *   as Docker 26's built-in one, read `<<` alone and open none. This reader follows the
 *   newer rule; templates may not write the form at all (templates.ts).
 * - No line may be longer than 65535 bytes.
 *
 * Facts carried over from BuildKit, not its code. https://docs.docker.com/reference/dockerfile/
 */
import { RocktsError } from './errors.js';

/** BuildKit reads lines with bufio.Scanner's default limit (64 KiB, less the newline). */
const MAX_LINE_BYTES = 65535;

export interface Heredoc {
  /** The terminator word, quotes removed. */
  readonly name: string;
  /** `<<-`: leading tabs are removed from the body and the terminator line. */
  readonly chomp: boolean;
  /** Unquoted word: the body's variables are expanded. */
  readonly expand: boolean;
  /** The word as written on the instruction line (`<<'EOF'`), and where it sits in `line`. */
  readonly marker: string;
  readonly markerStart: number;
  /** The body lines, as written. */
  readonly body: readonly string[];
  /** The 1-based line of the terminator. */
  readonly endLine: number;
}

/** An instruction's keyword (upper case), flags (`--mount=…`, unquoted) and the rest. */
export interface DockerfileCommand {
  readonly keyword: string;
  readonly flags: readonly string[];
  /** The flags as written, e.g. `--mount=type=cache,target=/x `. */
  readonly flagsText: string;
  readonly args: string;
  /** Where `args` starts in the text read. */
  readonly argsStart: number;
  /** Exec form: the arguments are a JSON array of strings. */
  readonly json: boolean;
}

export interface DockerfileInstruction extends DockerfileCommand {
  /** The logical line: continuation characters removed, comment and empty lines dropped. */
  readonly line: string;
  /** The 1-based lines whose text makes up `line`, in order, and where in each line that text starts. */
  readonly parts: readonly { readonly line: number; readonly start: number; readonly text: string }[];
  readonly startLine: number;
  /** The last line of the instruction, heredoc bodies included. */
  readonly endLine: number;
  readonly heredocs: readonly Heredoc[];
  /** The instruction ONBUILD registers. */
  readonly onbuild: DockerfileCommand | undefined;
}

export interface ReadDockerfile {
  readonly escape: string;
  readonly instructions: readonly DockerfileInstruction[];
  /** The text ends inside a line continuation (BuildKit accepts that at the end of a file). */
  readonly openContinuation: boolean;
}

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const JSON_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'ADD', 'COPY', 'VOLUME']);
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** Go's unicode.IsSpace. */
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const isSpace = (c: string | undefined) => c !== undefined && SPACE.test(c);

/**
 * Reads `text` as BuildKit would. A problem BuildKit refuses the file for (an
 * unterminated heredoc, a line that is too long, a bad or repeated directive, an exec
 * form that is not a list of strings) is a RocktsError at its line of `file`. A part of
 * a Dockerfile (an extension's snippet) is read with `directives: false`: a directive
 * only counts at the top of the whole file.
 */
export function readDockerfile(text: string, file: string, options: { readonly directives?: boolean } = {}): ReadDockerfile {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0) lines[0] = lines[0]!.replace(/^\uFEFF/, '');
  const fail = (message: string, line: number): never => {
    throw new RocktsError('TEMPLATE_INVALID', message, { location: { file, line, column: 1 } });
  };
  lines.forEach((line, i) => {
    if (utf8Length(line) > MAX_LINE_BYTES) fail(`Dockerfile line longer than ${MAX_LINE_BYTES} bytes (${utf8Length(line)})`, i + 1);
  });

  let escape = '\\';
  // The last character other than spaces and tabs is the escape character, and the one
  // before it is not (BuildKit's lineContinuationRegex).
  const continuationOf = (e: string) => new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  let continues = continuationOf('\\\\');
  const continuation = (line: string): [string, boolean] => (continues.test(line) ? [line.replace(continues, '$1'), false] : [line, true]);
  let directivesDone = options.directives === false;
  const seen = new Set<string>();
  const directive = (line: string, n: number) => {
    if (directivesDone) return;
    const m = line.startsWith('#') ? /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/.exec(trimStart(line.slice(1))) : null;
    const key = m?.[1]!.toLowerCase();
    if (!m || !DIRECTIVES.has(key!)) {
      directivesDone = true;
      return;
    }
    if (seen.has(key!)) fail(`only one ${key} parser directive can be used`, n);
    seen.add(key!);
    if (key === 'escape') {
      if (m[2] !== '`' && m[2] !== '\\') fail(`invalid escape token '${m[2]}' does not match \` or \\`, n);
      escape = m[2]!;
      continues = continuationOf(escape === '\\' ? '\\\\' : escape);
    }
  };

  const instructions: DockerfileInstruction[] = [];
  let openContinuation = false;
  let i = 0;
  while (i < lines.length) {
    const untrimmed = trimNewline(lines[i]!);
    const first = trimStart(untrimmed);
    directive(first, i + 1);
    const startLine = ++i;
    let [logical, ended] = continuation(isComment(first) ? '' : first);
    if (ended && logical === '') continue;
    const parts = [{ line: startLine, start: untrimmed.length - first.length, text: logical }];
    while (!ended && i < lines.length) {
      const raw = trimNewline(lines[i]!);
      directive(raw, i + 1);
      i++;
      if (isComment(raw) || trimStart(raw) === '') continue;
      const [content, end] = continuation(raw);
      logical += content;
      ended = end;
      parts.push({ line: i, start: 0, text: content });
    }
    openContinuation = !ended;
    const command = splitCommand(logical, escape);
    const onbuild = command.keyword === 'ONBUILD' && command.args !== '' ? splitCommand(command.args, escape) : undefined;
    const heredocCommand = onbuild ?? command;
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(heredocCommand.keyword) && !heredocCommand.json && logical.includes('<<')) {
      for (const word of heredocWords(logical, fail, startLine)) {
        const body: string[] = [];
        let endLine: number | undefined;
        while (i < lines.length) {
          const raw = lines[i++]!;
          const candidate = trimNewline(raw);
          if ((word.chomp ? candidate.replace(/^\t+/, '') : candidate) === word.name) {
            endLine = i;
            break;
          }
          body.push(raw);
        }
        if (endLine === undefined) fail(`unterminated heredoc: no line '${word.name}' ends the heredoc ${word.marker} opened here`, startLine);
        heredocs.push({ ...word, body, endLine: endLine! });
      }
    }
    for (const c of [command, onbuild]) if (c?.json === undefined && c !== undefined) fail(`${c.keyword} arguments must be a JSON array of strings`, startLine);
    instructions.push({ ...command, json: command.json === true, line: logical, parts, startLine, endLine: i, heredocs, onbuild: onbuild && { ...onbuild, json: onbuild.json === true } });
  }
  return { escape, instructions, openContinuation };
}

/**
 * The instruction's arguments without one of its heredoc words: the command that reads
 * the heredoc (`python3 -` for `RUN python3 - <<EOF`), empty when the heredoc is the
 * whole command.
 */
export function argsWithout(instruction: DockerfileInstruction, heredoc: Heredoc, escape: string): DockerfileCommand {
  const { line } = instruction;
  const command = splitCommand(`${line.slice(0, heredoc.markerStart)} ${line.slice(heredoc.markerStart + heredoc.marker.length)}`, escape);
  return { ...command, json: false };
}

type SplitCommand = Omit<DockerfileCommand, 'json'> & { readonly json: boolean | undefined };

/**
 * BuildKit's splitCommand and extractBuilderFlags: the keyword, then every leading word
 * that starts with `--` (quotes and escapes removed), then the rest. `json` is
 * undefined for an exec form whose array holds something other than strings.
 */
export function splitCommand(line: string, escape: string): SplitCommand {
  const leading = line.length - trimStart(line).length;
  const trimmed = trimEnd(line.slice(leading));
  const space = /[\t\v\f\r ]+/.exec(trimmed);
  const keyword = (space ? trimmed.slice(0, space.index) : trimmed).toUpperCase();
  const restStart = leading + (space ? space.index + space[0].length : trimmed.length);
  const rest = trimmed.slice(restStart - leading);
  const flags: string[] = [];
  let word = '';
  let blankOK = false;
  let quote: string | undefined;
  let inWord = false;
  let pos = 0;
  const done = (args: string): SplitCommand => {
    const argsText = trimEnd(trimStart(args));
    const argsStart = restStart + rest.length - args.length + (args.length - trimStart(args).length);
    return { keyword, flags, flagsText: rest.slice(0, rest.length - args.length), args: argsText, argsStart, json: jsonForm(keyword, argsText) };
  };
  for (; pos <= rest.length; pos++) {
    const ch = rest[pos];
    if (!inWord) {
      if (pos === rest.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || rest[pos + 1] !== '-') return done(rest.slice(pos));
      inWord = true;
    }
    if (pos === rest.length) {
      if (word !== '--' && (blankOK || word !== '')) flags.push(word);
      break;
    }
    if (quote === undefined && isSpace(ch)) {
      inWord = false;
      if (word === '--') return done(rest.slice(pos));
      if (blankOK || word !== '') flags.push(word);
      word = '';
      blankOK = false;
      continue;
    }
    if (quote === undefined && (ch === "'" || ch === '"')) {
      quote = ch;
      blankOK = true;
      continue;
    }
    if (quote !== undefined && ch === quote) {
      quote = undefined;
      continue;
    }
    if (ch === escape) {
      if (pos + 1 === rest.length) {
        quote = undefined;
        continue;
      }
      pos++;
    }
    word += rest[pos];
  }
  return done('');
}

/** true for an exec form, false for a shell form, undefined for an array of non-strings. */
function jsonForm(keyword: string, args: string): boolean | undefined {
  if (!JSON_KEYWORDS.has(keyword) || !args.startsWith('[')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return false;
  }
  if (!Array.isArray(parsed)) return false;
  return parsed.every((item) => typeof item === 'string') ? true : undefined;
}

type HeredocWord = Omit<Heredoc, 'body' | 'endLine'>;

/** The heredoc words of an instruction line, in order (BuildKit's heredocsFromLine). */
function heredocWords(line: string, fail: (message: string, line: number) => never, at: number): HeredocWord[] {
  let words: LexedWord[];
  try {
    words = lexWords(line, { rawQuotes: true, rawEscapes: true });
  } catch (error) {
    if (error instanceof LexError) return [];
    throw error;
  }
  const found: HeredocWord[] = [];
  for (const word of words) {
    const m = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/.exec(word.text);
    if (!m || m[3] === '') continue;
    let names: LexedWord[];
    let raw: LexedWord[];
    try {
      names = lexWords(m[3]!, { rawQuotes: false, rawEscapes: false });
      raw = lexWords(m[3]!, { rawQuotes: true, rawEscapes: false });
    } catch (error) {
      if (error instanceof LexError) return fail(`cannot read the heredoc word ${JSON.stringify(m[3])}: ${error.message}`, at);
      throw error;
    }
    if (names.length !== 1) continue;
    const quotes = (s: string) => s.replace(/[^'"]/g, '').length;
    const name = names[0]!.text;
    found.push({ name, chomp: m[2] === '-', expand: quotes(name) === quotes(raw[0]!.text), marker: word.text, markerStart: word.start });
  }
  return found;
}

class LexError extends Error {}

interface LexedWord {
  readonly text: string;
  /** Where the word starts in the source (a UTF-16 offset). */
  readonly start: number;
}

/**
 * BuildKit's shell word splitting (shell.Lex.ProcessWords) with no variables set and
 * unset ones kept as written. Quirks kept on purpose: `<<` swallows the blanks after
 * it, and a `${…}` with a default empties the word buffer it is part of.
 */
function lexWords(source: string, mode: { rawQuotes: boolean; rawEscapes: boolean }): LexedWord[] {
  const chars = Array.from(source);
  const offsets: number[] = [];
  chars.reduce((offset, ch, index) => ((offsets[index] = offset), offset + ch.length), 0);
  offsets.push(source.length);
  let pos = 0;
  let rawEscapes = mode.rawEscapes;
  let buffer = '';
  const peek = () => chars[pos];
  const next = () => chars[pos++];

  const processStopOn = (stop: string | undefined, raw: boolean): { result: string; words: LexedWord[] } => {
    const saved = rawEscapes;
    rawEscapes = raw;
    try {
      buffer = '';
      const words: LexedWord[] = [];
      let inWord = false;
      let start = 0;
      let tokenStart = 0;
      const push = () => {
        words.push({ text: buffer, start: offsets[start]! });
        buffer = '';
        inWord = false;
      };
      const addRaw = (text: string) => {
        if (!inWord) start = tokenStart;
        buffer += text;
        inWord = true;
      };
      const addChar = (ch: string) => {
        if (!isSpace(ch)) addRaw(ch);
        else if (inWord && buffer !== '') push();
      };
      let result = '';
      while (peek() !== undefined) {
        const ch = peek()!;
        tokenStart = pos;
        if (stop !== undefined && ch === stop) {
          next();
          if (buffer !== '') push();
          return { result, words };
        }
        if (ch === '$' || ch === '<' || ch === "'" || ch === '"') {
          const part = ch === '$' ? dollar() : ch === '<' ? possibleHeredoc() : quoted(ch);
          result += part;
          if (ch === '$') for (const c of part) addChar(c);
          else addRaw(part);
          continue;
        }
        let c = next()!;
        if (c === '\\') {
          if (rawEscapes) {
            addRaw(c);
            result += c;
          }
          const escaped = next();
          if (escaped === undefined) break;
          c = escaped;
          addRaw(c);
        } else {
          addChar(c);
        }
        result += c;
      }
      if (stop !== undefined) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
      if (buffer !== '') push();
      return { result, words };
    } finally {
      rawEscapes = saved;
    }
  };

  const name = (): string => {
    let text = '';
    for (let ch = peek(); ch !== undefined; ch = peek()) {
      if (text === '' && /\p{Nd}/u.test(ch)) {
        while (peek() !== undefined && /\p{Nd}/u.test(peek()!)) text += next();
        return text;
      }
      if (text === '' && '@*#?-$!0'.includes(ch)) return next()!;
      if (!/[\p{L}\p{Nd}_]/u.test(ch)) break;
      text += next();
    }
    return text;
  };

  const stopOn = (stop: string, raw: boolean, missing: string): string => {
    try {
      return processStopOn(stop, raw).result;
    } catch (error) {
      if (error instanceof LexError && peek() === undefined) throw new LexError(missing);
      throw error;
    }
  };

  const dollar = (): string => {
    next();
    if (peek() !== '{') {
      const n = name();
      return `$${n}`;
    }
    next();
    const p = peek();
    if (p === undefined) throw new LexError("syntax error: missing '}'");
    if (p === '{' || p === '}' || p === ':') throw new LexError('syntax error: bad substitution');
    const n = name();
    let ch = next();
    let modifier = ch ?? '';
    if (ch === '}') return `\${${n}}`;
    if (ch === ':' || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      const nullIsUnset = ch === ':';
      if (nullIsUnset) {
        ch = next();
        modifier += ch ?? '\ufffd';
      }
      const raw = ch === '#' || ch === '%';
      if (nullIsUnset && raw) throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      return `\${${n}${modifier}${stopOn('}', raw, "syntax error: missing '}'")}}`;
    }
    if (ch === '/') {
      if (peek() === '/') next();
      const pattern = stopOn('/', true, "syntax error: missing '/' in ${}");
      return `\${${n}/${pattern}/${stopOn('}', true, "syntax error: missing '}'")}}`;
    }
    throw new LexError(`unsupported modifier (${modifier}) in substitution`);
  };

  const possibleHeredoc = (): string => {
    next();
    if (peek() !== '<') return '<';
    next();
    let text = '<<';
    while (peek() === ' ' || peek() === '\t' || peek() === '\r') text += next();
    return text;
  };

  const quoted = (quote: string): string => {
    next();
    let text = mode.rawQuotes ? quote : '';
    for (;;) {
      const ch = peek();
      if (ch === undefined) throw new LexError(`unexpected end of statement while looking for matching ${quote === "'" ? 'single-quote' : 'double-quote'}`);
      if (ch === quote) {
        next();
        return mode.rawQuotes ? text + quote : text;
      }
      if (quote === '"' && ch === '$') {
        text += dollar();
        continue;
      }
      let c = next()!;
      if (quote === '"' && c === '\\') {
        if (rawEscapes) text += c;
        const after = peek();
        if (after === undefined) continue;
        if (after === '"' || after === '$' || after === '\\') c = next()!;
      }
      text += c;
    }
  };

  return processStopOn(undefined, mode.rawEscapes).words;
}

function isComment(line: string): boolean {
  return trimStart(line).startsWith('#');
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

function trimStart(text: string): string {
  let i = 0;
  while (i < text.length && isSpace(text[i])) i++;
  return text.slice(i);
}

function trimEnd(text: string): string {
  let i = text.length;
  while (i > 0 && isSpace(text[i - 1])) i--;
  return text.slice(0, i);
}

/** Bytes of `text` in UTF-8 (the core has no Buffer). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
