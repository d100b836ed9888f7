/** The limits every YAML document is parsed with (README, "Limits"). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatError, RocktsError } from '../src/core/errors.js';
import { readLock } from '../src/project/lockfile.js';
import { parseYaml } from '../src/io/yaml-source.js';

function errorText(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof RocktsError) return formatError(error);
    throw error;
  }
  throw new Error('expected an error');
}

test('a file over 1 MiB is refused before it is parsed', () => {
  const text = `args:\n${'  - x\n'.repeat(200_000)}`;
  expect(errorText(() => parseYaml(text, 'rockerc.yaml', 'CONFIG_INVALID'))).toBe('rockerc.yaml:1:1: expected a file of at most 1 MiB (1048576 bytes), found a larger one\n');
});

test('nesting deeper than 64 levels is refused, block or flow', () => {
  const block = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' x\n';
  expect(errorText(() => parseYaml(block, 'a.yaml', 'CONFIG_INVALID'))).toBe('a.yaml:65:129: expected at most 64 levels of nesting, found more\n');
  // Deep enough to exhaust the stack of the yaml library's recursive composer (about 800 levels).
  for (const deep of [`${'['.repeat(2_000)}${']'.repeat(2_000)}`, `${'- '.repeat(2_000)}x\n`, `${'{a: '.repeat(2_000)}${'}'.repeat(2_000)}`]) {
    expect(errorText(() => parseYaml(deep, 'b.yaml', 'CONFIG_INVALID'))).toMatch(/^b\.yaml:1:\d+: expected at most 64 levels of nesting, found more\n$/);
  }
  expect(parseYaml(`${'['.repeat(64)}${']'.repeat(64)}`, 'c.yaml', 'CONFIG_INVALID').data).toBeDefined();
});

test('a value longer than 4096 characters is refused, unless the caller allows it', () => {
  const text = `description: "${'d'.repeat(4097)}"\n`;
  expect(errorText(() => parseYaml(text, 'a.yaml', 'MANIFEST_INVALID'))).toBe('a.yaml:1:14: expected a value of at most 4096 characters, found one of 4097\n');
  expect(parseYaml(text, 'package.json', 'PACKAGE_INVALID', { maxValueLength: Infinity }).data).toEqual({ description: 'd'.repeat(4097) });
  expect(parseYaml(`description: "${'d'.repeat(4096)}"\n`, 'a.yaml', 'MANIFEST_INVALID').data).toEqual({ description: 'd'.repeat(4096) });
});

test('an alias bomb in rockts.lock is a located error', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-robust-yaml-'));
  try {
    const lock = path.join(dir, 'rockts.lock');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]'];
    await writeFile(lock, `lockVersion: 1\nextensions: []\n${levels.join('\n')}\n`);
    const error = await readLock(lock).catch((e: unknown) => e);
    expect(formatError(error as RocktsError)).toBe(`${lock}:4:8: invalid YAML: aliases expand to too much data (more than 100 copies); write the values out instead\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
