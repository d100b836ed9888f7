import { execArgs, LOGIN_SHELL, runArgs, workspaceDir, type RunRequest } from '../../src/docker/run-argv.js';
const request: RunRequest = {
  image: 'proj-dev',
  configHash: 'sha256:abc',
  projectDir: '/home/me/proj',
  workdir: workspaceDir('/home/me/proj'),
  uid: 1000,
  gid: 1001,
  name: undefined,
  detach: false,
  tty: true,
  network: 'host',
  extensionArgs: ['--env', 'DISPLAY=:0', '--mount', 'type=bind,source=/tmp/.X11-unix,target=/tmp/.X11-unix', '--device', '/dev/dri'],
  command: ['cargo', 'test'],
};

test('a one-shot container: removed afterwards, project mounted as the working directory, host user, extension arguments', () => {
  expect(runArgs(request, false)).toEqual([
    'run', '--rm', '--interactive', '--tty', '--label', 'rockts.config=sha256:abc', '--label', 'rockts.project=/home/me/proj', '--network', 'host',
    '--volume', '/home/me/proj:/workspaces/proj', '--workdir', '/workspaces/proj', '--user', '1000:1001',
    '--env', 'DISPLAY=:0', '--mount', 'type=bind,source=/tmp/.X11-unix,target=/tmp/.X11-unix', '--device', '/dev/dri',
    'proj-dev', 'cargo', 'test',
  ]);
});

test('a kept container idles under an init so commands can be exec\'d into it later', () => {
  const args = runArgs({ ...request, name: 'dev' }, true);
  expect(args.slice(0, 5)).toEqual(['run', '--detach', '--init', '--name', 'dev']);
  expect(args).not.toContain('--rm');
  expect(args.slice(-3)).toEqual(['proj-dev', 'sleep', 'infinity']);
  expect(execArgs('dev', { ...request, command: [] })).toEqual(['exec', '--interactive', '--tty', '--workdir', '/workspaces/proj', '--user', '1000:1001', 'dev', ...LOGIN_SHELL]);
});
