import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectExtensions } from '../src/config/detect-extensions.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-detect-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('each project file proposes its extension, with the reason', async () => {
  await writeFile(path.join(dir, 'Cargo.toml'), '[package]\nname = "x"\n');
  await writeFile(path.join(dir, 'package.json'), '{}');
  await writeFile(path.join(dir, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.pixi.workspace]\nchannels = ["conda-forge"]\n');
  expect(await detectExtensions(dir)).toEqual([
    { name: 'cargo', reason: 'Cargo.toml found' },
    { name: 'npm', reason: 'package.json found' },
    { name: 'pixi', reason: 'pyproject.toml has a [tool.pixi] table' },
  ]);
});

test('a pyproject.toml without [tool.pixi] proposes nothing; pixi.toml does', async () => {
  await writeFile(path.join(dir, 'pyproject.toml'), '[tool.ruff]\nline-length = 100\n# [tool.pixi] in a comment does not count\n');
  expect(await detectExtensions(dir)).toEqual([]);
  await writeFile(path.join(dir, 'pixi.toml'), '[workspace]\n');
  expect(await detectExtensions(dir)).toEqual([{ name: 'pixi', reason: 'pixi.toml found' }]);
});
