/**
 * The error of a failed build, for `rockts build`, `run` and `extension test` alike:
 * which extension's lines the build stopped in, from the engine's own output:
 * BuildKit's `Dockerfile:14` or `[rockts-builder-<name> 2/3]` step names, or Podman's
 * `Error: building at STEP "<instruction>"` after its `STEP n/m: FROM ... AS <stage>`.
 */
import { RocktsError } from '../core/errors.js';
import { GLUE_MARKER, GLUE_OPENER, GLUE_TERMINATOR } from '../core/join-glue.js';
import { extensionOfStage, FINAL_STAGE, isBuilderBaseStage } from '../core/stage-names.js';

export interface FailureSite {
  readonly line: number | undefined;
  readonly extension: string | undefined;
  readonly stage: string | undefined;
}

/** The error for a failed build: a missing base image, or the extension whose lines failed. */
export function buildFailure(log: string, owners: readonly (string | undefined)[], dockerfile: string): RocktsError {
  const plain = stripAnsi(log).replace(/\r/g, '');
  // A base image that is neither local nor pullable: BuildKit fails loading its metadata.
  const missing =
    /> \[internal\] load metadata for (\S+):\s*$/m.exec(plain) ??
    /failed to resolve source metadata for (\S+): /.exec(plain) ??
    /^Error: creating build container: (?:initializing source docker:\/\/)?(\S+?):? /m.exec(plain);
  if (missing) {
    const reference = missing[1]!.replace(/^docker\.io\/(?:library\/)?/, '');
    const reason = [...plain.matchAll(/(?:ERROR:?|^Error:) (.*)$/gm)].map((m) => m[1]!.trim()).pop() ?? 'no detail';
    return new RocktsError(
      'BUILD_FAILED',
      `base image '${reference}' is not available: it is not in the local image store and could not be pulled (${reason}). Check \`image:\` and the builder base images (\`builder:\`), or pull or build the image first.`,
    );
  }
  const site = locateFailure(plain, owners, dockerfile.split('\n'));
  const reason = [...plain.matchAll(/^(?:#\d+ )?(?:ERROR:?|Error:) (.*)$/gm)].map((m) => m[1]!.trim()).pop() ?? 'see the output above';
  // BuildKit quotes the failed command; a joined glue RUN's is its whole script (core/join-glue.ts).
  const short = reason.replace(/process "(?:[^"\\]|\\.)*### rockts: (?:[^"\\]|\\.)*"/, 'the joined setup script');
  return new RocktsError('BUILD_FAILED', `the build failed ${describeFailureSite(site)}: ${short}`);
}

/** The engine's output without its terminal colour and cursor sequences. */
export function stripAnsi(log: string): string {
  return log.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

export function locateFailure(log: string, owners: readonly (string | undefined)[], dockerfileLines: readonly string[]): FailureSite {
  // BuildKit prints the failing instruction's file and line before its code excerpt.
  const plain = stripAnsi(log);
  const lineMatches = [...plain.matchAll(/(?:^|\s)Dockerfile:(\d+)\s*$/gm)];
  const failedStep =
    /> \[([a-z0-9._-]+) \d+\/\d+\] (.*):\s*$/m.exec(plain) ?? /ERROR \[([a-z0-9._-]+) \d+\/\d+\]/.exec(plain) ?? podmanStep(plain) ?? singleStageStep(plain, dockerfileLines);
  // Older BuildKit (Docker 20.10) names the failing step but prints no Dockerfile:N.
  const line =
    lineMatches.length > 0
      ? Number(lineMatches[lineMatches.length - 1]![1])
      : failedStep?.[2] !== undefined
        ? findInstruction(dockerfileLines, failedStep[1]!, failedStep[2])
        : undefined;
  const stage = failedStep?.[1] ?? (line !== undefined ? stageAt(dockerfileLines, line) : undefined);
  const extension =
    (line !== undefined ? (owners[line - 1] ?? glueSection(plain, owners, dockerfileLines, line)) : undefined) ?? (stage === undefined ? undefined : extensionOfStage(stage));
  return { line, extension, stage };
}

/**
 * In a joined glue RUN (core/join-glue.ts) starting on `line`, the extension of the last
 * section marker the failing step printed: `#12 0.215 ### rockts: NAME setup` in plain
 * progress, `0.215 ### rockts: NAME setup` in BuildKit's summary of the failed step.
 * Only the extensions with a section in that RUN count.
 */
function glueSection(log: string, owners: readonly (string | undefined)[], lines: readonly string[], line: number): string | undefined {
  if (lines[line - 1] !== GLUE_OPENER) return undefined;
  const sections = new Set<string>();
  for (let n = line; n < lines.length && lines[n] !== GLUE_TERMINATOR; n++) if (owners[n] !== undefined) sections.add(owners[n]!);
  const step = /^#(\d+) ERROR:/m.exec(log)?.[1];
  const markers = [...log.matchAll(new RegExp(`^(?:#(\\d+) )?(?:[\\d.]+ )?${GLUE_MARKER.source}`, 'gm'))];
  return markers.filter((m) => (m[1] === undefined || step === undefined || m[1] === step) && sections.has(m[2]!)).pop()?.[2];
}

/**
 * Podman: the failing instruction, in the stage of its `[i/n] STEP` line (Buildah builds
 * stages on demand, so the stage is found by that prefix, not by the last FROM).
 */
function podmanStep(log: string): [string, string, string] | undefined {
  const failed = /^Error: building at STEP "(.*)": /m.exec(log);
  if (!failed) return undefined;
  const instruction = failed[1]!;
  const stepLines = [...log.slice(0, failed.index).matchAll(/^(?:\[(\d+)\/\d+\] )?STEP \d+\/\d+: (.*)$/gm)];
  const index = stepLines.filter((m) => m[2] === instruction).pop()?.[1] ?? '1';
  const from = stepLines.filter((m) => (m[1] ?? '1') === index).map((m) => /^FROM \S+ AS (\S+)/.exec(m[2]!)?.[1]).find(Boolean);
  return from === undefined ? undefined : [failed[0], from, instruction];
}

/**
 * Docker 20.10's BuildKit names a failed step without its stage when the Dockerfile has
 * one stage (`> [2/3] RUN mkdir /x:`): the stage is that one.
 */
function singleStageStep(log: string, lines: readonly string[]): [string, string, string] | undefined {
  const step = /> \[\d+\/\d+\] (.*):\s*$/m.exec(log);
  const stages = lines.flatMap((l) => /^FROM \S+ AS (\S+)$/.exec(l)?.[1] ?? []);
  return step && stages.length === 1 ? [step[0], stages[0]!, step[1]!] : undefined;
}

/** The line where `instruction` (as BuildKit prints it: continuations joined) starts in `stage`. */
function findInstruction(lines: readonly string[], stage: string, instruction: string): number | undefined {
  const normalize = (text: string) => text.replace(/\\$/, '').replace(/\s+/g, ' ').trim();
  const wanted = normalize(instruction);
  let inStage = false;
  for (let i = 0; i < lines.length; i++) {
    const from = /^FROM \S+ AS (\S+)$/.exec(lines[i]!);
    if (from) inStage = from[1] === stage;
    const continued = i > 0 && /\\$/.test(lines[i - 1]!);
    const text = normalize(lines[i]!);
    if (inStage && !continued && text !== '' && !text.startsWith('#') && wanted.startsWith(text)) return i + 1;
  }
  return undefined;
}

function stageAt(lines: readonly string[], line: number): string | undefined {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const match = /^FROM \S+ AS (\S+)$/.exec(lines[i]!);
    if (match) return match[1];
  }
  return undefined;
}

/** "the lines of extension 'hello' (Dockerfile:14, stage rockts-builder-hello)" and the like. */
export function describeFailureSite(site: FailureSite): string {
  const where = [site.line !== undefined ? `Dockerfile:${site.line}` : undefined, site.stage ? `stage ${site.stage}` : undefined].filter(Boolean).join(', ');
  const suffix = where ? ` (${where})` : '';
  if (site.extension) return `in the lines of extension '${site.extension}'${suffix}`;
  if (site.stage !== undefined && isBuilderBaseStage(site.stage)) return `in the shared builder base's apt install${suffix} (check builder.apt in rockerc.yaml and the builder base image)`;
  if (site.stage === FINAL_STAGE) return `in the final stage's own lines${suffix} (its apt install joins every extension's final.apt; check the image and package names)`;
  return `at a step rockts could not place${suffix}`;
}

