/** `rockts migrate` as text in, text out (config/migrate-config.ts); the corpus round-trips in golden-rockerc.test.ts. */
import { RocktsError } from '../../src/core/errors.js';
import { migrateConfig } from '../../src/config/migrate-config.js';

const context = { baseDir: '/p', home: '/home/me' };

test('every kind of extension entry keeps its form; other projects\' names become rockts names with their options', () => {
  const text = [
    'image: ubuntu:24.04',
    'extensions:',
    '  - nvidia: { gpus: "1" }',
    '  - ros_jazzy',
    '  - package: rockts-extension-x',
    '  - ./tools/ext',
    '  - rockts/git',
    'args: [deps=*.deps.yaml, x11, ../shared/ext]',
    '',
  ].join('\n');
  expect(migrateConfig(text, '/p/rockerc.yaml', context)).toBe(
    [
      '# The native rockts form of rockerc.yaml, written by `rockts migrate`; "# was:" marks what was written differently.',
      'image: ubuntu:24.04',
      'extensions:',
      '  - gpu: { gpus: "1" }  # was: nvidia',
      '  - ros: { distro: jazzy }  # was: ros_jazzy',
      '  - package: rockts-extension-x',
      '  - ./tools/ext',
      '  - rockts/git',
      '  - ../shared/ext',
      '  - deps: { filter: "*.deps.yaml" }  # was: deps=*.deps.yaml (deps_rocker name)',
      '  - x11',
      '',
    ].join('\n'),
  );
});

test('run settings join the file\'s own run: block; values stay as written (paths are not resolved)', () => {
  const text = 'image: ubuntu:24.04\nrun:\n  volumes: [./a:/a]\n  env: { A: "1" }\nvolume: ./b:/b\nenv: B=2\nname: dev\n';
  expect(migrateConfig(text, '/p/rockerc.yaml', context)).toBe(
    [
      '# The native rockts form of rockerc.yaml, written by `rockts migrate`; "# was:" marks what was written differently.',
      'image: ubuntu:24.04',
      'run:',
      '  volumes:',
      '    - ./a:/a',
      '    - ./b:/b  # was: volume: ./b:/b',
      '  env:',
      '    A: "1"',
      '    B: "2"  # was: env: B=2',
      '  name: dev  # was: name: dev',
      '',
    ].join('\n'),
  );
});

test("deps_rocker's auto next to listed extensions cannot be migrated; it says where", () => {
  expect(() => migrateConfig('image: ubuntu:24.04\nargs: [auto, x11]\n', '/p/rockerc.yaml', context)).toThrow(RocktsError);
  expect(() => migrateConfig('image: ubuntu:24.04\nargs: [auto, x11]\n', '/p/rockerc.yaml', context)).toThrow("deps_rocker's auto cannot be migrated next to listed extensions");
});

test('a blacklisted item is dropped with a note, also when the blacklist names what it stands for; the key keeps rockts\'s spelling', () => {
  expect(migrateConfig('image: ubuntu:24.04\nargs: [nvidia, x11]\nextension_blacklist: gpu\n', '/p/rockerc.yaml', context)).toBe(
    [
      '# The native rockts form of rockerc.yaml, written by `rockts migrate`; "# was:" marks what was written differently.',
      'image: ubuntu:24.04',
      'extensions:',
      '  - x11',
      'extension-blacklist: gpu  # was: extension_blacklist',
      '# dropped: nvidia: left out, named by extension-blacklist or disable_args',
      '',
    ].join('\n'),
  );
});
