/**
 * The devcontainer.json mapping (core/devcontainer.ts): golden documents for every run
 * setting an extension can give (through the same runSettings `rockts run` uses) and
 * for the docker run flags that have devcontainer.json properties, each validated
 * against the published devcontainer.json schema (test/fixtures/devcontainer-schema).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { composeDevcontainer, readDevcontainerRecord, splitRunArgs, type DevcontainerInput } from '../../src/core/devcontainer.js';
import { runSettings } from '../../src/core/run-settings.js';
import type { OrderedExtension } from '../../src/core/types.js';
import { parseManifest } from '../../src/extensions/parse-manifest.js';
import { ROOT, UPDATE_GOLDEN } from '../helpers/project.js';

const SCHEMA = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/devcontainer-schema/devContainer.base.schema.json'), 'utf8'));
// The schema carries VS Code's editor keywords (allowComments, markdownDescription…): not strict.
// Its one format is "uri" on $schema, which rockts does not write.
const validate = new Ajv2019({ allErrors: true, strict: false, formats: { uri: true } }).compile(SCHEMA);

function extension(yaml: string): OrderedExtension {
  const manifest = parseManifest(`name: ext\nversion: 1.0.0\ndescription: test\nrockts: "^0.1"\n${yaml}`, 'ext/extension.yaml');
  return {
    name: 'ext',
    extension: { manifest, manifestFile: 'ext/extension.yaml', dir: 'ext', source: { kind: 'builtin' }, templates: [], hasFiles: false },
    options: [],
    optionValues: {},
    builderBaseImage: 'ubuntu:22.04',
    request: { kind: 'required', by: [] },
    effectivePriority: 50,
    priorityFrom: undefined,
    dependencies: [],
  };
}

/** Every kind of `run:` setting a manifest has: env, bind and named volumes, a device, GPUs. */
const EVERY_SETTING = extension(`run:
  env:
    DISPLAY: "{{host.env.DISPLAY}}"
    GREETING: hello world
  volumes:
    - { source: "{{host.env.SSH_AUTH_SOCK}}", target: /run/rockts/ssh-agent.sock, env: SSH_AUTH_SOCK }
    - { source: "{{host.home}}/.gitconfig", target: /etc/gitconfig, readonly: true }
    - cargo-cache:/usr/local/cargo/registry
  devices: [/dev/dri]
  gpus: all
`);

const settings = runSettings(
  [EVERY_SETTING],
  {
    home: '/home/me',
    env: { DISPLAY: ':1', SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1' },
    user: { name: 'me', uid: 1000, gid: 1000, home: '/home/me' },
    exists: () => true,
  },
  'docker',
);

const BASE: DevcontainerInput = {
  name: 'proj-dev',
  configHash: 'sha256:0123456789abcdef',
  rocktsVersion: '0.0.0-test',
  configFile: '../rockerc.yaml',
  source: { kind: 'build', dockerfile: 'rockts/Dockerfile', context: 'rockts', network: 'host' },
  workspace: { source: '${localWorkspaceFolder}', target: '/workspaces/proj' },
  user: 'me',
  network: 'host',
  runArgs: settings.args,
};

const CASES: Record<string, DevcontainerInput> = {
  // Flags other sources of run settings (the config's run: block, rocker's keys) produce.
  'every-setting': {
    ...BASE,
    runArgs: [
      ...settings.args,
      ...['--cap-add', 'SYS_PTRACE', '--security-opt', 'seccomp=unconfined', '--privileged', '--init', '--publish', '8080:80', '--shm-size=1g', '--ulimit', 'nofile=1024:1024'],
    ],
  },
  // dockerfile: in rockerc.yaml: the image the final stage starts from is built on the host first.
  'dockerfile-base': {
    ...BASE,
    runArgs: [],
    initializeCommand: ['docker', 'build', '--network', 'host', '--tag', 'proj-dev-base:0123abcd', '--file', '/home/me/proj/docker/dev.Dockerfile', '/home/me/proj/docker'],
  },
  // git-clone with an ssh URL: the editor's build forwards the ssh agent too.
  'ssh-agent-build': { ...BASE, source: { kind: 'build', dockerfile: 'rockts/Dockerfile', context: 'rockts', network: 'host', sshAgent: true }, runArgs: [] },
  'image-no-user': { ...BASE, source: { kind: 'image', image: 'proj-dev' }, workspace: { source: '/home/me/proj', target: '/workspaces/proj' }, user: undefined, network: undefined, runArgs: [] },
};

const goldenFile = (name: string) => path.join(ROOT, 'test/golden-devcontainer', `${name}.json`);

describe.each(Object.keys(CASES))('%s', (name) => {
  const document = composeDevcontainer(CASES[name]!);
  const text = JSON.stringify(document, null, 2) + '\n';
  if (UPDATE_GOLDEN) writeFileSync(goldenFile(name), text);

  test('matches its golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    expect(text).toBe(readFileSync(goldenFile(name), 'utf8'));
  });

  test('is valid against the published devcontainer.json schema', () => {
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });

  test('records the composition it was made from', () => {
    expect(readDevcontainerRecord(document)).toEqual({ composition: 'sha256:0123456789abcdef', generatedBy: 'rockts 0.0.0-test', config: '../rockerc.yaml' });
  });
});

test('the schema check can fail: runArgs must be a list of strings', () => {
  expect(validate({ image: 'x', runArgs: '--privileged' })).toBe(false);
});

test('every run argument lands somewhere: properties or runArgs, none dropped', () => {
  const document = composeDevcontainer(CASES['every-setting']!) as { containerEnv: object; mounts: string[]; runArgs: string[] };
  expect(Object.keys(document.containerEnv)).toEqual(['DISPLAY', 'GREETING', 'SSH_AUTH_SOCK']);
  expect(document.mounts).toHaveLength(2);
  expect(document.runArgs).toEqual(['--network=host', '--volume=cargo-cache:/usr/local/cargo/registry', '--device=/dev/dri', '--gpus=all', '--shm-size=1g', '--ulimit=nofile=1024:1024']);
});

test('run arguments split into flags and values, with --flag=value and value-less switches', () => {
  expect(splitRunArgs(['--env', 'A=1', '--init', '--shm-size=1g', '-p', '80:80', '--oom-kill-disable', '--privileged', 'image'])).toEqual([
    { flag: '--env', value: 'A=1' },
    { flag: '--init', value: undefined },
    { flag: '--shm-size', value: '1g' },
    { flag: '-p', value: '80:80' },
    { flag: '--oom-kill-disable', value: undefined },
    { flag: '--privileged', value: undefined },
    { flag: 'image', value: undefined },
  ]);
});

test('a document rockts did not write has no record', () => {
  expect(readDevcontainerRecord({ name: 'mine', image: 'x' })).toBeUndefined();
  expect(readDevcontainerRecord(undefined)).toBeUndefined();
});
