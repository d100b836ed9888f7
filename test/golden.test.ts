/**
 * Golden folders, one test each:
 *  - test/golden/<case>/          rockerc.yaml → expected.Dockerfile, with the frozen fixture extensions
 *  - test/golden-builtin/<case>/  the same with the built-in extensions/
 *  - test/golden-errors/<case>/   rockerc.yaml → expected.txt, the full error text
 * UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
import path from 'node:path';
import { DOCKER_20_FEATURES } from '../src/core/plain-forms.js';
import { BUILTIN_EXTENSIONS, compareGolden, composeCase, FIXTURE_EXTENSIONS, goldenCases as cases, ROOT, testErrorGoldens } from './helpers/project.js';

test('every golden folder has cases', () => {
  for (const folder of ['test/golden', 'test/golden-builtin', 'test/golden-plain', 'test/golden-errors']) expect(cases(folder).length).toBeGreaterThan(0);
});

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

describe('test/golden-errors', () => testErrorGoldens('test/golden-errors', FIXTURE_EXTENSIONS));
