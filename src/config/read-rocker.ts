/**
 * Reads rockerc's `args:` items and its other scalar keys (`k: v` is rocker's `--k v`)
 * into native rockts settings, each keeping where it was written and a note of how it
 * was read. Pure: no file system.
 */
import { RocktsError, type SourceLocation } from '../core/errors.js';
import { CONTROL_CHARACTER, describeValue, IMAGE_TAG } from '../core/grammar.js';
import { RUN_SETTINGS, type RunSettingName } from '../core/run-settings.js';
import type { Scalar } from '../core/types.js';
import { ancestorName, missingTargetMessage, normalizeName, ROCKER_NAMES, unavailableMessage, type Ancestor, type RockerName } from './rocker-names.js';

/** One rockerc entry: an `args:` item (`pull`, `deps=*.deps.yaml`) or a top-level key (`shm-size: 2g`). */
export interface RockerItem {
  /** The flag or extension name with `_` read as `-`. */
  readonly name: string;
  /** As written, for notes: `nvidia=gpus`, `shm-size: 2g`. */
  readonly written: string;
  /** Undefined for a bare `args:` item; as parsed from YAML for a key or `name=value`. */
  readonly value: unknown;
  readonly location: SourceLocation;
}

/** What one item became. */
export type Translation =
  | {
      readonly kind: 'extension';
      readonly item: RockerItem;
      readonly name: string;
      readonly options: readonly (readonly [string, Scalar])[];
      /** Set when the name is another project's: what to say when no extension provides it. */
      readonly unavailable: string | undefined;
      readonly from: Ancestor | undefined;
      /** What differs from the original extension, when something does. */
      readonly note?: string;
    }
  | { readonly kind: 'build'; readonly item: RockerItem; readonly setting: 'pull' | 'noCache' }
  | { readonly kind: 'tag'; readonly item: RockerItem; readonly value: string }
  /** A switch has no values; a value setting has one; a list any number. */
  | { readonly kind: 'run'; readonly item: RockerItem; readonly setting: RunSettingName; readonly values: readonly string[] }
  | { readonly kind: 'auto'; readonly item: RockerItem }
  | { readonly kind: 'noop'; readonly item: RockerItem; readonly why: string };

/** The args item shape `NAME`, `NAME=VALUE` or `NAME VALUE` (rockerc writes `--NAME VALUE`). */
const ARGS_ITEM = /^([A-Za-z0-9][A-Za-z0-9_-]*)(?:[= ]([\s\S]*))?$/;

/** An `args:` item as a RockerItem, or undefined when it is not one (a path, `PACKAGE/NAME`). */
export function argsItem(text: string, location: SourceLocation): RockerItem | undefined {
  const match = ARGS_ITEM.exec(text);
  if (!match) return undefined;
  return { name: normalizeName(match[1]!), written: text, value: match[2]?.trim(), location };
}

/** The table entry for a name, when it is a rocker, rockerc or deps_rocker name. */
export function rockerName(name: string): RockerName | undefined {
  return ROCKER_NAMES.get(name);
}

/** The rockts extension a rocker or deps_rocker name stands for (`nvidia` → gpu), when it stands for one. */
export function extensionTarget(name: string): string | undefined {
  const known = rockerName(name);
  return known?.kind === 'extension' ? known.name : known?.kind === 'nvidia' ? 'gpu' : undefined;
}

export function translateItems(items: readonly RockerItem[]): { translations: Translation[]; problems: RocktsError[] } {
  const translations: Translation[] = [];
  const problems: RocktsError[] = [];
  for (const item of items) {
    try {
      translations.push(...translateItem(item));
    } catch (error) {
      if (!(error instanceof RocktsError)) throw error;
      problems.push(error);
    }
  }
  return { translations, problems };
}

function translateItem(item: RockerItem): Translation[] {
  const entry = rockerName(item.name);
  const fail = (message: string) => new RocktsError('CONFIG_INVALID', `'${item.written}': ${message}`, { location: item.location });
  if (item.value === false) return [{ kind: 'noop', item, why: 'false leaves it off' }];
  const bare = item.value === undefined || item.value === null || item.value === true;
  const single = (): string => {
    if (typeof item.value === 'string' || typeof item.value === 'number') return String(item.value);
    throw fail(`expected one value, found ${describeValue(item.value)}`);
  };
  const noValue = (what: string) => {
    if (!bare) throw fail(`${what} takes no value, found ${describeValue(item.value)}`);
  };
  if (entry === undefined) {
    noValue(`extension '${item.name}'`);
    return [{ kind: 'extension', item, name: item.name, options: [], unavailable: undefined, from: undefined }];
  }
  switch (entry.kind) {
    case 'extension': {
      const options = [...(entry.options ?? [])];
      if (!bare) {
        if (entry.valueOption === undefined) throw fail(`extension '${entry.name}' takes no value here; give options as \`extensions: [${entry.name}: {OPTION: VALUE}]\``);
        options.push([entry.valueOption, single()]);
      }
      const note = entry.note === undefined ? {} : { note: entry.note };
      return [{ kind: 'extension', item, name: entry.name, options, unavailable: missingTargetMessage(item.name, entry.name, entry.from), from: entry.from, ...note }];
    }
    case 'nvidia': {
      const mode = bare ? 'auto' : single();
      if (!['auto', 'gpus', 'runtime'].includes(mode)) throw fail(`expected auto, runtime or gpus, found ${describeValue(item.value)}`);
      const gpu: Translation = { kind: 'extension', item, name: 'gpu', options: [], unavailable: undefined, from: 'rocker' };
      return mode === 'runtime' ? [gpu, { kind: 'run', item, setting: 'runtime', values: ['nvidia'] }] : [gpu];
    }
    case 'build':
      noValue(`rocker's --${item.name}`);
      return [{ kind: 'build', item, setting: entry.setting }];
    case 'tag': {
      const tag = single();
      if (!IMAGE_TAG.test(tag)) throw fail(`expected an image tag such as myproject-dev or myproject:dev, found ${describeValue(tag)}`);
      return [{ kind: 'tag', item, value: tag }];
    }
    case 'run':
      return [{ kind: 'run', item, setting: entry.setting, values: runValues(item, entry.setting, entry.split === true, fail) }];
    case 'mode': {
      const mode = single();
      if (mode === 'dry-run') throw fail('rockts has no dry-run mode for `rockts run`; use `rockts dockerfile` to see the Dockerfile or `rockts build --dry-run` to see the build command');
      if (mode !== 'interactive' && mode !== 'non-interactive') throw fail(`expected interactive, non-interactive or dry-run, found ${describeValue(item.value)}`);
      return [{ kind: 'noop', item, why: '`rockts run` attaches a terminal when its input is one and runs without one otherwise' }];
    }
    case 'auto':
      noValue("deps_rocker's auto");
      return [{ kind: 'auto', item }];
    case 'noop':
      return [{ kind: 'noop', item, why: entry.why }];
    case 'refused':
      throw fail(`${entry.from}'s --${item.name} has no rockts equivalent: ${entry.why}`);
    case 'elsewhere':
      noValue(`extension '${item.name}'`);
      return [{ kind: 'extension', item, name: item.name, options: [], unavailable: unavailableMessage(item.name, entry.from, entry.what), from: entry.from }];
  }
}

/** The values of a run setting, each checked against its grammar. */
function runValues(item: RockerItem, setting: RunSettingName, split: boolean, fail: (message: string) => RocktsError): string[] {
  const spec = RUN_SETTINGS[setting];
  const bare = item.value === undefined || item.value === null || item.value === true;
  if (spec.kind === 'switch') {
    if (!bare) throw fail(`expected no value (or true), found ${describeValue(item.value)}`);
    return [];
  }
  if (bare) throw fail(`expected ${spec.expected}, found nothing`);
  const raw = Array.isArray(item.value) ? item.value : [item.value];
  const values: string[] = [];
  for (const value of raw) {
    if (typeof value !== 'string' && typeof value !== 'number') throw fail(`expected ${spec.expected}, found ${describeValue(value)}`);
    const text = String(value).trim();
    values.push(...(split ? text.split(/\s+/) : [text]));
  }
  if (spec.kind === 'value' && values.length !== 1) throw fail(`expected one value, ${spec.expected}, found ${describeValue(item.value)}`);
  for (const value of values) {
    if (!spec.pattern.test(value) || CONTROL_CHARACTER.test(value)) throw fail(`expected ${spec.expected}, found ${describeValue(value)}`);
  }
  return values;
}

/** How `rockts plan` and `rockts migrate` say what an item became. */
export function describeTranslation(t: Translation): string {
  switch (t.kind) {
    case 'extension': {
      const options = t.options.length === 0 ? '' : ` {${t.options.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
      const from = t.from === undefined ? '' : ` (${ancestorName(t.from)}${t.note === undefined ? '' : `; ${t.note}`})`;
      return `extension ${t.name}${options}${from}`;
    }
    case 'build':
      return `build setting ${t.setting} (\`rockts build --${t.setting === 'pull' ? 'pull' : 'no-cache'}\`)`;
    case 'tag':
      return `tag ${t.value} (the built image's tag)`;
    case 'run':
      return `run setting ${t.setting}${t.values.length === 0 ? '' : `: ${t.values.join(' ')}`}`;
    case 'auto':
      return 'extensions: auto (rockts detects extensions from the project files)';
    case 'noop':
      return `nothing: ${t.why}`;
  }
}
