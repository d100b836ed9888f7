/**
 * Run settings written as rockerc keys and rocker flags reach the container `rockts run`
 * makes, on each engine: `docker inspect` (`podman inspect`) shows each of them, and a
 * kept container made with other run settings is replaced rather than re-entered.
 */
import { jest } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, PODMAN, rocktsWith } from '../helpers/engine.js';

jest.setTimeout(600_000);

const nonce = `${process.pid}${Date.now()}`.slice(-10);
let dir: string;

const config = (name: string, volume: string, ulimit: boolean) =>
  [
    `image: ${BASE_IMAGE}`,
    `image-name: ${name}`,
    `name: ${name}`,
    'hostname: rockerc-box',
    'shm-size: 256m',
    'env: "EDITOR=vim FROM_ROCKERC=yes"',
    `volume: ${volume}`,
    'cpus: 1.5',
    'memory: 512m',
    ...(ulimit ? ['ulimit: nofile=1024:2048'] : []),
    'group-add: "44"',
    'network: host',
    'ipc: private',
    'expose: 9999',
    'args:',
    '  - privileged',
    '  - detach',
    '  - persist-image',
    '',
  ].join('\n');

// Not Docker 20.10: its daemon here runs without the capabilities a --privileged container needs.
for (const engine of [DOCKER_26, PODMAN]) {
const name = `rockts-migrate-${engine.kind}-${nonce}`;
// Podman here cannot set any rlimit (runc: operation not permitted), so --ulimit is checked on Docker.
const ulimit = engine.kind === 'docker';
describeWithEngine(`run settings from rockerc keys on ${engine.name}`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-run-settings-'));
    await mkdir(path.join(dir, 'data'));
  });
  afterAll(async () => {
    for (const args of [['rm', '--force', name], ['image', 'rm', '--force', name]]) {
      try {
        docker(engine, args);
      } catch {
        // not made
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('docker inspect shows every setting; changed settings replace the kept container', async () => {
    await writeFile(path.join(dir, 'rockerc.yaml'), config(name, './data:/data:ro', ulimit));
    const first = await rocktsWith(engine, dir, ['run']);
    expect(first.stderr).toContain(`container ${name} is running`);
    expect(first.code).toBe(0);
    const format = [
      '{{.Config.Hostname}}',
      '{{.HostConfig.ShmSize}}',
      '{{.HostConfig.Privileged}}',
      '{{.HostConfig.NanoCpus}}',
      '{{.HostConfig.Memory}}',
      '{{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}}{{end}}',
      '{{range .HostConfig.GroupAdd}}{{.}}{{end}}',
      '{{.HostConfig.NetworkMode}}',
      '{{range .HostConfig.Binds}}{{.}},{{end}}',
      '{{range .Config.Env}}{{.}},{{end}}',
      // Podman 4.3's inspect has no ExposedPorts and shows a private IPC namespace as shareable: its create command says what it was given.
      ...(engine.kind === 'docker' ? ['{{.HostConfig.IpcMode}} {{range $port, $_ := .Config.ExposedPorts}}{{$port}}{{end}}'] : ['{{join .Config.CreateCommand " "}}']),
    ].join('|');
    const [hostname, shm, privileged, cpus, memory, ulimits, groups, network, binds, env, rest] = docker(engine, ['container', 'inspect', '--format', format, name]).trim().split('|');
    expect([hostname, shm, privileged, cpus, memory, groups, network]).toEqual(['rockerc-box', String(256 * 1024 * 1024), 'true', '1500000000', String(512 * 1024 * 1024), '44', 'host']);
    if (ulimit) expect(ulimits).toBe('nofile=1024:2048');
    if (engine.kind === 'docker') expect(rest).toBe('private 9999/tcp');
    else for (const flag of ['--expose 9999', '--ipc private']) expect(rest).toContain(flag);
    expect(binds!.split(',')).toContain(`${path.join(dir, 'data')}:/data:ro`);
    expect(env!.split(',')).toEqual(expect.arrayContaining(['EDITOR=vim', 'FROM_ROCKERC=yes']));

    await writeFile(path.join(dir, 'rockerc.yaml'), config(name, './data:/srv/data', ulimit));
    const second = await rocktsWith(engine, dir, ['run']);
    expect(second.stderr).toContain(`rockts: the run settings changed since container ${name} was made; replacing it`);
    expect(second.code).toBe(0);
    expect(docker(engine, ['container', 'inspect', '--format', '{{range .HostConfig.Binds}}{{.}},{{end}}', name])).toContain(`${path.join(dir, 'data')}:/srv/data`);
  });
}, engine);
}
