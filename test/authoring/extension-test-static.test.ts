/**
 * `rockts extension test --static` as a user runs it (no engine): every scenario
 * composed, shellcheck over the extension's RUN scripts and *.sh files, the exact
 * report and exit code. Needs shellcheck; CI installs it (scripts/ci/tools-up.sh).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from '../../src/docker/engine.js';
import { rocktsIn } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS } from '../helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-static-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], cwd = dir, env: NodeJS.ProcessEnv = {}) => rocktsIn(cwd, args, { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS, ...env });

/** Writes an extension folder from `files` (paths relative to it); *.sh files are executable. */
async function writeExtension(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
    if (file.endsWith('.sh')) await chmod(path.join(root, file), 0o755);
  }
}

const MANIFEST = 'name: sloppy\nversion: 1.0.0\ndescription: shell bugs\nrockts: "^0.1"\noptions:\n  level: { type: number, default: 2, minimum: 1, maximum: 5, integer: true }\n';
const SLOPPY = {
  'extension.yaml': MANIFEST,
  'builder.Dockerfile.hbs': '# level {{options.level}}\nRUN mkdir -p {{outDir}}/etc \\\n    && chown $(id -u) {{outDir}}/etc\n',
  'setup.Dockerfile.hbs': "RUN <<'EOF'\n#!/bin/bash\nset -eu\nfiles=(a b)\necho ${files[@]} $HOME\nEOF\n",
  'test/test.sh': '#!/bin/sh\nset -eu\necho "$undefined_var"\n',
  'test/scenarios.yaml': 'scenarios:\n  default: {}\n  loud:\n    options: { level: 5 }\n',
};

const shellcheck = await findOnPath('shellcheck');
const withShellcheck = shellcheck !== undefined || process.env.ROCKTS_REQUIRE_ENGINE === '1' ? describe : describe.skip;
if (shellcheck === undefined) process.stderr.write('\nSKIPPED shellcheck tests of `extension test --static`: shellcheck is not installed (apt-get install shellcheck)\n');

withShellcheck('with shellcheck', () => {
  test('the scaffold passes on its first run', async () => {
    expect((await run(['extension', 'new', 'greeter'])).code).toBe(0);
    const result = await run(['extension', 'test', '--static'], path.join(dir, 'rockts-extension-greeter'));
    expect(result).toEqual({
      code: 0,
      stdout: 'PASS greeter (static: 2 scenarios composed; shellcheck clean on 4 RUN scripts and 1 *.sh file)\n1 passed, 0 failed\n',
      stderr: '',
    });
  });

  test('a shell bug fails with the finding, where the template wrote it, once for all scenarios', async () => {
    await writeExtension(dir, SLOPPY);
    const result = await run(['extension', 'test', '--static']);
    expect(result.stdout).toBe(
      [
        'FAIL sloppy: 3 problems found',
        '  builder.Dockerfile.hbs (scenario default, rendered line 3): SC2046 (warning): Quote this to prevent word splitting.',
        '      3 | && chown $(id -u) /opt/rockts/sloppy/etc',
        '  setup.Dockerfile.hbs (scenario default, rendered line 5): SC2068 (error): Double quote array expansions to avoid re-splitting elements.',
        '      5 | echo ${files[@]} $HOME',
        '  test/test.sh:3:7: SC2154 (warning): undefined_var is referenced but not assigned.',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });

  test('--severity info also reports unquoted variables (SC2086)', async () => {
    await writeExtension(dir, SLOPPY);
    const result = await run(['extension', 'test', '--static', '--severity', 'info', '--scenario', 'loud']);
    expect(result.stdout).toContain('  setup.Dockerfile.hbs (scenario loud, rendered line 5): SC2086 (info): Double quote to prevent globbing and word splitting.\n');
    expect(result.code).toBe(7);
  });

  test('a package: every extension it lists is tested, and one may require its sibling', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'rockts-extension-pair', version: '1.0.0', rockts: { api: '^0.1', extensions: ['one', 'two'] } }));
    const manifest = (name: string, extra = '') => `name: ${name}\nversion: 1.0.0\ndescription: ${name}\nrockts: "^0.1"\n${extra}`;
    await writeExtension(path.join(dir, 'one'), { 'extension.yaml': manifest('one'), 'setup.Dockerfile.hbs': 'RUN mkdir -p /etc/one\n', 'test/test.sh': '#!/bin/sh\ntest -d /etc/one\n' });
    await writeExtension(path.join(dir, 'two'), { 'extension.yaml': manifest('two', 'requires: [one]\n'), 'setup.Dockerfile.hbs': 'RUN touch /etc/one/two\n', 'test/test.sh': '#!/bin/sh\ntest -f /etc/one/two\n' });
    const result = await run(['extension', 'test', '--static']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'PASS one (static: 1 scenario composed; shellcheck clean on 1 RUN script and 1 *.sh file)',
        'PASS two (static: 1 scenario composed; shellcheck clean on 1 RUN script and 1 *.sh file)',
        '2 passed, 0 failed',
        '',
      ].join('\n'),
      stderr: '',
    });
  });
});

test('an invalid option value in a scenario is reported at its place in scenarios.yaml', async () => {
  await writeExtension(dir, { ...SLOPPY, 'test/scenarios.yaml': 'scenarios:\n  default: {}\n  loud:\n    options: { level: 9, colour: red }\n' });
  const result = await run(['extension', 'test', '--static', '--no-shellcheck']);
  expect(result).toEqual({
    code: 3,
    stdout: '',
    stderr: [
      'rockts: 2 problems found',
      "test/scenarios.yaml:4:23: option 'level' of extension 'sloppy': expected a whole number from 1 to 5, found the number 9",
      "test/scenarios.yaml:4:26: unknown option 'colour' for extension 'sloppy'; expected one of: level",
      '',
    ].join('\n'),
  });
});

test('a missing test script, and an unknown --scenario, are reported before anything runs', async () => {
  await writeExtension(dir, { 'extension.yaml': MANIFEST, 'test/scenarios.yaml': 'scenarios:\n  default: { test: check.sh }\n' });
  const result = await run(['extension', 'test', '--static', '--no-shellcheck', '--scenario', 'default', '--scenario', 'nope']);
  expect(result).toEqual({
    code: 3,
    stdout: '',
    stderr: [
      'rockts: 2 problems found',
      "test/scenarios.yaml:2:20: scenario 'default': test script test/check.sh not found",
      'rockts: --scenario nope: no such scenario; the scenarios are: default',
      '',
    ].join('\n'),
  });
});

test('without shellcheck it says how to install it, unless --no-shellcheck', async () => {
  await writeExtension(dir, SLOPPY);
  const emptyPath = path.join(dir, 'no-tools');
  await mkdir(emptyPath);
  const missing = await run(['extension', 'test', '--static'], dir, { PATH: emptyPath });
  expect(missing.code).toBe(5);
  expect(missing.stderr).toContain('shellcheck is not installed');
  expect(missing.stderr).toContain('`sudo apt-get install shellcheck`');
  expect(missing.stderr).toContain('--no-shellcheck');
  const skipped = await run(['extension', 'test', '--static', '--no-shellcheck'], dir, { PATH: emptyPath });
  expect(skipped).toEqual({ code: 0, stdout: 'PASS sloppy (static: 2 scenarios composed; shellcheck skipped)\n1 passed, 0 failed\n', stderr: '' });
});

test('a folder that is neither an extension nor a package', async () => {
  const result = await run(['extension', 'test', '--static', dir]);
  expect(result.code).toBe(3);
  expect(result.stderr).toBe(
    `rockts: ${dir} is neither an extension folder (no extension.yaml) nor a package whose package.json lists its extension folders in \`rockts.extensions\`\n`,
  );
});

test('a scenario may enable an extension of a package installed around the extension', async () => {
  const ext = path.join(dir, 'tools', 'needy');
  await writeExtension(ext, {
    'extension.yaml': 'name: needy\nversion: 1.0.0\ndescription: uses a companion\nrockts: "^0.1"\n',
    'setup.Dockerfile.hbs': 'RUN test -f /etc/companion\n',
    'test/test.sh': '#!/bin/sh\ntrue\n',
    'test/scenarios.yaml': 'scenarios:\n  default:\n    extensions: [companion]\n',
  });
  const pkg = path.join(dir, 'node_modules', 'rockts-extension-companion');
  await writeExtension(pkg, {
    'package.json': JSON.stringify({ name: 'rockts-extension-companion', version: '1.0.0', rockts: { api: '^0.1', extensions: ['.'] } }),
    'extension.yaml': 'name: companion\nversion: 1.0.0\ndescription: a companion\nrockts: "^0.1"\n',
    'setup.Dockerfile.hbs': 'RUN touch /etc/companion\n',
  });
  const result = await run(['extension', 'test', '--static', '--no-shellcheck'], ext, { npm_config_prefix: path.join(dir, 'no-global') });
  expect(result).toMatchObject({ code: 0, stdout: 'PASS needy (static: 1 scenario composed; shellcheck skipped)\n1 passed, 0 failed\n' });
});

test('a raw {{options.x}} in shell text is a warning with its place; quoted or outside the shell it is not', async () => {
  await writeExtension(dir, {
    'extension.yaml': 'name: raw\nversion: 1.0.0\ndescription: raw values\nrockts: "^0.1"\noptions:\n  msg: { type: string, default: "hi" }\n',
    'setup.Dockerfile.hbs': '# says {{options.msg}}\nRUN echo {{quote options.msg}} \\\n    && echo {{options.msg}}\n',
    'test/test.sh': '#!/bin/sh\ntrue\n',
  });
  const result = await run(['extension', 'test', '--static', '--no-shellcheck']);
  expect(result).toEqual({
    code: 0,
    stdout: 'PASS raw (static: 1 scenario composed; shellcheck skipped)\n1 passed, 0 failed\n',
    stderr: "setup.Dockerfile.hbs:3:13: warning: {{options.msg}} is put into a RUN line raw: a value with a space, a quote, ';' or '$' would change the command; write {{quote options.msg}}\n",
  });
});
