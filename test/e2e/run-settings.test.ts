/**
 * Run settings written as rockerc keys and rocker flags reach the container `rockts run`
 * makes (Docker 26): `docker inspect` shows each of them, and a kept container made with
 * other run settings is replaced rather than re-entered.
 */
import { jest } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, rocktsWith } from '../helpers/engine.js';

jest.setTimeout(600_000);

const nonce = `${process.pid}${Date.now()}`.slice(-10);
const name = `rockts-migrate-${nonce}`;
let dir: string;

const config = (volume: string) =>
  [
    `image: ${BASE_IMAGE}`,
    `image-name: rockts-migrate-${nonce}`,
    `name: ${name}`,
    'hostname: rockerc-box',
    'shm-size: 256m',
    'env: "EDITOR=vim FROM_ROCKERC=yes"',
    `volume: ${volume}`,
    'cpus: 1.5',
    'memory: 512m',
    'ulimit: nofile=1024:2048',
    'group-add: "44"',
    'network: host',
    'ipc: host',
    'expose: 9999',
    'args:',
    '  - privileged',
    '  - detach',
    '  - persist-image',
    '',
  ].join('\n');

describeWithEngine('run settings from rockerc keys on Docker 26', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-run-settings-'));
    await mkdir(path.join(dir, 'data'));
  });
  afterAll(async () => {
    for (const args of [['rm', '--force', name], ['image', 'rm', '--force', `rockts-migrate-${nonce}`]]) {
      try {
        docker(DOCKER_26, args);
      } catch {
        // not made
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  test('docker inspect shows every setting; changed settings replace the kept container', async () => {
    await writeFile(path.join(dir, 'rockerc.yaml'), config('./data:/data:ro'));
    const first = await rocktsWith(DOCKER_26, dir, ['run']);
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
      '{{.HostConfig.IpcMode}}',
      '{{range $port, $_ := .Config.ExposedPorts}}{{$port}}{{end}}',
      '{{range .HostConfig.Binds}}{{.}},{{end}}',
      '{{range .Config.Env}}{{.}},{{end}}',
    ].join('|');
    const [hostname, shm, privileged, cpus, memory, ulimits, groups, network, ipc, exposed, binds, env] = docker(DOCKER_26, ['container', 'inspect', '--format', format, name]).trim().split('|');
    expect([hostname, shm, privileged, cpus, memory, ulimits, groups, network, ipc, exposed]).toEqual([
      'rockerc-box', String(256 * 1024 * 1024), 'true', '1500000000', String(512 * 1024 * 1024), 'nofile=1024:2048', '44', 'host', 'host', '9999/tcp',
    ]);
    expect(binds!.split(',')).toContain(`${path.join(dir, 'data')}:/data:ro`);
    expect(env!.split(',')).toEqual(expect.arrayContaining(['EDITOR=vim', 'FROM_ROCKERC=yes']));

    await writeFile(path.join(dir, 'rockerc.yaml'), config('./data:/srv/data'));
    const second = await rocktsWith(DOCKER_26, dir, ['run']);
    expect(second.stderr).toContain(`rockts: the run settings changed since container ${name} was made; replacing it`);
    expect(second.code).toBe(0);
    expect(docker(DOCKER_26, ['container', 'inspect', '--format', '{{range .HostConfig.Binds}}{{.}},{{end}}', name])).toContain(`${path.join(dir, 'data')}:/srv/data`);
  });
});
