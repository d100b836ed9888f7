/**
 * The deps extension's negative goldens: test/golden-deps-errors/<case>/ holds a project
 * whose deps files are wrong, and expected.txt the full error text (UPDATE_GOLDEN=1
 * rewrites it). The positive cases are in test/golden-builtin/deps-*.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { globMatcher } from '../src/extensions/project-files.js';
import { describePlan } from '../src/cli/describe-plan.js';
import { writeBuildContext } from '../src/docker/build-context.js';
import { BUILTIN_EXTENSIONS, composeCase, composeErrorText, ROOT, testErrorGoldens } from './helpers/project.js';

testErrorGoldens('test/golden-deps-errors');

test('the filter matches as Python rglob does: names at any depth, or the end of a path', () => {
  const names = ['a.deps.yaml', 'pkgs/b/b.deps.yaml', 'deps.yaml', 'x.deps.yml', 'pkgs/c.deps_test.yaml'];
  expect(names.filter(globMatcher('*.deps.yaml'))).toEqual(['a.deps.yaml', 'pkgs/b/b.deps.yaml']);
  expect(names.filter(globMatcher('pkgs/*.deps*.yaml'))).toEqual(['pkgs/c.deps_test.yaml']);
  expect(names.filter(globMatcher('[ab].deps.y?ml'))).toEqual(['a.deps.yaml', 'pkgs/b/b.deps.yaml']);
  expect(names.filter(globMatcher('[!a]*.yaml'))).toEqual(['pkgs/b/b.deps.yaml', 'deps.yaml', 'pkgs/c.deps_test.yaml']);
});

test('rockts plan says what each deps layer gave and where it went', async () => {
  const dir = path.join(ROOT, 'test/golden-builtin/deps-every-key');
  const { plan, config, deps } = await composeCase(dir, BUILTIN_EXTENSIONS);
  const text = describePlan(plan, config, (f) => path.relative(dir, f), deps);
  expect(text).toContain('deps files (filter *.deps.yaml): pkgs/pkg_a/pkg_a.deps.yaml, project.deps.yaml\n');
  expect(text).toContain("  apt_sources → the final stage's apt install: ca-certificates, curl, git  [pkgs/pkg_a/pkg_a.deps.yaml, project.deps.yaml]\n");
  expect(text).toContain("  apt_language-toolchain → deps setup (its own apt-get install: a layer before it can change apt's sources): gcc, make, python3-pip  [pkgs/pkg_a/pkg_a.deps.yaml, project.deps.yaml]\n");
  expect(text).toContain('  env_base → the env group: DEPS_ROCKER=1, PATH=/opt/project/bin:$PATH  [project.deps.yaml]\n');
  expect(text).toContain('  script_sources → deps setup: pkgs/pkg_a/sources.sh, scripts/sources.sh  [pkgs/pkg_a/pkg_a.deps.yaml, project.deps.yaml]\n');
  expect(text).toContain('  run_user → deps user: echo "hello from $(id -un)" > ~/deps-hello  [project.deps.yaml]\n');
});

test("the build context carries each script layer as one script (path order, sudo dropped) and the wheels byte for byte", async () => {
  const dir = path.join(ROOT, 'test/golden-builtin/deps-every-key');
  const { dockerfile, plan, contextFiles } = await composeCase(dir, BUILTIN_EXTENSIONS);
  const context = await writeBuildContext(dockerfile, plan.extensions, contextFiles);
  try {
    expect(await readFile(path.join(context.dir, 'files/deps/script_sources'), 'utf8')).toBe(
      '#!/bin/bash\n# pkgs/pkg_a/sources.sh\n#!/bin/bash\necho pkg_a sources\n\n# scripts/sources.sh\n#!/bin/bash\n# add a source; written for the host, so it says \nmkdir -p /etc/apt/keyrings\necho pseudo-sources > /etc/project-sources\n',
    );
    const wheel = 'hello_deps-1.0-py3-none-any.whl';
    expect(await readFile(path.join(context.dir, 'files/deps/pip_language-toolchain', wheel))).toEqual(await readFile(path.join(dir, 'wheels', wheel)));
  } finally {
    await context.dispose();
  }
});

test('a pyproject.toml linked out of the project is refused under its own name, not as a deps file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-deps-pyproject-'));
  try {
    await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nextensions: [deps]\n');
    await writeFile(path.join(dir, 'project.deps.yaml'), 'pyproject:\n  - all\n');
    await symlink('/etc/hostname', path.join(dir, 'pyproject.toml'));
    expect(await composeErrorText(dir, BUILTIN_EXTENSIONS)).toBe('pyproject.toml:1:1: pyproject.toml: expected a file inside the project folder, found a symlink to /etc/hostname, which is outside it\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
