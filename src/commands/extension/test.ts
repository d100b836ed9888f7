import { existsSync } from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { checkStatically, type StaticResult } from '../../authoring/check-statically.js';
import { composeScenarios, type ScenarioOverrides } from '../../authoring/compose-scenarios.js';
import { findExtensionsUnderTest } from '../../authoring/find-extensions-under-test.js';
import { parseWithEngine } from '../../authoring/parse-with-engine.js';
import { requireShellcheck, SHELLCHECK_SEVERITIES, type ShellcheckSeverity } from '../../authoring/run-shellcheck.js';
import { testScenario, type ScenarioOutcome } from '../../authoring/test-in-engine.js';
import { BaseCommand, engineFlag, EXIT } from '../../cli/base-command.js';
import { RocktsError } from '../../core/errors.js';
import { APT_PACKAGE, IMAGE_REFERENCE } from '../../core/grammar.js';
import { MODERN_FEATURES } from '../../core/plain-forms.js';
import { chooseNetwork, detectEngine } from '../../docker/engine.js';

export default class ExtensionTestCommand extends BaseCommand {
  static override summary = "Test an extension: build it in each scenario of test/scenarios.yaml and run its test/test.sh there.";
  static override description =
    "PATH is an extension folder (with extension.yaml) or a package whose package.json lists extension folders in `rockts.extensions`; every extension is tested. Each scenario is composed with the built-in `user` extension, built, and its test script run as your uid:gid with test/ mounted read-only at /rockts-test. Then the image is built again with its final stage starting FROM the first image, so every setup step runs twice, and the script runs again. --static needs no engine: it composes every scenario and runs shellcheck over the extension's RUN scripts and *.sh files. Exits 7 when a test fails.";
  static override examples = [
    '<%= config.bin %> extension test',
    '<%= config.bin %> extension test --static',
    '<%= config.bin %> extension test --static --parse',
    '<%= config.bin %> extension test extensions/tz --scenario default',
    '<%= config.bin %> extension test --image debian:bookworm --builder-image debian:bookworm --builder-apt ""',
    '<%= config.bin %> extension test --engine podman --keep-images',
  ];
  static override args = {
    path: Args.string({ description: 'extension or package folder (default: the current folder)' }),
  };
  static override flags = {
    engine: engineFlag,
    image: Flags.string({ description: "final base image of every scenario (default: the scenario's `image:`, else ubuntu:24.04)", helpValue: 'IMAGE' }),
    'builder-image': Flags.string({ description: 'base image of the shared builder stage, for every scenario', helpValue: 'IMAGE' }),
    'builder-apt': Flags.string({ description: "comma-separated apt packages of the shared builder base, replacing the default set (\"\" for none)", helpValue: 'PKGS' }),
    scenario: Flags.string({ description: 'run only this scenario (repeatable)', helpValue: 'NAME', multiple: true }),
    static: Flags.boolean({ description: 'no engine: compose every scenario and shellcheck the RUN scripts and *.sh files' }),
    parse: Flags.boolean({ description: "with --static, also have the engine's Dockerfile parser read every scenario's Dockerfile (builds only an empty stage; for extensions whose real build needs the internet)", dependsOn: ['static'] }),
    shellcheck: Flags.boolean({ description: 'with --static, run shellcheck (--no-shellcheck: check only the manifest, options and templates)', default: true, allowNo: true }),
    severity: Flags.string({ description: 'with --static, the least shellcheck severity that fails', options: [...SHELLCHECK_SEVERITIES], default: 'warning' }),
    idempotency: Flags.boolean({ description: 'build and test each scenario a second time with the extension twice in the chain (--no-idempotency: once)', default: true, allowNo: true }),
    'keep-images': Flags.boolean({ description: 'keep the test images (rockts-test-<extension>-<scenario>[:twice])' }),
    network: Flags.string({ description: 'network for builds and the test container (default: the engine default; host when it has no bridge network)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExtensionTestCommand);
    const overrides = parseOverrides(flags);
    const underTest = await findExtensionsUnderTest(path.resolve(args.path ?? '.'));
    const project = this.projectOptions(undefined);
    const harness = { rocktsVersion: project.rocktsVersion, hostUser: project.hostUser, builtinDir: project.builtinDir, home: project.home, globalNodeModules: project.globalNodeModules };
    const say = (message: string) => process.stderr.write(`${message}\n`);

    if (flags.static) {
      const shellcheck = flags.shellcheck ? await requireShellcheck() : undefined;
      const composed = await composeScenarios(underTest, { ...harness, features: MODERN_FEATURES }, overrides);
      let results = await checkStatically(composed, { shellcheck, severity: flags.severity as ShellcheckSeverity, display: (f) => this.displayPath(f) });
      if (flags.parse) {
        const engine = await detectEngine(flags.engine as 'docker' | 'podman' | undefined);
        const forEngine = await composeScenarios(underTest, { ...harness, features: engine.features }, overrides);
        const refused = await parseWithEngine(engine, forEngine, chooseNetwork(flags.network, engine, say));
        results = results.map((r) => ({ ...r, findings: [...r.findings, ...(refused.get(r.extension.dir) ?? [])] }));
      }
      for (const r of results) {
        for (const warning of r.warnings) process.stderr.write(`${warning}\n`);
        process.stdout.write(describeStatic(r, shellcheck !== undefined, flags.parse));
      }
      this.finish(results.filter((r) => r.findings.length === 0).length, results.filter((r) => r.findings.length > 0).length);
      return;
    }

    const engine = await detectEngine(flags.engine as 'docker' | 'podman' | undefined);
    const composed = await composeScenarios(underTest, { ...harness, features: engine.features }, overrides);
    const network = chooseNetwork(flags.network, engine, say);
    const [uid, gid] = [process.getuid?.() ?? 0, process.getgid?.() ?? 0];
    const host = { home: project.home, env: process.env, user: project.hostUser ?? { name: 'root', uid, gid, home: project.home }, exists: existsSync };
    const options = { idempotency: flags.idempotency, keepImages: flags['keep-images'], network, uid, gid, host };
    const outcomes: ScenarioOutcome[] = [];
    for (const scenario of composed) {
      const outcome = await testScenario(engine, scenario, options, say);
      outcomes.push(outcome);
      process.stdout.write(describeOutcome(outcome));
    }
    this.finish(outcomes.filter((o) => o.ok).length, outcomes.filter((o) => !o.ok).length);
  }

  private finish(passed: number, failed: number): void {
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    if (failed > 0) this.exit(EXIT.testsFailed);
  }
}

function parseOverrides(flags: { image?: string; 'builder-image'?: string; 'builder-apt'?: string; scenario?: string[] }): ScenarioOverrides {
  for (const flag of ['image', 'builder-image'] as const) {
    const value = flags[flag];
    if (value !== undefined && !IMAGE_REFERENCE.test(value)) {
      throw new RocktsError('USAGE', `--${flag}: expected an image reference such as ubuntu:24.04, found ${JSON.stringify(value)}`);
    }
  }
  const apt = flags['builder-apt']?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const bad = apt?.find((p) => !APT_PACKAGE.test(p));
  if (bad !== undefined) throw new RocktsError('USAGE', `--builder-apt: expected Debian package names separated by commas, found ${JSON.stringify(bad)}`);
  return { image: flags.image, builderImage: flags['builder-image'], builderApt: apt, only: flags.scenario ?? [] };
}

function describeOutcome(outcome: ScenarioOutcome): string {
  if (outcome.ok) return `PASS ${outcome.name} (build ${outcome.buildSeconds.toFixed(1)}s, test ${outcome.testSeconds.toFixed(1)}s)\n`;
  return `FAIL ${outcome.name}: ${outcome.phase} failed\n${indent(outcome.detail)}\n`;
}

function describeStatic(r: StaticResult, shellchecked: boolean, parsed: boolean): string {
  const name = r.extension.manifest.name;
  const composed = `${r.scenarios} scenario${r.scenarios === 1 ? '' : 's'} composed${parsed ? ' and parsed by the engine' : ''}`;
  if (!shellchecked) return `PASS ${name} (static: ${composed}; shellcheck skipped)\n`;
  if (r.findings.length === 0) {
    return `PASS ${name} (static: ${composed}; shellcheck clean on ${r.scripts} RUN script${r.scripts === 1 ? '' : 's'} and ${r.shellFiles} *.sh file${r.shellFiles === 1 ? '' : 's'})\n`;
  }
  return `FAIL ${name}: ${r.findings.length} problem${r.findings.length === 1 ? '' : 's'} found\n${r.findings.map(indent).join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
