/**
 * The pure pipeline from a loaded config and extension catalogue to a Dockerfile:
 * resolveExtensions → orderExtensions → buildPlan → renderDockerfile.
 */
import { buildPlan } from './build-plan.js';
import { encodeRecord, RECORD_LABEL, recordComposition, type CompositionRecord, type KeyedStage } from './composition-record.js';
import { orderExtensions } from './order-extensions.js';
import { MODERN_FEATURES, type DockerfileFeatures } from './plain-forms.js';
import { renderDockerfile } from './render-dockerfile.js';
import { builderBaseImage, resolveExtensions, type ResolveInput } from './resolve-extensions.js';
import type { HostUser, Plan } from './types.js';

export interface ComposeInput extends ResolveInput {
  readonly rocktsVersion: string;
  readonly hostUser: HostUser | undefined;
  /** What the target engine's Dockerfile frontend can do (default: Dockerfile 1.4+). */
  readonly features?: DockerfileFeatures;
}

export interface Composition {
  readonly plan: Plan;
  readonly dockerfile: string;
  /** For each Dockerfile line, the extension that wrote it (undefined for the composer's own). */
  readonly owners: readonly (string | undefined)[];
  /** What the image records of itself (its rockts.record label), and every stage's steps with their cache keys. */
  readonly record: CompositionRecord;
  readonly stages: readonly KeyedStage[];
  /** The Dockerfile forms it is written in: the engine's, or Dockerfile 1.4+ when the config names a syntax. */
  readonly features: DockerfileFeatures;
}

export function compose(input: ComposeInput): Composition {
  const ordered = orderExtensions(resolveExtensions(input));
  const planned = buildPlan({
    config: input.config,
    extensions: ordered,
    rocktsVersion: input.rocktsVersion,
    hostUser: input.hostUser,
    defaultBuilderBaseImage: builderBaseImage(input.config),
  });
  const features = input.config.syntax !== undefined ? MODERN_FEATURES : (input.features ?? MODERN_FEATURES);
  // The record describes every instruction but the LABEL line that carries it.
  const draft = renderDockerfile({ ...planned, final: { ...planned.final, labels: [] } }, features);
  const filesDigests = new Map(planned.extensions.flatMap((e) => (e.extension.filesDigest ? [[e.name, e.extension.filesDigest] as const] : [])));
  const { record, stages } = recordComposition({ plan: planned, dockerfile: draft.text, owners: draft.owners, features, filesDigests, caDigest: input.config.ca?.sha256 });
  const plan = { ...planned, final: { ...planned.final, labels: [...planned.final.labels, { name: RECORD_LABEL, value: encodeRecord(record) }] } };
  const { text, owners } = renderDockerfile(plan, features);
  return { plan, dockerfile: text, owners, record, stages, features };
}
