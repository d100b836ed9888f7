/**
 * Folds a layer's rockerc items (args and other top-level keys) into its native parts,
 * after taking out what extension-blacklist and disable_args name, so a blacklisted
 * name is never checked (rockerc filters its args the same way, before rocker sees them).
 */
import type { ConfigExtensionEntry, Located, Reading, RunConfig, SourceLocation } from '../core/types.js';
import { RUN_SETTINGS, type RunSettingName } from '../core/run-settings.js';
import type { ConfigLayer, ParseConfigContext } from './parse-config.js';
import { resolveVolume } from './parse-config.js';
import { RocktsError } from '../core/errors.js';
import { describeTranslation, extensionTarget, translateItems, type RockerItem, type Translation } from './read-rocker.js';

/** The names a blacklist excludes: as written and what each stands for (`nvidia` also excludes gpu). */
export function blockedNames(blacklist: readonly Located<string>[]): Located<string>[] {
  return blacklist.flatMap((entry) => {
    const target = extensionTarget(entry.value);
    return target === undefined || target === entry.value ? [entry] : [entry, { ...entry, value: target }];
  });
}

/** An item blacklisted by its own name or by the extension it stands for. */
export function isBlocked(item: RockerItem, blocked: ReadonlySet<string>): boolean {
  return blocked.has(item.name) || blocked.has(extensionTarget(item.name) ?? item.name);
}

export function applyRockerItems(layer: ConfigLayer, blocked: ReadonlySet<string>, context: ParseConfigContext): ConfigLayer {
  const readings: Reading[] = [...layer.readings];
  const kept = layer.items.filter((item) => {
    if (!isBlocked(item, blocked)) return true;
    readings.push({ written: item.written, readAs: 'left out: named by extension-blacklist or disable_args', location: item.location });
    return false;
  });
  const { translations, problems } = translateItems(kept);
  problems.push(...conflicts(layer, translations));
  const extensions: ConfigExtensionEntry[] = layer.extensions.filter((e) => e.ref.kind !== 'name' || !blocked.has(e.ref.name));
  const run = { ...layer.run } as { -readonly [K in keyof RunConfig]: RunConfig[K] };
  let { pull, noCache, tag, autoExtensions } = layer;
  for (const t of translations) {
    const { item } = t;
    if (t.kind !== 'extension' || t.name !== item.written) readings.push({ written: item.written, readAs: describeTranslation(t), location: item.location });
    switch (t.kind) {
      case 'extension':
        extensions.push({
          ref: { kind: 'name', name: t.name },
          options: t.options.map(([key, value]) => ({ key: { value: key, location: item.location }, value: { value, location: item.location } })),
          location: item.location,
          ...(t.unavailable === undefined ? {} : { unavailable: t.unavailable }),
        });
        break;
      case 'build':
        if (t.setting === 'pull') pull = { value: true, location: item.location };
        else noCache = { value: true, location: item.location };
        break;
      case 'tag':
        tag = { value: t.value, location: item.location };
        break;
      case 'auto':
        autoExtensions = item.location;
        break;
      case 'run':
        setRun(run, t.setting, t.values, item.location, context);
        break;
      case 'noop':
        break;
    }
  }
  readings.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  return { ...layer, problems: [...layer.problems, ...problems], extensions, run, pull, noCache, tag, autoExtensions, readings, items: [] };
}

/**
 * A single value set both in rockts's own spelling and by a rocker key or flag (`tag:` and
 * `image-name:`, `run: {name}` and `name:`) is an error naming both places, not a silent choice.
 */
export function conflicts(layer: ConfigLayer, translations: readonly Translation[]): RocktsError[] {
  return translations.flatMap((t) => {
    const native = t.kind === 'tag' ? { key: 'tag', at: layer.tag } : t.kind === 'run' && RUN_SETTINGS[t.setting].kind === 'value' ? { key: `run.${t.setting}`, at: layer.run[t.setting] as Located<string> | undefined } : undefined;
    if (native?.at === undefined) return [];
    return [
      new RocktsError('CONFIG_INVALID', `'${t.item.written}' sets ${native.key}, which this file also sets; keep one`, {
        location: t.item.location,
        notes: [{ message: `${native.key} is set here`, location: native.at.location }],
      }),
    ];
  });
}

function setRun(run: { -readonly [K in keyof RunConfig]: RunConfig[K] }, setting: RunSettingName, values: readonly string[], location: SourceLocation, context: ParseConfigContext): void {
  const spec = RUN_SETTINGS[setting];
  const settings = run as Record<RunSettingName, unknown>;
  const located = (value: string) => ({ value: setting === 'volumes' ? resolveVolume(value, context) : value, location });
  if (spec.kind === 'list') settings[setting] = [...(run[setting] as readonly Located<string>[]), ...values.map(located)];
  else if (spec.kind === 'switch') settings[setting] = { value: true, location };
  else settings[setting] = located(values[0]!);
}
