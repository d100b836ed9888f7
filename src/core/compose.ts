/**
 * The pure pipeline from a loaded config and extension catalogue to a Dockerfile:
 * resolveExtensions → orderExtensions → buildPlan → renderDockerfile.
 */
import { buildPlan } from './build-plan.js';
import { orderExtensions } from './order-extensions.js';
import { MODERN_FEATURES, type DockerfileFeatures } from './plain-forms.js';
import { renderDockerfile } from './render-dockerfile.js';
import { DEFAULT_BUILDER_BASE_IMAGE, resolveExtensions, type ResolveInput } from './resolve-extensions.js';
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
}

export function compose(input: ComposeInput): Composition {
  const ordered = orderExtensions(resolveExtensions(input));
  const plan = buildPlan({
    config: input.config,
    extensions: ordered,
    rocktsVersion: input.rocktsVersion,
    hostUser: input.hostUser,
    defaultBuilderBaseImage: input.config.builder.baseImage?.value ?? DEFAULT_BUILDER_BASE_IMAGE,
  });
  const features = input.config.syntax !== undefined ? MODERN_FEATURES : (input.features ?? MODERN_FEATURES);
  const { text, owners } = renderDockerfile(plan, features);
  return { plan, dockerfile: text, owners };
}
