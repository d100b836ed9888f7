/**
 * The generated devcontainer.json, opened by the reference implementation: the Dev
 * Containers CLI (@devcontainers/cli, the engine VS Code uses) on Docker 26. `up` builds
 * from the composed Dockerfile and starts the container; `exec` runs as the user the
 * `user` extension maps, in the workspace folder, with the extensions' tools on PATH;
 * after a change of `image:` a second `up` rebuilds with every builder cached. A
 * project with `dockerfile:` and deps files opens too: the base image is built on the
 * host first (initializeCommand) and the deps scripts are in the build context.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ALT_IMAGE, BASE_IMAGE, describeWithEngine, docker, DOCKER_26, parseSteps, rocktsAsUid, rocktsIn } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS, ROOT } from '../helpers/project.js';

jest.setTimeout(600_000);

const DEVCONTAINER = path.join(ROOT, 'node_modules/.bin/devcontainer');

function devcontainer(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(DEVCONTAINER, [...args], { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The CLI's log lines carry a `[timestamp] ` prefix and end in CR LF; BuildKit's own lines follow it. */
const buildSteps = (log: string) => parseSteps(log.replace(/\r/g, '').replace(/^\[\d{4}-\d\d-\d\dT[^\]]*\] /gm, ''));

describeWithEngine('the Dev Containers CLI opens the generated devcontainer.json (Docker 26)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-loop-dc-'));
    // rockts runs as uid 4242 (as in the run tests), so the user extension maps a user that is not root.
    await chmod(dir, 0o777);
  });
  afterAll(async () => {
    for (const id of docker(DOCKER_26, ['ps', '--all', '--quiet', '--filter', `label=devcontainer.local_folder=${dir}`]).split('\n').filter(Boolean)) {
      docker(DOCKER_26, ['rm', '--force', id]);
    }
    for (const id of new Set(docker(DOCKER_26, ['images', '--quiet', '--filter', `reference=vsc-${path.basename(dir).toLowerCase()}-*`]).split('\n').filter(Boolean))) {
      docker(DOCKER_26, ['image', 'rm', '--force', id]);
    }
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = (image: string) =>
    writeFile(
      path.join(dir, 'rockerc.yaml'),
      [`image: ${image}`, `extensions: [hello, tool, ${path.join(ROOT, 'extensions/user')}]`, 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc, libc6-dev]', ''].join('\n'),
    );
  const generate = async () => {
    const result = await rocktsAsUid(DOCKER_26, 4242, dir, ['devcontainer']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('wrote .devcontainer/devcontainer.json and the build context .devcontainer/rockts/\n');
  };

  test('up, exec as the mapped user in the workspace, and a rebuild with the builders cached', async () => {
    await writeConfig(BASE_IMAGE);
    await generate();
    const up = await devcontainer(['up', '--workspace-folder', dir]);
    expect(up.code).toBe(0);
    const outcome = JSON.parse(up.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(outcome).toMatchObject({ outcome: 'success', remoteUser: 'user4242', remoteWorkspaceFolder: `/workspaces/${path.basename(dir)}` });

    const exec = await devcontainer(['exec', '--workspace-folder', dir, 'sh', '-c', 'id -un; id -u; pwd; command -v hello >/dev/null && command -v tool >/dev/null && echo on PATH; hello; tool']);
    expect(exec.code).toBe(0);
    expect(exec.stdout).toBe(`user4242\n4242\n/workspaces/${path.basename(dir)}\non PATH\nhello\ntool 1.2.3\n`);

    // Another final image: the file is stale until regenerated; the rebuild keeps every builder cached.
    await writeConfig(ALT_IMAGE);
    expect((await rocktsAsUid(DOCKER_26, 4242, dir, ['plan'])).stdout).toContain('.devcontainer/devcontainer.json is stale: it was written for another composition');
    await generate();
    const again = await devcontainer(['up', '--workspace-folder', dir, '--remove-existing-container']);
    expect(again.code).toBe(0);
    const steps = buildSteps(again.stdout + again.stderr);
    const builders = steps.filter((s) => s.stage.startsWith('rockts-builder-'));
    expect(builders.length).toBeGreaterThan(0);
    expect(builders.filter((s) => !s.cached)).toEqual([]);
    expect(steps.filter((s) => s.stage === 'rockts-final' && !s.cached).length).toBeGreaterThan(0);
    const after = await devcontainer(['exec', '--workspace-folder', dir, 'sh', '-c', 'id -un; hello']);
    expect(after).toMatchObject({ code: 0, stdout: 'user4242\nhello\n' });
  });

  test('dockerfile: and deps files: the base image is built first and the generated files are in the context', async () => {
    const project = await mkdtemp(path.join(os.tmpdir(), 'rockts-loop-dcdf-'));
    const cleanup = () => {
      for (const id of docker(DOCKER_26, ['ps', '--all', '--quiet', '--filter', `label=devcontainer.local_folder=${project}`]).split('\n').filter(Boolean)) docker(DOCKER_26, ['rm', '--force', id]);
      const images = docker(DOCKER_26, ['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n');
      const ours = images.filter((i) => i.startsWith(`vsc-${path.basename(project).toLowerCase()}-`) || i.startsWith(`${path.basename(project).toLowerCase()}-dev-base:`));
      if (ours.length > 0) docker(DOCKER_26, ['image', 'rm', '--force', ...ours]);
    };
    try {
      await mkdir(path.join(project, 'docker'));
      await mkdir(path.join(project, 'tools/scripts'), { recursive: true });
      await writeFile(path.join(project, 'docker/dev.Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo from-dockerfile > /etc/rockts-marker\n`);
      await writeFile(path.join(project, 'rockerc.yaml'), 'dockerfile: docker/dev.Dockerfile\nextensions: [deps]\n');
      await writeFile(path.join(project, 'tools/tools.deps.yaml'), 'script_tools:\n  - scripts/tool.sh\n');
      await writeFile(path.join(project, 'tools/scripts/tool.sh'), '#!/bin/sh\necho script-ran > /etc/rockts-script\n');
      expect((await rocktsIn(project, ['devcontainer'], { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS })).code).toBe(0);
      expect((await devcontainer(['up', '--workspace-folder', project])).code).toBe(0);
      expect(await devcontainer(['exec', '--workspace-folder', project, 'cat', '/etc/rockts-marker', '/etc/rockts-script'])).toMatchObject({ code: 0, stdout: 'from-dockerfile\nscript-ran\n' });
    } finally {
      cleanup();
      await rm(project, { recursive: true, force: true });
    }
  });
});
