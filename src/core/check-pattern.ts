/**
 * Option patterns are JavaScript regular expressions, run by a backtracking engine: a
 * pattern such as `^(a+)+$` takes exponential time on a value like "aaaa…!", and would
 * stall every command that loads the extension. This check refuses, when a manifest is
 * read, the shapes that make backtracking blow up (README, "Limits"):
 *  - a repeated group that can match nothing (`(a*)*`);
 *  - a repeated group whose alternatives can start with the same character (`(a|ab)*`);
 *  - a quantifier inside a repeated group that can consume what starts the group again
 *    (`(a+)+`, `(\w+\s?)*`), while `(,[a-z]+)*` or `(\.[0-9]+)*` are fine;
 *  - two quantifiers in a sequence that can match the same characters with nothing
 *    between them that only one can match (`a+a+`, `\d+\d*`, `.*x.*`);
 *  - backreferences (`\1`, `\k<name>`).
 * It is conservative: a few harmless patterns are refused too; each refusal says why.
 * Characters are told apart exactly in ASCII; all others count as one class.
 */

interface CharSet {
  /** One bit per ASCII code point. */
  readonly bits: bigint;
  /** Whether any code point beyond ASCII is in the set. */
  readonly other: boolean;
}

type Atom =
  | { readonly kind: 'chars'; readonly set: CharSet }
  | { readonly kind: 'group'; readonly alternatives: readonly Sequence[] }
  /** ^ $ \b \B and lookarounds: they match no characters (their content is still checked). */
  | { readonly kind: 'assertion'; readonly alternatives: readonly Sequence[] };

interface Item {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number;
}

type Sequence = readonly Item[];

const ASCII = (1n << 128n) - 1n;
const EMPTY: CharSet = { bits: 0n, other: false };
const ANY: CharSet = { bits: ASCII, other: true };
const MAX_GROUP_DEPTH = 32;

/** Why `pattern` (already known to compile with the `u` flag) could backtrack without bound; undefined when it cannot. */
export function findBacktrackingRisk(pattern: string): string | undefined {
  let tree: Sequence[];
  try {
    tree = new PatternReader(pattern).read();
  } catch (error) {
    if (error instanceof PatternRisk) return error.message;
    throw error;
  }
  return checkAlternatives(tree);
}

class PatternRisk extends Error {}

function checkAlternatives(alternatives: readonly Sequence[]): string | undefined {
  for (const sequence of alternatives) {
    const risk = checkSequence(sequence);
    if (risk) return risk;
  }
  return undefined;
}

function checkSequence(sequence: Sequence): string | undefined {
  for (const [i, item] of sequence.entries()) {
    const { atom } = item;
    if (atom.kind !== 'chars') {
      const inner = checkAlternatives(atom.alternatives);
      if (inner) return inner;
    }
    if (item.max <= 1) continue;
    if (atom.kind === 'group') {
      if (atom.alternatives.some(sequenceCanBeEmpty)) return 'a repeated group that can match nothing, such as (a*)*';
      const firsts = atom.alternatives.map(firstOfSequence);
      if (firsts.some((a, x) => firsts.some((b, y) => x < y && overlaps(a, b)))) {
        return 'a repeated group whose alternatives can start with the same character, such as (a|ab)*';
      }
      if (overlaps(repeatedInside(atom.alternatives), union(firsts))) {
        return 'a quantifier inside a repeated group that can also match what starts the group, such as (a+)+';
      }
    }
    // What this item can go on consuming must not be what a later quantifier can start with.
    const live = charsOf(atom);
    for (const next of sequence.slice(i + 1)) {
      const first = firstOfItem(next);
      const touches = overlaps(live, first);
      if (touches && repeats(next)) return 'two quantifiers in a row that can match the same characters, such as a+a+ or .*x.*';
      if (!touches && !itemCanBeEmpty(next)) break;
    }
  }
  return undefined;
}

function repeats(item: Item): boolean {
  return item.max > 1 || (item.atom.kind === 'group' && item.atom.alternatives.some((s) => s.some(repeats)));
}

/** Every character a repeated item inside these alternatives can consume. */
function repeatedInside(alternatives: readonly Sequence[]): CharSet {
  let set = EMPTY;
  for (const sequence of alternatives) {
    for (const item of sequence) {
      if (item.max > 1) set = union([set, charsOf(item.atom)]);
      else if (item.atom.kind === 'group') set = union([set, repeatedInside(item.atom.alternatives)]);
    }
  }
  return set;
}

function charsOf(atom: Atom): CharSet {
  if (atom.kind === 'chars') return atom.set;
  if (atom.kind === 'assertion') return EMPTY;
  return union(atom.alternatives.flatMap((s) => s.map((item) => charsOf(item.atom))));
}

function firstOfItem(item: Item): CharSet {
  if (item.atom.kind === 'chars') return item.atom.set;
  if (item.atom.kind === 'assertion') return EMPTY;
  return union(item.atom.alternatives.map(firstOfSequence));
}

function firstOfSequence(sequence: Sequence): CharSet {
  const sets: CharSet[] = [];
  for (const item of sequence) {
    sets.push(firstOfItem(item));
    if (!itemCanBeEmpty(item)) break;
  }
  return union(sets);
}

function itemCanBeEmpty(item: Item): boolean {
  return item.min === 0 || item.atom.kind === 'assertion' || (item.atom.kind === 'group' && item.atom.alternatives.some(sequenceCanBeEmpty));
}

function sequenceCanBeEmpty(sequence: Sequence): boolean {
  return sequence.every(itemCanBeEmpty);
}

function union(sets: readonly CharSet[]): CharSet {
  return sets.reduce((a, b) => ({ bits: a.bits | b.bits, other: a.other || b.other }), EMPTY);
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return (a.bits & b.bits) !== 0n || (a.other && b.other);
}

function complement(set: CharSet): CharSet {
  return { bits: ~set.bits & ASCII, other: true };
}

function single(code: number): CharSet {
  return code < 128 ? { bits: 1n << BigInt(code), other: false } : { bits: 0n, other: true };
}

function range(from: number, to: number): CharSet {
  let bits = 0n;
  for (let c = from; c <= Math.min(to, 127); c++) bits |= 1n << BigInt(c);
  return { bits, other: to >= 128 };
}

const DIGIT = range(48, 57);
const WORD = union([DIGIT, range(65, 90), range(97, 122), single(95)]);
const SPACE: CharSet = { bits: union([range(9, 13), single(32)]).bits, other: true };

/** A reader for the subset of regular expression syntax that matters here. */
class PatternReader {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  read(): Sequence[] {
    return this.alternatives();
  }

  private alternatives(): Sequence[] {
    const result: Sequence[] = [this.sequence()];
    while (this.text[this.at] === '|') {
      this.at++;
      result.push(this.sequence());
    }
    return result;
  }

  private sequence(): Sequence {
    const items: Item[] = [];
    while (this.at < this.text.length && this.text[this.at] !== '|' && this.text[this.at] !== ')') {
      const atom = this.atom();
      const [min, max] = this.quantifier();
      items.push({ atom, min, max });
    }
    return items;
  }

  private atom(): Atom {
    const c = this.text[this.at++]!;
    if (c === '^' || c === '$') return { kind: 'assertion', alternatives: [] };
    if (c === '.') return { kind: 'chars', set: ANY };
    if (c === '[') return { kind: 'chars', set: this.charClass() };
    if (c === '\\') return this.escape(false);
    if (c === '(') return this.group();
    return { kind: 'chars', set: single(c.codePointAt(0)!) };
  }

  private group(): Atom {
    if (++this.depth > MAX_GROUP_DEPTH) throw new PatternRisk(`groups nested more than ${MAX_GROUP_DEPTH} deep`);
    let kind: 'group' | 'assertion' = 'group';
    const head = /^(?:\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>))?/.exec(this.text.slice(this.at))![0];
    if (head === '?=' || head === '?!' || head === '?<=' || head === '?<!') kind = 'assertion';
    this.at += head.length;
    const alternatives = this.alternatives();
    this.at++; // ')'
    this.depth--;
    return { kind, alternatives };
  }

  private quantifier(): [number, number] {
    const match = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(this.text.slice(this.at));
    if (!match) return [1, 1];
    this.at += match[0].length;
    if (match[1] === '*') return [0, Infinity];
    if (match[1] === '+') return [1, Infinity];
    if (match[1] === '?') return [0, 1];
    const min = Number(match[2]);
    return [min, match[3] === undefined ? min : match[4] === '' ? Infinity : Number(match[4])];
  }

  private charClass(): CharSet {
    const negated = this.text[this.at] === '^';
    if (negated) this.at++;
    const sets: CharSet[] = [];
    while (this.at < this.text.length && this.text[this.at] !== ']') {
      const from = this.classMember();
      if (this.text[this.at] === '-' && this.text[this.at + 1] !== ']' && this.at + 1 < this.text.length && from.code !== undefined) {
        this.at++;
        const to = this.classMember();
        sets.push(to.code === undefined ? union([from.set, to.set, single(45)]) : range(from.code, to.code));
      } else {
        sets.push(from.set);
      }
    }
    this.at++; // ']'
    const set = union(sets);
    return negated ? complement(set) : set;
  }

  /** One member of a class: a character (with its code, for ranges) or a class escape. */
  private classMember(): { set: CharSet; code: number | undefined } {
    if (this.text[this.at] !== '\\') {
      const code = this.text.codePointAt(this.at)!;
      this.at += code > 0xffff ? 2 : 1;
      return { set: single(code), code };
    }
    this.at++;
    const atom = this.escape(true);
    const set = atom.kind === 'chars' ? atom.set : EMPTY;
    const code = set.other || (set.bits & (set.bits - 1n)) !== 0n ? undefined : set.bits === 0n ? undefined : bitIndex(set.bits);
    return { set, code };
  }

  /** After a backslash. */
  private escape(inClass: boolean): Atom {
    const c = this.text[this.at++]!;
    const chars = (set: CharSet): Atom => ({ kind: 'chars', set });
    switch (c) {
      case 'd':
        return chars(DIGIT);
      case 'D':
        return chars(complement(DIGIT));
      case 'w':
        return chars(WORD);
      case 'W':
        return chars(complement(WORD));
      case 's':
        return chars(SPACE);
      case 'S':
        return chars(complement(SPACE));
      case 'b':
      case 'B':
        return inClass ? chars(single(8)) : { kind: 'assertion', alternatives: [] };
      case 'n':
        return chars(single(10));
      case 'r':
        return chars(single(13));
      case 't':
        return chars(single(9));
      case 'f':
        return chars(single(12));
      case 'v':
        return chars(single(11));
      case 'k':
        throw new PatternRisk('a backreference (\\k<name>)');
      case 'p':
      case 'P':
        this.at = this.text.indexOf('}', this.at) + 1;
        return chars(ANY);
      case 'c':
        return chars(single(this.text.charCodeAt(this.at++) % 32));
      case 'x': {
        const code = parseInt(this.text.slice(this.at, this.at + 2), 16);
        this.at += 2;
        return chars(single(code));
      }
      case 'u': {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(this.text.slice(this.at));
        const hex = braced ? braced[1]! : this.text.slice(this.at, this.at + 4);
        this.at += braced ? braced[0].length : 4;
        return chars(single(parseInt(hex, 16)));
      }
      default:
        if (/[1-9]/.test(c) && !inClass) throw new PatternRisk(`a backreference (\\${c})`);
        return chars(single(c === '0' ? 0 : c.codePointAt(0)!));
    }
  }
}

function bitIndex(bits: bigint): number {
  let index = 0;
  while (bits > 1n) {
    bits >>= 1n;
    index++;
  }
  return index;
}
