/**
 * `rockts extension new` then `rockts extension test` on real engines: the new package
 * passes every scenario (the extension twice in the chain included) and leaves no image
 * behind; a failing test script and a setup step that cannot run twice each fail their
 * phase with their own output, and the command exits 7. Uses the built-in extensions
 * (the `user` extension maps the host user) and the local base images for both the
 * final and the builder stages, with an empty builder apt set, so nothing is downloaded.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, ENGINES, rocktsAsUid, rocktsIn, type CliResult, type TestEngine } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS } from '../helpers/project.js';

jest.setTimeout(600_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-ext-e2e-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Fresh names per run, so image tags never meet those of another run. */
const nonce = `${process.pid}${Date.now()}`.slice(-8);
const LOCAL_IMAGES = ['--image', BASE_IMAGE, '--builder-image', BASE_IMAGE, '--builder-apt', ''];

function extensionTest(engine: TestEngine, cwd: string, args: readonly string[]): Promise<CliResult> {
  return rocktsIn(cwd, ['extension', 'test', ...engine.args, ...args], { ...engine.env, ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });
}

/** `rockts extension test` as uid:gid 4242 (the tests run as root). */
const extensionTestAs4242 = (engine: TestEngine, cwd: string, args: readonly string[]) =>
  rocktsAsUid(engine, 4242, cwd, ['extension', 'test', ...engine.args, ...args], { HOME: dir, ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });

function testImages(engine: TestEngine, name: string): string[] {
  // `podman image ls` fails ("image not known") when another test removes an image while
  // it lists; the suites run in parallel, so list again.
  let listing = '';
  for (let attempt = 1; ; attempt++) {
    try {
      listing = docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
      break;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
  return listing.split('\n').filter((image) => image.includes(`rockts-test-${name}-`));
}

async function writeExtension(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text, { mode: file.endsWith('.sh') ? 0o755 : 0o644 });
  }
}

const manifest = (name: string) => `name: ${name}\nversion: 1.0.0\ndescription: ${name}\nrockts: "^0.1"\n`;

for (const engine of ENGINES) {
describeWithEngine(`rockts extension test on ${engine.name}`, () => {
  test('a new extension passes every scenario on its first run, twice in the chain included, and leaves no image behind', async () => {
    const name = `new${nonce}`;
    expect((await rocktsIn(dir, ['extension', 'new', name])).code).toBe(0);
    const result = await extensionTest(engine, path.join(dir, `rockts-extension-${name}`), LOCAL_IMAGES);
    const pass = (scenario: string) => `PASS ${name}/${scenario} \\(build \\d+\\.\\ds, test \\d+\\.\\ds\\)\\n`;
    expect(result.stdout).toMatch(new RegExp(`^${pass('default')}${pass('custom-greeting')}2 passed, 0 failed\\n$`));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${name}/custom-greeting: building again FROM the first image (the extension twice in the chain)\n`);
    expect(result.stderr).toContain(`${name}/custom-greeting: running test/test.sh again\n`);
    expect(testImages(engine, name)).toEqual([]);
  });

  test('a failing test script and a setup that cannot run twice each fail their phase, with their output; exit 7', async () => {
    const failing = `fails${nonce}`;
    const twice = `twice${nonce}`;
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'rockts-extension-e2e', version: '1.0.0', rockts: { api: '^0.1', extensions: [failing, twice] } }));
    await writeExtension(path.join(dir, failing), {
      'extension.yaml': manifest(failing),
      'setup.Dockerfile.hbs': 'RUN mkdir -p /etc/{{name}}\n',
      'test/test.sh': `#!/bin/sh\nset -eu\necho "running as $(id -u):$(id -g)"\ntest -f /etc/${failing}/config || { echo "/etc/${failing}/config is missing" >&2; exit 3; }\n`,
    });
    await writeExtension(path.join(dir, twice), {
      'extension.yaml': manifest(twice),
      // Not idempotent: the second run finds the folder and mkdir fails.
      'setup.Dockerfile.hbs': 'RUN mkdir /opt/{{name}}\n',
      'test/test.sh': `#!/bin/sh\ntest -d /opt/${twice}\n`,
    });
    // As root, show the mapping with another uid; a rootless Podman would use another store, so Podman runs as root.
    const asOther = process.getuid?.() === 0 && engine.kind === 'docker';
    if (asOther) await chmod(dir, 0o777);
    const result = asOther ? await extensionTestAs4242(engine, dir, ['--image', BASE_IMAGE]) : await extensionTest(engine, dir, ['--image', BASE_IMAGE]);
    const [uid, gid] = asOther ? [4242, 4242] : [process.getuid!(), process.getgid!()];
    expect(result.stdout).toContain(
      [
        `FAIL ${failing}/default: test failed`,
        '  test/test.sh exited with 3; its output:',
        `    | running as ${uid}:${gid}`,
        `    | /etc/${failing}/config is missing`,
        `FAIL ${twice}/default: idempotency build failed`,
        "  the final stage's steps ran a second time, on the image they had already built: setup must be safe to run twice (mkdir -p, ln -sf, a guarded useradd)",
        `  the build failed in the lines of extension '${twice}' (Dockerfile:`,
      ].join('\n'),
    );
    expect(result.stdout).toMatch(new RegExp(`mkdir: cannot create directory '/opt/${twice}': File exists\\n`));
    expect(result.stdout).toMatch(/\n0 passed, 2 failed\n$/);
    expect(result.code).toBe(7);
    expect([...testImages(engine, failing), ...testImages(engine, twice)]).toEqual([]);
  });
}, engine);
}

// What a new author does, end to end: scaffold, pack, install the tarball into a project,
// build with it, run it. The engine part is the same on every engine, so Docker 26 only.
describeWithEngine('an extension package from `rockts extension new` to `npm pack`, `npm install` and `rockts run`', () => {
  test('--static --parse finds what only the engine parser knows: an unknown flag in a template', async () => {
    const name = `flag${nonce}`;
    await writeExtension(path.join(dir, name), {
      'extension.yaml': manifest(name),
      'setup.Dockerfile.hbs': 'RUN mkdir -p /opt/{{name}}\nCOPY --lnk --from=rockts-final /etc/hostname /opt/{{name}}/\n',
      'test/test.sh': '#!/bin/sh\ntrue\n',
    });
    const plain = await extensionTest(DOCKER_26, path.join(dir, name), ['--static', '--image', BASE_IMAGE]);
    expect(plain.code).toBe(0);
    const parsed = await extensionTest(DOCKER_26, path.join(dir, name), ['--static', '--parse', '--image', BASE_IMAGE]);
    expect(parsed.stdout).toMatch(
      new RegExp(`^FAIL ${name}: 1 problem found\\n  BuildKit \\(scenario default\\): the build failed in the lines of extension '${name}' \\(Dockerfile:\\d+, stage rockts-final\\): .*unknown flag: lnk`),
    );
    expect(parsed.code).toBe(7);
  });

  test('the packed scaffold installs offline into a project, is found in node_modules, locked with its package version, and works', async () => {
    const name = `packed${nonce}`;
    expect((await rocktsIn(dir, ['extension', 'new', name])).code).toBe(0);
    execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: path.join(dir, `rockts-extension-${name}`), stdio: 'ignore' });
    const project = path.join(dir, 'project');
    await mkdir(project);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'project', private: true }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--save-dev', `../rockts-extension-${name}-0.1.0.tgz`], { cwd: project, stdio: 'ignore' });
    await writeFile(
      path.join(project, 'rockerc.yaml'),
      [`image: ${BASE_IMAGE}`, 'extensions:', `  - ${name}: { greeting: "Packed and installed" }`, 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: []', `tag: rockts-packed-${nonce}`, ''].join('\n'),
    );
    const env = { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS, npm_config_prefix: path.join(dir, 'no-global') };
    const listed = await rocktsIn(project, ['extensions', '--json'], env);
    expect(JSON.parse(listed.stdout).find((e: { name: string }) => e.name === name).source).toEqual({
      kind: 'package',
      package: `rockts-extension-${name}`,
      version: '0.1.0',
      path: `node_modules/rockts-extension-${name}`,
    });
    try {
      const run = await rocktsIn(project, ['run', '--', name], env);
      expect(run.stderr).not.toContain('rockts: the build failed');
      expect(run).toMatchObject({ code: 0, stdout: 'Packed and installed\n' });
      expect(await readFile(path.join(project, 'rockts.lock'), 'utf8')).toContain(`    source: package:rockts-extension-${name}@0.1.0\n`);
    } finally {
      docker(DOCKER_26, ['image', 'rm', '--force', `rockts-packed-${nonce}`]);
    }
  });
});
