/**
 * rockerc's `dockerfile:` without an engine: the build commands a dry run prints, and
 * which of image: and dockerfile: wins between ~/.rockerc.yaml and the project.
 * (Golden cases: test/golden/dockerfile-project, test/golden-errors/dockerfile-*;
 * real builds: test/e2e/dockerfile.test.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { composeCase, FIXTURE_EXTENSIONS, ROOT } from './helpers/project.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-dockerfile-'));
  await mkdir(path.join(dir, 'docker'));
  await writeFile(path.join(dir, 'docker/Dockerfile'), 'FROM debian:bookworm\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a dry run prints the Dockerfile\'s build (its folder as context) before the project\'s, and --pull goes to the first only', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'dockerfile: docker/Dockerfile\nextensions: [hello]\ntag: demo:dev\n');
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await symlink(process.execPath, path.join(bin, 'node'));
  const result = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [path.join(ROOT, 'bin/run.js'), 'build', '--dry-run', '--pull'], { cwd: dir, env: { ...process.env, HOME: dir, PATH: bin, ROCKTS_BUILTIN_EXTENSIONS: FIXTURE_EXTENSIONS } }, (_e, stdout, stderr) =>
      resolve({ stdout, stderr }),
    ),
  );
  const [base, project] = result.stdout.trim().split('\n');
  expect(base).toMatch(new RegExp(`^docker buildx build --file ${dir}/docker/Dockerfile --tag demo-base:[0-9a-f]{12} --iidfile \\S+ --progress plain --load --pull ${dir}/docker$`));
  expect(project).toMatch(/^docker buildx build --file \S+\/Dockerfile --tag demo:dev --iidfile \S+ --progress plain --load \S+$/);
  const contextDir = /Dockerfile: (\S+)\/Dockerfile/.exec(result.stderr)![1]!;
  await rm(contextDir, { recursive: true, force: true });
});

test("the project's image: or dockerfile: wins over the global file's", async () => {
  await mkdir(path.join(dir, 'home'));
  await writeFile(path.join(dir, 'home/.rockerc.yaml'), 'image: ubuntu:24.04\n');
  await writeFile(path.join(dir, 'rockerc.yaml'), 'dockerfile: docker/Dockerfile\nextensions: [hello]\n');
  const fromDockerfile = await composeCase(dir, FIXTURE_EXTENSIONS);
  expect(fromDockerfile.plan.final.image).toMatch(/-dev-base:[0-9a-f]{12}$/);
  expect(fromDockerfile.plan.dockerfile?.file).toBe('docker/Dockerfile');

  await writeFile(path.join(dir, 'home/.rockerc.yaml'), 'dockerfile: docker/Dockerfile\n');
  await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:22.04\nextensions: [hello]\n');
  const fromImage = await composeCase(dir, FIXTURE_EXTENSIONS);
  expect(fromImage.plan.final.image).toBe('ubuntu:22.04');
  expect(fromImage.plan.dockerfile).toBeUndefined();
});

test('the tag follows the Dockerfile text: a change gives a new FROM line, the same text the same one', async () => {
  await writeFile(path.join(dir, 'rockerc.yaml'), 'dockerfile: docker/Dockerfile\nextensions: [hello]\n');
  const first = (await composeCase(dir, FIXTURE_EXTENSIONS)).plan.final.image;
  expect((await composeCase(dir, FIXTURE_EXTENSIONS)).plan.final.image).toBe(first);
  await writeFile(path.join(dir, 'docker/Dockerfile'), 'FROM debian:bookworm\nRUN true\n');
  expect((await composeCase(dir, FIXTURE_EXTENSIONS)).plan.final.image).not.toBe(first);
});
