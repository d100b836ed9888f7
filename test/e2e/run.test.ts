/**
 * `rockts run` on a real engine: the project mounted and used as the working directory,
 * the host uid/gid mapped (checked as a non-root user when the tests run as root),
 * the exit code passed through, and kept containers reused or replaced.
 */
import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, docker, ENGINES, removeImages, rocktsAsUid, rocktsIn, rocktsWith, type TestEngine } from '../helpers/engine.js';
import { exists, ROOT } from '../helpers/project.js';

jest.setTimeout(600_000);

let dir: string;
const containers: string[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const nonce = `${process.pid}${Date.now()}`.slice(-10);

async function writeConfig(greeting: string): Promise<void> {
  await writeFile(
    path.join(dir, 'rockerc.yaml'),
    [`image: ${BASE_IMAGE}`, `extensions: ["hello: { greeting: '${greeting}' }", tool]`.replace(/"/g, ''), 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc, libc6-dev]', `tag: rockts-run-${nonce}`, ''].join('\n'),
  );
}

const rocktsAs = (engine: TestEngine, uid: number, args: string[]) => rocktsAsUid(engine, uid, dir, args);

for (const engine of ENGINES) {
describeWithEngine(`rockts run on ${engine.name}`, () => {
  afterEach(() => {
    for (const name of containers.splice(0)) docker(engine, ['rm', '--force', name]);
  });
  afterAll(() => removeImages(engine, [`rockts-run-${nonce}`]));

  test('builds when the image is missing, mounts the project as the working directory, and maps the host user', async () => {
    await writeConfig('hi');
    // As root, rockts runs as uid 4242 to show the mapping; a rootless Podman would use another store, so Podman runs as root.
    const asRoot = process.getuid?.() === 0 && engine.kind === 'docker';
    if (asRoot) await chmod(dir, 0o777);
    const uid = asRoot ? 4242 : process.getuid!();
    const script = 'id -u; id -g; pwd; hello; tool; touch created-inside';
    const result = asRoot ? await rocktsAs(engine, uid, ['run', '--', 'sh', '-c', script]) : await rocktsWith(engine, dir, ['run', '--', 'sh', '-c', script]);
    expect(result.stderr).toContain(`rockts: no image rockts-run-${nonce} yet; building it`);
    expect(result.code).toBe(0);
    const gid = asRoot ? 4242 : process.getgid!();
    expect(result.stdout).toBe(`${uid}\n${gid}\n/workspaces/${path.basename(dir)}\nhi\ntool 1.2.3\n`);
    const created = await stat(path.join(dir, 'created-inside'));
    expect([created.uid, created.gid]).toEqual([uid, gid]);
  });

  test('with the built-in user extension, the container user has your name and a home it can write', async () => {
    await writeFile(
      path.join(dir, 'rockerc.yaml'),
      [`image: ${BASE_IMAGE}`, `extensions: [hello, ${path.join(ROOT, 'extensions/user')}]`, 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc, libc6-dev]', `tag: rockts-run-user-${nonce}`, ''].join('\n'),
    );
    const script = 'id -un; echo "$HOME"; touch "$HOME/probe" && echo writable; hello';
    const asRoot = process.getuid?.() === 0 && engine.kind === 'docker';
    if (asRoot) await chmod(dir, 0o777);
    const result = asRoot ? await rocktsAs(engine, 4242, ['run', '--', 'sh', '-c', script]) : await rocktsWith(engine, dir, ['run', '--', 'sh', '-c', script]);
    expect(result.stderr).not.toContain('rockts: the build failed');
    expect(result.code).toBe(0);
    // As uid 4242 (no passwd entry on the host) the name falls back to user4242 and the home to $HOME.
    const expected = asRoot ? `user4242\n${dir}\nwritable\nhello\n` : `${os.userInfo().username}\n${os.userInfo().homedir}\nwritable\nhello\n`;
    expect(result.stdout).toBe(expected);
    docker(engine, ['image', 'rm', '--force', `rockts-run-user-${nonce}`]);
  });

  test('the built-in tz extension sets the zone for TZ, /etc/timezone and /etc/localtime', async () => {
    await writeFile(
      path.join(dir, 'rockerc.yaml'),
      [`image: ${BASE_IMAGE}`, 'extensions:', `  - ${path.join(ROOT, 'extensions/tz')}: { zone: Europe/Berlin }`, `tag: rockts-run-tz-${nonce}`, ''].join('\n'),
    );
    const result = await rocktsWith(engine, dir, ['run', '--', 'sh', '-c', 'echo "$TZ"; cat /etc/timezone; readlink /etc/localtime; env -u TZ date -d @0 +%Z']);
    expect(result.stderr).not.toContain('rockts: the build failed');
    expect(result).toMatchObject({ code: 0, stdout: 'Europe/Berlin\nEurope/Berlin\n/usr/share/zoneinfo/Europe/Berlin\nCET\n' });
    docker(engine, ['image', 'rm', '--force', `rockts-run-tz-${nonce}`]);
  });

  test('the built-in locale extension generates the locale and sets LANG and LC_ALL', async () => {
    await writeFile(
      path.join(dir, 'rockerc.yaml'),
      [`image: ${BASE_IMAGE}`, 'extensions:', `  - ${path.join(ROOT, 'extensions/locale')}: { locale: de_DE.UTF-8 }`, `tag: rockts-run-locale-${nonce}`, ''].join('\n'),
    );
    const result = await rocktsWith(engine, dir, ['run', '--', 'sh', '-c', 'echo "$LANG $LC_ALL"; locale charmap; locale -a | grep -c "^de_DE.utf8$"']);
    expect(result.stderr).not.toContain('rockts: the build failed');
    expect(result).toMatchObject({ code: 0, stdout: 'de_DE.UTF-8 de_DE.UTF-8\nUTF-8\n1\n' });
    docker(engine, ['image', 'rm', '--force', `rockts-run-locale-${nonce}`]);
  });

  test("git, ssh and x11 bring in the host's gitconfig, ssh agent and display; what the host lacks is skipped with a note", async () => {
    const home = path.join(dir, 'home');
    await mkdir(home);
    await writeFile(path.join(home, '.gitconfig'), '[user]\n\tname = Rockts Tester\n');
    const socket = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !(await exists(socket)); i++) await new Promise((r) => setTimeout(r, 50));
      const extensions = ['git', 'ssh', 'x11'].map((name) => `  - ${path.join(ROOT, 'extensions', name)}`);
      await writeFile(path.join(dir, 'rockerc.yaml'), [`image: ${BASE_IMAGE}`, 'extensions:', ...extensions, `tag: rockts-run-essentials-${nonce}`, ''].join('\n'));
      const script = 'git config user.name; echo "$SSH_AUTH_SOCK"; ssh-add -l >/dev/null 2>&1; echo "agent says $?"; echo "$DISPLAY"';
      const env = { ...engine.env, HOME: home, SSH_AUTH_SOCK: socket, DISPLAY: ':77', XAUTHORITY: '' };
      const result = await rocktsIn(dir, ['run', ...engine.args, '--', 'sh', '-c', script], env);
      expect(result.stderr).not.toContain('rockts: the build failed');
      // ssh-add -l exits 1 for an agent without keys; 2 would mean it cannot reach the agent.
      expect(result).toMatchObject({ code: 0, stdout: 'Rockts Tester\n/run/rockts/ssh-agent.sock\nagent says 1\n:77\n' });
      expect(result.stderr).toContain(`rockts: ssh: not mounting ${home}/.ssh/known_hosts: it does not exist on this machine\n`);
      expect(result.stderr).toContain('rockts: x11: not mounting {{host.env.XAUTHORITY}}: $XAUTHORITY is not set on this machine\n');
    } finally {
      agent.kill();
      docker(engine, ['image', 'rm', '--force', `rockts-run-essentials-${nonce}`]);
    }
  });

  test("passes the command's exit code through, and does not rebuild an up-to-date image", async () => {
    await writeConfig('hi');
    await rocktsWith(engine, dir, ['build', '--network', 'host']);
    // -c before `--` once made oclif take the command's own -c and drop `sh`.
    const result = await rocktsWith(engine, dir, ['run', '-c', 'rockerc.yaml', '--', 'sh', '-c', 'echo "$0 $1"; exit 7', 'a', '-d']);
    expect(result.stdout).toBe('a -d\n');
    expect(result.code).toBe(7);
    expect(result.stderr).not.toContain('building');
  });

  test('a kept container is re-entered while the config is unchanged and replaced when it changes', async () => {
    const name = `rockts-keep-${nonce}`;
    containers.push(name);
    await writeConfig('one');
    expect((await rocktsWith(engine, dir, ['run', '--name', name, '--', 'sh', '-c', 'echo kept > /tmp/marker'])).code).toBe(0);
    const again = await rocktsWith(engine, dir, ['run', '--name', name, '--', 'sh', '-c', 'cat /tmp/marker; hello']);
    expect(again).toMatchObject({ code: 0, stdout: 'kept\none\n' });

    await writeConfig('two');
    const changed = await rocktsWith(engine, dir, ['run', '--name', name, '--', 'sh', '-c', 'cat /tmp/marker 2>/dev/null || echo fresh; hello']);
    expect(changed.stderr).toContain(`the composition changed since container ${name} was made; replacing it`);
    expect(changed).toMatchObject({ code: 0, stdout: 'fresh\ntwo\n' });
  });
}, engine);
}
