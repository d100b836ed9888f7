/**
 * Registry cache refs addressed by content (pure). A stage's ref is derived from the
 * cache key of its last step (composition-record.ts keys every step as the build cache
 * does: its instruction on its parent state, a COPY with its source, whether another
 * stage, an extension's files/ or the company CA) and the Dockerfile's syntax directive.
 * Never from the project, its file name, its tag or its final image: two projects that
 * render the same builder share its cache, and a changed option gives a new ref instead
 * of overwriting the old one. The final stage's key covers every builder it copies
 * from: its ref is reused only by an identical composition.
 */
import { createHash } from 'node:crypto';
import type { KeyedStage } from './composition-record.js';
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
const KEY_VERSION = 'rockts-cache-v2';
const DIGEST_LENGTH = 24;

/** The cache ref of every stage of a composition (its plan and its keyed stages, compose.ts). */
export function cacheRefs(composed: { readonly plan: Pick<Plan, 'syntax'>; readonly stages: readonly KeyedStage[] }, registry: string): CacheRefs {
  const ref = (s: KeyedStage): StageCache => {
    const digest = createHash('sha256').update([KEY_VERSION, composed.plan.syntax ?? '', s.key].join('\0')).digest('hex').slice(0, DIGEST_LENGTH);
    return { stage: s.stage, ref: `${registry}:${s.stage}-${digest}` };
  };
  const of = (kind: KeyedStage['kind']) => composed.stages.filter((s) => s.kind === kind).map(ref);
  return { bases: of('base'), builders: of('builder'), final: of('final')[0]! };
}
