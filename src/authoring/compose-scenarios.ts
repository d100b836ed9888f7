/**
 * The adapter between an extension's test scenarios and the composer: each scenario
 * becomes a Config (plain data, located in scenarios.yaml) that lists the extension
 * under test by its folder, the built-in `user` extension (so the test runs as the
 * mapped host user) and the scenario's other extensions; then the usual pure pipeline
 * composes it. No rockerc.yaml and no ~/.rockerc.yaml take part: a scenario is hermetic.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { compose, type Composition } from '../core/compose.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import type { DockerfileFeatures } from '../core/plain-forms.js';
import type { Config, ConfigExtensionEntry, ExtensionSource, HostUser, Located, LoadedEntry, LoadedExtension, SourceLocation } from '../core/types.js';
import { loadExtension } from '../extensions/load-extension.js';
import { readOptionalText } from '../extensions/extension-files.js';
import { loadCatalogue } from '../project/load-project.js';
import { YAML_LIMITS } from '../io/yaml-source.js';
import type { ExtensionUnderTest } from './find-extensions-under-test.js';
import { defaultScenarios, parseScenarios, SCENARIOS_FILE_NAME, type TestScenario } from './parse-scenarios.js';
import { NO_RUN_SETTINGS } from '../core/run-settings.js';

/** The final base image of a scenario that names none. */
export const DEFAULT_TEST_IMAGE = 'ubuntu:24.04';
/** The built-in extension that creates the host user and switches to it. */
const USER_EXTENSION = 'user';

export interface HarnessOptions {
  readonly rocktsVersion: string;
  readonly hostUser: HostUser | undefined;
  /** Where built-in extensions live (ROCKTS_BUILTIN_EXTENSIONS); default: rockts's own. */
  readonly builtinDir: string | undefined;
  readonly home: string;
  /** What the engine's Dockerfile frontend can do. */
  readonly features: DockerfileFeatures;
  /** The global npm root; packages there and in node_modules above the extension are offered too. */
  readonly globalNodeModules: string | undefined;
}

/** Command-line values that replace every scenario's own (already checked by the command). */
export interface ScenarioOverrides {
  readonly image: string | undefined;
  readonly builderImage: string | undefined;
  readonly builderApt: readonly string[] | undefined;
  /** Only these scenarios (all when empty). */
  readonly only: readonly string[];
}

export interface ComposedScenario {
  /** The extension under test. */
  readonly extension: LoadedExtension;
  readonly scenario: TestScenario;
  /** `<extension>/test`, mounted into the container. */
  readonly testDir: string;
  readonly composition: Composition;
}

/**
 * Composes every scenario of every extension under test. Problems from all of them
 * (manifests, scenarios.yaml, options, templates) are reported together, each once.
 * The extensions of a package under test are offered by name beside the built-ins, so
 * one can require a sibling.
 */
export async function composeScenarios(underTest: readonly ExtensionUnderTest[], options: HarnessOptions, overrides: ScenarioOverrides): Promise<ComposedScenario[]> {
  // The built-ins, and installed packages from the first extension's folder up, then globally, as a project finds them.
  const catalogue = underTest.length === 0 ? [] : await loadCatalogue(options, underTest[0]!.dir);
  const builtins = catalogue.filter((e) => e.source.kind === 'builtin');
  const withUser = options.hostUser !== undefined && builtins.some((e) => e.manifest.name === USER_EXTENSION);
  const problems: RocktsError[] = [];
  const byPath = new Map<string, LoadedExtension>();
  const load = async (dir: string, source: ExtensionSource, location: SourceLocation | undefined): Promise<LoadedExtension | undefined> => {
    if (byPath.has(dir)) return byPath.get(dir);
    try {
      const extension = await loadExtension(dir, source);
      byPath.set(dir, extension);
      return extension;
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      const unplaced = error.location === undefined && error.problems.length === 0;
      problems.push(unplaced && location ? new RocktsError(error.code, error.message, { location }) : error);
      return undefined;
    }
  };

  const known = new Set<string>();
  const pending: { extension: LoadedExtension; scenario: TestScenario; testDir: string; config: Config }[] = [];
  const siblings: LoadedExtension[] = [];
  for (const { dir, source, loaded } of underTest) {
    if (loaded) byPath.set(dir, loaded);
    const extension = await load(dir, source, undefined);
    if (extension?.source.kind === 'package') siblings.push(extension);
    const testDir = path.join(dir, 'test');
    const scenariosFile = path.join(testDir, SCENARIOS_FILE_NAME);
    const text = await readOptional(scenariosFile);
    let scenarios: TestScenario[];
    try {
      scenarios = text === undefined ? defaultScenarios(scenariosFile) : parseScenarios(text, scenariosFile, options.home);
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
      continue;
    }
    for (const scenario of scenarios) {
      known.add(scenario.name);
      if (overrides.only.length > 0 && !overrides.only.includes(scenario.name)) continue;
      const problem = await scriptProblem(testDir, scenario.test.value);
      if (problem !== undefined) {
        // Without scenarios.yaml there is no line to point at: the message names the file instead.
        const hint = problem === 'not found' ? ' (it holds the checks to run in the built image; `rockts extension new` writes an example)' : '';
        problems.push(
          text === undefined
            ? new RocktsError('CONFIG_INVALID', `test script ${path.join(testDir, scenario.test.value)} ${problem}${hint}`)
            : new RocktsError('CONFIG_INVALID', `scenario '${scenario.name}': test script test/${scenario.test.value} ${problem}`, { location: scenario.test.location }),
        );
      }
      for (const entry of scenario.extensions) if (entry.ref.kind === 'path') await load(entry.ref.path, { kind: 'path', path: entry.ref.path }, entry.location);
      if (extension) pending.push({ extension, scenario, testDir, config: scenarioConfig(dir, scenario, scenariosFile, overrides, withUser) });
    }
  }

  for (const name of overrides.only) {
    if (!known.has(name)) problems.push(new RocktsError('USAGE', `--scenario ${name}: no such scenario; the scenarios are: ${[...known].join(', ')}`));
  }

  // Installed packages may be companions too.
  const packaged = catalogue.filter((e) => e.source.kind !== 'builtin' && !byPath.has(e.dir));
  const composed: ComposedScenario[] = [];
  for (const { config, ...rest } of pending) {
    const entries: LoadedEntry[] = [];
    for (const entry of config.extensions) {
      const extension = entry.ref.kind === 'path' ? byPath.get(entry.ref.path) : undefined;
      if (extension || entry.ref.kind === 'name') entries.push({ ...entry, loaded: extension ? [extension] : [] });
    }
    if (entries.length < config.extensions.length) continue;
    try {
      const available = [...builtins, ...siblings, ...packaged];
      const composition = compose({ config: { ...config, extensions: entries }, available, rocktsVersion: options.rocktsVersion, hostUser: options.hostUser, features: options.features });
      composed.push({ ...rest, composition });
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
    }
  }
  throwIfAny(uniqueProblems(problems));
  return composed;
}

function scenarioConfig(dir: string, scenario: TestScenario, file: string, overrides: ScenarioOverrides, withUser: boolean): Config {
  const at = <T>(value: T): Located<T> => ({ value, location: scenario.location });
  const here = (name: string): ConfigExtensionEntry => ({ ref: { kind: 'name', name }, options: [], location: scenario.location });
  // The extension under test comes after `user`, so that when it is `user` itself its options win.
  const underTest: ConfigExtensionEntry = { ref: { kind: 'path', path: dir, written: dir }, options: scenario.options, location: scenario.location };
  return {
    file,
    image: overrides.image !== undefined ? at(overrides.image) : (scenario.image ?? at(DEFAULT_TEST_IMAGE)),
    dockerfile: undefined,
    syntax: undefined,
    tag: undefined,
    engine: undefined,
    extensions: [...(withUser ? [here(USER_EXTENSION)] : []), underTest, ...scenario.extensions],
    blacklist: [],
    build: { pull: undefined, noCache: undefined },
    run: NO_RUN_SETTINGS,
    cache: undefined,
    readings: [],
    builder: {
      baseImage: overrides.builderImage !== undefined ? at(overrides.builderImage) : scenario.builderBaseImage,
      apt: overrides.builderApt !== undefined ? overrides.builderApt.map(at) : scenario.builderApt,
      images: [],
    },
    mirrors: [],
    ca: undefined,
  };
}

/** Each problem once: a template error is found again in every scenario that renders it. */
function uniqueProblems(problems: readonly RocktsError[]): RocktsError[] {
  const seen = new Set<string>();
  return problems
    .flatMap((p) => (p.problems.length > 0 ? p.problems : [p]))
    .filter((p) => {
      const key = `${p.location?.file}:${p.location?.line}:${p.location?.column}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** test/scenarios.yaml: a FIFO or a device is refused unread, a huge file read only past the limit (parseYaml refuses it). */
function readOptional(file: string): Promise<string | undefined> {
  return readOptionalText(file, YAML_LIMITS.bytes);
}

/** Why test/<script> cannot run as the container's entrypoint, or undefined when it can. */
async function scriptProblem(testDir: string, script: string): Promise<string | undefined> {
  const file = path.join(testDir, script);
  const can = (mode: number) => access(file, mode).then(() => true, () => false);
  if (await can(constants.X_OK)) return undefined;
  return (await can(constants.F_OK)) ? `is not executable (chmod +x test/${script})` : 'not found';
}
