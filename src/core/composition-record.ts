/**
 * The record of what an image was composed from, carried in its `rockts.record` label,
 * and the comparison of two records: which stages and steps a build will run again,
 * and why, in the user's terms.
 *
 * A step's key follows the build cache's own rule: a step is cached when the same
 * instruction runs on the same parent state. The parent of a stage is its base image
 * (by reference) or the stage it starts from; a COPY also depends on its source (the
 * source stage's last key, or the digest of the extension's files/ folder). A step
 * whose key the previous image does not record will run.
 */
import { createHash } from 'node:crypto';
import { FINAL_STAGE } from './stage-names.js';
import { readDockerfile } from './dockerfile-reader.js';
import type { DockerfileFeatures } from './plain-forms.js';
import type { Plan, Scalar } from './types.js';

export const RECORD_LABEL = 'rockts.record';
const RECORD_VERSION = 1;

/** One extension as the record keeps it (short keys: the record travels in a label). */
export interface RecordedExtension {
  /** name */
  readonly n: string;
  /** version */
  readonly v: string;
  /** option values, in declaration order */
  readonly o: readonly (readonly [string, Scalar])[];
  /** builder base image, when it has a builder */
  readonly b: string | null;
  /** digest of the Dockerfile text it wrote (its instructions only) */
  readonly t: string;
  /** digest of its files/ folder, when it has one */
  readonly f: string | null;
}

export interface CompositionRecord {
  readonly v: typeof RECORD_VERSION;
  readonly rockts: string;
  /** `plain` for engines without COPY --link and heredocs. */
  readonly forms: 'modern' | 'plain';
  readonly image: string;
  /** The final stage's apt packages. */
  readonly apt: readonly string[];
  /** Builder base stages: [stage, image, apt packages]. */
  readonly bases: readonly (readonly [string, string, readonly string[]])[];
  readonly ext: readonly RecordedExtension[];
  /** The key of every instruction after FROM, in Dockerfile order. */
  readonly keys: readonly string[];
}

/** One instruction of the composed Dockerfile with its cache key. */
export interface KeyedStep {
  readonly key: string;
  readonly keyword: string;
  /** As the engine shows it: continuation lines joined, whitespace collapsed. */
  readonly text: string;
  readonly owner: string | undefined;
}

export interface KeyedStage {
  readonly stage: string;
  readonly kind: 'base' | 'builder' | 'final';
  /** The extension whose builder this is. */
  readonly extension: string | undefined;
  readonly steps: readonly KeyedStep[];
  /** The key of the stage's result: its last step's, or its parent's when it has none. */
  readonly key: string;
}

export interface RecordInput {
  readonly plan: Plan;
  /** The Dockerfile rendered without its LABEL line, and the owner of each line. */
  readonly dockerfile: string;
  readonly owners: readonly (string | undefined)[];
  readonly features: DockerfileFeatures;
  /** Digest of each extension's files/ folder, by extension name. */
  readonly filesDigests: ReadonlyMap<string, string>;
  /** Digest of the company CA's certificates (config `ca:`), which rockts's own COPY sends. */
  readonly caDigest: string | undefined;
}

/** The record of a composition and its stages with their keys. */
export function recordComposition(input: RecordInput): { record: CompositionRecord; stages: KeyedStage[] } {
  const { plan } = input;
  const { stages, owned } = keyStages(input);
  const ownText = (name: string) => digest((owned.get(name) ?? []).join('\n'));
  const builderOf = new Set(plan.builders.map((b) => b.extension));
  const record: CompositionRecord = {
    v: RECORD_VERSION,
    rockts: plan.rocktsVersion,
    forms: input.features.copyLink ? 'modern' : 'plain',
    image: plan.final.image,
    apt: plan.final.apt,
    bases: plan.builderBases.map((b) => [b.stage, b.image, b.apt] as const),
    ext: plan.extensions.map((e) => ({
      n: e.name,
      v: e.extension.manifest.version,
      o: e.options.map((o) => [o.name, o.value] as const),
      b: builderOf.has(e.name) ? e.builderBaseImage : null,
      t: ownText(e.name),
      f: input.filesDigests.get(e.name)?.slice(0, 12) ?? null,
    })),
    keys: stages.flatMap((s) => s.steps.map((step) => step.key)),
  };
  return { record, stages };
}

/** The label value: compact JSON, byte-stable for the same composition. */
export function encodeRecord(record: CompositionRecord): string {
  return JSON.stringify(record);
}

/** The record in a label value, or undefined when it is not one this rockts can read. */
export function decodeRecord(text: string | undefined): CompositionRecord | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = value as Partial<CompositionRecord> | null;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  const wellFormed =
    r !== null &&
    typeof r === 'object' &&
    r.v === RECORD_VERSION &&
    typeof r.rockts === 'string' &&
    (r.forms === 'modern' || r.forms === 'plain') &&
    typeof r.image === 'string' &&
    strings(r.apt) &&
    strings(r.keys) &&
    Array.isArray(r.bases) &&
    r.bases.every((b) => Array.isArray(b) && typeof b[0] === 'string' && typeof b[1] === 'string' && strings(b[2])) &&
    Array.isArray(r.ext) &&
    r.ext.every((e) => e !== null && typeof e === 'object' && typeof e.n === 'string' && typeof e.v === 'string' && typeof e.t === 'string' && Array.isArray(e.o));
  return wellFormed ? (r as CompositionRecord) : undefined;
}

// ---------------------------------------------------------------- keys

/**
 * The stages with their keyed steps, and each extension's own text in Dockerfile order:
 * its steps, and its sections of a joined glue RUN (render-dockerfile.ts), whose owner is
 * the composer.
 */
function keyStages(input: RecordInput): { stages: KeyedStage[]; owned: Map<string, string[]> } {
  const { plan } = input;
  const owned = new Map<string, string[]>();
  const own = (owner: string, text: string) => {
    const texts = owned.get(owner);
    if (texts) texts.push(withoutCacheIds(text));
    else owned.set(owner, [withoutCacheIds(text)]);
  };
  type Keyed = { stage: string; kind: KeyedStage['kind']; extension: string | undefined; steps: KeyedStep[]; key: string };
  const stages: Keyed[] = [];
  const byName = new Map<string, Keyed>();
  const bases = new Set(plan.builderBases.map((b) => b.stage));
  const builders = new Map(plan.builders.map((b) => [b.stage, b.extension]));
  // The one Dockerfile reader splits as BuildKit does; a heredoc's body is part of its instruction.
  for (const read of readDockerfile(input.dockerfile, 'Dockerfile').instructions) {
    const raw = [read.line, ...read.heredocs.flatMap((h) => [...h.body, h.name])].join('\n');
    const owner = input.owners[read.startLine - 1];
    if (read.keyword === 'FROM') {
      const [image = '', as, name] = read.args.split(/\s+/);
      const stage = as?.toUpperCase() === 'AS' && name !== undefined ? name : `stage-${stages.length}`;
      const kind: KeyedStage['kind'] = stage === FINAL_STAGE ? 'final' : bases.has(stage) ? 'base' : 'builder';
      const entry = { stage, kind, extension: builders.get(stage), steps: [], key: byName.get(image)?.key ?? digest(`image\0${image}`) };
      stages.push(entry);
      byName.set(stage, entry);
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) continue;
    const from = read.flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    const source =
      read.keyword !== 'COPY' && read.keyword !== 'ADD'
        ? ''
        : from !== undefined
          ? (byName.get(from)?.key ?? `image\0${from}`)
          : // The composer's own COPY from the context is the company CA's (company-ca.ts).
            ((owner === undefined ? input.caDigest : input.filesDigests.get(owner)) ?? '');
    const key = digest(`${current.key}\0${withoutCacheIds(raw)}\0${source}`);
    current.key = key;
    current.steps.push({ key, keyword: read.keyword, text: showInstruction(raw), owner });
    if (owner !== undefined) own(owner, showInstruction(raw));
    else if (read.heredocs.length === 1) {
      // A joined glue RUN: each extension's lines in its script are that extension's text.
      const { body } = read.heredocs[0]!;
      const first = read.endLine - body.length;
      body.forEach((text, k) => {
        const lineOwner = input.owners[first + k - 1];
        if (lineOwner !== undefined) own(lineOwner, text);
      });
    }
  }
  return { stages, owned };
}

/**
 * A cache mount's id and sharing mode are not part of a step's cache key (measured:
 * renaming the apt cache ids re-runs nothing), so they are left out of ours.
 */
function withoutCacheIds(raw: string): string {
  return raw.replace(/--mount=type=cache,[^\s\\]*/g, (mount) => mount.replace(/,(?:id|sharing)=[^,\s\\]*/g, ''));
}

/** An instruction as BuildKit and Podman print it: continuations joined, whitespace collapsed. */
function showInstruction(raw: string): string {
  return raw.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------- comparison

/** What the engine that will build does with the cache. */
export interface EngineFacts {
  /** Podman (Buildah) reports ENV, USER and LABEL as steps; BuildKit does not. */
  readonly reportsMetadata: boolean;
  /** COPY --link stays independent of the lines before it (BuildKit with MergeOp). */
  readonly mergeOp: boolean;
}

export interface PreviewStep {
  readonly stage: string;
  readonly text: string;
  readonly owner: string | undefined;
  readonly runs: boolean;
  /** Downloads, installs or compiles (every builder step, the final apt install), or a real copy. */
  readonly expensive: boolean;
  /** A copy from a builder that runs again: cached after all when that builder's output is byte-identical. */
  readonly ifOutputChanges: boolean;
}

export interface PreviewStage {
  readonly stage: string;
  readonly kind: KeyedStage['kind'];
  readonly extension: string | undefined;
  readonly runs: boolean;
  readonly reasons: readonly string[];
  readonly steps: readonly PreviewStep[];
}

export interface ChangePreview {
  /** `none`: no previous image; `unreadable`: it has no record this rockts can read. */
  readonly previous: 'record' | 'none' | 'unreadable';
  /** Every difference between the two compositions, in user terms. */
  readonly changes: readonly string[];
  readonly stages: readonly PreviewStage[];
  readonly summary: string;
}

/**
 * What building `current` will run again, given the record of the previous image
 * (undefined: none, or unreadable).
 */
export function previewChanges(
  previous: CompositionRecord | undefined,
  current: { record: CompositionRecord; stages: readonly KeyedStage[] },
  engine: EngineFacts,
  state: ChangePreview['previous'] = previous ? 'record' : 'none',
): ChangePreview {
  const known = new Set(previous?.keys ?? []);
  const reported = (keyword: string) => engine.reportsMetadata || ['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(keyword);
  const changes = previous ? describeDifferences(previous, current.record) : [];
  const rebuilt = new Set<string>();
  const stages: PreviewStage[] = [];
  for (const stage of current.stages) {
    const steps = stage.steps.filter((s) => reported(s.keyword));
    const preview = steps.map((s): PreviewStep => {
      const runs = !known.has(s.key);
      const from = /--from=(\S+)/.exec(s.text)?.[1];
      const copy = s.keyword === 'COPY' || s.keyword === 'ADD';
      return {
        stage: stage.stage,
        text: s.text,
        owner: s.owner,
        runs,
        expensive: stage.kind !== 'final' || /apt-get install/.test(s.text) || (copy && from !== undefined && !(engine.mergeOp && /--link/.test(s.text))),
        ifOutputChanges: previous !== undefined && runs && copy && from !== undefined && rebuilt.has(from),
      };
    });
    // Podman shows the final LABEL (the record itself) as a step.
    if (stage.kind === 'final' && engine.reportsMetadata) {
      const relabel = preview.some((s) => s.runs) || previous === undefined || JSON.stringify(previous) !== JSON.stringify(current.record);
      preview.push({ stage: stage.stage, text: 'LABEL rockts.extensions=… rockts.config=… rockts.record=…', owner: undefined, runs: relabel, expensive: false, ifOutputChanges: false });
    }
    const runs = preview.some((s) => s.runs);
    if (runs && stage.kind !== 'final') rebuilt.add(stage.stage);
    stages.push({ stage: stage.stage, kind: stage.kind, extension: stage.extension, runs, reasons: runs ? stageReasons(stage, previous, current.record, changes, rebuilt) : [], steps: preview });
  }
  return { previous: state, changes, stages, summary: summarize(stages, state) };
}

function summarize(stages: readonly PreviewStage[], state: ChangePreview['previous']): string {
  const builders = stages.filter((s) => s.kind !== 'final');
  const finalSteps = stages.filter((s) => s.kind === 'final').flatMap((s) => s.steps);
  const b = builders.filter((s) => s.runs).length;
  const f = finalSteps.filter((s) => s.runs).length;
  if (state !== 'record') return `${b} of ${builders.length} builders and ${f} of ${finalSteps.length} final steps will run (${state === 'none' ? 'no previous image' : 'the previous image has no rockts record'})`;
  if (b === 0 && f === 0) return `nothing will run: every step is cached`;
  return `${b} of ${builders.length} builders and ${f} of ${finalSteps.length} final steps will run; nothing else`;
}

/** Each difference between two records, in user terms, builders' first. */
function describeDifferences(before: CompositionRecord, after: CompositionRecord): string[] {
  const lines: string[] = [];
  if (before.forms !== after.forms) lines.push(`Dockerfile forms ${before.forms} → ${after.forms} (another engine)`);
  for (const base of after.bases) {
    const old = before.bases.find((b) => b[0] === base[0]);
    if (!old) continue;
    if (old[1] !== base[1]) lines.push(`${base[0]}: image ${old[1]} → ${base[1]}`);
    const apt = diffList(old[2], base[2]);
    if (apt) lines.push(`${base[0]}: packages ${apt}`);
  }
  for (const e of after.ext) {
    const old = before.ext.find((o) => o.n === e.n);
    if (!old) {
      lines.push(`${e.n}: added (${e.v})`);
      continue;
    }
    lines.push(...extensionDifferences(old, e, before, after));
  }
  for (const old of before.ext) if (!after.ext.some((e) => e.n === old.n)) lines.push(`${old.n}: removed`);
  if (before.image !== after.image) lines.push(`image ${before.image} → ${after.image}`);
  const apt = diffList(before.apt, after.apt);
  if (apt) lines.push(`final apt packages ${apt}`);
  return lines;
}

function extensionDifferences(old: RecordedExtension, e: RecordedExtension, before: CompositionRecord, after: CompositionRecord): string[] {
  const lines: string[] = [];
  if (old.v !== e.v) lines.push(`${e.n}: version ${old.v} → ${e.v}`);
  for (const [name, value] of e.o) {
    const was = old.o.find(([n]) => n === name);
    if (!was) lines.push(`${e.n}: new option ${name} = ${show(value)}`);
    else if (was[1] !== value) lines.push(`${e.n}: option ${name} ${show(was[1])} → ${show(value)}`);
  }
  if (old.b !== null && e.b !== null && old.b !== e.b) lines.push(`${e.n}: builder base ${old.b} → ${e.b}`);
  if (old.f !== e.f) lines.push(`${e.n}: files/ changed`);
  const explained = lines.length > 0;
  if (old.t !== e.t && !explained) {
    lines.push(`${e.n}: template changed${before.rockts !== after.rockts ? ` (rockts ${before.rockts} → ${after.rockts})` : ''}`);
  }
  return lines;
}

function stageReasons(stage: KeyedStage, previous: CompositionRecord | undefined, current: CompositionRecord, changes: readonly string[], rebuilt: ReadonlySet<string>): string[] {
  if (!previous) return [];
  if (stage.kind === 'base') return changes.filter((c) => c.startsWith(`${stage.stage}: `) || c.startsWith('Dockerfile forms'));
  if (stage.kind === 'builder') {
    const own = changes.filter((c) => c.startsWith(`${stage.extension}: `) || c.startsWith('Dockerfile forms'));
    const base = current.ext.find((e) => e.n === stage.extension)?.b;
    const baseStage = current.bases.find((b) => b[1] === base)?.[0];
    if (baseStage && rebuilt.has(baseStage)) own.push(`its builder base ${baseStage} rebuilds`);
    return own.length > 0 ? own : ['its cache key changed'];
  }
  const first = stage.steps.find((s) => !previous.keys.includes(s.key));
  const reasons = changes.filter((c) => !current.bases.some((b) => c.startsWith(`${b[0]}: `)) && !/: (builder base|files\/ changed)/.test(c));
  const copied = [...rebuilt].filter((r) => !current.bases.some((b) => b[0] === r));
  for (const stageName of copied) reasons.push(`${stageName} rebuilds; its copy re-runs`);
  const where = first ? `first changed step: ${first.text.slice(0, 80)}${first.owner ? ` (${first.owner})` : ''}` : undefined;
  return where ? [...reasons, where] : reasons;
}

function diffList(before: readonly string[], after: readonly string[]): string | undefined {
  const added = after.filter((p) => !before.includes(p)).map((p) => `+${p}`);
  const removed = before.filter((p) => !after.includes(p)).map((p) => `-${p}`);
  return added.length + removed.length > 0 ? [...added, ...removed].join(' ') : undefined;
}

function show(value: Scalar): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
