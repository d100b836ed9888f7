/** Shared helpers: compose a project folder in-process with fixed inputs. */
import { readdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, RocktsError } from '../../src/core/errors.js';
import type { DockerfileFeatures } from '../../src/core/plain-forms.js';
import type { HostUser } from '../../src/core/types.js';
import { composeProject } from '../../src/project/load-project.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE_EXTENSIONS = path.join(ROOT, 'test/fixtures/extensions');
export const BUILTIN_EXTENSIONS = path.join(ROOT, 'extensions');
export const TEST_VERSION = '0.0.0-test';
export const TEST_USER: HostUser = { name: 'dev', uid: 1000, gid: 1000, home: '/home/dev' };
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Composes `<dir>/rockerc.yaml`. `<dir>/home/` stands in for the user's home (so a case
 * can ship a ~/.rockerc.yaml); paths in errors are shown relative to `dir`.
 */
export async function composeCase(dir: string, builtinDir: string, features?: DockerfileFeatures) {
  return composeProject({
    configFile: 'rockerc.yaml',
    cwd: dir,
    home: await caseHome(dir),
    rocktsVersion: TEST_VERSION,
    hostUser: TEST_USER,
    builtinDir,
    ...(features ? { features } : {}),
  });
}

/** The user's home for a case folder: its `home/` when it has one, else a folder that does not exist. */
export async function caseHome(dir: string): Promise<string> {
  return (await exists(path.join(dir, 'home'))) ? path.join(dir, 'home') : path.join(dir, 'no-home');
}

/** The full user-facing text of a failed composition. */
export async function composeErrorText(dir: string, builtinDir: string): Promise<string> {
  try {
    await composeCase(dir, builtinDir);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    return formatError(error, (f) => {
      const relative = path.relative(dir, f);
      return relative.startsWith('..') ? path.relative(ROOT, f) : relative;
    });
  }
  throw new Error(`expected ${dir} to fail`);
}

export async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/** The case folders of a golden folder (below ROOT), sorted. */
export function goldenCases(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** `actual` must equal the golden `file`; UPDATE_GOLDEN=1 rewrites it first. */
export async function compareGolden(file: string, actual: string): Promise<void> {
  if (UPDATE_GOLDEN) await writeFile(file, actual);
  const expected = await readText(file);
  if (expected === undefined) throw new Error(`missing ${path.relative(ROOT, file)}; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(expected);
}

/**
 * One test per case folder of `folder` (below ROOT): the project there must fail to
 * compose with the extensions of `builtinDir` (the built-ins unless given), with exactly
 * the text of its expected.txt (UPDATE_GOLDEN=1 rewrites it).
 */
export function testErrorGoldens(folder: string, builtinDir: string = BUILTIN_EXTENSIONS): void {
  test.each(goldenCases(folder))('%s', async (name) => {
    const dir = path.join(ROOT, folder, name);
    await compareGolden(path.join(dir, 'expected.txt'), await composeErrorText(dir, builtinDir));
  });
}
