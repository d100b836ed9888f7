/**
 * usesDockerDriver asks `docker buildx inspect [BUILDER]` which driver the build will use;
 * a stand-in docker command plays buildx here (the engines' own answers are in e2e).
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { usesDockerDriver } from '../../src/docker/engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-driver-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A docker command whose `buildx inspect` prints `output` and exits with `code`, and records its arguments. */
async function fakeDocker(output: string, code = 0): Promise<string> {
  const bin = path.join(dir, `docker-${Math.random().toString(36).slice(2)}`);
  await writeFile(bin, `#!/bin/sh\necho "$@" > "${bin}.args"\nprintf '%s\\n' '${output}'\nexit ${code}\n`);
  await chmod(bin, 0o755);
  return bin;
}

test("the current builder's driver: docker-container is not Docker's own, docker is", async () => {
  const container = await fakeDocker('Name:          team\nDriver:        docker-container');
  expect(await usesDockerDriver({ kind: 'docker', bin: container, buildx: true }, undefined)).toBe(false);
  const own = await fakeDocker('Name:          default\nDriver:        docker');
  expect(await usesDockerDriver({ kind: 'docker', bin: own, buildx: true }, 'default')).toBe(true);
});

test('without an answer from buildx: Docker\'s own only when no --builder is named', async () => {
  const failing = await fakeDocker('ERROR: no builder "team" found', 1);
  expect(await usesDockerDriver({ kind: 'docker', bin: failing, buildx: true }, undefined)).toBe(true);
  expect(await usesDockerDriver({ kind: 'docker', bin: failing, buildx: true }, 'team')).toBe(false);
});

test('plain docker build is Docker\'s own builder; Podman is not Docker', async () => {
  expect(await usesDockerDriver({ kind: 'docker', bin: '/nonexistent/docker', buildx: false }, undefined)).toBe(true);
  expect(await usesDockerDriver({ kind: 'podman', bin: '/nonexistent/podman', buildx: false }, undefined)).toBe(false);
});
