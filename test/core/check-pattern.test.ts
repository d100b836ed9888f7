/** Option patterns that could backtrack without bound are refused when a manifest loads. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { findBacktrackingRisk } from '../../src/core/check-pattern.js';
import { ROOT } from '../helpers/project.js';

const NESTED = 'a quantifier inside a repeated group that can also match what starts the group, such as (a+)+';
const IN_A_ROW = 'two quantifiers in a row that can match the same characters, such as a+a+ or .*x.*';
const ALTERNATIVES = 'a repeated group whose alternatives can start with the same character, such as (a|ab)*';
const EMPTY = 'a repeated group that can match nothing, such as (a*)*';

test.each([
  ['^(a+)+$', NESTED],
  ['^([a-z]+)*$', NESTED],
  ['^(\\w+\\s?)*$', NESTED],
  ['^(?:[a-z0-9]+-?)+$', NESTED],
  ['^(a|a)*$', ALTERNATIVES],
  ['^(a|ab)+$', ALTERNATIVES],
  ['^(?:\\d|[0-9a-f])+$', ALTERNATIVES],
  ['^(a*)*$', EMPTY],
  ['^(a?b?)+$', EMPTY],
  ['^a+a+$', IN_A_ROW],
  ['^\\d+\\d*$', IN_A_ROW],
  ['^.*x.*$', IN_A_ROW],
  ['^[a-z]+-?[a-z]+$', IN_A_ROW],
  ['^[a-z]*(?:[a-z]{2})+$', IN_A_ROW],
  ['^(a)\\1$', 'a backreference (\\1)'],
  ['^(?<x>a)\\k<x>$', 'a backreference (\\k<name>)'],
  [`${'('.repeat(40)}a${')'.repeat(40)}`, 'groups nested more than 32 deep'],
])('%s is refused: %s', (pattern, reason) => {
  expect(findBacktrackingRisk(pattern)).toBe(reason);
});

test.each([
  '^[0-9A-Za-z._-]+$',
  '^(?:[a-z][a-z0-9-]*(?:,[a-z][a-z0-9-]*)*)?$',
  '^(all|[a-z]+(,[a-z]+)*)$',
  '^(?:v[0-9]+(?:\\.[0-9]+)*|[0-9a-f]{40})$',
  '^[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*$',
  '^[0-9]+\\.[0-9]+\\.[0-9]+$',
  '^(?:stable|beta|nightly|[0-9]+\\.[0-9]+(?:\\.[0-9]+)?)(?:-[0-9]{4}-[0-9]{2}-[0-9]{2})?$',
  '^[\\w.-]+@[\\w-]+(?:\\.[\\w-]+)+$',
  '^(?:ab)+$',
  '^(?:foo|bar)+$',
  '^\\u{1F600}+[\\p{L}]$',
])('%s is accepted', (pattern) => {
  expect(findBacktrackingRisk(pattern)).toBeUndefined();
});

test('every pattern in the built-in extensions is accepted', () => {
  const patterns = execFileSync('sh', ['-c', 'cat */extension.yaml'], { cwd: path.join(ROOT, 'extensions'), encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => {
      const match = /pattern: "(.*)"/.exec(line);
      return match ? [JSON.parse(`"${match[1]}"`) as string] : [];
    });
  expect(patterns.length).toBeGreaterThan(5);
  expect(patterns.filter((p) => findBacktrackingRisk(p) !== undefined)).toEqual([]);
});
