/** What extensions add to `docker run`, filled in from the host (core/run-settings.ts). */
import { RocktsError } from '../../src/core/errors.js';
import { mergeRunSettings, NO_RUN_SETTINGS, runSettings, type HostContext } from '../../src/core/run-settings.js';
import type { OrderedExtension } from '../../src/core/types.js';
import { parseManifest } from '../../src/extensions/parse-manifest.js';

function extension(yaml: string, options: Record<string, string | number | boolean> = {}): OrderedExtension {
  const manifest = parseManifest(`name: ext\nversion: 1.0.0\ndescription: test\nrockts: "^0.1"\n${yaml}`, 'ext/extension.yaml');
  const values = manifest.options.map((o) => ({ name: o.name, value: options[o.name] ?? o.spec.default }));
  return {
    name: 'ext',
    extension: { manifest, manifestFile: 'ext/extension.yaml', dir: 'ext', source: { kind: 'builtin' }, templates: [], hasFiles: false },
    options: values,
    optionValues: Object.fromEntries(values.map((o) => [o.name, o.value])),
    builderBaseImage: 'ubuntu:22.04',
    request: { kind: 'required', by: [] },
    effectivePriority: 50,
    priorityFrom: undefined,
    dependencies: [],
  };
}

const host = (env: Record<string, string>, existing: readonly string[] = []): HostContext => ({
  home: '/home/me',
  env,
  user: { name: 'me', uid: 1000, gid: 1000, home: '/home/me' },
  exists: (p) => existing.includes(p),
});

const SSH = `run:
  volumes:
    - { source: "{{host.env.SSH_AUTH_SOCK}}", target: /run/rockts/ssh-agent.sock, env: SSH_AUTH_SOCK }
    - { source: "{{host.home}}/.gitconfig", target: "{{user.home}}/.gitconfig", readonly: true }
  env:
    DISPLAY: "{{host.env.DISPLAY}}"
    LEVEL: "{{options.level}}"
options:
  level: { type: string, default: info, pattern: "^[a-z]+$" }
`;

test('host values fill in mounts and env; a mount sets its env variable to the target', () => {
  const settings = runSettings([extension(SSH, { level: 'debug' })], host({ SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1', DISPLAY: ':1' }, ['/tmp/ssh-x/agent.1', '/home/me/.gitconfig']), 'docker');
  expect(settings.args).toEqual([
    '--env', 'DISPLAY=:1',
    '--env', 'LEVEL=debug',
    '--mount', 'type=bind,source=/tmp/ssh-x/agent.1,target=/run/rockts/ssh-agent.sock',
    '--env', 'SSH_AUTH_SOCK=/run/rockts/ssh-agent.sock',
    '--mount', 'type=bind,source=/home/me/.gitconfig,target=/home/me/.gitconfig,readonly',
  ]);
  expect(settings.notes).toEqual([]);
});

test('an unset host variable or a missing source skips the entry with a note', () => {
  const settings = runSettings([extension(SSH)], host({}), 'docker');
  expect(settings.args).toEqual(['--env', 'LEVEL=info']);
  expect(settings.notes).toEqual([
    'ext: not setting DISPLAY: $DISPLAY is not set on this machine',
    'ext: not mounting {{host.env.SSH_AUTH_SOCK}}: $SSH_AUTH_SOCK is not set on this machine',
    'ext: not mounting /home/me/.gitconfig: it does not exist on this machine',
  ]);
});

test('a device the host does not have is skipped with a note', () => {
  const dri = extension('run:\n  devices: [/dev/dri, "/dev/snd:/dev/snd"]\n');
  expect(runSettings([dri], host({}, ['/dev/snd']), 'docker')).toEqual({
    args: ['--device', '/dev/snd:/dev/snd'],
    notes: ['ext: not passing device /dev/dri: it does not exist on this machine'],
  });
});

test('gpus: --gpus on Docker, CDI devices on Podman', () => {
  const all = extension('run:\n  gpus: all\n');
  expect(runSettings([all], host({}), 'docker').args).toEqual(['--gpus', 'all']);
  expect(runSettings([all], host({}), 'podman').args).toEqual(['--device', 'nvidia.com/gpu=all']);
  const two = extension('options:\n  count: { type: string, default: "2" }\nrun:\n  gpus: "{{options.count}}"\n');
  expect(runSettings([two], host({}), 'podman').args).toEqual(['--device', 'nvidia.com/gpu=0', '--device', 'nvidia.com/gpu=1']);
  const bad = extension('options:\n  count: { type: string, default: "some" }\nrun:\n  gpus: "{{options.count}}"\n');
  let error: RocktsError | undefined;
  try {
    runSettings([bad], host({}), 'docker');
  } catch (e) {
    error = e as RocktsError;
  }
  expect(error?.message).toBe(`extension 'ext': run.gpus: expected all or a number of GPUs, found "some"`);
  expect(error?.location).toEqual({ file: 'ext/extension.yaml', line: 8, column: 9 });
});

test('a host value that would break the mount syntax or add a line is refused', () => {
  const mount = extension('run:\n  volumes:\n    - { source: "{{host.env.X}}", target: /x }\n');
  expect(() => runSettings([mount], host({ X: '/a,b' }, ['/a,b']), 'docker')).toThrow(
    `extension 'ext': run.volumes: expected an absolute path without commas, found "/a,b"`,
  );
  const env = extension('run:\n  env:\n    X: "{{host.env.X}}"\n');
  expect(() => runSettings([env], host({ X: 'a\nb' }), 'docker')).toThrow('gives a value with control characters on this machine');
});

test('unknown variables in run: values are manifest errors, found before any container starts', () => {
  let error: unknown;
  try {
    extension('run:\n  env:\n    X: "{{host.user}}"\n  volumes:\n    - { source: "{{options.nope}}", target: /x }\n');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RocktsError);
  const messages = (error as RocktsError).problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.message}`);
  expect(messages).toEqual([
    '7:8 run.env.X: {{host.user}} is not a variable of run: values; expected {{options.NAME}}, {{user.name}} (uid, gid, home), {{host.home}} or {{host.env.NAME}}',
    '9:17 run.volumes.0.source: {{options.nope}} is not a variable of run: values; expected {{options.NAME}}, {{user.name}} (uid, gid, home), {{host.home}} or {{host.env.NAME}}',
  ]);
});

describe('mergeRunSettings: extensions, then the config, then the command line; last wins', () => {
  const at = <T>(value: T) => ({ value, location: { file: 'rockerc.yaml', line: 1, column: 1 } });
  const config = { ...NO_RUN_SETTINGS, env: [at('EDITOR=vim')], shmSize: at('2g'), privileged: at(true), name: at('from-config'), network: at('host') };
  const none = { keep: false, name: undefined, detach: false, network: undefined };

  test("the config's settings follow the extensions' arguments, so its env wins in docker", () => {
    const merged = mergeRunSettings({ args: ['--env', 'EDITOR=nano'], notes: [] }, config, none);
    expect(merged.args).toEqual(['--env', 'EDITOR=nano', '--env', 'EDITOR=vim', '--shm-size', '2g', '--privileged']);
    expect([merged.name, merged.keep, merged.network]).toEqual(['from-config', true, 'host']);
  });

  test('command-line flags win over the config', () => {
    const merged = mergeRunSettings({ args: [], notes: [] }, config, { keep: false, name: 'from-flag', detach: true, network: 'bridge' });
    expect([merged.name, merged.detach, merged.network]).toEqual(['from-flag', true, 'bridge']);
  });
});
