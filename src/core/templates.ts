/**
 * Extension templates: Handlebars in an isolated environment with `noEscape` and
 * `strict` (https://handlebarsjs.com/api-reference/compilation.html). Strict mode only
 * catches a missing variable on the branch that runs, so every template is also checked
 * against its AST before use: unknown variables, helpers and partials are errors that
 * name the file, line and column. The rendered text is then read as BuildKit reads it
 * (dockerfile-reader.ts), so a template cannot start a stage, change the shell, user,
 * environment or working directory for the extensions after it, or run into their
 * lines; and no option value can change how it splits into instructions.
 */
import Handlebars from 'handlebars';
import { readDockerfile, type ReadDockerfile } from './dockerfile-reader.js';
import { RocktsError, type SourceLocation } from './errors.js';
import { CONTROL_CHARACTER } from './grammar.js';
import { applyMirrors, MIRROR_URL, type Mirror } from './mirrors.js';
import { suggestNames } from './suggest.js';
import { HOST_USER_FIELDS, type HostUser, type LoadedExtension, type Scalar, type TemplateKind, type TemplateSource } from './types.js';

const handlebars = Handlebars.create();

/** POSIX shell single-quoting: `{{quote options.x}}` is one word whatever the value. */
handlebars.registerHelper('quote', (value: unknown) => `'${String(value).replace(/'/g, `'\\''`)}'`);
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
/** Strict like every other lookup: the built-in helper renders a missing field as empty text. */
handlebars.registerHelper('lookup', (object: unknown, field: unknown, options: Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation }) => {
  if (object !== null && typeof object === 'object' && Object.prototype.hasOwnProperty.call(object, String(field))) return (object as Record<string, unknown>)[String(field)];
  const error = Object.assign(new Error(`"${String(field)}" not defined by lookup`), { lineNumber: options.loc?.start.line, column: options.loc?.start.column });
  throw error;
});

/**
 * `{{url "https://upstream/prefix/"}}`: the URL, rerouted through the config's mirrors
 * (mirrors.ts). Its one argument is a string literal (checked before rendering), so the
 * rendered text is always an upstream URL or a configured mirror URL.
 */
handlebars.registerHelper('url', (upstream: unknown, options: Handlebars.HelperOptions) => {
  const root = (options.data as { root?: TemplateContext } | undefined)?.root;
  return applyMirrors(String(upstream), root?.mirrors ?? []);
});

const HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'quote', 'eq', 'url'] as const;
const SCOPE_CHANGING = new Set(['each', 'with']);
/** What a template may be rendered with; TEMPLATE_VARIABLES says what each kind sees. */
export interface TemplateContext {
  readonly name: string;
  readonly version: string;
  readonly options: Readonly<Record<string, Scalar>>;
  readonly outDir: string;
  readonly stage: string;
  readonly builderBaseImage: string;
  readonly filesDir: string;
  readonly image?: string;
  readonly user?: HostUser;
  /** The config's mirrors, for the `url` helper; not a template variable. */
  readonly mirrors?: readonly Mirror[];
}

type Variable = Exclude<keyof TemplateContext, 'mirrors'>;
const BUILDER_VARIABLES: readonly Variable[] = ['name', 'version', 'options', 'outDir', 'stage', 'builderBaseImage', 'filesDir'];
const FINAL_VARIABLES: readonly Variable[] = [...BUILDER_VARIABLES, 'image', 'user'];

/**
 * The variables each kind of template sees: builders never see the final image or the
 * user, or they would rebuild whenever those change. The template check, its messages
 * and rendering all read this table (`options.NAME` and `user.FIELD` are the options
 * and HOST_USER_FIELDS).
 */
const TEMPLATE_VARIABLES: Readonly<Record<TemplateKind, readonly Variable[]>> = { builder: BUILDER_VARIABLES, setup: FINAL_VARIABLES, user: FINAL_VARIABLES };

/** What a template of `kind` is rendered with: its variables from `context`, and the mirrors for `url`. */
function visibleContext(kind: TemplateKind, context: TemplateContext): TemplateContext {
  const visible = TEMPLATE_VARIABLES[kind].filter((v) => context[v] !== undefined).map((v) => [v, context[v]]);
  return { ...(Object.fromEntries(visible) as Pick<TemplateContext, Variable>), mirrors: context.mirrors };
}

/** Checks one template's source without rendering it; returns every problem found. */
export function checkTemplate(template: TemplateSource, extension: LoadedExtension): RocktsError[] {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(template.text);
  } catch (error) {
    const message = (error as Error).message;
    const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
    const detail = message.split('\n').pop() ?? message;
    return [inExtension(templateError(`invalid template: ${detail}`, template.file, line, 1), extension.manifest.name)];
  }
  const problems: RocktsError[] = [];
  const optionNames = extension.manifest.options.map((o) => o.name);
  const allowed: readonly string[] = TEMPLATE_VARIABLES[template.kind];
  const validPaths = [
    ...allowed.filter((v) => v !== 'options' && v !== 'user'),
    ...optionNames.map((o) => `options.${o}`),
    ...(allowed.includes('user') ? HOST_USER_FIELDS.map((f) => `user.${f}`) : []),
  ];

  const checkPath = (path: hbs.AST.PathExpression) => {
    if (path.data || path.original === 'this' || path.original.startsWith('this.') || path.original.startsWith('../')) return;
    const { line, column } = path.loc.start;
    const fail = (message: string, suggestions: string[] = []) =>
      problems.push(templateError(message, template.file, line, column + 1, suggestions));
    const [head, ...rest] = path.parts;
    if (template.kind === 'builder' && (head === 'image' || head === 'user')) {
      fail(`'${head}' is not available in builder templates: a builder must not depend on the final image or the user, or it would rebuild whenever they change`);
    } else if (head === 'options' && rest.length === 1 && optionNames.includes(rest[0]!)) {
      return;
    } else if (head === 'user' && rest.length === 1 && (HOST_USER_FIELDS as readonly string[]).includes(rest[0]!)) {
      return;
    } else if (head === 'filesDir' && rest.length === 0 && !extension.hasFiles) {
      fail(`'filesDir' is used but the extension has no files/ folder`);
    } else if (head !== undefined && head !== 'options' && head !== 'user' && allowed.includes(head) && rest.length === 0) {
      return;
    } else {
      fail(`unknown template variable '${path.original}'; expected one of: ${validPaths.join(', ')}`, suggestNames(path.original, validPaths));
    }
  };

  const visit = (node: hbs.AST.Node | null | undefined, scoped: boolean): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const statement of (node as hbs.AST.Program).body) visit(statement, scoped);
        return;
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement': {
        const call = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
        const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0 || node.type === 'SubExpression';
        const head = call.path.type === 'PathExpression' ? (call.path as hbs.AST.PathExpression) : undefined;
        const helper = head && (HELPERS as readonly string[]).includes(head.original) ? head.original : undefined;
        if (isCall && head && !helper) {
          const { line, column } = head.loc.start;
          problems.push(
            templateError(`unknown helper '${head.original}'; expected one of: ${HELPERS.join(', ')}`, template.file, line, column + 1, suggestNames(head.original, HELPERS)),
          );
        } else if (head && !helper && !scoped) {
          checkPath(head);
        } else if (helper === 'url') {
          const literal = call.params.length === 1 && call.params[0]!.type === 'StringLiteral' ? (call.params[0] as hbs.AST.StringLiteral).value : undefined;
          if (literal === undefined || !MIRROR_URL.test(literal) || (call.hash?.pairs.length ?? 0) > 0) {
            const { line, column } = head!.loc.start;
            const found = call.params.map((p) => (p.type === 'StringLiteral' ? JSON.stringify((p as hbs.AST.StringLiteral).value) : p.type === 'PathExpression' ? `the variable ${(p as hbs.AST.PathExpression).original}` : p.type)).join(' ') || 'nothing';
            problems.push(templateError(`expected one quoted http(s) URL after url, such as {{url "https://nodejs.org/dist/"}}, found ${found}`, template.file, line, column + 1));
          }
        }
        for (const param of call.params) visit(param, scoped);
        for (const pair of call.hash?.pairs ?? []) visit(pair.value, scoped);
        if (node.type === 'BlockStatement') {
          const block = node as hbs.AST.BlockStatement;
          const innerScoped = scoped || !helper || SCOPE_CHANGING.has(helper);
          visit(block.program, innerScoped);
          visit(block.inverse, scoped);
        }
        return;
      }
      case 'PathExpression':
        if (!scoped) checkPath(node as hbs.AST.PathExpression);
        return;
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator': {
        const { line, column } = node.loc.start;
        problems.push(templateError('partials and decorators are not supported in extension templates', template.file, line, column + 1));
        return;
      }
      default:
        return;
    }
  };
  visit(ast, false);
  return problems.map((p) => inExtension(p, extension.manifest.name));
}

function inExtension(error: RocktsError, name: string): RocktsError {
  return new RocktsError(error.code, `extension '${name}': ${error.message}`, { location: error.location, suggestions: error.suggestions });
}

/**
 * Renders a checked template, then checks the instructions it produced. The result has
 * no trailing spaces and no leading or trailing blank lines.
 */
export function renderTemplate(template: TemplateSource, given: TemplateContext): string {
  const context = visibleContext(template.kind, given);
  let text: string;
  try {
    text = compiled(template)(context);
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    // Handlebars names only the last segment ("name" for user.name); read the whole path at its position.
    const sourceLine = template.text.split('\n')[(e.lineNumber ?? 1) - 1] ?? '';
    const written = /^[A-Za-z0-9_.@]+/.exec(sourceLine.slice(e.column ?? 0))?.[0];
    const byLookup = /^"([^"]*)" not defined by lookup/.exec(e.message)?.[1];
    const missing = /^"([^"]+)" not defined/.test(e.message) ? (written ?? /^"([^"]+)"/.exec(e.message)![1]) : undefined;
    const message =
      byLookup !== undefined ? `template variable '${byLookup}' is not defined here (lookup found nothing)` : missing ? `template variable '${missing}' is not defined here` : `template failed: ${e.message}`;
    throw inExtension(templateError(message, template.file, e.lineNumber ?? 1, (e.column ?? 0) + 1), context.name);
  }
  const rendered = cleanRendered(text);
  try {
    checkInstructions(rendered, template, context);
  } catch (error) {
    throw error instanceof RocktsError ? inExtension(error, context.name) : error;
  }
  return rendered;
}

/** Rendered text without trailing spaces and without leading or trailing blank lines. */
function cleanRendered(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Compiled templates, kept per loaded template so a composition compiles each once. */
const cache = new WeakMap<TemplateSource, Handlebars.TemplateDelegate>();
function compiled(template: TemplateSource): Handlebars.TemplateDelegate {
  let render = cache.get(template);
  if (!render) {
    render = handlebars.compile(template.text, { noEscape: true, strict: true });
    cache.set(template, render);
  }
  return render;
}

/** The one variable of final.env values, as messages write it: the extension's options, rendered as `{ options }`. */
const VALUE_VARIABLE = '{{options.NAME}}';

/**
 * What is wrong with the variables of a final.env value, one problem (with the options
 * it may have meant) per `{{…}}` that is not one of the extension's options; for the
 * manifest check, so renderValue meets only options.
 */
export function valueVariableProblems(text: string, optionNames: readonly string[]): { message: string; suggestions: string[] }[] {
  const problems: { message: string; suggestions: string[] }[] = [];
  for (const [, variable] of text.matchAll(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g)) {
    const option = /^options\.(\w+)$/.exec(variable!)?.[1];
    if (option !== undefined && optionNames.includes(option)) continue;
    problems.push({
      message: `{{${variable}}} is not an option of this extension; final.env values may use ${VALUE_VARIABLE}`,
      suggestions: suggestNames(option ?? variable!, optionNames).map((o) => `options.${o}`),
    });
  }
  return problems;
}

/**
 * A manifest value that may refer to the extension's options (`final.env` values such as
 * `TZ: "{{options.zone}}"`), rendered strictly. Option values are already checked, and
 * the result may hold no control character, so it stays one value on one line.
 */
export function renderValue(text: string, options: Readonly<Record<string, Scalar>>, extension: string, location: SourceLocation): string {
  if (!text.includes('{{')) return text;
  let value: string;
  try {
    value = handlebars.compile(text, { noEscape: true, strict: true, knownHelpersOnly: true })({ options });
  } catch (error) {
    const missing = /^"([^"]+)" not defined/.test((error as Error).message);
    const why = missing ? `refers to something that is not an option; only ${VALUE_VARIABLE} is available here` : `is not a valid template: ${(error as Error).message.split('\n').pop()}`;
    throw new RocktsError('TEMPLATE_INVALID', `extension '${extension}': ${JSON.stringify(text)} ${why}`, { location });
  }
  if (CONTROL_CHARACTER.test(value)) {
    throw new RocktsError('TEMPLATE_INVALID', `extension '${extension}': ${JSON.stringify(text)} renders to text with control characters`, { location });
  }
  return value;
}

const INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);
const FORBIDDEN: Record<TemplateKind, Record<string, string>> = {
  builder: { FROM: 'builder stages start FROM the shared builder base; the composer writes that line' },
  setup: {
    FROM: 'the final stage is one stage',
    SHELL: 'it would change the shell of every extension after this one',
    USER: 'the composer switches users (final.switchUser)',
    WORKDIR: 'it would change the directory of every extension after this one; use cd inside RUN',
    ENV: 'environment belongs in final.env of extension.yaml, so it sits in the env group',
    ARG: 'a build argument is in the environment of every RUN after it, in every extension after this one; set a variable inside RUN instead',
  },
  user: {},
};
FORBIDDEN.user = FORBIDDEN.setup;

/** Characters with which a value could change how BuildKit splits lines into instructions. */
const STRUCTURAL = /[\\<'"$`#]/;

/**
 * Reads the rendered text as BuildKit would (the escape character is always `\`: a
 * directive only counts at the top of the whole Dockerfile) and refuses what would
 * change the Dockerfile beyond this template's own instructions: a value that changes
 * how the lines split, an unknown or forbidden instruction, a last line that continues
 * into the next extension's, a heredoc left open.
 */
function checkInstructions(text: string, template: TemplateSource, context: TemplateContext): void {
  const { kind, file } = template;
  const lines = text.split('\n');
  // Rendered lines shift against the template's ({{#if}} lines vanish); point at the
  // template line that starts with the same text when there is one.
  const sourceLines = template.text.split('\n');
  const sourceLine = (renderedLine: number) => {
    const rendered = lines[renderedLine - 1] ?? '';
    const found = sourceLines.findIndex((l) => l.trim() === rendered.trim());
    return found >= 0 ? found + 1 : renderedLine;
  };
  const fail = (message: string, renderedLine: number): never => {
    throw templateError(message, file, sourceLine(renderedLine), 1);
  };
  checkValuesKeepStructure(text, template, context, fail);
  let read: ReadDockerfile;
  try {
    read = readDockerfile(text, file, { directives: false });
  } catch (error) {
    if (!(error instanceof RocktsError) || error.location === undefined) throw error;
    const open = error.message.startsWith('unterminated heredoc') ? '; every line after this template would become its body' : '';
    return fail(`${error.message}${open}`, error.location.line);
  }
  for (const instruction of read.instructions) {
    const where = `line ${instruction.startLine} of the rendered template`;
    const { keyword } = instruction;
    if (!INSTRUCTIONS.has(keyword)) {
      fail(`expected a Dockerfile instruction at ${where}, found ${JSON.stringify(instruction.line.trim().slice(0, 60))}`, instruction.startLine);
    }
    const reason = FORBIDDEN[kind][keyword];
    if (reason !== undefined) fail(`${keyword} is not allowed in ${kind} templates (${where}): ${reason}`, instruction.startLine);
    const spaced = instruction.heredocs.find((h) => /^\d*<<[ \t\r]/.test(h.marker));
    if (spaced) {
      fail(`the heredoc ${spaced.marker.trim()} has blanks after '<<' (${where}): Dockerfile frontends before 1.16 (Docker 26's own) read it as text, later ones as a heredoc; write ${spaced.marker.replace(/<<[ \t\r]+/, '<<')}`, instruction.startLine);
    }
  }
  const last = read.instructions[read.instructions.length - 1];
  if (read.openContinuation && last !== undefined) {
    const end = last.parts[last.parts.length - 1]!.line;
    fail(`the template ends in a line continuation (rendered line ${end} ends with '\\'): BuildKit would join the lines after this template to its last instruction`, end);
  }
}

/**
 * Values reach templates raw unless the template quotes them, so a value must not
 * change how the rendered text splits into instructions: it is rendered again with
 * every value that holds a character that could (a backslash, `<`, a quote, `$`, a
 * backtick, `#`) replaced by a plain word, and the two must split alike. Only values
 * that do are rendered one by one, to name the one to blame.
 */
function checkValuesKeepStructure(text: string, template: TemplateSource, context: TemplateContext, fail: (message: string, line: number) => never): void {
  const suspects = Object.entries(context.options).filter(([, v]) => typeof v === 'string' && STRUCTURAL.test(v)).map(([name]) => name);
  if (suspects.length === 0) return;
  const withPlain = (keep: readonly string[]): string | undefined => {
    const options = { ...context.options };
    for (const name of suspects) if (!keep.includes(name)) options[name] = 'value';
    try {
      return cleanRendered(compiled(template)({ ...context, options }));
    } catch {
      return undefined;
    }
  };
  const plain = withPlain([]);
  if (plain === undefined) return;
  const expected = splitting(plain);
  const actual = splitting(text);
  if (actual.key === expected.key) return;
  const blamed = suspects.filter((name) => splitting(withPlain([name]) ?? '').key !== expected.key);
  const names = blamed.length > 0 ? blamed : suspects;
  const values = names.map((n) => `'${n}' (${JSON.stringify(context.options[n])})`).join(', ');
  const line = Math.min(actual.firstDifference(expected), expected.firstDifference(actual));
  fail(
    `option ${values} changes how BuildKit splits the template into instructions (from rendered line ${line}): ${actual.describe(line)} instead of ${expected.describe(line)}; put the value into the template as ${names.map((n) => `{{quote options.${n}}}`).join(', ')}`,
    line,
  );
}

/** How text splits into instructions, comparably: each one's lines, keyword and heredocs. */
function splitting(text: string) {
  let entries: string[];
  let read: ReadDockerfile | undefined;
  let problem: RocktsError | undefined;
  try {
    read = readDockerfile(text, '', { directives: false });
    entries = read.instructions.map((i) => `${i.startLine}-${i.endLine} ${i.keyword} ${i.heredocs.length}`);
    if (read.openContinuation) entries.push(`${entries.pop()} continued`);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    problem = error;
    entries = [`${error.location?.line} error`];
  }
  return {
    key: entries.join('\n'),
    /** The first line where this splitting has an instruction the other does not. */
    firstDifference(other: { key: string }): number {
      const others = new Set(other.key.split('\n'));
      return Number(/^\d+/.exec(entries.find((e) => !others.has(e)) ?? '')?.[0] ?? 1);
    },
    describe(line: number): string {
      if (problem) return `BuildKit's error "${problem.message}"`;
      const at = read!.instructions.find((i) => i.startLine <= line && line <= i.endLine);
      if (!at) return 'no instruction';
      const heredocs = at.heredocs.length > 0 ? ` with the heredoc ${at.heredocs.map((h) => h.marker).join(' ')}` : '';
      const open = read!.openContinuation && at === read!.instructions[read!.instructions.length - 1] ? ' continued past the end of the template' : '';
      return `a ${at.keyword} on lines ${at.startLine}-${at.endLine}${heredocs}${open}`;
    },
  };
}

function templateError(message: string, file: string, line: number, column: number, suggestions: readonly string[] = []): RocktsError {
  return new RocktsError('TEMPLATE_INVALID', message, { location: { file, line, column }, suggestions });
}
