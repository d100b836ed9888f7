/**
 * `rockts extension test --static`: no engine. Every scenario is already composed (so
 * the manifest, options and templates are valid); here the shell the extension writes
 * is checked with shellcheck: the script of every RUN in its rendered templates, in
 * every scenario, and every *.sh under its files/ and test/ folders. A raw
 * `{{options.x}}` in shell text is a warning (find-raw-values.ts).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoadedExtension } from '../core/types.js';
import type { ComposedScenario } from './compose-scenarios.js';
import { extractRunScripts, type RunScript } from './extract-run-scripts.js';
import { findRawValues } from './find-raw-values.js';
import { runShellcheck, type ShellcheckFinding, type ShellcheckInput, type ShellcheckSeverity } from './run-shellcheck.js';

export interface StaticResult {
  readonly extension: LoadedExtension;
  readonly scenarios: number;
  readonly scripts: number;
  readonly shellFiles: number;
  /** One readable line (or two) per finding; empty when the extension passes. */
  readonly findings: readonly string[];
  /** Raw `{{options.x}}` in shell text (`file:line:col: warning: …`); they do not fail the check. */
  readonly warnings: readonly string[];
}

export interface StaticOptions {
  /** The shellcheck command, or undefined to skip shellcheck (--no-shellcheck). */
  readonly shellcheck: string | undefined;
  readonly severity: ShellcheckSeverity;
  /** How file paths are shown. */
  readonly display: (file: string) => string;
}

/** A RUN script of the extension under test, where it came from. */
interface ScriptOrigin {
  readonly scenario: string;
  readonly template: string;
  readonly script: RunScript;
  /** The rendered template's lines. */
  readonly rendered: readonly string[];
}

export async function checkStatically(composed: readonly ComposedScenario[], options: StaticOptions): Promise<StaticResult[]> {
  const byExtension = new Map<string, ComposedScenario[]>();
  for (const c of composed) byExtension.set(c.extension.dir, [...(byExtension.get(c.extension.dir) ?? []), c]);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rockts-shellcheck-'));
  try {
    const results: StaticResult[] = [];
    for (const [dir, scenarios] of byExtension) {
      const extension = scenarios[0]!.extension;
      const origins = scenarios.flatMap(scriptsOf);
      const shellFiles = [...(await shellFilesIn(path.join(dir, 'files'))), ...(await shellFilesIn(path.join(dir, 'test')))];
      let findings: string[] = [];
      if (options.shellcheck !== undefined) {
        const folder = await mkdtemp(path.join(tmp, `${extension.manifest.name}-`));
        const inputs: ShellcheckInput[] = [];
        const scriptFiles = new Map<string, ScriptOrigin>();
        for (const [index, origin] of origins.entries()) {
          const file = path.join(folder, `run-${index + 1}.sh`);
          await writeFile(file, origin.script.lines.join('\n') + '\n');
          scriptFiles.set(file, origin);
          inputs.push({ file, shell: undefined });
        }
        for (const file of shellFiles) inputs.push({ file, shell: (await readFile(file, 'utf8')).startsWith('#!') ? undefined : 'sh' });
        const order = new Map(inputs.map((input, index) => [input.file, index]));
        const found = inputs.length === 0 ? [] : await runShellcheck(options.shellcheck, inputs, options.severity);
        // Templates first, in scenario order, then the files; each by line and column.
        found.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || a.column - b.column);
        findings = describeFindings(found, scriptFiles, options.display);
      }
      const warnings = extension.templates.flatMap(findRawValues).map(
        (raw) =>
          `${options.display(raw.file)}:${raw.line}:${raw.column}: warning: {{options.${raw.option}}} is put into ${raw.context} raw: a value with a space, a quote, ';' or '$' would change the command; write {{quote options.${raw.option}}}`,
      );
      results.push({ extension, scenarios: scenarios.length, scripts: origins.length, shellFiles: shellFiles.length, findings, warnings });
    }
    return results;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The RUN scripts the extension under test wrote in one scenario's Dockerfile. */
function scriptsOf({ extension, scenario, composition }: ComposedScenario): ScriptOrigin[] {
  const name = extension.manifest.name;
  const { plan } = composition;
  // The plan keeps each template's rendered text apart, so every line here is the extension's own.
  const snippets = [
    ...plan.builders.filter((b) => b.extension === name),
    ...plan.final.setup.filter((s) => s.extension === name),
    ...plan.final.userSnippets.filter((s) => s.extension === name),
  ];
  return snippets.flatMap(({ file, body }) =>
    extractRunScripts(body).map((script) => ({ scenario: scenario.name, template: file, script, rendered: body.split('\n') })),
  );
}

/**
 * `builder.Dockerfile.hbs (scenario default, rendered line 3): SC2046 (warning): ...`
 * with the rendered line below it; real files as `test/test.sh:4:9: SC2086 (info): ...`.
 * A finding in a template is shown once, for the first scenario that renders it.
 */
function describeFindings(found: readonly ShellcheckFinding[], scriptFiles: ReadonlyMap<string, ScriptOrigin>, display: (file: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of found) {
    const what = `SC${f.code} (${f.level}): ${f.message}`;
    const origin = scriptFiles.get(f.file);
    if (origin === undefined) {
      out.push(`${display(f.file)}:${f.line}:${f.column}: ${what}`);
      continue;
    }
    const line = origin.script.origins[f.line - 1] ?? origin.script.origins[0]!;
    const text = origin.rendered[line - 1] ?? '';
    const key = `${origin.template}\n${line}\n${text}\n${what}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${display(origin.template)} (scenario ${origin.scenario}, rendered line ${line}): ${what}\n    ${line} | ${text.trim()}`);
  }
  return out;
}

/** Every *.sh below `dir`, sorted; none when it does not exist. */
async function shellFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.sh'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
