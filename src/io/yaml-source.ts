/**
 * YAML documents with positions. Both rockerc.yaml and extension.yaml are parsed here
 * so that every problem, from a YAML syntax error to a zod schema issue, names the file,
 * line and column where the user can fix it.
 */
import { CST, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeValue } from '../core/grammar.js';
import { RocktsError, type ErrorCode, type SourceLocation } from '../core/errors.js';
import { suggestNames } from '../core/suggest.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Where the value at `path` starts (or its nearest existing parent). */
  locate(path: YamlPath): SourceLocation;
  /** Where the key of the mapping entry at `path` starts. */
  locateKey(path: YamlPath): SourceLocation;
}

/**
 * What a YAML document may hold, so that no file can make rockts run out of memory or
 * stack (README, "Limits"): its size, how deeply it nests, how many aliases it expands,
 * and how long one string value may be.
 */
export const YAML_LIMITS = { bytes: 1024 * 1024, depth: 64, aliases: 100, valueLength: 4096 } as const;

export interface ParseYamlOptions {
  /** The longest string value accepted (default YAML_LIMITS.valueLength). */
  readonly maxValueLength?: number;
}

/**
 * Parses YAML text; syntax errors and documents beyond YAML_LIMITS become located
 * RocktsErrors with `code`. A `__proto__` key is an error too: it would be dropped
 * from the data without a word.
 */
export function parseYaml(text: string, file: string, code: ErrorCode, options: ParseYamlOptions = {}): YamlSource {
  checkSizeAndNesting(text, file, code);
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const problems = [...doc.errors].map(
    (e) => new RocktsError(code, `invalid YAML: ${firstLine(e.message)}`, { location: at(e.pos[0]) }),
  );
  if (problems.length === 0) problems.push(...checkNodes(doc, options.maxValueLength ?? YAML_LIMITS.valueLength, code, at));
  if (problems.length > 0) throw RocktsError.combine(problems);
  const find = (path: YamlPath) => findNode(doc, path);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: YAML_LIMITS.aliases });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = firstAlias(doc);
    throw new RocktsError(code, `invalid YAML: aliases expand to too much data (more than ${YAML_LIMITS.aliases} copies); write the values out instead`, {
      location: at(alias?.range?.[0] ?? 0),
    });
  }
  return {
    file,
    data,
    locate: (path) => at(find(path).node?.range?.[0] ?? 0),
    locateKey: (path) => {
      const found = find(path);
      return at(found.key?.range?.[0] ?? found.node?.range?.[0] ?? 0);
    },
  };
}

/**
 * Size and nesting are checked before the yaml library composes the document: it does
 * so recursively, and nesting deep enough to exhaust the stack can take the process down.
 */
function checkSizeAndNesting(text: string, file: string, code: ErrorCode): void {
  // Files are read up to one byte past the limit (readOptionalText), so the size found is not told.
  if (Buffer.byteLength(text, 'utf8') > YAML_LIMITS.bytes) {
    throw new RocktsError(code, `expected a file of at most 1 MiB (${YAML_LIMITS.bytes} bytes), found a larger one`, { location: { file, line: 1, column: 1 } });
  }
  const tooDeep = findDeepNesting(text);
  if (tooDeep !== undefined) {
    const before = text.slice(0, tooDeep).split('\n');
    const location = { file, line: before.length, column: before[before.length - 1]!.length + 1 };
    throw new RocktsError(code, `expected at most ${YAML_LIMITS.depth} levels of nesting, found more`, { location });
  }
}

/**
 * The offset of the first collection nested deeper than YAML_LIMITS.depth, if any. The
 * lexer finds deep flow collections (`[[[…`) and compact block ones (`- - - …`) in one
 * pass that stops there; the parser's tokens, walked without recursion, then give the
 * exact depth of what is left (indentation keeps that small within 1 MiB).
 */
function findDeepNesting(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  let leading = 0;
  for (const source of new Lexer().lex(text)) {
    // The lexer's own markers are not in the text.
    if (source === CST.DOCUMENT || source === CST.FLOW_END || source === CST.SCALAR) continue;
    const type = CST.tokenType(source);
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow--;
    if (type === 'seq-item-ind' || type === 'explicit-key-ind') leading++;
    else if (type !== 'space') leading = 0;
    if (flow > YAML_LIMITS.depth || leading > YAML_LIMITS.depth) return offset;
    offset += source.length;
  }
  for (const document of new Parser().parse(text)) {
    const pending: { token: CST.Token | null | undefined; depth: number }[] = [{ token: document, depth: 0 }];
    while (pending.length > 0) {
      const { token, depth } = pending.pop()!;
      if (token?.type === 'document') pending.push({ token: token.value, depth });
      if (token?.type !== 'block-map' && token?.type !== 'block-seq' && token?.type !== 'flow-collection') continue;
      if (depth + 1 > YAML_LIMITS.depth) return token.offset;
      for (const item of token.items) pending.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/** `__proto__` keys and string lengths (nesting is already bounded). */
function checkNodes(doc: Document, maxValueLength: number, code: ErrorCode, at: (offset: number) => SourceLocation): RocktsError[] {
  const problems: RocktsError[] = [];
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isScalar(node) && typeof node.value === 'string' && node.value.length > maxValueLength) {
      problems.push(new RocktsError(code, `expected a value of at most ${maxValueLength} characters, found one of ${node.value.length}`, { location: at(node.range?.[0] ?? 0) }));
    }
    if (!isMap(node) && !isSeq(node)) continue;
    for (const item of node.items) {
      if (!isPair(item)) {
        pending.push(item);
      } else if (isScalar(item.key) && item.key.value === '__proto__') {
        problems.push(new RocktsError(code, "expected a key other than '__proto__', which rockts cannot read as data, found '__proto__'", { location: at(item.key.range?.[0] ?? 0) }));
      } else {
        pending.push(item.key, item.value);
      }
    }
  }
  return problems;
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** The node at `path`, or the deepest existing ancestor when the path goes missing. */
function findNode(doc: Document, path: YamlPath): { node: Node | undefined; key: Node | undefined } {
  let node = doc.contents as Node | null;
  let key: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      key = undefined;
      node = item;
    } else {
      break;
    }
  }
  return { node: node ?? undefined, key };
}

/** `builder.apt[1]`, or `the top level` for the root. */
export function pathLabel(path: YamlPath): string {
  let label = '';
  for (const segment of path) {
    label += typeof segment === 'number' ? `[${segment}]` : label === '' ? segment : `.${segment}`;
  }
  return label;
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * Turns zod issues into located errors. Refinements in the schemas carry their
 * "expected ..." phrase as the message (e.g. `an image reference such as ubuntu:24.04`).
 */
export function zodIssuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  source: YamlSource,
  code: ErrorCode,
  schema: z.ZodType,
): RocktsError[] {
  const errors: RocktsError[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const label = pathLabel(path);
    const prefix = label === '' ? '' : `${label}: `;
    const found = describeValue(valueAt(source.data, path));
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, path);
      for (const key of issue.keys) {
        const where = label === '' ? 'at the top level' : `in ${label}`;
        errors.push(
          new RocktsError(code, `unknown key '${key}' ${where}; expected one of: ${known.join(', ')}`, {
            location: source.locateKey([...path, key]),
            suggestions: suggestNames(key, known),
          }),
        );
      }
    } else if (issue.code === 'invalid_key') {
      const key = String(path[path.length - 1]);
      const expected = issue.issues[0]?.message ?? 'a valid key';
      errors.push(new RocktsError(code, `${pathLabel(path.slice(0, -1))}: expected ${expected} as key, found ${describeValue(key)}`, { location: source.locateKey(path) }));
    } else if (issue.code === 'invalid_type' && valueAt(source.data, path) === undefined) {
      const parent = path.slice(0, -1);
      const where = parent.length === 0 ? 'at the top level' : `in ${pathLabel(parent)}`;
      errors.push(
        new RocktsError(code, `missing required key '${String(path[path.length - 1])}' ${where}`, {
          location: source.locate(parent),
        }),
      );
    } else if (issue.code === 'invalid_type') {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      errors.push(new RocktsError(code, `${prefix}expected ${expected}, found ${found}`, { location: source.locate(path) }));
    } else {
      errors.push(new RocktsError(code, `${prefix}expected ${issue.message}, found ${found}`, { location: source.locate(path) }));
    }
  }
  return errors;
}

/** The keys an object schema at `path` accepts, for suggestions. */
function knownKeys(schema: z.ZodType, path: YamlPath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    current = current && unwrap(current);
    const def = current?._zod.def as unknown as Record<string, unknown> | undefined;
    if (def?.type === 'object') current = (def.shape as Record<string, z.core.$ZodType>)[String(segment)];
    else if (def?.type === 'array') current = def.element as z.core.$ZodType;
    else if (def?.type === 'record') current = def.valueType as z.core.$ZodType;
    else current = undefined;
  }
  current = current && unwrap(current);
  const def = current?._zod.def as unknown as Record<string, unknown> | undefined;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as unknown as Record<string, unknown>;
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) {
      current = def.innerType as z.core.$ZodType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in as z.core.$ZodType;
    } else {
      return current;
    }
  }
}
