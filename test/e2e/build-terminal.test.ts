/**
 * `rockts build` on a terminal (Docker 26): BuildKit draws its live progress (run under
 * util-linux `script`, which gives rockts a terminal as a user's shell would), rockts
 * still names the extension whose lines failed, and NO_COLOR turns BuildKit's colour off.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine } from '../helpers/engine.js';
import { FIXTURE_EXTENSIONS, ROOT } from '../helpers/project.js';

jest.setTimeout(600_000);

/** rockts build as if typed in a terminal: stdout and stderr are a pseudo-terminal; the exit code is echoed after. */
function buildOnTerminal(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const line = `${process.execPath} ${path.join(ROOT, 'bin/run.js')} build --network host; echo "exit $?"`;
  return new Promise((resolve, reject) => {
    execFile('script', ['--quiet', '--return', '--command', line, '/dev/null'], { cwd: dir, env: { ...process.env, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS, ...env }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.replace(/\r/g, '')),
    );
  });
}

describeWithEngine('rockts build on a terminal (Docker 26)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-loop-tty-'));
    await mkdir(path.join(dir, 'broken'));
    await writeFile(path.join(dir, 'broken/extension.yaml'), 'name: broken\nversion: 1.0.0\ndescription: fails\nrockts: "^0.1"\n');
    await writeFile(path.join(dir, 'broken/builder.Dockerfile.hbs'), `RUN mkdir -p {{outDir}} && echo ${path.basename(dir)} && exit 3\n`);
    await writeFile(path.join(dir, 'rockerc.yaml'), [`image: ${BASE_IMAGE}`, 'extensions: [hello, ./broken]', 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc]', ''].join('\n'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('live progress, the failing extension named, and colour only without NO_COLOR', async () => {
    const colour = /\u001b\[3\dm/;
    const plain = await buildOnTerminal(dir, { NO_COLOR: '1' });
    expect(plain).toContain('[+] Building');
    expect(plain).not.toMatch(/^#\d+ \[/m);
    expect(plain).toMatch(/rockts: the build failed in the lines of extension 'broken' \(Dockerfile:\d+, stage rockts-builder-broken\): .*exit code: 3\n/);
    expect(plain).toMatch(/\nexit 6\n$/);
    expect(plain).not.toMatch(colour);
    expect(await buildOnTerminal(dir, { NO_COLOR: '' })).toMatch(colour);
  });
});
