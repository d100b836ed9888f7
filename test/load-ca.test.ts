import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadCompanyCa } from '../src/config/load-ca.js';
import type { RocktsError } from '../src/core/errors.js';
import type { Config } from '../src/core/types.js';
import { fakeConfig } from './helpers/fake-extension.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-load-ca-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newCa = (name: string) => {
  const file = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, `${name}.key`), '-out', file, '-days', '1', '-subj', `/CN=${name}`], { stdio: 'pipe' });
  return readFile(file, 'utf8');
};
const withCa = (file: string): Config => ({
  ...fakeConfig('ubuntu:24.04', []),
  file: path.join(dir, 'rockerc.yaml'),
  ca: { file: { value: file, location: { file: path.join(dir, 'rockerc.yaml'), line: 3, column: 5 } }, sha256: undefined },
});

test('a bundle becomes one .crt per certificate, and its sha256 joins the config', async () => {
  const bundle = path.join(dir, 'bundle.pem');
  const [one, two] = [await newCa('one'), await newCa('two')];
  await writeFile(bundle, `# Subject: CN=one\n${one}\n# Subject: CN=two\n${two}`);
  const problems: RocktsError[] = [];
  const loaded = await loadCompanyCa(withCa(bundle), problems);
  expect(problems).toEqual([]);
  expect(loaded.contextFiles.map((f) => [f.path, f.content.toString()])).toEqual([
    ['rockts-ca/ca-1.crt', one],
    ['rockts-ca/ca-2.crt', two],
  ]);
  expect(loaded.config.ca?.sha256).toMatch(/^[0-9a-f]{64}$/);
});

test('without ca: nothing is read or added', async () => {
  const config = fakeConfig('ubuntu:24.04', []);
  expect(await loadCompanyCa(config, [])).toEqual({ config, contextFiles: [] });
});

test('a FIFO at ca: is refused, never opened for a blocking read', async () => {
  const fifo = path.join(dir, 'fifo.pem');
  execFileSync('mkfifo', [fifo]);
  const problems: RocktsError[] = [];
  const config = withCa(fifo);
  expect(await loadCompanyCa(config, problems)).toEqual({ config, contextFiles: [] });
  expect(problems.map((p) => p.message)).toEqual([
    'ca: expected a PEM file of CA certificates (-----BEGIN CERTIFICATE----- blocks), found fifo.pem, which cannot be read (cannot use fifo.pem: found a FIFO (named pipe); expected regular files and folders only)',
  ]);
});
