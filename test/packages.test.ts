/** Where rockts looks for extension packages. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { npmGlobalRoot, searchFolders } from '../src/extensions/packages.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'rockts-packages-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

test('node_modules folders are searched from the project up to the root, then the global root', () => {
  expect(searchFolders('/work/project/sub', '/usr/lib/node_modules')).toEqual([
    '/work/project/sub/node_modules',
    '/work/project/node_modules',
    '/work/node_modules',
    '/node_modules',
    '/usr/lib/node_modules',
  ]);
  expect(searchFolders('/work', '/work/node_modules')).toEqual(['/work/node_modules', '/node_modules']);
});

test('the global root follows npm: $npm_config_prefix, else prefix= in ~/.npmrc, else the folder above node', async () => {
  expect(npmGlobalRoot({ npm_config_prefix: '/opt/npm' }, home, '/usr/bin/node')).toBe('/opt/npm/lib/node_modules');
  expect(npmGlobalRoot({}, home, '/home/me/.nvm/versions/node/v20.19.0/bin/node')).toBe('/home/me/.nvm/versions/node/v20.19.0/lib/node_modules');
  await writeFile(path.join(home, '.npmrc'), 'fund=false\nprefix = ~/.npm-global\n');
  expect(npmGlobalRoot({}, home, '/usr/bin/node')).toBe(path.join(home, '.npm-global/lib/node_modules'));
  expect(npmGlobalRoot({ NPM_CONFIG_PREFIX: '/x' }, home, '/usr/bin/node')).toBe('/x/lib/node_modules');
});
