/**
 * rockerc's `dockerfile:` on real engines: the project's Dockerfile is built first and
 * the final stage starts from it; an unchanged Dockerfile rebuilds nothing, a changed
 * one only the final stage (the builders stay cached).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BASE_IMAGE, describeWithEngine, docker, ENGINES, parseSteps, rocktsWith, type Step, type TestEngine } from '../helpers/engine.js';

jest.setTimeout(600_000);

const nonce = `${process.pid}${Date.now()}`.slice(-12);
let dir: string;
let tag: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-dockerfile-'));
  tag = `rockts-e2e-${path.basename(dir).toLowerCase()}`;
  const config = ['dockerfile: Dockerfile', 'extensions: [hello]', 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc, libc6-dev]', `tag: ${tag}`, ''];
  await writeFile(path.join(dir, 'rockerc.yaml'), config.join('\n'));
  await writeFile(path.join(dir, 'base.txt'), `base ${nonce}\n`);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const engine of ENGINES) {
  describeWithEngine(`dockerfile: on ${engine.name}`, () => {
    const build = async (): Promise<Step[]> => {
      const progress = engine.kind === 'docker' ? ['--progress', 'plain'] : [];
      const result = await rocktsWith(engine, dir, ['build', ...progress, '--network', 'host']);
      if (result.code !== 0) throw new Error(`rockts build failed (${result.code}):\n${result.stderr.slice(-4000)}`);
      // The Dockerfile's own build comes first; the steps asserted are those of the project's build after it.
      const [, project] = result.stderr.split(/^rockts: built .*; now building .*$/m);
      expect(project).toBeDefined();
      return parseSteps(project!, engine.kind);
    };
    const dockerfile = (line: string) => writeFile(path.join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY base.txt /etc/base.txt\nRUN echo "${line}" > /etc/line\n`);
    const ran = (steps: Step[]) => steps.filter((s) => !s.cached && s.stage.startsWith('rockts-builder'));
    const images = (engine: TestEngine) => docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter((t) => t.startsWith(tag));

    afterEach(() => {
      for (const image of images(engine)) docker(engine, ['image', 'rm', '--force', image]);
    });

    test('the final image starts from the Dockerfile; a changed one re-runs no builder step, an unchanged one nothing', async () => {
      await dockerfile(`one ${nonce}`);
      await build();
      expect(docker(engine, ['run', '--rm', '--network=host', tag, 'cat', '/etc/base.txt', '/etc/line'])).toBe(`base ${nonce}\none ${nonce}\n`);
      await dockerfile(`two ${nonce}`);
      const steps = await build();
      expect(steps.filter((s) => s.stage.startsWith('rockts-builder')).length).toBeGreaterThanOrEqual(2);
      expect(ran(steps)).toEqual([]);
      expect(docker(engine, ['run', '--rm', '--network=host', tag, 'cat', '/etc/line'])).toBe(`two ${nonce}\n`);
      expect(docker(engine, ['run', '--rm', '--network=host', '--entrypoint', 'hello', tag])).toBe('hello\n');
      // Unchanged: every step of the project's build is cached (Podman's LABEL is metadata).
      const again = await build();
      expect(again.filter((s) => !s.cached && !s.name.startsWith('LABEL'))).toEqual([]);
    });

    if (engine.kind === 'docker' && engine.env.DOCKER_HOST === undefined) test('rockts run builds the image, and rebuilds it when the Dockerfile changes', async () => {
      await dockerfile(`first ${nonce}`);
      const first = await rocktsWith(engine, dir, ['run', '--network', 'host', '--', 'cat', '/etc/line']);
      expect(first.stdout).toBe(`first ${nonce}\n`);
      expect(first.stderr).toContain(`rockts: no image ${tag} yet; building it`);
      await dockerfile(`second ${nonce}`);
      const second = await rocktsWith(engine, dir, ['run', '--network', 'host', '--', 'cat', '/etc/line']);
      expect(second.stderr).toContain(`rockts: ${tag} was built from another composition; rebuilding`);
      expect(second.stdout).toBe(`second ${nonce}\n`);
      const third = await rocktsWith(engine, dir, ['run', '--network', 'host', '--', 'cat', '/etc/line']);
      expect(third.stderr).not.toContain('rebuilding');
      expect(third.stdout).toBe(`second ${nonce}\n`);
    });
  }, engine);
}
