/**
 * An extension's test/scenarios.yaml: the images, options and companion extensions
 * `rockts extension test` builds the extension with. Parsed with locations, so every
 * problem (and every option a scenario sets) points at the line the author wrote.
 * No file system here: the caller reads the file.
 *
 *   image: ubuntu:24.04                    # final base image of every scenario (optional)
 *   builder: { baseImage: debian:bookworm, apt: [] }   # as in rockerc.yaml (optional)
 *   scenarios:
 *     default: {}
 *     custom-greeting:
 *       image: debian:bookworm             # this scenario's final base image
 *       options: { greeting: "Hi there" }  # options of the extension under test
 *       extensions: [tz, { locale: { locale: C.UTF-8 } }, ../other]   # also enabled
 *       test: custom.sh                    # script in test/ (default test.sh)
 */
import path from 'node:path';
import { z } from 'zod';
import { isPathEntry } from '../config/parse-config.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import { APT_PACKAGE, IMAGE_REFERENCE } from '../core/grammar.js';
import type { ConfigExtensionEntry, ConfigOption, ExtensionRef, Located, SourceLocation } from '../core/types.js';
import { parseYaml, zodIssuesToErrors, type YamlPath, type YamlSource } from '../io/yaml-source.js';

export const SCENARIOS_FILE_NAME = 'scenarios.yaml';
export const DEFAULT_TEST_SCRIPT = 'test.sh';
export const DEFAULT_SCENARIO = 'default';

/** Scenario names become part of image tags: lower-case words joined by `.`, `_` or `-`. */
export const SCENARIO_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** A script below test/: relative, without `..`. */
const TEST_SCRIPT = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

const imageReference = z.string().regex(IMAGE_REFERENCE, { message: 'an image reference such as ubuntu:24.04' });
const builder = z.strictObject({
  baseImage: imageReference.optional(),
  apt: z.array(z.string().regex(APT_PACKAGE, { message: 'a Debian package name such as curl or libssl-dev' })).optional(),
});
const extensionEntry = z.union([z.string().min(1), z.record(z.string(), z.union([z.record(z.string(), z.unknown()), z.null()]))], {
  message: 'an extension name, a folder path, or `name: {options}`',
});
const scenario = z.strictObject({
  image: imageReference.optional(),
  builder: builder.optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  extensions: z.array(extensionEntry).optional(),
  test: z.string().regex(TEST_SCRIPT, { message: 'a script in test/ such as test.sh (a relative path without ..)' }).optional(),
});

export const scenariosSchema = z.strictObject({
  image: imageReference.optional(),
  builder: builder.optional(),
  scenarios: z
    .record(z.string().regex(SCENARIO_NAME, { message: 'a scenario name: lower-case letters and digits, joined by . _ or -' }), scenario.nullable())
    .optional(),
});

/** One scenario, with the file-wide image and builder settings applied; everything located. */
export interface TestScenario {
  readonly name: string;
  /** The scenario's key in scenarios.yaml (the file's start for the implicit `default`). */
  readonly location: SourceLocation;
  readonly image: Located<string> | undefined;
  readonly builderBaseImage: Located<string> | undefined;
  readonly builderApt: readonly Located<string>[] | undefined;
  /** Options of the extension under test. */
  readonly options: readonly ConfigOption[];
  /** Other extensions the scenario enables, as rockerc.yaml lists them. */
  readonly extensions: readonly ConfigExtensionEntry[];
  /** The script to run, relative to test/. */
  readonly test: Located<string>;
}

/** The scenarios when an extension has no scenarios.yaml: `default`, with default options. */
export function defaultScenarios(file: string): TestScenario[] {
  const location = { file, line: 1, column: 1 };
  return [
    { name: DEFAULT_SCENARIO, location, image: undefined, builderBaseImage: undefined, builderApt: undefined, options: [], extensions: [], test: { value: DEFAULT_TEST_SCRIPT, location } },
  ];
}

/**
 * Parses scenarios.yaml. Extension paths are resolved against the file's folder, as
 * rockerc.yaml's are. Every problem in the file is reported together.
 */
export function parseScenarios(text: string, file: string, home: string): TestScenario[] {
  const source = parseYaml(text, file, 'CONFIG_INVALID');
  if (source.data === null || source.data === undefined) return defaultScenarios(file);
  const parsed = scenariosSchema.safeParse(source.data);
  if (!parsed.success) throw RocktsError.combine(zodIssuesToErrors(parsed.error.issues, source, 'CONFIG_INVALID', scenariosSchema));
  const doc = parsed.data;
  const at = <T>(value: T, p: YamlPath): Located<T> => ({ value, location: source.locate(p) });
  const fileWide = {
    image: doc.image === undefined ? undefined : at(doc.image, ['image']),
    baseImage: doc.builder?.baseImage === undefined ? undefined : at(doc.builder.baseImage, ['builder', 'baseImage']),
    apt: doc.builder?.apt?.map((pkg, i) => at(pkg, ['builder', 'apt', i])),
  };
  const entries = Object.entries(doc.scenarios ?? {});
  if (entries.length === 0) {
    return defaultScenarios(file).map((s) => ({ ...s, image: fileWide.image, builderBaseImage: fileWide.baseImage, builderApt: fileWide.apt }));
  }
  const problems: RocktsError[] = [];
  const scenarios = entries.map(([name, body]): TestScenario => {
    const base: YamlPath = ['scenarios', name];
    const s = body ?? {};
    return {
      name,
      location: source.locateKey(base),
      image: s.image === undefined ? fileWide.image : at(s.image, [...base, 'image']),
      builderBaseImage: s.builder?.baseImage === undefined ? fileWide.baseImage : at(s.builder.baseImage, [...base, 'builder', 'baseImage']),
      builderApt: s.builder?.apt === undefined ? fileWide.apt : s.builder.apt.map((pkg, i) => at(pkg, [...base, 'builder', 'apt', i])),
      options: Object.keys(s.options ?? {}).map((key) => ({
        key: { value: key, location: source.locateKey([...base, 'options', key]) },
        value: at(s.options![key], [...base, 'options', key]),
      })),
      extensions: (s.extensions ?? []).flatMap((item, i) => parseEntry(item, [...base, 'extensions', i], source, home, problems)),
      test: s.test === undefined ? { value: DEFAULT_TEST_SCRIPT, location: source.locateKey(base) } : at(s.test, [...base, 'test']),
    };
  });
  throwIfAny(problems);
  return scenarios;
}

function refFor(text: string, baseDir: string, home: string): ExtensionRef {
  if (!isPathEntry(text)) return { kind: 'name', name: text };
  const expanded = text.startsWith('~/') ? path.join(home, text.slice(2)) : text;
  return { kind: 'path', path: path.resolve(baseDir, expanded), written: text };
}

function parseEntry(
  item: string | Record<string, Record<string, unknown> | null>,
  at: YamlPath,
  source: YamlSource,
  home: string,
  problems: RocktsError[],
): ConfigExtensionEntry[] {
  const baseDir = path.dirname(source.file);
  if (typeof item === 'string') return [{ ref: refFor(item, baseDir, home), options: [], location: source.locate(at) }];
  const names = Object.keys(item);
  if (names.length !== 1) {
    problems.push(
      new RocktsError('CONFIG_INVALID', `expected one extension per list item (\`- name: {options}\`), found ${names.length} keys: ${names.join(', ')}`, {
        location: source.locate(at),
      }),
    );
    return [];
  }
  const name = names[0]!;
  const options = Object.entries(item[name] ?? {}).map(([key, value]) => ({
    key: { value: key, location: source.locateKey([...at, name, key]) },
    value: { value, location: source.locate([...at, name, key]) },
  }));
  return [{ ref: refFor(name, baseDir, home), options, location: source.locateKey([...at, name]) }];
}
