/**
 * `rockts extension test --static --parse`: the engine's own Dockerfile parser over every
 * scenario's composed file, without running any of it. A stage `FROM scratch` is
 * appended and only that stage is built; BuildKit and Buildah still parse every
 * instruction of every stage first, so an unknown instruction or flag is found here,
 * for extensions whose real build needs the internet.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildFailure } from '../docker/attribute-failure.js';
import { PARSE_CHECK_STAGE } from '../core/stage-names.js';
import { buildCommand, PLAIN_BUILD } from '../docker/build-argv.js';
import { execCapture, type Engine } from '../docker/engine.js';
import { runStreaming } from '../docker/run-streaming.js';
import type { ComposedScenario } from './compose-scenarios.js';

/** For each extension folder, one line per scenario whose Dockerfile the engine refused. */
export async function parseWithEngine(engine: Engine, composed: readonly ComposedScenario[], network: string | undefined): Promise<Map<string, string[]>> {
  const problems = new Map<string, string[]>();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-parse-'));
  const tag = `${PARSE_CHECK_STAGE}-${process.pid}`;
  try {
    for (const s of composed) {
      const { dockerfile, owners } = s.composition;
      const file = path.join(dir, 'Dockerfile');
      await writeFile(file, `${dockerfile}\nFROM scratch AS ${PARSE_CHECK_STAGE}\n`);
      const command = buildCommand(engine, {
        ...PLAIN_BUILD,
        contextDir: dir,
        dockerfile: file,
        tag,
        iidFile: path.join(dir, 'iid'),
        target: PARSE_CHECK_STAGE,
        network,
      });
      const run = await runStreaming(command.bin, command.args, command.env, false);
      if (run.code === 0) continue;
      const found = problems.get(s.extension.dir) ?? [];
      found.push(`${engine.kind === 'docker' ? 'BuildKit' : 'Buildah'} (scenario ${s.scenario.name}): ${buildFailure(run.log, owners, dockerfile).message}`);
      problems.set(s.extension.dir, found);
    }
  } finally {
    await execCapture(engine.bin, ['image', 'rm', tag]);
    await rm(dir, { recursive: true, force: true });
  }
  return problems;
}
