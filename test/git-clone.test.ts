/**
 * The git-clone extension's negative goldens: test/golden-git-clone-errors/<case>/ holds a
 * project whose .repos files are wrong, and expected.txt the full error text
 * (UPDATE_GOLDEN=1 rewrites it). The positive cases are in test/golden-builtin/git-clone*.
 */
import path from 'node:path';
import { describePlan, planToJson } from '../src/cli/describe-plan.js';
import { buildCommand, PLAIN_BUILD } from '../src/docker/build-argv.js';
import { BUILTIN_EXTENSIONS, composeCase, ROOT, testErrorGoldens } from './helpers/project.js';

testErrorGoldens('test/golden-git-clone-errors');

test('the project records which repositories need the ssh agent', async () => {
  const { gitClone } = await composeCase(path.join(ROOT, 'test/golden-builtin/git-clone'), BUILTIN_EXTENSIONS);
  expect(gitClone?.files).toEqual(['deps.repos', 'ws/tools/tools.repos.yaml']);
  expect(gitClone?.repositories.map((r) => `${r.path} ${r.ssh}`)).toEqual(['src/demo_lib false', 'src/demo_msgs false', 'src/private_tool true', 'tools/latest true']);
  expect(gitClone?.needsSsh).toBe(true);
  const plain = await composeCase(path.join(ROOT, 'test/golden-builtin/git-clone-root'), BUILTIN_EXTENSIONS);
  expect(plain.gitClone?.needsSsh).toBe(false);
});

test('rockts plan lists the .repos files and each repository with its version', async () => {
  const dir = path.join(ROOT, 'test/golden-builtin/git-clone');
  const { plan, config, deps, gitClone } = await composeCase(dir, BUILTIN_EXTENSIONS);
  expect(describePlan(plan, config, (f) => path.relative(dir, f), deps, gitClone)).toContain(
    [
      'git-clone .repos files: deps.repos, ws/tools/tools.repos.yaml (ssh URLs: the build gets --ssh default)',
      '  src/demo_lib ← https://github.com/example/demo_lib.git at v1.2.0',
      '  src/demo_msgs ← git://git.example.org/demo_msgs at 0123456789abcdef0123456789abcdef01234567',
      '  src/private_tool ← git@github.com:example/private_tool.git at main',
      '  tools/latest ← ssh://git@git.example.org:2222/tools/latest.git at the default branch',
      '',
    ].join('\n'),
  );
});

test('--ssh default reaches docker and podman only when asked for', () => {
  const request = { ...PLAIN_BUILD, contextDir: '/ctx', dockerfile: '/ctx/Dockerfile', tag: 't', iidFile: '/ctx/iid' };
  for (const engine of [{ kind: 'docker', bin: 'docker', buildx: true }, { kind: 'docker', bin: 'docker', buildx: false }, { kind: 'podman', bin: 'podman', buildx: false }] as const) {
    expect(buildCommand(engine, { ...request, sshAgent: true }).args.join(' ')).toContain('--ssh default /ctx');
    expect(buildCommand(engine, request).args).not.toContain('--ssh');
  }
});

test('rockts plan --json carries the same git-clone summary, each repository with where it is listed', async () => {
  const dir = path.join(ROOT, 'test/golden-builtin/git-clone');
  const { plan, config, deps, gitClone } = await composeCase(dir, BUILTIN_EXTENSIONS);
  const json = planToJson(plan, config, (f) => path.relative(dir, f), deps, gitClone);
  expect(json.gitClone).toMatchObject({ files: ['deps.repos', 'ws/tools/tools.repos.yaml'], needsSsh: true });
  expect(json.gitClone?.repositories[0]).toEqual({ path: 'src/demo_lib', url: 'https://github.com/example/demo_lib.git', version: 'v1.2.0', ssh: false, at: expect.stringMatching(/^deps\.repos:\d+:\d+$/) });
  expect(json.gitClone?.repositories.map((r) => `${r.path} ${r.version} ${r.ssh}`)).toEqual([
    'src/demo_lib v1.2.0 false',
    'src/demo_msgs 0123456789abcdef0123456789abcdef01234567 false',
    'src/private_tool main true',
    'tools/latest null true',
  ]);
  expect(planToJson(plan, config, (f) => f, deps, undefined).gitClone).toBeNull();
});
