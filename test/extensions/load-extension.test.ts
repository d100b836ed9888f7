/**
 * Reading extension folders: a folder without extension.yaml is no extension, and every
 * folder's problem is reported together, an unreadable manifest's included.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RocktsError } from '../../src/core/errors.js';
import { discoverExtensions } from '../../src/extensions/load-extension.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-load-extension-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a folder without extension.yaml is skipped; a FIFO manifest and a broken one are reported together', async () => {
  await mkdir(path.join(dir, 'empty'));
  await mkdir(path.join(dir, 'fifo'));
  execFileSync('mkfifo', [path.join(dir, 'fifo/extension.yaml')]);
  await mkdir(path.join(dir, 'broken'));
  await writeFile(path.join(dir, 'broken/extension.yaml'), 'name: [\n');
  const error = (await discoverExtensions(dir, { kind: 'builtin' }).catch((e: unknown) => e)) as RocktsError;
  expect(error.problems.map((p) => p.location?.file ?? p.message)).toEqual([
    path.join(dir, 'broken/extension.yaml'),
    `cannot use ${path.join(dir, 'fifo/extension.yaml')}: found a FIFO (named pipe); expected regular files and folders only`,
  ]);
});
