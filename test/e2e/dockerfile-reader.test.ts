/**
 * The reader against the engine's own parser: every valid case of the reader's table
 * (test/core/dockerfile-reader-cases.ts) is built on Docker 26, and the steps BuildKit
 * runs (`#N [i/n] RUN …` in its plain progress: RUN, COPY, ADD and WORKDIR become steps)
 * must be the reader's instructions of those kinds, with the same logical text, and no
 * others. Nothing is tagged or kept (`--output type=cacheonly`).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readDockerfile } from '../../src/core/dockerfile-reader.js';
import { READER_CASES } from '../core/dockerfile-reader-cases.js';
import { BASE_IMAGE, describeWithEngine, DOCKER_26 } from '../helpers/engine.js';

const STEP_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/** BuildKit's steps after FROM, each once, in order: `[i/n] text`. */
function engineSteps(log: string): { steps: string[]; total: number | undefined } {
  const seen = new Map<string, { index: number; total: number; text: string }>();
  for (const line of log.split('\n')) {
    const m = /^#(\d+) \[(?:\S+ )?(\d+)\/(\d+)\] (.*)$/.exec(line);
    if (m && !seen.has(m[1]!)) seen.set(m[1]!, { index: Number(m[2]), total: Number(m[3]), text: m[4]! });
  }
  // A FROM step may be shared with a parallel build and named after its stage; skip it.
  const steps = [...seen.values()].filter((s) => !/^FROM /.test(s.text)).sort((a, b) => a.index - b.index);
  return { steps: steps.map((s) => s.text), total: steps[0]?.total };
}

describeWithEngine('the Dockerfile reader agrees with BuildKit on Docker 26', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-reader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test.each(READER_CASES.filter((c) => c.engine).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = c.text.replace(/^FROM img$/m, `FROM ${BASE_IMAGE}`);
    const build = buildCacheOnly(text);
    const log = `${build.stdout}${build.stderr}`;
    expect({ status: build.status, log: build.status === 0 ? '' : log }).toEqual({ status: 0, log: '' });
    const expected = readDockerfile(text, 'Dockerfile').instructions.filter((i) => STEP_KEYWORDS.has(i.keyword)).map((i) => i.line.trim());
    const { steps, total } = engineSteps(log);
    expect(steps).toEqual(expected);
    expect(total).toBe(expected.length + 1);
  });

  test("Docker 26's frontend (before Dockerfile 1.16) reads `<<  D` as no heredoc: templates may not write it", () => {
    const build = buildCacheOnly(`FROM ${BASE_IMAGE}\nRUN echo <<  D\nRUN echo after\n`);
    expect(engineSteps(`${build.stdout}${build.stderr}`).steps).toEqual(['RUN echo <<  D', 'RUN echo after']);
  });

  function buildCacheOnly(text: string) {
    writeFileSync(path.join(dir, 'Dockerfile'), text);
    return spawnSync(DOCKER_26.bin, ['buildx', 'build', '--network=host', '--progress=plain', '--no-cache', '--output', 'type=cacheonly', dir], {
      encoding: 'utf8',
      env: { ...process.env, ...DOCKER_26.env },
      timeout: 300_000,
    });
  }
});
