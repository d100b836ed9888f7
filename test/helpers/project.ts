/** Shared helpers: compose a project folder in-process with fixed inputs. */
import { readdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, RocktsError } from '../../src/core/errors.js';
import type { DockerfileFeatures } from '../../src/core/plain-forms.js';
import type { HostUser } from '../../src/core/types.js';
import { composeProject } from '../../src/load-project.js';

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
  const home = (await exists(path.join(dir, 'home'))) ? path.join(dir, 'home') : path.join(dir, 'no-home');
  return composeProject({
    configFile: 'rockerc.yaml',
    cwd: dir,
    home,
    rocktsVersion: TEST_VERSION,
    hostUser: TEST_USER,
    builtinDir,
    ...(features ? { features } : {}),
  });
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

/**
 * One test per case folder of `folder` (below ROOT): the project there must fail to
 * compose with the built-ins, with exactly the text of its expected.txt (UPDATE_GOLDEN=1
 * rewrites it).
 */
export function testErrorGoldens(folder: string): void {
  const dir = path.join(ROOT, folder);
  const cases = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  test.each(cases)('%s', async (name) => {
    const text = await composeErrorText(path.join(dir, name), BUILTIN_EXTENSIONS);
    const file = path.join(dir, name, 'expected.txt');
    if (UPDATE_GOLDEN) await writeFile(file, text);
    expect(text).toBe(await readText(file));
  });
}
