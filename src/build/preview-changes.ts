/**
 * `rockts plan --changes` and the line `rockts build` prints before it starts: the
 * record of the image the tag points to (read from its labels) compared with the
 * composition about to be built, for the engine that will build it.
 */
import { decodeRecord, previewChanges, RECORD_LABEL, type ChangePreview, type EngineFacts, type PreviewStep } from '../core/composition-record.js';
import type { Composition } from '../core/compose.js';
import type { Engine } from '../docker/engine.js';
import type { InspectedImage } from '../docker/inspect-image.js';

export interface ChangesAgainst {
  /** The image reference compared with. */
  readonly against: string;
  /** Its ID, when the store has it. */
  readonly imageId: string | undefined;
  readonly preview: ChangePreview;
}

/** What the engine does with the cache: Podman reports metadata steps; MergeOp keeps COPY --link independent. */
export function engineFacts(engine: Pick<Engine, 'kind' | 'containerdStore' | 'features'>, dockerDriver: boolean): EngineFacts {
  const buildkit = engine.kind === 'docker';
  return { reportsMetadata: !buildkit, mergeOp: buildkit && engine.features.copyLink && (engine.containerdStore || !dockerDriver) };
}

/** The composition compared with `image`, what the engine's store has under `against` (undefined: nothing). */
export function previewAgainst(composed: Pick<Composition, 'record' | 'stages'>, engine: Engine, against: string, image: InspectedImage | undefined, dockerDriver: boolean): ChangesAgainst {
  const record = decodeRecord(image?.labels[RECORD_LABEL]);
  const state = image === undefined ? 'none' : record === undefined ? 'unreadable' : 'record';
  return { against, imageId: image?.id, preview: previewChanges(record, composed, engineFacts(engine, dockerDriver), state) };
}

/** The full preview for people: the differences, each builder, every final-stage step, the summary. */
export function describeChanges({ against, imageId, preview }: ChangesAgainst): string {
  const lines: string[] = [];
  if (preview.previous === 'none') lines.push(`No previous image ${against}: everything will be built (steps the build cache already holds stay cached).`);
  else if (preview.previous === 'unreadable') lines.push(`${against} (${shortId(imageId)}) carries no rockts record this rockts can read: everything is listed as running.`);
  else {
    lines.push(`Changes against ${against} (${shortId(imageId)}):`);
    lines.push(...(preview.changes.length > 0 ? preview.changes.map((c) => `  ${c}`) : ['  none']));
  }
  const builders = preview.stages.filter((s) => s.kind !== 'final');
  lines.push('', 'Builders:');
  for (const stage of builders.filter((s) => s.runs)) {
    lines.push(`  runs    ${stage.stage}${stage.reasons.length > 0 ? `: ${stage.reasons.join('; ')}` : ''}`);
    for (const step of stage.steps.filter((s) => s.runs)) lines.push(`            ${describeStep(step)}`);
  }
  const cached = builders.filter((s) => !s.runs).map((s) => s.stage);
  if (cached.length > 0) lines.push(`  cached  ${cached.join(', ')}`);
  for (const stage of preview.stages.filter((s) => s.kind === 'final')) {
    lines.push('', `Final stage (${stage.stage}):`);
    for (const reason of stage.reasons) lines.push(`  ${reason}`);
    for (const step of stage.steps) lines.push(`  ${step.runs ? 'runs  ' : 'cached'}  ${describeStep(step)}`);
  }
  lines.push('', `Summary: ${preview.summary}`);
  return lines.join('\n') + '\n';
}

function describeStep(step: PreviewStep): string {
  const marks = [
    ...(step.owner ? [step.owner] : []),
    ...(step.runs && step.expensive ? ['expensive'] : []),
    ...(step.ifOutputChanges ? ["cached after all if its builder's output is unchanged"] : []),
    ...(step.runs && !step.expensive && !step.ifOutputChanges && /^COPY --link /.test(step.text) ? ['a layer merge, nothing copied'] : []),
  ];
  const text = step.text.length > 100 ? `${step.text.slice(0, 99)}…` : step.text;
  return marks.length > 0 ? `${text}  [${marks.join('; ')}]` : text;
}

function shortId(id: string | undefined): string {
  return id ? id.replace(/^sha256:/, '').slice(0, 12) : 'unknown id';
}
