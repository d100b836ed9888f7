/**
 * The docker-bake.json of a composition (pure, byte-stable): one target per builder
 * base stage, one per builder stage and one for the final image, all building stages of
 * the one composed Dockerfile. Bake `contexts` wire them: a builder target's base stage
 * and the final target's builder stages are replaced by the targets that build them
 * (`target:NAME`), so bake builds independent builders in parallel and each target
 * imports and exports its own registry cache.
 * See https://docs.docker.com/build/bake/reference/ (target.contexts, cache-from, cache-to).
 *
 * A bake file cannot set a target's build network; bake takes it from a Compose file
 * given with it (`build.network` of the service named like the target). So a build that
 * needs one (an engine without a bridge network) adds renderNetworkOverlay's file.
 */
import { FINAL_STAGE } from './stage-names.js';
import type { CacheRefs, CacheSettings } from './cache-refs.js';
import type { Plan } from './types.js';

export interface BakeInput {
  readonly plan: Plan;
  /** The build context folder, as bake should read it (relative to the bake file, or absolute). */
  readonly context: string;
  /** The Dockerfile, relative to the context. */
  readonly dockerfile: string;
  readonly tag: string;
  readonly platforms: readonly string[];
  readonly pull: boolean;
  readonly noCache: boolean;
  /** Build arguments, KEY=VALUE, for every target. */
  readonly args: readonly string[];
  /** More cache sources and destinations for the final target (`rockts build --cache-from/--cache-to`). */
  readonly extraCache: { readonly from: readonly string[]; readonly to: readonly string[] };
  /** Registry caches, when the config has a `cache:` block. */
  readonly cache: { readonly settings: CacheSettings; readonly refs: CacheRefs } | undefined;
  /** Where the final image goes (`type=docker` loads it into the local image store). */
  readonly output: readonly string[];
  /** Also push the final image to the registry its tag names (one more output, `type=registry`). */
  readonly push: boolean;
}

/** The file name of the network overlay, beside the bake file. */
export const NETWORK_OVERLAY = 'rockts-network.compose.yaml';

/**
 * The Compose overlay giving every target of the plan's bake file the build network
 * `network` (already checked to be a plain name): one service per target, nothing else.
 * `docker buildx bake -f rockts-network.compose.yaml -f docker-bake.json` merges the two.
 */
export function renderNetworkOverlay(plan: Plan, network: string): string {
  const lines = [
    `# Written by rockts: the build network of each target of docker-bake.json, which bake reads`,
    `# from Compose files only. Use both: docker buildx bake -f ${NETWORK_OVERLAY} -f docker-bake.json`,
    'services:',
    ...bakeTargets(plan).flatMap((target) => [`  ${target}:`, '    build:', `      network: ${JSON.stringify(network)}`]),
  ];
  return lines.join('\n') + '\n';
}

/** The bake file's targets, in its order. */
function bakeTargets(plan: Plan): string[] {
  return [...plan.builderBases.map((b) => b.stage), ...plan.builders.map((b) => b.stage), FINAL_STAGE];
}

/** The bake file's text: two-space JSON with a final newline, keys in a fixed order. */
export function renderBakeFile(input: BakeInput): string {
  const { plan, cache } = input;
  const common = {
    context: input.context,
    dockerfile: input.dockerfile,
    ...(input.pull ? { pull: true } : {}),
    ...(input.noCache ? { 'no-cache': true } : {}),
    ...(input.args.length > 0 ? { args: Object.fromEntries(input.args.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])) } : {}),
  };
  const refs = new Map(cache ? [...cache.refs.bases, ...cache.refs.builders, cache.refs.final].map((c) => [c.stage, c.ref]) : []);
  const caching = (stage: string, extra = { from: [] as readonly string[], to: [] as readonly string[] }) => {
    const ref = refs.get(stage);
    const from = [...(ref === undefined ? [] : [`type=registry,ref=${ref}`]), ...extra.from];
    const to = [...(ref === undefined || !cache?.settings.export ? [] : [`type=registry,ref=${ref},mode=${cache.settings.mode}`]), ...extra.to];
    return { ...(from.length > 0 ? { 'cache-from': from } : {}), ...(to.length > 0 ? { 'cache-to': to } : {}) };
  };
  const platforms = input.platforms.length > 0 ? { platforms: [...input.platforms] } : {};
  const targets: [string, object][] = [
    ...plan.builderBases.map((b): [string, object] => [b.stage, { ...common, target: b.stage, ...platforms, ...caching(b.stage) }]),
    ...plan.builders.map((b): [string, object] => [b.stage, { ...common, target: b.stage, contexts: { [b.base]: `target:${b.base}` }, ...platforms, ...caching(b.stage) }]),
    [
      FINAL_STAGE,
      {
        ...common,
        target: FINAL_STAGE,
        contexts: Object.fromEntries(plan.builders.map((b) => [b.stage, `target:${b.stage}`])),
        tags: [input.tag],
        labels: Object.fromEntries(plan.final.labels.map((l) => [l.name, l.value])),
        ...platforms,
        ...caching(FINAL_STAGE, input.extraCache),
        // bake's `push` does not apply when `output` is set; buildx 0.13+ takes several outputs.
        output: [...input.output, ...(input.push ? ['type=registry'] : [])],
      },
    ],
  ];
  const file = { group: { default: { targets: [FINAL_STAGE] } }, target: Object.fromEntries(targets) };
  return JSON.stringify(file, null, 2) + '\n';
}
