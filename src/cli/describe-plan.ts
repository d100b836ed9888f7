/**
 * Human and machine views of a plan and of the extension catalogue, for `rockts plan`
 * and `rockts extensions`. Formatting only: the decisions were made by the core.
 */
import { FINAL_STAGE } from '../core/stage-names.js';
import type { Config, LoadedExtension, Located, OrderedExtension, Plan, Reading, RunConfig } from '../core/types.js';
import type { LoadedDeps } from '../extensions/deps/load-deps.js';
import type { LoadedGitClone } from '../extensions/git-clone/load-git-clone.js';

type DepsSummary = LoadedDeps['summary'];
type GitCloneSummary = LoadedGitClone['summary'];

type DisplayPath = (file: string) => string;

/**
 * Why an extension is in the composition and why it sits where it does; an entry written
 * in another project's spelling says so (`listed in rockerc.yaml:5:5 as nvidia`).
 */
export function explainExtension(e: OrderedExtension, display: DisplayPath, readings: readonly Reading[] = []): { requested: string; position: string } {
  const where = (l: { file: string; line: number; column: number }) => `${display(l.file)}:${l.line}:${l.column}`;
  const at = e.request.kind === 'required' ? undefined : e.request.location;
  const read = readings.find((r) => at !== undefined && where(r.location) === where(at) && r.readAs.startsWith(`extension ${e.name}`));
  const requested =
    e.request.kind === 'config'
      ? `listed in ${where(e.request.location)}${read ? ` as ${read.written}` : ''}`
      : e.request.kind === 'detected'
        ? `detected by \`extensions: auto\` (${where(e.request.location)}): ${e.request.reason}`
        : `required by ${e.request.by.join(', ')}`;
  const own = e.extension.manifest.cachePriority;
  const priority =
    e.priorityFrom === undefined
      ? `priority ${own}`
      : `priority ${e.effectivePriority} (own ${own}, inherited from '${e.priorityFrom}', which comes after it)`;
  const after = e.dependencies.map((d) => `${d.kind === 'requires' ? 'requires' : 'after'} '${d.from}'`);
  return { requested, position: [priority, ...after].join('; ') };
}

export function describePlan(plan: Plan, config: Config, display: DisplayPath, deps?: DepsSummary, gitClone?: GitCloneSummary): string {
  const lines = [`Plan for ${display(config.file)}`, `  image: ${plan.final.image}${plan.dockerfile ? `, built from ${plan.dockerfile.file} (its folder as context) before the final stage` : ''}`];
  if (config.tag) lines.push(`  tag:   ${config.tag.value}`);
  lines.push('', 'Extensions, in order (cachePriority high first, then name; dependencies first):');
  if (plan.extensions.length === 0) lines.push('  (none)');
  const width = Math.max(0, ...plan.extensions.map((e) => e.name.length));
  plan.extensions.forEach((e, i) => {
    const { requested, position } = explainExtension(e, display, config.readings);
    lines.push(`  ${String(i + 1).padStart(2)}. ${e.name.padEnd(width)}  ${e.extension.manifest.version}  ${position}`);
    lines.push(`      ${' '.repeat(width)}  ${requested}`);
  });
  lines.push('', 'Stages:');
  for (const base of plan.builderBases) lines.push(`  ${base.stage}  FROM ${base.image}  (apt: ${base.apt.join(' ') || 'none'})`);
  for (const b of plan.builders) lines.push(`  ${b.stage}  FROM ${b.base}${b.apt.length > 0 ? `  (apt: ${b.apt.join(' ')})` : ''}`);
  lines.push(`  ${FINAL_STAGE}  FROM ${plan.final.image}`);
  const f = plan.final;
  lines.push(`    apt:    ${f.apt.join(' ') || 'none'}`);
  lines.push(`    copies: ${f.copies.map((c) => `${c.stage}:${c.from} → ${c.to}`).join(', ') || 'none'}`);
  lines.push(`    env:    ${f.env.map((v) => v.name).join(' ') || 'none'}`);
  lines.push(`    setup:  ${f.setup.map((s) => s.extension).join(', ') || 'none'}`);
  lines.push(`    user:   ${f.user ?? '(image default)'}${f.userSnippets.length > 0 ? `; snippets: ${f.userSnippets.map((s) => s.extension).join(', ')}` : ''}`);
  lines.push(`    config: ${plan.configHash}`);
  if (deps) lines.push('', ...describeDeps(deps));
  if (gitClone) lines.push('', ...describeGitClone(gitClone));
  const build = buildSettingsToJson(config);
  const run = runSettingsToJson(config.run);
  if (Object.keys(build).length > 0) lines.push('', `Build settings (rockts build): ${Object.entries(build).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  if (Object.keys(run).length > 0) {
    lines.push('', 'Run settings (rockts run; the command line wins):');
    for (const [key, value] of Object.entries(run)) lines.push(`  ${key}: ${Array.isArray(value) ? value.join(' ') : String(value)}`);
  }
  if (config.readings.length > 0) {
    lines.push('', 'Read from rocker, rockerc or deps_rocker spellings:');
    for (const r of config.readings) lines.push(`  ${display(r.location.file)}:${r.location.line}:${r.location.column}  ${r.written} → ${r.readAs}`);
  }
  return lines.join('\n') + '\n';
}

/** What the deps files gave, layer by layer, and where each layer went. */
function describeDeps(deps: DepsSummary): string[] {
  const lines = [`deps files (filter ${deps.filter}): ${deps.files.join(', ') || 'none found'}`];
  for (const layer of deps.layers) {
    const late = layer.key.startsWith('apt') && layer.placement === 'setup' ? " (its own apt-get install: a layer before it can change apt's sources)" : '';
    const where = layer.placement === 'apt install' ? "the final stage's apt install" : layer.placement === 'env group' ? 'the env group' : `deps ${layer.placement}${late}`;
    lines.push(`  ${layer.key} → ${where}: ${layer.items.join(', ') || '(nothing)'}  [${layer.files.join(', ')}]`);
  }
  return lines;
}

/** The repositories git-clone clones, where from, and whether the build needs the ssh agent. */
function describeGitClone(gitClone: GitCloneSummary): string[] {
  const lines = [`git-clone .repos files: ${gitClone.files.join(', ') || 'none found'}${gitClone.needsSsh ? ' (ssh URLs: the build gets --ssh default)' : ''}`];
  for (const r of gitClone.repositories) lines.push(`  ${r.path} ← ${r.url} at ${r.version ?? 'the default branch'}`);
  return lines;
}

/** What describeGitClone says, for machines: each repository with where it is listed. */
function gitCloneToJson(gitClone: GitCloneSummary, display: DisplayPath) {
  return {
    files: gitClone.files,
    needsSsh: gitClone.needsSsh,
    repositories: gitClone.repositories.map((r) => ({
      path: r.path,
      url: r.url,
      version: r.version ?? null,
      ssh: r.ssh,
      at: `${display(r.location.file)}:${r.location.line}:${r.location.column}`,
    })),
  };
}

/** The build settings the config sets, by their `rockts build` flag. */
function buildSettingsToJson(config: Config): Record<string, boolean> {
  const settings: Record<string, boolean> = {};
  if (config.build.pull?.value) settings.pull = true;
  if (config.build.noCache?.value) settings['no-cache'] = true;
  return settings;
}

/** The run settings the config sets (the `run:` block's names), leaving out what is unset. */
function runSettingsToJson(run: RunConfig): Record<string, string | boolean | string[]> {
  const settings: Record<string, string | boolean | string[]> = {};
  for (const [key, value] of Object.entries(run) as [string, Located<string | boolean> | readonly Located<string>[] | undefined][]) {
    if (Array.isArray(value)) {
      if (value.length > 0) settings[key] = value.map((v: Located<string>) => v.value);
    } else if (value !== undefined) {
      settings[key] = (value as Located<string | boolean>).value;
    }
  }
  return settings;
}

export function planToJson(plan: Plan, config: Config, display: DisplayPath, deps?: DepsSummary, gitClone?: GitCloneSummary) {
  return {
    deps: deps ?? null,
    gitClone: gitClone ? gitCloneToJson(gitClone, display) : null,
    config: display(config.file),
    image: plan.final.image,
    dockerfile: plan.dockerfile ?? null,
    tag: config.tag?.value ?? null,
    configHash: plan.configHash,
    extensions: plan.extensions.map((e) => {
      const { requested, position } = explainExtension(e, display, config.readings);
      return {
        name: e.name,
        version: e.extension.manifest.version,
        source: sourceToJson(e.extension, display),
        cachePriority: e.extension.manifest.cachePriority,
        effectivePriority: e.effectivePriority,
        priorityFrom: e.priorityFrom ?? null,
        after: e.dependencies.map((d) => ({ name: d.from, kind: d.kind })),
        options: e.optionValues,
        builderBaseImage: e.builderBaseImage,
        requested,
        why: position,
      };
    }),
    build: buildSettingsToJson(config),
    run: runSettingsToJson(config.run),
    readings: config.readings.map((r) => ({ at: `${display(r.location.file)}:${r.location.line}:${r.location.column}`, written: r.written, readAs: r.readAs })),
    stages: [
      ...plan.builderBases.map((b) => ({ name: b.stage, kind: 'builder-base', from: b.image, apt: b.apt })),
      ...plan.builders.map((b) => ({ name: b.stage, kind: 'builder', extension: b.extension, from: b.base, apt: b.apt })),
      {
        name: FINAL_STAGE,
        kind: 'final',
        from: plan.final.image,
        apt: plan.final.apt,
        copies: plan.final.copies,
        env: plan.final.env,
        setup: plan.final.setup.map((s) => s.extension),
        user: plan.final.user ?? null,
        userSnippets: plan.final.userSnippets.map((s) => s.extension),
      },
    ],
  };
}

function sourceToJson(e: LoadedExtension, display: DisplayPath) {
  const { source } = e;
  if (source.kind === 'builtin') return { kind: 'builtin' };
  if (source.kind === 'package') return { kind: 'package', package: source.package, version: source.version, path: display(e.dir) };
  return { kind: 'path', path: display(source.path) };
}

/** The SOURCE column of `rockts extensions`. */
function sourceLabel(e: LoadedExtension, display: DisplayPath): string {
  const { source } = e;
  if (source.kind === 'builtin') return 'built-in';
  if (source.kind === 'package') return `${source.package}@${source.version}`;
  return display(source.path);
}

export function extensionsToJson(extensions: readonly LoadedExtension[], display: DisplayPath) {
  return extensions.map((e) => ({
    name: e.manifest.name,
    version: e.manifest.version,
    description: e.manifest.description,
    cachePriority: e.manifest.cachePriority,
    builderBaseImage: e.manifest.builderBaseImage ?? null,
    requires: e.manifest.requires.map((r) => r.value),
    after: e.manifest.after.map((r) => r.value),
    options: e.manifest.options.map((o) => ({ name: o.name, ...o.spec })),
    source: sourceToJson(e, display),
  }));
}

export function describeExtensions(extensions: readonly LoadedExtension[], display: DisplayPath): string {
  if (extensions.length === 0) return 'No extensions found.\n';
  const rows = extensions.map((e) => [
    e.manifest.name,
    e.manifest.version,
    String(e.manifest.cachePriority),
    sourceLabel(e, display),
    e.manifest.description,
  ]);
  const header = ['NAME', 'VERSION', 'PRIORITY', 'SOURCE', 'DESCRIPTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [format(header), ...rows.map(format)].join('\n') + '\n';
}
