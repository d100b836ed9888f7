import { buildCommand, formatCommand, PLAIN_BUILD, underTerminal, type BuildRequest } from '../../src/docker/build-argv.js';

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
