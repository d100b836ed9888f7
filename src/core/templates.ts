/**
 * Extension templates: Handlebars in an isolated environment with `noEscape` and
 * `strict` (https://handlebarsjs.com/api-reference/compilation.html). Strict mode only
 * catches a missing variable on the branch that runs, so every template is also checked
 * against its AST before use: unknown variables, helpers and partials are errors that
 * name the file, line and column. The rendered text is then scanned instruction by
 * instruction, so a template cannot start a stage or change the shell, user or working
 * directory for the extensions after it.
 */
import Handlebars from 'handlebars';
import { RocktsError, type SourceLocation } from './errors.js';
import { CONTROL_CHARACTER } from './grammar.js';
import { suggestNames } from './suggest.js';
import type { HostUser, LoadedExtension, Scalar, TemplateKind, TemplateSource } from './types.js';

const handlebars = Handlebars.create();

/** POSIX shell single-quoting: `{{quote options.x}}` is one word whatever the value. */
handlebars.registerHelper('quote', (value: unknown) => `'${String(value).replace(/'/g, `'\\''`)}'`);
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);

const HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'quote', 'eq'] as const;
const SCOPE_CHANGING = new Set(['each', 'with']);
const USER_FIELDS = ['name', 'uid', 'gid', 'home'] as const;
const BUILDER_VARIABLES = ['name', 'version', 'options', 'outDir', 'stage', 'builderBaseImage', 'filesDir'] as const;
const FINAL_VARIABLES = [...BUILDER_VARIABLES, 'image', 'user'] as const;

/** What a template is rendered with. Builders never see the final image or the user. */
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
  const allowed: readonly string[] = template.kind === 'builder' ? BUILDER_VARIABLES : FINAL_VARIABLES;
  const validPaths = [
    ...allowed.filter((v) => v !== 'options' && v !== 'user'),
    ...optionNames.map((o) => `options.${o}`),
    ...(allowed.includes('user') ? USER_FIELDS.map((f) => `user.${f}`) : []),
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
    } else if (head === 'user' && rest.length === 1 && (USER_FIELDS as readonly string[]).includes(rest[0]!)) {
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
export function renderTemplate(template: TemplateSource, context: TemplateContext): string {
  let text: string;
  try {
    text = compiled(template)(context);
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    // Handlebars names only the last segment ("name" for user.name); read the whole path at its position.
    const sourceLine = template.text.split('\n')[(e.lineNumber ?? 1) - 1] ?? '';
    const written = /^[A-Za-z0-9_.@]+/.exec(sourceLine.slice(e.column ?? 0))?.[0];
    const missing = /^"([^"]+)" not defined/.test(e.message) ? (written ?? /^"([^"]+)"/.exec(e.message)![1]) : undefined;
    const message = missing ? `template variable '${missing}' is not defined here` : `template failed: ${e.message}`;
    throw inExtension(templateError(message, template.file, e.lineNumber ?? 1, (e.column ?? 0) + 1), context.name);
  }
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  try {
    checkInstructions(lines, template);
  } catch (error) {
    throw error instanceof RocktsError ? inExtension(error, context.name) : error;
  }
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
    const why = missing ? 'refers to something that is not an option; only {{options.<name>}} is available here' : `is not a valid template: ${(error as Error).message.split('\n').pop()}`;
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
  },
  user: {},
};
FORBIDDEN.user = FORBIDDEN.setup;

/**
 * Finds each instruction in rendered Dockerfile text (skipping comments, continuation
 * lines and heredoc bodies) and refuses unknown or forbidden ones.
 */
function checkInstructions(lines: readonly string[], template: TemplateSource): void {
  const { kind, file } = template;
  // Rendered lines shift against the template's ({{#if}} lines vanish); point at the
  // template line that starts with the same text when there is one.
  const sourceLines = template.text.split('\n');
  const sourceLine = (rendered: string, index: number) => {
    const found = sourceLines.findIndex((l) => l.trim() === rendered.trim());
    return found >= 0 ? found + 1 : index + 1;
  };
  let continued = false;
  const heredocs: { word: string; strip: boolean }[] = [];
  lines.forEach((line, index) => {
    if (heredocs.length > 0) {
      const current = heredocs[0]!;
      if ((current.strip ? line.replace(/^\t+/, '') : line) === current.word) heredocs.shift();
      return;
    }
    const trimmed = line.trim();
    if (continued) {
      continued = trimmed === '' || trimmed.startsWith('#') || line.endsWith('\\');
      if (!trimmed.startsWith('#')) collectHeredocs(line, heredocs);
      return;
    }
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const keyword = /^\s*([A-Za-z]+)/.exec(line)?.[1]?.toUpperCase();
    const where = `line ${index + 1} of the rendered template`;
    if (keyword === undefined || !INSTRUCTIONS.has(keyword)) {
      throw templateError(`expected a Dockerfile instruction at ${where}, found ${JSON.stringify(trimmed.slice(0, 60))}`, file, sourceLine(line, index), 1);
    }
    const reason = FORBIDDEN[kind][keyword];
    if (reason !== undefined) {
      throw templateError(`${keyword} is not allowed in ${kind} templates (${where}): ${reason}`, file, sourceLine(line, index), 1);
    }
    continued = line.endsWith('\\');
    collectHeredocs(line, heredocs);
  });
}

function collectHeredocs(line: string, heredocs: { word: string; strip: boolean }[]): void {
  for (const match of line.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
    heredocs.push({ word: match[3]!, strip: match[1] === '-' });
  }
}

function templateError(message: string, file: string, line: number, column: number, suggestions: readonly string[] = []): RocktsError {
  return new RocktsError('TEMPLATE_INVALID', message, { location: { file, line, column }, suggestions });
}
