/**
 * rockerc-format configs in the shapes public projects use (test/golden-rockerc/<case>/,
 * composed with the built-in extensions; `home/` is ~ for a case with a global file):
 *  - expected.Dockerfile: what they compose;
 *  - expected.plan.txt: `rockts plan`, with how each rocker/rockerc/deps_rocker entry was read;
 *  - expected.migrated.yaml: `rockts migrate`, which must compose the same Dockerfile.
 * test/golden-rockerc-errors/<case>/expected.txt pins the messages for what has no equivalent.
 * UPDATE_GOLDEN=1 rewrites the expected files; review the diff.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrateConfig } from '../src/config/migrate-config.js';
import { describePlan } from '../src/cli/describe-plan.js';
import { BUILTIN_EXTENSIONS, caseHome, compareGolden, composeCase, goldenCases as cases, ROOT, testErrorGoldens } from './helpers/project.js';

describe('test/golden-rockerc', () => {
  test.each(cases('test/golden-rockerc'))('%s', async (name) => {
    const dir = path.join(ROOT, 'test/golden-rockerc', name);
    const composed = await composeCase(dir, BUILTIN_EXTENSIONS);
    await compareGolden(path.join(dir, 'expected.Dockerfile'), composed.dockerfile);
    const shown = (f: string) => path.relative(dir, f);
    // Volumes are resolved against the case folder: shown as <case> so the text is machine-independent.
    await compareGolden(path.join(dir, 'expected.plan.txt'), describePlan(composed.plan, composed.config, shown).replaceAll(dir, '<case>'));

    const migrated = migrateConfig(await readFile(path.join(dir, 'rockerc.yaml'), 'utf8'), path.join(dir, 'rockerc.yaml'), { baseDir: dir, home: await caseHome(dir) });
    await compareGolden(path.join(dir, 'expected.migrated.yaml'), migrated);
    // The migrated file, in the same folder under the same name, composes the same Dockerfile.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'rockts-migrate-'));
    try {
      const folder = path.join(copy, name);
      await cp(dir, folder, { recursive: true });
      await writeFile(path.join(folder, 'rockerc.yaml'), migrated);
      const again = await composeCase(folder, BUILTIN_EXTENSIONS);
      expect(again.dockerfile).toBe(composed.dockerfile);
      expect(again.config.readings.filter((r) => r.location.file.endsWith('rockerc.yaml') && !r.location.file.includes('home'))).toEqual([]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('test/golden-rockerc-errors', () => testErrorGoldens('test/golden-rockerc-errors'));
