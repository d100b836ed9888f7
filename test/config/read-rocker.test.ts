/** rockerc items read into native settings (config/read-rocker.ts). */
import { argsItem, translateItems, type RockerItem } from '../../src/config/read-rocker.js';
import { ROCKER_NAMES } from '../../src/config/rocker-names.js';
import { RUN_SETTINGS } from '../../src/core/run-settings.js';

const at = { file: 'rockerc.yaml', line: 3, column: 5 };
const key = (name: string, value: unknown): RockerItem => ({ name, written: `${name}: ${String(value)}`, value, location: at });

test('an args item is NAME, NAME=VALUE or NAME VALUE, with _ read as -; a path is not one', () => {
  expect(argsItem('ssh_client', at)).toMatchObject({ name: 'ssh-client', value: undefined });
  expect(argsItem('deps=*.deps.yaml', at)).toMatchObject({ name: 'deps', value: '*.deps.yaml' });
  expect(argsItem('volume /a:/b /c', at)).toMatchObject({ name: 'volume', value: '/a:/b /c' });
  expect(argsItem('./tools/ext', at)).toBeUndefined();
  expect(argsItem('rockts/git', at)).toBeUndefined();
});

/** A typical value per run setting that a rocker flag sets (runtime only comes from nvidia=runtime). */
const VALID: Record<string, string> = {
  volumes: '/a:/b:ro',
  env: 'A=1',
  ports: '127.0.0.1:8080:80/tcp',
  expose: '8080',
  devices: '/dev/dri',
  ulimits: 'nofile=1024:2048',
  groupAdd: 'video',
  name: 'dev',
  hostname: 'box.local',
  network: 'host',
  ipc: 'host',
  shmSize: '2g',
  cpus: '1.5',
  memory: '512m',
};
const FLAG_FOR = new Map([...ROCKER_NAMES].flatMap(([name, entry]) => (entry.kind === 'run' ? [[entry.setting, name] as const] : [])));

test.each(Object.keys(VALID))('run setting %s: a valid value is read; a value that starts like a flag, or has a newline, never is', (setting) => {
  const flag = FLAG_FOR.get(setting as keyof typeof RUN_SETTINGS)!;
  expect(translateItems([key(flag, VALID[setting])])).toMatchObject({ problems: [], translations: [{ kind: 'run', setting, values: [VALID[setting]] }] });
  for (const bad of [`--privileged`, `-v/:/host`, `${VALID[setting]}\n--privileged`]) {
    const { problems } = translateItems([key(flag, bad)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/expected /);
    expect(problems[0]!.location).toEqual(at);
  }
});

test('switches take no value; false leaves a flag off', () => {
  expect(translateItems([key('privileged', true)]).translations).toMatchObject([{ kind: 'run', setting: 'privileged', values: [] }]);
  expect(translateItems([key('privileged', 'yes')]).problems[0]!.message).toBe("'privileged: yes': expected no value (or true), found \"yes\"");
  expect(translateItems([key('pull', false)]).translations).toMatchObject([{ kind: 'noop', why: 'false leaves it off' }]);
});

test('nvidia modes: auto and gpus are the gpu extension; runtime adds --runtime nvidia', () => {
  expect(translateItems([key('nvidia', 'gpus')]).translations.map((t) => t.kind)).toEqual(['extension']);
  expect(translateItems([key('nvidia', 'runtime')]).translations).toMatchObject([{ kind: 'extension', name: 'gpu' }, { kind: 'run', setting: 'runtime', values: ['nvidia'] }]);
});

test('an alias carries its options; a value goes to the option the alias names', () => {
  expect(translateItems([{ ...key('ros-jazzy', undefined) }]).translations).toMatchObject([{ kind: 'extension', name: 'ros', options: [['distro', 'jazzy']] }]);
  expect(translateItems([key('deps', 'tools/*.deps.yaml')]).translations).toMatchObject([{ kind: 'extension', name: 'deps', options: [['filter', 'tools/*.deps.yaml']] }]);
  expect(translateItems([key('git', 'yes')]).problems[0]!.message).toContain("extension 'git' takes no value here");
});
