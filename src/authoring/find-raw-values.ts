/**
 * `rockts extension test --static` warns where a template puts `{{options.x}}` into
 * shell text raw: on a RUN instruction's lines or in a RUN heredoc's body. There a value
 * with a space, a quote, `;` or `$` changes the command, so `{{quote options.x}}` is the
 * way (docs/writing-extensions.md, "Putting values into shell"). Pure: reads the
 * template's text only.
 */
import Handlebars from 'handlebars';
import { readDockerfile, type DockerfileInstruction } from '../core/dockerfile-reader.js';
import type { TemplateSource } from '../core/types.js';

export interface RawValue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly option: string;
  /** `a RUN line` or `the body of a RUN heredoc`. */
  readonly context: string;
}

/** Every raw `{{options.x}}` in shell text of `template`, in order. */
export function findRawValues(template: TemplateSource): RawValue[] {
  let ast: hbs.AST.Program;
  let instructions: readonly DockerfileInstruction[];
  try {
    ast = Handlebars.parse(template.text);
    instructions = readDockerfile(dockerfileShape(template.text), template.file, { directives: false }).instructions;
  } catch {
    // A template that does not parse is reported by the composition, not here.
    return [];
  }
  const found: RawValue[] = [];
  for (const statement of statements(ast)) {
    if (statement.type !== 'MustacheStatement') continue;
    const mustache = statement as hbs.AST.MustacheStatement;
    if (mustache.path.type !== 'PathExpression' || mustache.params.length > 0) continue;
    const path = mustache.path as hbs.AST.PathExpression;
    if (path.parts[0] !== 'options' || path.parts.length !== 2) continue;
    const { line, column } = mustache.loc.start;
    const context = shellContext(instructions, line);
    if (context !== undefined) found.push({ file: template.file, line, column: column + 1, option: path.parts[1]!, context });
  }
  return found;
}

/** Every statement of the program, inside blocks too, in source order. */
function statements(program: hbs.AST.Program | undefined): hbs.AST.Statement[] {
  return (program?.body ?? []).flatMap((statement) => {
    if (statement.type !== 'BlockStatement') return [statement];
    const block = statement as hbs.AST.BlockStatement;
    return [...statements(block.program), ...statements(block.inverse)];
  });
}

function shellContext(instructions: readonly DockerfileInstruction[], line: number): string | undefined {
  const instruction = instructions.find((i) => i.startLine <= line && line <= i.endLine);
  if (instruction === undefined || (instruction.onbuild ?? instruction).keyword !== 'RUN' || (instruction.onbuild ?? instruction).json) return undefined;
  if (instruction.parts.some((p) => p.line === line)) return 'a RUN line';
  const inBody = instruction.heredocs.some((h) => line > h.endLine - h.body.length - 1 && line < h.endLine);
  return inBody ? 'the body of a RUN heredoc' : undefined;
}

/**
 * The template's text as the Dockerfile it renders to is shaped, line for line: block
 * lines (`{{#if …}}`, `{{/if}}`, `{{else}}`) and comments become empty lines (which a
 * continuation skips, as BuildKit does), other mustaches a plain word of the same length.
 */
function dockerfileShape(text: string): string {
  const withoutComments = text.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, ' '));
  return withoutComments
    .split('\n')
    .map((line) => (/^\s*(?:\{\{[#/^~]|\{\{\s*else\b)[^}]*\}\}\s*$/.test(line) ? '' : line.replace(/\{\{\{?[^}]*\}?\}\}/g, (m) => 'x'.repeat(m.length))))
    .join('\n');
}
