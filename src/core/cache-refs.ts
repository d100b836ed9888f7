/**
 * Registry cache refs addressed by content (pure). A builder stage's ref is derived from
 * what determines it: its rendered text, its builder base stage's text, the files of its
 * extension, and the Dockerfile's syntax directive. Never from the project, its file
 * name, its tag or its final image: two projects that render the same builder share its
 * cache, and a changed option gives a new ref instead of overwriting the old one.
 * The final stage's ref covers the final stage's text, every builder's ref and every
 * extension's files: it is reused only by an identical composition.
 */
import { createHash } from 'node:crypto';
import { FINAL_STAGE } from './build-plan.js';
import { readDockerfile } from './dockerfile-reader.js';
import { RocktsError } from './errors.js';
import type { Plan } from './types.js';

/** The `cache:` block of rockerc.yaml, merged. */
export interface CacheSettings {
  /** A repository without tag or digest, e.g. registry.example/team/rockts-cache. */
  readonly registry: string;
  /** Push the caches after a build (false: import only, for developers who pull what CI pushed). */
  readonly export: boolean;
  /** BuildKit's cache export mode: max keeps every intermediate layer. */
  readonly mode: 'min' | 'max';
}

export interface StageCache {
  readonly stage: string;
  /** Full registry ref, `<registry>:<stage>-<digest>`. */
  readonly ref: string;
}

export interface CacheRefs {
  /** One per builder base stage, in plan order. */
  readonly bases: readonly StageCache[];
  /** One per builder stage, in plan order. */
  readonly builders: readonly StageCache[];
  readonly final: StageCache;
}

/** Bumped when what goes into a key changes, so old refs are never misread. */
const KEY_VERSION = 'rockts-cache-v1';
const DIGEST_LENGTH = 24;

/**
 * The cache ref of every stage of `dockerfile` (the text rendered from `plan`).
 * `fileHashes` maps an extension name to the content hash of the files it sends in the
 * build context (none: the extension ships no files).
 */
export function cacheRefs(plan: Plan, dockerfile: string, fileHashes: ReadonlyMap<string, string>, registry: string): CacheRefs {
  const texts = stageTexts(dockerfile);
  const syntax = plan.syntax ?? '';
  const textOf = (stage: string): string => {
    const text = texts.get(stage);
    if (text === undefined) throw new RocktsError('INTERNAL', `stage ${stage} of the plan is not in the rendered Dockerfile`);
    return text;
  };
  const digest = (...parts: readonly string[]) => createHash('sha256').update([KEY_VERSION, syntax, ...parts].join('\0')).digest('hex').slice(0, DIGEST_LENGTH);
  const baseDigests = new Map(plan.builderBases.map((b) => [b.stage, digest('base', textOf(b.stage))]));
  const builders = plan.builders.map((b) => ({
    stage: b.stage,
    digest: digest('builder', textOf(b.stage), baseDigests.get(b.base) ?? '', fileHashes.get(b.extension) ?? ''),
  }));
  const files = plan.extensions.map((e) => `${e.name}=${fileHashes.get(e.name) ?? ''}`);
  const finalDigest = digest('final', textOf(FINAL_STAGE), ...builders.map((b) => `${b.stage}=${b.digest}`), ...files);
  const ref = (stage: string, d: string) => ({ stage, ref: `${registry}:${stage}-${d}` });
  return {
    bases: plan.builderBases.map((b) => ref(b.stage, baseDigests.get(b.stage)!)),
    builders: builders.map((b) => ref(b.stage, b.digest)),
    final: ref(FINAL_STAGE, finalDigest),
  };
}

/** The text of each named stage: the lines of its instructions (heredoc bodies included), from its FROM on. */
function stageTexts(dockerfile: string): Map<string, string> {
  const lines = dockerfile.split('\n');
  const { instructions } = readDockerfile(dockerfile, 'Dockerfile');
  const texts = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      if (current) texts.set(current.name, current.lines.join('\n'));
      const name = /\s[Aa][Ss]\s+(\S+)\s*$/.exec(instruction.args)?.[1] ?? '';
      current = { name, lines: [] };
    }
    current?.lines.push(...lines.slice(instruction.startLine - 1, instruction.endLine));
  }
  if (current) texts.set(current.name, current.lines.join('\n'));
  return texts;
}
