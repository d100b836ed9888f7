/** One test per ordering rule (DESIGN.md, "Order"). */
import { RocktsError, formatError } from '../../src/core/errors.js';
import { orderExtensions } from '../../src/core/order-extensions.js';
import { resolved, type FakeExtension } from '../helpers/fake-extension.js';

const order = (...specs: FakeExtension[]) => orderExtensions(specs.map(resolved)).map((e) => e.name);

test('higher cachePriority comes first', () => {
  expect(order({ name: 'a', priority: 10 }, { name: 'b', priority: 90 }, { name: 'c', priority: 50 })).toEqual(['b', 'c', 'a']);
});

test('equal priorities are ordered by name in code-point order', () => {
  // Code points: '-' (0x2d) < digits < letters, and digits compare one by one, so 'a10' < 'a9' (no natural sort).
  expect(order({ name: 'b' }, { name: 'a9' }, { name: 'a10' }, { name: 'a-b' }, { name: 'a' })).toEqual(['a', 'a-b', 'a10', 'a9', 'b']);
});

test('an extension comes after what it requires, even when its own priority is higher', () => {
  expect(order({ name: 'top', priority: 100, requires: ['dep'] }, { name: 'dep', priority: 0 })).toEqual(['dep', 'top']);
});

test('a dependency inherits the priority of what requires it, so it sits early with it', () => {
  const result = orderExtensions(
    [
      { name: 'stable', priority: 90, requires: ['lib'] },
      { name: 'lib', priority: 10 },
      { name: 'middle', priority: 50 },
    ].map(resolved),
  );
  expect(result.map((e) => e.name)).toEqual(['lib', 'stable', 'middle']);
  expect(result[0]).toMatchObject({ effectivePriority: 90, priorityFrom: 'stable' });
});

test('priority is inherited transitively through chains of requires and after', () => {
  expect(order({ name: 'a', priority: 90, requires: ['b'] }, { name: 'b', priority: 5, after: ['c'] }, { name: 'c', priority: 1 }, { name: 'x', priority: 60 })).toEqual([
    'c',
    'b',
    'a',
    'x',
  ]);
});

test('`after` orders only when the other extension is enabled too', () => {
  expect(order({ name: 'a', priority: 90, after: ['b'] }, { name: 'b', priority: 10 })).toEqual(['b', 'a']);
  expect(order({ name: 'a', priority: 90, after: ['absent'] }, { name: 'b', priority: 95 })).toEqual(['b', 'a']);
});

test('the input order never matters', () => {
  const specs: FakeExtension[] = [
    { name: 'a', priority: 30, after: ['c'] },
    { name: 'b', priority: 70 },
    { name: 'c', priority: 20 },
    { name: 'd', priority: 70, requires: ['e'] },
    { name: 'e', priority: 0 },
  ];
  const expected = order(...specs);
  for (let shift = 1; shift < specs.length; shift++) {
    expect(order(...specs.slice(shift), ...specs.slice(0, shift))).toEqual(expected);
    expect(order(...[...specs].reverse().slice(shift), ...[...specs].reverse().slice(0, shift))).toEqual(expected);
  }
});

test('the reasons for each position are recorded', () => {
  const [dep, top] = orderExtensions([resolved({ name: 'top', requires: ['dep'], after: ['x'] }), resolved({ name: 'dep' })]);
  expect(dep!.dependencies).toEqual([]);
  expect(top!.dependencies.map((d) => [d.from, d.kind])).toEqual([['dep', 'requires']]);
});

test('a cycle names every extension in it and who declared each edge', () => {
  let error: unknown;
  try {
    order({ name: 'b', requires: ['c'] }, { name: 'a', after: ['b'] }, { name: 'c', requires: ['a'] }, { name: 'z' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RocktsError);
  expect(formatError(error as RocktsError)).toBe(
    [
      "fake/a/extension.yaml:1:1: dependency cycle: a → b → c → a",
      "  'a' is declared after 'b' (fake/a/extension.yaml:1:1)",
      "  'b' requires 'c' (fake/b/extension.yaml:1:1)",
      "  'c' requires 'a' (fake/c/extension.yaml:1:1)",
      '',
    ].join('\n'),
  );
});

test('an extension that requires itself is a cycle', () => {
  expect(() => order({ name: 'self', requires: ['self'] })).toThrow("dependency cycle: self → self");
});

test('a requires chain of 10,000 extensions is ordered, and a cycle closing it is found, without overflowing the stack', () => {
  const chain = (n: number, closed: boolean): FakeExtension[] =>
    Array.from({ length: n }, (_, i) => ({ name: `e${String(i).padStart(5, '0')}`, requires: i + 1 < n ? [`e${String(i + 1).padStart(5, '0')}`] : closed ? ['e00000'] : [] }));
  const names = order(...chain(10_000, false));
  expect(names).toHaveLength(10_000);
  expect(names.slice(0, 2)).toEqual(['e09999', 'e09998']);
  expect(() => order(...chain(10_000, true))).toThrow(/^dependency cycle: e00000 → e00001 → /);
});
