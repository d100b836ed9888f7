/**
 * Living in the kept container on a real engine: `rockts exec` (no container yet, a
 * stopped one started, the exit code passed through), `stop`, `ps` (composition and
 * whether it is current) and `down --image`, with their --json answers (and build's),
 * on Docker 26 and Podman.
 */
import { jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASE_IMAGE, describeWithEngine, docker, DOCKER_26, PODMAN, rocktsWith } from '../helpers/engine.js';

jest.setTimeout(600_000);

const nonce = `${process.pid}${Date.now()}`.slice(-10);

interface Status {
  composition: string;
  containers: { name: string; status: string; current: boolean }[];
  image: { tag: string; current: boolean } | null;
}

for (const engine of [DOCKER_26, PODMAN]) {
  describeWithEngine(
    `rockts exec, stop, ps and down on ${engine.name}`,
    () => {
      let dir: string;
      let container: string;
      const tag = `rockts-loop-life-${engine.kind}-${nonce}`;
      beforeAll(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), `rockts-loop-${engine.kind}-`));
        container = `rockts-${path.basename(dir).toLowerCase()}`;
      });
      afterAll(async () => {
        for (const args of [['rm', '--force', container], ['image', 'rm', '--force', tag]]) {
          try {
            docker(engine, args);
          } catch {
            // already gone
          }
        }
        await rm(dir, { recursive: true, force: true });
      });

      const rockts = (args: string[]) => rocktsWith(engine, dir, args);
      const writeConfig = (greeting: string) =>
        writeFile(
          path.join(dir, 'rockerc.yaml'),
          [`image: ${BASE_IMAGE}`, `extensions: ["hello: { greeting: ${greeting} }"]`.replace(/"/g, ''), 'builder:', `  baseImage: ${BASE_IMAGE}`, '  apt: [gcc]', `tag: ${tag}`, ''].join('\n'),
        );
      const status = async () => {
        const result = await rockts(['ps', '--json']);
        expect(result.code).toBe(0);
        return JSON.parse(result.stdout) as Status;
      };

      test('exec, stop, ps and down through the life of a kept container', async () => {
        await writeConfig('one');
        const none = await rockts(['exec', '--', 'true']);
        expect(none.code).toBe(8);
        expect(none.stderr).toContain(`rockts: there is no container ${container} for ${path.join(dir, 'rockerc.yaml')}; start one with \`rockts run --keep\`\n`);

        const built = await rockts(['build', '--json']);
        expect(built.code).toBe(0);
        const build = JSON.parse(built.stdout) as { tag: string; imageId: string; durationMs: number; cacheHits: number };
        expect(build).toEqual({ tag, imageId: expect.stringMatching(/^(?:sha256:)?[0-9a-f]{12,}$/), durationMs: expect.any(Number), cacheHits: expect.any(Number) });
        // A second build of the same composition takes its steps from the cache (the first may have too, from earlier runs).
        const rebuilt = JSON.parse((await rockts(['build', '--json'])).stdout) as typeof build;
        expect(rebuilt.cacheHits).toBeGreaterThan(0);
        expect(rebuilt.cacheHits).toBeGreaterThanOrEqual(build.cacheHits);

        const made = await rockts(['run', '--keep', '--json', '--', 'sh', '-c', 'echo made > /tmp/marker']);
        expect(made.code).toBe(0);
        expect(JSON.parse(made.stdout)).toEqual({ container, exitCode: 0 });
        const running = await status();
        // Podman reports the image by its full name.
        const image = engine.kind === 'podman' ? `localhost/${tag}:latest` : tag;
        expect(running.containers).toEqual([{ name: container, status: 'running', image, composition: running.composition, current: true }]);
        expect(running.image).toMatchObject({ tag, composition: running.composition, current: true });

        expect(await rockts(['stop'])).toMatchObject({ code: 0, stderr: `stopped ${container}\n` });
        expect((await status()).containers.map((c) => c.status)).toEqual(['exited']);
        expect(await rockts(['stop'])).toMatchObject({ code: 0, stderr: `${container} was not running\n` });

        const entered = await rockts(['exec', '--', 'sh', '-c', 'cat /tmp/marker; id -u; pwd; hello']);
        expect(entered.stderr).toContain(`rockts: starting container ${container}\n`);
        expect(entered).toMatchObject({ code: 0, stdout: `made\n${process.getuid!()}\n/workspaces/${path.basename(dir)}\none\n` });
        expect((await rockts(['exec', '--', 'sh', '-c', 'exit 5'])).code).toBe(5);
        const json = await rockts(['exec', '--json', '--', 'sh', '-c', 'exit 3']);
        expect(json.code).toBe(3);
        expect(JSON.parse(json.stdout)).toEqual({ container, exitCode: 3 });

        // A changed composition: ps says the container and image are stale; exec still enters the old container.
        await writeConfig('two');
        const stale = await status();
        expect(stale.containers.map((c) => c.current)).toEqual([false]);
        expect(stale.image?.current).toBe(false);
        const old = await rockts(['exec', '--', 'hello']);
        expect(old).toMatchObject({ code: 0, stdout: 'one\n' });
        expect(old.stderr).toContain(`rockts: container ${container} was made from another composition; \`rockts run --keep\` replaces it with the current one\n`);

        const down = await rockts(['down', '--image', '--json']);
        expect(down.code).toBe(0);
        expect(JSON.parse(down.stdout)).toEqual({ containers: [container], image: tag });
        expect(await status()).toMatchObject({ containers: [], image: null });
        expect(await rockts(['down'])).toMatchObject({ code: 0, stderr: 'nothing to remove\n' });
        expect(JSON.parse((await rockts(['down', '--json'])).stdout)).toEqual({ containers: [], image: null });
        expect((await rockts(['stop'])).code).toBe(8);
      });
    },
    engine,
  );
}
