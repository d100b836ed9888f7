/** test/scenarios.yaml: what a scenario says, where it said it, and the full text of every problem. */
import { formatError, RocktsError } from '../../src/core/errors.js';
import { defaultScenarios, parseScenarios } from '../../src/authoring/parse-scenarios.js';

const FILE = '/pkg/test/scenarios.yaml';

function errorText(text: string): string {
  try {
    parseScenarios(text, FILE, '/home/me');
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    return formatError(error, (f) => f.replace('/pkg/', ''));
  }
  throw new Error('expected the file to be refused');
}

test('every problem in a malformed file, each as file:line:col: expected X, found Y', () => {
  const text = [
    'image: 42',
    'builder: { apt: [Bad Package] }',
    'scenarios:',
    '  Default: {}',
    '  custom:',
    '    optionz: {}',
    '    test: ../escape.sh',
    '  plain: "yes"',
    '',
  ].join('\n');
  expect(errorText(text)).toBe(
    [
      'rockts: 6 problems found',
      'test/scenarios.yaml:1:8: image: expected a string, found the number 42',
      'test/scenarios.yaml:2:18: builder.apt[0]: expected a Debian package name such as curl or libssl-dev, found "Bad Package"',
      'test/scenarios.yaml:4:3: scenarios: expected a scenario name: lower-case letters and digits, joined by . _ or - as key, found "Default"',
      "test/scenarios.yaml:6:5: unknown key 'optionz' in scenarios.custom; expected one of: image, builder, options, extensions, test (did you mean 'options'?)",
      'test/scenarios.yaml:7:11: scenarios.custom.test: expected a script in test/ such as test.sh (a relative path without ..), found "../escape.sh"',
      'test/scenarios.yaml:8:10: scenarios.plain: expected a mapping, found "yes"',
      '',
    ].join('\n'),
  );
});

test('invalid YAML and a list item naming two extensions', () => {
  expect(errorText('scenarios:\n  a: {\n')).toMatch(/^test\/scenarios\.yaml:\d+:\d+: invalid YAML: /);
  expect(errorText('scenarios:\n  a:\n    extensions: [tz, { x: {}, y: {} }]\n')).toBe(
    'test/scenarios.yaml:3:22: expected one extension per list item (`- name: {options}`), found 2 keys: x, y\n',
  );
});

test('file-wide image and builder apply to every scenario unless it sets its own; values keep their places', () => {
  const text = [
    'image: debian:bookworm',
    'builder: { baseImage: debian:bookworm, apt: [] }',
    'scenarios:',
    '  default:',
    '  custom:',
    '    image: ubuntu:24.04',
    '    options: { greeting: "hi", level: 3 }',
    '    extensions: [tz, { locale: { locale: C.UTF-8 } }, ../other, "~/mine"]',
    '    test: custom.sh',
    '',
  ].join('\n');
  const [plain, custom] = parseScenarios(text, FILE, '/home/me');
  expect(plain).toMatchObject({
    name: 'default',
    location: { file: FILE, line: 4, column: 3 },
    image: { value: 'debian:bookworm', location: { line: 1, column: 8 } },
    builderBaseImage: { value: 'debian:bookworm' },
    builderApt: [],
    options: [],
    extensions: [],
    test: { value: 'test.sh' },
  });
  expect(custom!.image).toEqual({ value: 'ubuntu:24.04', location: { file: FILE, line: 6, column: 12 } });
  expect(custom!.options.map((o) => [o.key.value, o.value.value, o.value.location.line, o.value.location.column])).toEqual([
    ['greeting', 'hi', 7, 26],
    ['level', 3, 7, 39],
  ]);
  expect(custom!.extensions.map((e) => e.ref)).toEqual([
    { kind: 'name', name: 'tz' },
    { kind: 'name', name: 'locale' },
    { kind: 'path', path: '/pkg/other', written: '../other' },
    { kind: 'path', path: '/home/me/mine', written: '~/mine' },
  ]);
  expect(custom!.extensions[1]!.options.map((o) => [o.key.value, o.value.value])).toEqual([['locale', 'C.UTF-8']]);
  expect(custom!.test.value).toBe('custom.sh');
});

test('an empty file, or one without scenarios:, is the one `default` scenario', () => {
  expect(parseScenarios('', FILE, '/home/me')).toEqual(defaultScenarios(FILE));
  const [only, ...rest] = parseScenarios('image: debian:bookworm\n', FILE, '/home/me');
  expect(rest).toEqual([]);
  expect(only).toMatchObject({ name: 'default', image: { value: 'debian:bookworm' }, options: [], test: { value: 'test.sh' } });
});
