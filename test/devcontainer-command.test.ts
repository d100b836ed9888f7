/**
 * `rockts devcontainer` as a user runs it: the file and its build context, valid against
 * the published schema; a devcontainer.json rockts did not write is kept unless --force;
 * -o and --use-image; and `rockts plan` saying when the file is stale.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { rocktsIn } from './helpers/engine.js';
import { ROOT } from './helpers/project.js';

const SCHEMA = JSON.parse(await readFile(path.join(ROOT, 'test/fixtures/devcontainer-schema/devContainer.base.schema.json'), 'utf8'));
const validate = new Ajv2019({ allErrors: true, strict: false, formats: { uri: true } }).compile(SCHEMA);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-devcontainer-'));
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello, user]\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// --network host: the same file whether or not this machine's engine has a bridge network.
const rockts = (args: string[]) => rocktsIn(dir, args, { HOME: dir, USER: 'dev', NO_COLOR: '1' });
const FILE = '.devcontainer/devcontainer.json';
const read = async (file = FILE) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>;

test('writes devcontainer.json and the build context beside it, valid against the published schema', async () => {
  const result = await rockts(['devcontainer', '--network', 'host']);
  expect(result).toMatchObject({ code: 0, stdout: '' });
  expect(result.stderr).toContain('wrote .devcontainer/devcontainer.json and the build context .devcontainer/rockts/\n');
  const document = await read();
  expect(validate(document) ? [] : validate.errors).toEqual([]);
  const folder = path.basename(dir);
  expect(document).toMatchObject({
    build: { dockerfile: 'rockts/Dockerfile', context: 'rockts', options: ['--network=host'] },
    workspaceMount: `type=bind,source=\${localWorkspaceFolder},target=/workspaces/${folder}`,
    workspaceFolder: `/workspaces/${folder}`,
    updateRemoteUserUID: false,
    runArgs: ['--network=host'],
    customizations: { rockts: { config: '../rockerc.yaml' } },
  });
  expect(document.remoteUser).toBe(document.containerUser);
  expect((await readdir(path.join(dir, '.devcontainer/rockts'))).sort()).toEqual(['Dockerfile', 'files']);
  const dockerfile = await readFile(path.join(dir, '.devcontainer/rockts/Dockerfile'), 'utf8');
  expect(dockerfile).toContain(`rockts.config="${(document.customizations as { rockts: { composition: string } }).rockts.composition}"`);
  // No temporary files left behind.
  expect((await readdir(path.join(dir, '.devcontainer'))).sort()).toEqual(['devcontainer.json', 'rockts']);
});

test("a devcontainer.json rockts did not write is kept (exit 3) unless --force; rockts's own is regenerated", async () => {
  await mkdir(path.join(dir, '.devcontainer'));
  await writeFile(path.join(dir, FILE), '// mine\n{ "image": "mine" }\n');
  const refused = await rockts(['devcontainer']);
  expect(refused).toMatchObject({ code: 3, stdout: '' });
  expect(refused.stderr).toContain(`rockts: ${path.join(dir, FILE)} exists and was not written by rockts; rockts devcontainer replaces it only with --force (or write elsewhere with -o)\n`);
  expect(await readFile(path.join(dir, FILE), 'utf8')).toBe('// mine\n{ "image": "mine" }\n');
  expect((await readdir(path.join(dir, '.devcontainer')))).toEqual(['devcontainer.json']);

  expect((await rockts(['devcontainer', '--force'])).code).toBe(0);
  expect(await read()).toHaveProperty('customizations.rockts');
  expect((await rockts(['devcontainer'])).code).toBe(0);
});

test('-o writes elsewhere, mounting the project folder by its path; --use-image uses the tag rockts builds', async () => {
  const result = await rockts(['devcontainer', '-o', 'editors/dev', '--use-image', '--network', 'host', '--json']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ file: 'editors/dev/devcontainer.json', context: null });
  const document = await read('editors/dev/devcontainer.json');
  expect(validate(document) ? [] : validate.errors).toEqual([]);
  expect(document).toMatchObject({ image: `${path.basename(dir).toLowerCase()}-dev`, workspaceMount: `type=bind,source=${dir},target=/workspaces/${path.basename(dir)}` });
  expect(document).not.toHaveProperty('build');
  expect(await readdir(path.join(dir, 'editors/dev'))).toEqual(['devcontainer.json']);
});

test('--network takes one network name, never more arguments (exit 2)', async () => {
  const result = await rockts(['devcontainer', '--network', 'host --privileged']);
  expect(result).toEqual({ code: 2, stdout: '', stderr: 'rockts: --network: expected a network name such as host, or container:NAME, found "host --privileged"\n' });
});

test("the config's run.network is the container's and the build's network, as for rockts run; --network wins", async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [hello, user]\nrun:\n  network: none\n');
  expect((await rockts(['devcontainer'])).code).toBe(0);
  expect(await read()).toMatchObject({ build: { options: ['--network=none'] }, runArgs: ['--network=none'] });
  expect((await rockts(['devcontainer', '--network', 'host'])).code).toBe(0);
  expect(await read()).toMatchObject({ build: { options: ['--network=host'] }, runArgs: ['--network=host'] });
});

test('rockts plan says when the devcontainer.json was written for another composition', async () => {
  await rockts(['devcontainer']);
  const current = JSON.parse((await rockts(['plan', '--json'])).stdout) as { devcontainer: unknown };
  expect(current.devcontainer).toEqual({ file: FILE, current: true });
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:22.04\nextensions: [hello, user]\n');
  const plan = await rockts(['plan']);
  expect(plan.stdout).toContain(`\n${FILE} is stale: it was written for another composition; \`rockts devcontainer\` regenerates it\n`);
});
