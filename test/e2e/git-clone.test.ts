/**
 * git-clone on Docker 26: repositories served by a `git daemon` this test starts on
 * loopback, named in a project's .repos files (a tag, a commit, a default branch), are
 * cloned by a real build with --network=host; the image holds them under the clone root
 * at exactly those versions, owned by the uid that built them. An ssh URL without an ssh agent is
 * refused before the build starts; with one, a repository served by an sshd on loopback
 * (in a container this test builds) clones through the agent and no key enters the image.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, removeImages, rocktsAsUid, rocktsIn } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS } from '../helpers/project.js';

jest.setTimeout(600_000);

let served: string;
let daemon: ChildProcess | undefined;
let port: number;
const commits: Record<string, string> = {};
const UID = 4242;

/** A bare repository `name`.git below `served`, made from `history` (one commit per file content, tagged when asked). */
function makeRepository(name: string, history: readonly { content: string; tag?: string }[]): void {
  const work = path.join(served, `${name}-work`);
  const git = (...args: string[]) => execFileSync('git', ['-C', work, '-c', 'user.name=rockts', '-c', 'user.email=dev@rockts.invalid', ...args], { encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', work]);
  history.forEach(({ content, tag }, i) => {
    execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2/VERSION"`, 'sh', content, work]);
    git('add', 'VERSION');
    git('commit', '--quiet', '-m', `commit ${i}`);
    commits[`${name}@${content}`] = git('rev-parse', 'HEAD');
    if (tag) git('tag', tag);
  });
  execFileSync('git', ['clone', '--quiet', '--bare', work, path.join(served, `${name}.git`)]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  served = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-gitclone-served-'));
  makeRepository('lib', [{ content: 'lib 1', tag: 'v1.0.0' }, { content: 'lib 2' }]);
  makeRepository('msgs', [{ content: 'msgs 1' }, { content: 'msgs 2' }, { content: 'msgs 3' }]);
  port = await freePort();
  daemon = spawn('git', ['daemon', '--reuseaddr', `--base-path=${served}`, '--export-all', '--listen=127.0.0.1', `--port=${port}`, served], { stdio: 'ignore' });
  // Ready when it answers (it binds in well under a second; a failed start ends the loop).
  for (let attempt = 0; ; attempt++) {
    try {
      execFileSync('git', ['ls-remote', `git://127.0.0.1:${port}/lib.git`], { stdio: 'ignore' });
      break;
    } catch (error) {
      if (attempt >= 100 || daemon.exitCode !== null) throw new Error(`git daemon did not start on port ${port}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

afterAll(async () => {
  daemon?.kill();
  await rm(served, { recursive: true, force: true });
});

describeWithEngine('git-clone on Docker 26', () => {
  let dir: string;
  let tag: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-gitclone-'));
    tag = `rockts-e2e-gitclone-${path.basename(dir).toLowerCase()}`;
    await writeFile(path.join(dir, 'rockerc.yaml'), `image: ${BASE_IMAGE}\nextensions: [git-clone]\ntag: ${tag}\n`);
  });

  afterEach(async () => {
    removeImages(DOCKER_26, [tag]);
    await rm(dir, { recursive: true, force: true });
  });

  const build = (env: NodeJS.ProcessEnv = {}, extra: readonly string[] = []) =>
    rocktsIn(dir, ['build', '--progress', 'plain', '--network', 'host', ...extra], { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS, ...env });

  test('the repositories of the .repos files are in the image at their pinned versions', async () => {
    const url = (name: string) => `git://127.0.0.1:${port}/${name}.git`;
    await writeFile(
      path.join(dir, 'project.repos'),
      ['repositories:', '  src/lib:', '    type: git', `    url: ${url('lib')}`, '    version: v1.0.0', '  src/msgs:', '    type: git', `    url: ${url('msgs')}`, `    version: ${commits['msgs@msgs 2']}`, ''].join('\n'),
    );
    await mkdir(path.join(dir, 'tools'));
    await writeFile(path.join(dir, 'tools/tools.repos.yaml'), ['repositories:', '  tools/lib-head:', '    type: git', `    url: ${url('lib')}`, ''].join('\n'));
    // Built as uid 4242, as a developer would (the tests run as root): the clones become theirs.
    await chmod(dir, 0o777);
    const result = await rocktsAsUid(DOCKER_26, UID, dir, ['build', '--progress', 'plain', '--network', 'host'], { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS });
    if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
    const root = '/opt/rockts/repos';
    const report = docker(DOCKER_26, [
      'run', '--rm', '--network=host', '--user', `${UID}:${UID}`, tag, 'sh', '-c',
      `for r in src/lib src/msgs tools/lib-head; do echo "$r $(git -C ${root}/$r rev-parse HEAD) $(cat ${root}/$r/VERSION) $(stat -c %u ${root}/$r/VERSION)"; done; git -C ${root}/src/lib remote get-url origin`,
    ]);
    expect(report).toBe(
      [`src/lib ${commits['lib@lib 1']} lib 1 ${UID}`, `src/msgs ${commits['msgs@msgs 2']} msgs 2 ${UID}`, `tools/lib-head ${commits['lib@lib 2']} lib 2 ${UID}`, url('lib'), ''].join('\n'),
    );
    // Root in the container may use them too (its git config trusts them).
    expect(docker(DOCKER_26, ['run', '--rm', '--network=host', tag, 'git', '-C', `${root}/src/msgs`, 'rev-parse', 'HEAD'])).toBe(`${commits['msgs@msgs 2']}\n`);
  });

  test('an ssh URL needs an ssh agent: refused without one, forwarded with --ssh default when there is one', async () => {
    await writeFile(path.join(dir, 'private.repos'), 'repositories:\n  src/private:\n    type: git\n    url: git@git.example.invalid:team/private.git\n    version: v2\n');
    const refused = await build({ SSH_AUTH_SOCK: '' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'private.repos:2:3: git-clone: src/private has an ssh URL (git@git.example.invalid:team/private.git), which is cloned through your ssh agent, but SSH_AUTH_SOCK is not set',
    );
    const dryRun = await build({ SSH_AUTH_SOCK: '/tmp/agent.sock' }, ['--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/ --ssh default \S+\n$/);
  });

  test('an ssh URL clones through the ssh agent (an sshd on loopback, in a container), and no key enters the image', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-gitclone-keys-'));
    const sshd = `rockts-e2e-gitclone-sshd-${path.basename(keys).toLowerCase()}`;
    let agentPid: number | undefined;
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keys, 'id')]);
      const agentSock = path.join(keys, 'agent.sock');
      agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(execFileSync('ssh-agent', ['-a', agentSock], { encoding: 'utf8' }))![1]);
      execFileSync('ssh-add', ['-q', path.join(keys, 'id')], { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });
      // The server: the base image with openssh-server and git, serving the bare repositories read-only.
      docker(DOCKER_26, ['build', '--network=host', '--tag', sshd, '-'], {
        input: `FROM ${BASE_IMAGE}\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server git && mkdir -p /run/sshd\n`,
      });
      const sshPort = await freePort();
      docker(DOCKER_26, [
        'run', '--detach', '--rm', '--network=host', '--name', sshd, '--volume', `${served}:/srv:ro`, '--volume', `${path.join(keys, 'id.pub')}:/root/.ssh/authorized_keys:ro`,
        sshd, '/usr/sbin/sshd', '-D', '-e', '-p', String(sshPort), '-o', 'ListenAddress=127.0.0.1',
      ]);
      const url = `ssh://root@127.0.0.1:${sshPort}/srv/lib.git`;
      const probe = { ...process.env, SSH_AUTH_SOCK: agentSock, GIT_SSH_COMMAND: 'ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR' };
      for (let attempt = 0; ; attempt++) {
        try {
          execFileSync('git', ['ls-remote', url], { stdio: 'ignore', env: probe });
          break;
        } catch (error) {
          if (attempt >= 100) throw new Error(`sshd did not answer on port ${sshPort}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await writeFile(path.join(dir, 'private.repos'), `repositories:\n  src/private:\n    type: git\n    url: ${url}\n    version: v1.0.0\n`);
      const result = await build({ SSH_AUTH_SOCK: agentSock });
      if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
      const root = '/opt/rockts/repos/src/private';
      // A line of the private key's body, searched for in every file of the image.
      const keyLine = (await readFile(path.join(keys, 'id'), 'utf8')).split('\n')[1]!;
      expect(docker(DOCKER_26, ['run', '--rm', '--network=host', tag, 'sh', '-c', `git -C ${root} rev-parse HEAD; cat ${root}/VERSION; grep -rlF '${keyLine}' / --exclude-dir=proc --exclude-dir=sys 2>/dev/null | wc -l`])).toBe(
        `${commits['lib@lib 1']}\nlib 1\n0\n`,
      );
    } finally {
      if (agentPid !== undefined) process.kill(agentPid);
      try {
        docker(DOCKER_26, ['rm', '--force', sshd]);
        docker(DOCKER_26, ['image', 'rm', '--force', sshd]);
      } catch {
        // not started
      }
      await rm(keys, { recursive: true, force: true });
    }
  });
}, DOCKER_26);
