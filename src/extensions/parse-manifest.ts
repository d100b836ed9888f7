/**
 * Turns the text of an extension.yaml into an ExtensionManifest, checking what the
 * schema cannot: versions and ranges, option defaults against their own rules,
 * patterns that compile, and values free of control characters.
 */
import semver from 'semver';
import { CONTROL_CHARACTER, OPTION_NAME, describeValue } from '../core/grammar.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import { findBacktrackingRisk } from '../core/check-pattern.js';
import { checkOptionValue } from '../core/option-values.js';
import { runVariableProblems } from '../core/run-settings.js';
import { valueVariableProblems } from '../core/templates.js';
import type { CopySpec, ExtensionManifest, OptionDeclaration, OptionSpec, RunVolume } from '../core/types.js';
import { parseYaml, zodIssuesToErrors, type YamlSource } from '../io/yaml-source.js';
import { manifestSchema, type ManifestDocument } from './manifest-schema.js';

export const DEFAULT_CACHE_PRIORITY = 50;

export function parseManifest(text: string, file: string): ExtensionManifest {
  const source = parseYaml(text, file, 'MANIFEST_INVALID');
  const problems: RocktsError[] = [];
  const fail = (path: readonly (string | number)[], message: string) =>
    problems.push(new RocktsError('MANIFEST_INVALID', message, { location: source.locate(path) }));
  // Checked on the raw data, so they are reported together with any schema problem.
  const raw = (source.data ?? {}) as Record<string, unknown>;
  if (typeof raw.version === 'string' && semver.valid(raw.version) === null) {
    fail(['version'], `version: expected a semantic version such as 1.0.0, found ${describeValue(raw.version)}`);
  }
  if (typeof raw.rockts === 'string' && semver.validRange(raw.rockts) === null) {
    fail(['rockts'], `rockts: expected a semver range of the rockts extension API such as "^0.1", found ${describeValue(raw.rockts)}`);
  }
  const parsed = manifestSchema.safeParse(source.data ?? {});
  if (!parsed.success) {
    throw RocktsError.combine([...zodIssuesToErrors(parsed.error.issues, source, 'MANIFEST_INVALID', manifestSchema), ...problems]);
  }
  const doc = parsed.data;
  const options = parseOptions(doc, source, problems);
  checkText(doc, fail);
  checkRunVariables(doc, options.map((o) => o.name), fail);
  checkEnvVariables(doc, options.map((o) => o.name), source, problems);
  for (const option of Object.keys(doc.final?.aptWhen ?? {})) {
    if (options.some((o) => o.name === option && o.spec.type === 'boolean')) continue;
    const booleans = options.filter((o) => o.spec.type === 'boolean').map((o) => o.name);
    fail(['final', 'aptWhen', option], `final.aptWhen: expected the name of a boolean option${booleans.length > 0 ? ` (${booleans.join(', ')})` : ''}, found ${describeValue(option)}`);
  }
  throwIfAny(problems);

  const located = (key: 'requires' | 'after') =>
    (doc[key] ?? []).map((value, i) => ({ value, location: source.locate([key, i]) }));
  return {
    name: doc.name,
    version: doc.version,
    description: doc.description,
    rockts: { value: doc.rockts, location: source.locate(['rockts']) },
    cachePriority: doc.cachePriority ?? DEFAULT_CACHE_PRIORITY,
    builderBaseImage: doc.builderBaseImage,
    requires: located('requires'),
    after: located('after'),
    options,
    builder: { apt: doc.builder?.apt ?? [] },
    final: {
      apt: doc.final?.apt ?? [],
      aptWhen: Object.entries(doc.final?.aptWhen ?? {}).map(([option, packages]) => ({ option, packages })),
      copy: copySpec(doc.final?.copy),
      env: Object.entries(doc.final?.env ?? {}).map(([name, value]) => ({ name, value, location: source.locate(['final', 'env', name]) })),
      path: doc.final?.path ?? [],
      switchUser: doc.final?.switchUser ?? false,
    },
    run: {
      env: Object.entries(doc.run?.env ?? {}).map(([name, value]) => ({ name, value, location: source.locate(['run', 'env', name]) })),
      volumes: (doc.run?.volumes ?? []).map((v, i): RunVolume => {
        const location = source.locate(['run', 'volumes', i]);
        return typeof v === 'string'
          ? { kind: 'volume', value: v, location }
          : { kind: 'bind', source: v.source, target: v.target, readonly: v.readonly ?? false, env: v.env, location };
      }),
      devices: (doc.run?.devices ?? []).map((value, i) => ({ value, location: source.locate(['run', 'devices', i]) })),
      gpus: doc.run?.gpus === undefined ? undefined : { value: doc.run.gpus, location: source.locate(['run', 'gpus']) },
    },
  };
}

function copySpec(copy: NonNullable<ManifestDocument['final']>['copy']): CopySpec {
  if (copy === undefined || copy === 'default') return { kind: 'default' };
  if (copy === 'none') return { kind: 'none' };
  return { kind: 'list', entries: copy };
}

function parseOptions(doc: ManifestDocument, source: YamlSource, problems: RocktsError[]): OptionDeclaration[] {
  const declarations: OptionDeclaration[] = [];
  for (const [name, raw] of Object.entries(doc.options ?? {})) {
    const at = (...rest: string[]) => source.locate(['options', name, ...rest]);
    if (!OPTION_NAME.test(name)) {
      problems.push(
        new RocktsError('MANIFEST_INVALID', `options: expected an option name of letters, digits and _ starting with a letter, found ${describeValue(name)}`, {
          location: source.locateKey(['options', name]),
        }),
      );
      continue;
    }
    const spec = toSpec(raw);
    if (spec.type === 'string' && spec.pattern !== undefined) {
      try {
        new RegExp(spec.pattern, 'u');
      } catch (error) {
        problems.push(new RocktsError('MANIFEST_INVALID', `options.${name}.pattern: expected a JavaScript regular expression, found ${describeValue(spec.pattern)} (${(error as Error).message})`, { location: at('pattern') }));
        continue;
      }
      const risk = findBacktrackingRisk(spec.pattern);
      if (risk !== undefined) {
        problems.push(new RocktsError('MANIFEST_INVALID', `options.${name}.pattern: expected a pattern that matches in bounded time, found ${describeValue(spec.pattern)}, which has ${risk}; README "Limits" says what is refused`, { location: at('pattern') }));
        continue;
      }
    }
    if (spec.type === 'enum') {
      spec.values.forEach((v, i) => {
        if (CONTROL_CHARACTER.test(v)) {
          problems.push(new RocktsError('MANIFEST_INVALID', `options.${name}.values[${i}]: expected text without control characters, found ${describeValue(v)}`, { location: source.locate(['options', name, 'values', i]) }));
        }
      });
    }
    const checked = checkOptionValue(spec, spec.default);
    if ('expected' in checked) {
      problems.push(new RocktsError('MANIFEST_INVALID', `options.${name}.default: expected ${checked.expected}, found ${describeValue(spec.default)}`, { location: at('default') }));
    }
    declarations.push({ name, spec });
  }
  return declarations;
}

function toSpec(raw: NonNullable<ManifestDocument['options']>[string]): OptionSpec {
  switch (raw.type) {
    case 'string':
      return { type: 'string', default: raw.default, pattern: raw.pattern, description: raw.description };
    case 'number':
      return { type: 'number', default: raw.default, minimum: raw.minimum, maximum: raw.maximum, integer: raw.integer ?? false, description: raw.description };
    case 'boolean':
      return { type: 'boolean', default: raw.default, description: raw.description };
    case 'enum':
      return { type: 'enum', values: raw.values, default: raw.default, description: raw.description };
  }
}

/** Text that lands in the Dockerfile or in docker arguments may not hold control characters. */
function checkText(doc: ManifestDocument, fail: (path: readonly (string | number)[], message: string) => void): void {
  const check = (path: readonly (string | number)[], value: string) => {
    if (CONTROL_CHARACTER.test(value)) {
      fail(path, `${path.join('.')}: expected text without control characters (newlines, tabs), found ${describeValue(value)}`);
    }
  };
  for (const section of ['final', 'run'] as const) {
    for (const [name, value] of Object.entries(doc[section]?.env ?? {})) check([section, 'env', name], value);
  }
  if (doc.final?.env?.PATH !== undefined) fail(['final', 'env', 'PATH'], 'final.env.PATH: expected the directories in final.path (rockts composes PATH from every extension), found PATH in final.env');
  (doc.run?.volumes ?? []).forEach((v, i) => {
    if (typeof v === 'string') check(['run', 'volumes', i], v);
    else for (const key of ['source', 'target'] as const) check(['run', 'volumes', i, key], v[key]);
  });
  (doc.run?.devices ?? []).forEach((v, i) => check(['run', 'devices', i], v));
  if (doc.run?.gpus !== undefined) check(['run', 'gpus'], doc.run.gpus);
  check(['description'], doc.description);
}

/** `run:` values are filled in when the container starts; their variables are checked now. */
function checkRunVariables(doc: ManifestDocument, optionNames: readonly string[], fail: (path: readonly (string | number)[], message: string) => void): void {
  const check = (path: readonly (string | number)[], text: string) => {
    for (const problem of runVariableProblems(text, optionNames)) fail(path, `${path.join('.')}: ${problem}`);
  };
  for (const [name, value] of Object.entries(doc.run?.env ?? {})) check(['run', 'env', name], value);
  (doc.run?.volumes ?? []).forEach((v, i) => {
    if (typeof v !== 'string') for (const key of ['source', 'target'] as const) check(['run', 'volumes', i, key], v[key]);
  });
  (doc.run?.devices ?? []).forEach((v, i) => check(['run', 'devices', i], v));
  if (doc.run?.gpus !== undefined) check(['run', 'gpus'], doc.run.gpus);
}

/** final.env values may use only the extension's options: anything else is reported now, not when the extension is used. */
function checkEnvVariables(doc: ManifestDocument, optionNames: readonly string[], source: YamlSource, problems: RocktsError[]): void {
  for (const [name, value] of Object.entries(doc.final?.env ?? {})) {
    for (const { message, suggestions } of valueVariableProblems(value, optionNames)) {
      problems.push(new RocktsError('MANIFEST_INVALID', `final.env.${name}: ${message}`, { location: source.locate(['final', 'env', name]), suggestions }));
    }
  }
}
