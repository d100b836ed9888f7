/**
 * Golden folders, one test each:
 *  - test/golden/<case>/          rockerc.yaml → expected.Dockerfile, with the frozen fixture extensions
 *  - test/golden-builtin/<case>/  the same with the built-in extensions/
 *  - test/golden-errors/<case>/   rockerc.yaml → expected.txt, the full error text
 * UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCKER_20_FEATURES } from '../src/core/plain-forms.js';
import { BUILTIN_EXTENSIONS, composeCase, composeErrorText, FIXTURE_EXTENSIONS, readText, ROOT, UPDATE_GOLDEN } from './helpers/project.js';

function cases(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

test('every golden folder has cases', () => {
  for (const folder of ['test/golden', 'test/golden-builtin', 'test/golden-plain', 'test/golden-errors']) expect(cases(folder).length).toBeGreaterThan(0);
});

async function compareGolden(file: string, actual: string): Promise<void> {
  if (UPDATE_GOLDEN) await writeFile(file, actual);
  const expected = await readText(file);
  if (expected === undefined) throw new Error(`missing ${path.relative(ROOT, file)}; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(expected);
}

describe.each([
  ['test/golden', FIXTURE_EXTENSIONS],
  ['test/golden-builtin', BUILTIN_EXTENSIONS],
])('%s', (folder, builtinDir) => {
  test.each(cases(folder))('%s', async (name) => {
    const dir = path.join(ROOT, folder, name);
    const { dockerfile } = await composeCase(dir, builtinDir);
    await compareGolden(path.join(dir, 'expected.Dockerfile'), dockerfile);
  });
});

describe('test/golden-plain (an engine without Dockerfile 1.4: no COPY --link, no heredocs)', () => {
  test.each(cases('test/golden-plain'))('%s', async (name) => {
    const dir = path.join(ROOT, 'test/golden-plain', name);
    const { dockerfile } = await composeCase(dir, FIXTURE_EXTENSIONS, DOCKER_20_FEATURES);
    await compareGolden(path.join(dir, 'expected.Dockerfile'), dockerfile);
  });
});

describe('test/golden-errors', () => {
  test.each(cases('test/golden-errors'))('%s', async (name) => {
    const dir = path.join(ROOT, 'test/golden-errors', name);
    const text = await composeErrorText(dir, FIXTURE_EXTENSIONS);
    await compareGolden(path.join(dir, 'expected.txt'), text);
  });
});
