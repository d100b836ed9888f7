/**
 * rockerc-format configs in the shapes public projects use (test/golden-rockerc/<case>/,
 * composed with the built-in extensions; `home/` is ~ for a case with a global file):
 *  - expected.Dockerfile: what they compose;
 *  - expected.plan.txt: `rockts plan`, with how each rocker/rockerc/deps_rocker entry was read;
 *  - expected.migrated.yaml: `rockts migrate`, which must compose the same Dockerfile.
 * test/golden-rockerc-errors/<case>/expected.txt pins the messages for what has no equivalent.
 * UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateConfig } from '../src/config/migrate-config.js';
import { describePlan } from '../src/describe-plan.js';
import { BUILTIN_EXTENSIONS, composeCase, composeErrorText, exists, readText, ROOT, UPDATE_GOLDEN } from './helpers/project.js';

const cases = (folder: string) =>
  readdirSync(path.join(ROOT, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

async function compareGolden(file: string, actual: string): Promise<void> {
  if (UPDATE_GOLDEN) await writeFile(file, actual);
  const expected = await readText(file);
  if (expected === undefined) throw new Error(`missing ${path.relative(ROOT, file)}; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(expected);
}

describe('test/golden-rockerc', () => {
  test.each(cases('test/golden-rockerc'))('%s', async (name) => {
    const dir = path.join(ROOT, 'test/golden-rockerc', name);
    const composed = await composeCase(dir, BUILTIN_EXTENSIONS);
    await compareGolden(path.join(dir, 'expected.Dockerfile'), composed.dockerfile);
    const shown = (f: string) => path.relative(dir, f);
    // Volumes are resolved against the case folder: shown as <case> so the text is machine-independent.
    await compareGolden(path.join(dir, 'expected.plan.txt'), describePlan(composed.plan, composed.config, shown).replaceAll(dir, '<case>'));

    const home = (await exists(path.join(dir, 'home'))) ? path.join(dir, 'home') : path.join(dir, 'no-home');
    const migrated = migrateConfig(await readFile(path.join(dir, 'rockerc.yaml'), 'utf8'), path.join(dir, 'rockerc.yaml'), { baseDir: dir, home });
    await compareGolden(path.join(dir, 'expected.migrated.yaml'), migrated);
    // The migrated file, in the same folder under the same name, composes the same Dockerfile.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'rockts-migrate-'));
    try {
      const folder = path.join(copy, name);
      await import('node:fs/promises').then((fs) => fs.cp(dir, folder, { recursive: true }));
      await writeFile(path.join(folder, 'rockerc.yaml'), migrated);
      const again = await composeCase(folder, BUILTIN_EXTENSIONS);
      expect(again.dockerfile).toBe(composed.dockerfile);
      expect(again.config.readings.filter((r) => r.location.file.endsWith('rockerc.yaml') && !r.location.file.includes('home'))).toEqual([]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('test/golden-rockerc-errors', () => {
  test.each(cases('test/golden-rockerc-errors'))('%s', async (name) => {
    const dir = path.join(ROOT, 'test/golden-rockerc-errors', name);
    await compareGolden(path.join(dir, 'expected.txt'), await composeErrorText(dir, BUILTIN_EXTENSIONS));
  });
});
