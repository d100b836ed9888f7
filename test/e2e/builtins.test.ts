/**
 * The built-in extensions under their own harness, `rockts extension test`, on Docker 26:
 * every built-in's scenarios are composed, shellchecked and parsed by BuildKit
 * (`--static --parse`; the built-ins that download from upstream hosts need the internet
 * to build, so this is as far as these machines go for them), and those that need only
 * Debian packages are built and tested for real, twice in the chain included, on the
 * local base image. ros is also built on that (Debian) image, where it must stop with its
 * message about the distribution.
 */
import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, DOCKER_26, rocktsAsUid, rocktsIn } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS, exists } from '../helpers/project.js';

jest.setTimeout(900_000);

const BUILTINS = readdirSync(BUILTIN_EXTENSIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
/** Built-ins whose build needs only Debian packages, with what their tests need from the host. */
const BUILT_HERE = ['ccache', 'curl', 'deps', 'dev-helpers', 'git', 'git-clone', 'home', 'locale', 'pulse', 'ssh', 'tz', 'user', 'vcstool', 'x11'];
const LOCAL_IMAGES = ['--image', BASE_IMAGE, '--builder-image', BASE_IMAGE, '--builder-apt', ''];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-builtins-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const extensionTest = (name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  rocktsIn(dir, ['extension', 'test', path.join(BUILTIN_EXTENSIONS, name), ...args], { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS, ...env });

describeWithEngine('the built-in extensions under `rockts extension test`', () => {
  test('every built-in has test/test.sh and test/scenarios.yaml', async () => {
    expect(BUILTINS).toEqual([
      'cargo', 'ccache', 'claude', 'codex', 'conda', 'cuda', 'curl', 'deps', 'dev-helpers', 'fzf', 'gemini', 'git', 'git-clone', 'gitui', 'gpu',
      'home', 'lazygit', 'locale', 'npm', 'nvim', 'palanteer', 'pixi', 'pulse', 'ros', 'ssh', 'tz', 'user', 'uv', 'vcstool', 'x11',
    ]);
    for (const name of BUILTINS) {
      for (const file of ['test.sh', 'scenarios.yaml']) expect([name, await exists(path.join(BUILTIN_EXTENSIONS, name, 'test', file))]).toEqual([name, true]);
    }
  });

  test.each(BUILTINS)('%s: every scenario composes, shellcheck is clean and BuildKit parses it', async (name) => {
    const result = await extensionTest(name, ['--static', '--parse', ...LOCAL_IMAGES]);
    expect(result.stdout).toMatch(new RegExp(`^PASS ${name} \\(static: \\d+ scenarios? composed and parsed by the engine; shellcheck clean on \\d+ RUN scripts? and \\d+ \\*\\.sh files?\\)\\n1 passed, 0 failed\\n$`));
    expect(result.code).toBe(0);
  });

  test.each(BUILT_HERE)('%s: built and tested in every scenario, twice in the chain included', async (name) => {
    const env = await hostFor(name);
    try {
      const result = await extensionTest(name, LOCAL_IMAGES, env.vars);
      expect(result.stdout).toMatch(/^(PASS \S+ \(build [\d.]+s, test [\d.]+s\)\n)+\d+ passed, 0 failed\n$/);
      expect(result.code).toBe(0);
    } finally {
      await env.close();
    }
  });

  test('ros: on an image that is not the Ubuntu release of its distribution, the build stops and says which image to use', async () => {
    const result = await extensionTest('ros', ['--scenario', 'default', ...LOCAL_IMAGES, '--no-idempotency']);
    expect(result.stdout).toMatch(/^FAIL ros\/default: build failed\n/);
    expect(result.stdout).toContain(
      'ros: ROS 2 jazzy is built for Ubuntu 24.04 (noble), but the image is Debian GNU/Linux 12 (bookworm); use image: ubuntu:24.04, or the ros option distro that matches the image (humble: Ubuntu 22.04, jazzy: Ubuntu 24.04)',
    );
    expect(result.stdout).toMatch(/\n0 passed, 1 failed\n$/);
    expect(result.code).toBe(7);
  });

  (process.getuid?.() === 0 ? test : test.skip)('user: as another uid, the user exists, owns its home and may use sudo when asked', async () => {
    const home = path.join(dir, 'home-4242');
    await mkdir(home, { recursive: true });
    await chmod(dir, 0o755);
    await chown(home, 4242, 4242);
    const args = ['extension', 'test', path.join(BUILTIN_EXTENSIONS, 'user'), ...LOCAL_IMAGES];
    const result = await rocktsAsUid(DOCKER_26, 4242, home, args, { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });
    expect(result.stdout).toMatch(/^PASS user\/default .*\nPASS user\/plain-sh .*\nPASS user\/with-sudo .*\n3 passed, 0 failed\n$/);
    expect(result.code).toBe(0);
  });
});

/**
 * What a built-in's test needs from the host, made real: a ~/.gitconfig for git, a
 * running ssh-agent for ssh, an X socket and DISPLAY for x11, a file in the home for
 * home, a ~/.cache/ccache for ccache, a PulseAudio socket for pulse. ROCKTS_EXPECT_*
 * makes the tests require them rather than skip.
 */
async function hostFor(name: string): Promise<{ vars: NodeJS.ProcessEnv; close: () => Promise<void> }> {
  const home = path.join(dir, `home-${name}`);
  await mkdir(home, { recursive: true });
  const none = { vars: { HOME: home }, close: async () => undefined };
  if (name === 'git') {
    await writeFile(path.join(home, '.gitconfig'), '[user]\n\tname = Rockts Tester\n');
    return { vars: { HOME: home, ROCKTS_EXPECT_GIT_USER_NAME: 'Rockts Tester' }, close: async () => undefined };
  }
  if (name === 'ssh') {
    const socket = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await exists(socket)); i++) await new Promise((r) => setTimeout(r, 50));
    return { vars: { HOME: home, SSH_AUTH_SOCK: socket, ROCKTS_EXPECT_SSH_AGENT: '1' }, close: async () => void agent.kill() };
  }
  if (name === 'home') {
    const marker = path.join(home, 'rockts-home-marker');
    await writeFile(marker, 'from the host\n');
    await chmod(home, 0o777);
    await chmod(marker, 0o666);
    return { vars: { HOME: home, ROCKTS_EXPECT_HOME_MARKER: marker }, close: async () => undefined };
  }
  if (name === 'ccache') {
    const cache = path.join(home, '.cache', 'ccache');
    await mkdir(cache, { recursive: true, mode: 0o777 });
    await chmod(cache, 0o777);
    await writeFile(path.join(cache, 'from-the-host'), '');
    return { vars: { HOME: home, ROCKTS_EXPECT_CCACHE_MOUNT: 'from-the-host' }, close: async () => undefined };
  }
  if (name === 'pulse') {
    // A listening socket stands in for the PulseAudio server: the test checks it arrives as PULSE_SERVER.
    const runtime = path.join(dir, 'xdg-runtime');
    await mkdir(path.join(runtime, 'pulse'), { recursive: true });
    const socket = path.join(runtime, 'pulse', 'native');
    await rm(socket, { force: true });
    const server = net.createServer().listen(socket);
    await new Promise((r) => server.once('listening', r));
    await chmod(socket, 0o777);
    return {
      vars: { HOME: home, XDG_RUNTIME_DIR: runtime, ROCKTS_EXPECT_PULSE: 'socket' },
      close: () => new Promise((r) => server.close(() => r(undefined))),
    };
  }
  if (name === 'x11') {
    // A listening socket stands in for an X server: the test checks the display's socket is there.
    const number = 90 + (process.pid % 9);
    await mkdir('/tmp/.X11-unix', { recursive: true, mode: 0o1777 });
    const socket = `/tmp/.X11-unix/X${number}`;
    await rm(socket, { force: true });
    const server = net.createServer().listen(socket);
    await new Promise((r) => server.once('listening', r));
    return { vars: { HOME: home, DISPLAY: `:${number}`, XAUTHORITY: '' }, close: () => new Promise((r) => server.close(() => r(undefined))) };
  }
  return none;
}
