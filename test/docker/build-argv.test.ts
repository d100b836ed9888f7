import { bakeCommand, buildCommand, formatCommand, PLAIN_BUILD, underTerminal, type BuildRequest } from '../../src/docker/build-argv.js';
import { cacheExportProblem } from '../../src/build/registry-cache.js';

const request: BuildRequest = {
  ...PLAIN_BUILD,
  contextDir: '/tmp/ctx',
  dockerfile: '/tmp/ctx/Dockerfile',
  tag: 'proj-dev',
  iidFile: '/tmp/ctx/image-id',
  progress: 'plain',
};

test('--target builds one stage, on Docker and Podman alike', () => {
  for (const engine of [{ kind: 'docker', bin: 'docker', buildx: true }, { kind: 'podman', bin: 'podman', buildx: false }] as const) {
    const args = buildCommand(engine, { ...request, progress: undefined, target: 'check' }).args;
    expect(args.slice(-3)).toEqual(['--target', 'check', '/tmp/ctx']);
  }
});

test('buildx: every flag passes through, and --load keeps the image local for any builder driver', () => {
  const command = buildCommand(
    { kind: 'docker', bin: 'docker', buildx: true },
    { ...request, noCache: true, pull: true, network: 'host', buildArgs: ['A=1', 'B=two words'], builder: 'ci', cacheFrom: ['type=local,src=/c'], cacheTo: ['type=local,dest=/c'], platform: 'linux/arm64' },
  );
  expect(command).toEqual({
    bin: 'docker',
    env: {},
    args: [
      'buildx', 'build', '--file', '/tmp/ctx/Dockerfile', '--tag', 'proj-dev', '--iidfile', '/tmp/ctx/image-id', '--progress', 'plain', '--load',
      '--network', 'host', '--no-cache', '--pull', '--build-arg', 'A=1', '--build-arg', 'B=two words', '--builder', 'ci',
      '--cache-from', 'type=local,src=/c', '--cache-to', 'type=local,dest=/c', '--platform', 'linux/arm64', '/tmp/ctx',
    ],
  });
  expect(formatCommand(command)).toContain("--build-arg 'B=two words'");
});

test('without buildx: DOCKER_BUILDKIT=1 docker build, no --load', () => {
  const command = buildCommand({ kind: 'docker', bin: '/usr/bin/docker', buildx: false }, request);
  expect(command.args.slice(0, 2)).toEqual(['build', '--file']);
  expect(command.args).not.toContain('--load');
  expect(formatCommand(command)).toBe(
    'DOCKER_BUILDKIT=1 /usr/bin/docker build --file /tmp/ctx/Dockerfile --tag proj-dev --iidfile /tmp/ctx/image-id --progress plain /tmp/ctx',
  );
});

test('podman: podman build with --layers, and buildx-only flags refused rather than ignored', () => {
  const podman = { kind: 'podman' as const, bin: 'podman', buildx: false };
  const command = buildCommand(podman, { ...request, progress: undefined, network: 'host', buildArgs: ['A=1'], pull: true });
  expect(formatCommand(command)).toBe(
    'podman build --file /tmp/ctx/Dockerfile --tag proj-dev --iidfile /tmp/ctx/image-id --layers --network host --pull --build-arg A=1 /tmp/ctx',
  );
  expect(() => buildCommand(podman, { ...request, progress: undefined, builder: 'ci' })).toThrow('--builder is a docker buildx option; podman build has no equivalent');
  expect(() => buildCommand(podman, { ...request, progress: 'tty' })).toThrow('--progress is a docker buildx option');
});

test('under a terminal: util-linux script runs the same command, quoted, in a pseudo-terminal of the given size', () => {
  const command = buildCommand({ kind: 'docker', bin: 'docker', buildx: false }, { ...request, progress: 'auto', buildArgs: ["GREETING=it's"] });
  const wrapped = underTerminal(command, '/usr/bin/script', { columns: 120, rows: 40 });
  expect(wrapped.bin).toBe('/usr/bin/script');
  expect(wrapped.args).toEqual(['--quiet', '--return', '--flush', '--command', `stty cols 120 rows 40 2>/dev/null; exec ${formatCommand({ ...command, env: {} })}`, '/dev/null']);
  expect(wrapped.args[4]).toContain(`--build-arg 'GREETING=it'\\''s'`);
  expect(wrapped.env).toEqual({ DOCKER_BUILDKIT: '1' });
});

test('a cache-only build (one stage exported to its registry cache): no tag, no image loaded, no image ID', () => {
  const args = buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, target: 'rockts-builder-x', cacheOnly: true, cacheTo: ['type=registry,ref=r/c:x,mode=max'] }).args;
  expect(args).toEqual(['buildx', 'build', '--file', '/tmp/ctx/Dockerfile', '--output', 'type=cacheonly', '--progress', 'plain', '--cache-to', 'type=registry,ref=r/c:x,mode=max', '--target', 'rockts-builder-x', '/tmp/ctx']);
  expect(() => buildCommand({ kind: 'docker', bin: 'docker', buildx: false }, { ...request, cacheOnly: true })).toThrow('a cache-only build needs docker buildx');
});

test('bake: docker buildx bake of the final target, with the builder, its files in order; refused without buildx', () => {
  expect(bakeCommand({ kind: 'docker', bin: 'docker', buildx: true }, { files: ['/b/docker-bake.json'], target: 'rockts-final', progress: undefined, builder: 'ci' }).args).toEqual([
    'buildx', 'bake', '--file', '/b/docker-bake.json', '--progress', 'plain', '--builder', 'ci', 'rockts-final',
  ]);
  expect(bakeCommand({ kind: 'docker', bin: 'docker', buildx: true }, { files: ['/b/rockts-network.compose.yaml', '/b/docker-bake.json'], target: 'rockts-final', progress: 'quiet', builder: undefined }).args).toEqual([
    'buildx', 'bake', '--file', '/b/rockts-network.compose.yaml', '--file', '/b/docker-bake.json', '--progress', 'quiet', 'rockts-final',
  ]);
  expect(() => bakeCommand({ kind: 'podman', bin: 'podman', buildx: false }, { files: ['f'], target: 't', progress: undefined, builder: undefined })).toThrow('--bake needs docker buildx; podman has no bake, or build without --bake');
});

test("registry cache export: refused only by the docker driver on Docker's classic store, with the fix", () => {
  // The second argument: whether the builder is Docker's own driver (docker/engine.ts usesDockerDriver).
  expect(cacheExportProblem({ kind: 'docker', buildx: true, containerdStore: true }, true)).toBeUndefined();
  expect(cacheExportProblem({ kind: 'docker', buildx: true, containerdStore: false }, false)).toBeUndefined();
  expect(cacheExportProblem({ kind: 'docker', buildx: true, containerdStore: false }, true)).toMatch(/^this Docker daemon uses the classic image store, .* Fix: enable the containerd image store/);
});

test('--push: buildx loads and pushes; refused without buildx and on Podman; never on a cache-only stage build', () => {
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true }).args).toContain('--push');
  // Docker's own driver stores what it pushes: --load beside it races the push to name the image.
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true }).args).not.toContain('--load');
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true, builder: 'team' }).args).toEqual(expect.arrayContaining(['--load', '--push', '--builder', 'team']));
  // What the builder's driver is, when known, decides: the current builder may be a docker-container one, a named one Docker's own.
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true, dockerDriver: false }).args).toEqual(expect.arrayContaining(['--load', '--push']));
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true, builder: 'default', dockerDriver: true }).args).not.toContain('--load');
  expect(buildCommand({ kind: 'docker', bin: 'docker', buildx: true }, { ...request, push: true, cacheOnly: true }).args).not.toContain('--push');
  expect(() => buildCommand({ kind: 'docker', bin: 'docker', buildx: false }, { ...request, push: true })).toThrow('--push needs docker buildx; without it, build, then `docker push` the tag');
  expect(() => buildCommand({ kind: 'podman', bin: 'podman', buildx: false }, { ...request, progress: undefined, push: true })).toThrow('--push is a docker buildx option; with podman, build, then `podman push` the tag');
});
