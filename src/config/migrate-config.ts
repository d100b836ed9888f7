/**
 * `rockts migrate`: the native rockts form of a rockerc-format file. rocker flags in
 * `args:`, rockerc's other top-level keys and other projects' extension names become
 * `extensions:`, `build:`, `tag:` and `run:` entries, each marked with what it was; what
 * has nothing to do in rockts becomes a comment saying why. Pure: text in, text out.
 */
import { stringify } from 'yaml';
import { RocktsError, throwIfAny } from '../core/errors.js';
import { RUN_SETTINGS, type RunSettingName } from '../core/run-settings.js';
import { configSchema, type ConfigDocument } from './config-schema.js';
import { canonicalKey, parseConfig, type ParseConfigContext } from './parse-config.js';
import { translateItems, type Translation } from './read-rocker.js';
import { blockedNames, conflicts, isBlocked } from './apply-rocker.js';
import { parseYaml } from '../io/yaml-source.js';

interface Line {
  readonly text: string;
  readonly was?: string;
}

const flow = (value: unknown) => stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();

/** `- name` or `- name: {options}`, as a list item line. */
function entryLine(name: string, options: Readonly<Record<string, unknown>> | undefined): string {
  return options === undefined ? `  - ${flow(name)}` : `  - ${flow(name)}: ${flow(options)}`;
}

export function migrateConfig(text: string, file: string, context: ParseConfigContext): string {
  const layer = parseConfig(text, file, context);
  const own = new Set(blockedNames([...layer.blacklist, ...layer.disabled]).map((b) => b.value));
  const dropped: string[] = [];
  const items = layer.items.filter((item) => {
    if (!isBlocked(item, own)) return true;
    dropped.push(`${item.written}: left out, named by extension-blacklist or disable_args`);
    return false;
  });
  const { translations, problems } = translateItems(items);
  throwIfAny([...layer.problems, ...problems, ...conflicts(layer, translations)]);
  const raw = parseYaml(text, file, 'CONFIG_INVALID').data as Record<string, unknown>;
  const native = Object.entries(raw).map(([key, value]) => [canonicalKey(key) ?? key, value] as const);
  const doc = configSchema.parse(Object.fromEntries(native.filter(([key]) => key in configSchema.shape))) as ConfigDocument;

  const out: Line[] = [{ text: `# The native rockts form of ${file.split(/[\\/]/).pop()}, written by \`rockts migrate\`; "# was:" marks what was written differently.` }];
  const put = (key: keyof ConfigDocument) => {
    if (doc[key] === undefined) return;
    const original = Object.keys(raw).find((k) => (canonicalKey(k) ?? k) === key);
    const lines = stringify({ [key]: doc[key] }, { lineWidth: 0 }).trimEnd().split('\n');
    out.push(...lines.map((text, i) => ({ text, ...(i === 0 && original !== key ? { was: original } : {}) })));
  };
  const was = (t: Translation) => (t.kind === 'extension' && t.from !== undefined ? `${t.item.written} (${t.from} name)` : t.item.written);
  put('image');
  put('dockerfile');
  put('syntax');
  const tag = translations.find((t) => t.kind === 'tag');
  if (tag && doc.tag === undefined) out.push({ text: `tag: ${flow(tag.value)}`, was: was(tag) });
  else put('tag');
  put('engine');

  const auto = translations.find((t) => t.kind === 'auto');
  const extensions = translations.filter((t) => t.kind === 'extension');
  // The file's own entries (`extensions:`, and folder or PACKAGE/NAME items of `args:`), already read as rockts names.
  const listed = layer.extensions.map((e) => {
    const options = Object.fromEntries(e.options.map((o) => [o.key.value, o.value.value]));
    const text =
      e.ref.kind === 'package' ? `  - package: ${flow(e.ref.package)}` : entryLine(e.ref.kind === 'name' ? e.ref.name : e.ref.written, e.options.length === 0 ? undefined : options);
    const reading = layer.readings.find((r) => r.location === e.location);
    return { text, ...(reading ? { was: reading.written } : {}), name: e.ref.kind === 'name' && e.options.length === 0 ? e.ref.name : undefined };
  });
  if (auto && (listed.length > 0 || extensions.length > 0)) {
    throw new RocktsError('CONFIG_INVALID', "deps_rocker's auto cannot be migrated next to listed extensions: rockts's `extensions: auto` detects all of them; keep the file as it is or list the extensions", {
      location: auto.item.location,
    });
  }
  if (auto || doc.extensions === 'auto') out.push({ text: 'extensions: auto', ...(auto ? { was: was(auto) } : {}) });
  else if (listed.length > 0 || extensions.length > 0) {
    out.push({ text: 'extensions:' });
    for (const { name: _name, ...line } of listed) out.push(line);
    const seen = new Set(listed.flatMap((e) => (e.name === undefined ? [] : [e.name])));
    for (const t of extensions) {
      if (t.options.length === 0 && seen.has(t.name)) {
        dropped.push(`${t.item.written}: extension ${t.name} is listed already`);
        continue;
      }
      seen.add(t.name);
      out.push({ text: entryLine(t.name, t.options.length === 0 ? undefined : Object.fromEntries(t.options)), ...(t.name === t.item.written ? {} : { was: was(t) }) });
    }
  }
  put('extension-blacklist');
  put('disable_args');

  const build = translations.filter((t) => t.kind === 'build');
  if (build.length > 0 || doc.build !== undefined) {
    out.push({ text: 'build:' });
    for (const [key, value] of Object.entries(doc.build ?? {})) out.push({ text: `  ${key}: ${flow(value)}` });
    for (const t of build) if (doc.build?.[t.setting] === undefined) out.push({ text: `  ${t.setting}: true`, was: was(t) });
  }
  put('builder');
  out.push(...runLines(doc.run ?? {}, translations, was));
  for (const t of translations) if (t.kind === 'noop') dropped.push(`${t.item.written}: ${t.why}`);
  for (const note of dropped) out.push({ text: `# dropped: ${note}` });
  return out.map((l) => (l.was === undefined ? l.text : `${l.text}  # was: ${l.was}`)).join('\n') + '\n';
}

/** The `run:` block: what the file's own block says, then the rocker keys and flags. */
function runLines(run: NonNullable<ConfigDocument['run']>, translations: readonly Translation[], was: (t: Translation) => string): Line[] {
  const settings = translations.filter((t) => t.kind === 'run');
  if (settings.length === 0 && Object.keys(run).length === 0) return [];
  const lines: Line[] = [{ text: 'run:' }];
  const keys = [...new Set([...Object.keys(run), ...settings.map((t) => t.setting)])];
  for (const key of keys) {
    const own = (run as Record<string, unknown>)[key];
    const added = settings.filter((t) => t.setting === key);
    if (key === 'env') {
      lines.push({ text: '  env:' });
      for (const [name, value] of Object.entries((own as Record<string, unknown>) ?? {})) lines.push({ text: `    ${name}: ${flow(value)}` });
      for (const t of added) {
        for (const v of t.values) {
          const [name, ...rest] = v.split('=');
          lines.push({ text: `    ${name}: ${rest.length === 0 ? 'null' : flow(rest.join('='))}`, was: was(t) });
        }
      }
    } else if (RUN_SETTINGS[key as RunSettingName].kind === 'list') {
      lines.push({ text: `  ${key}:` });
      for (const v of (own as unknown[] | undefined) ?? []) lines.push({ text: `    - ${flow(v)}` });
      for (const t of added) for (const v of t.values) lines.push({ text: `    - ${flow(v)}`, was: was(t) });
    } else {
      const last = added[added.length - 1];
      if (last === undefined) lines.push({ text: `  ${key}: ${flow(own)}` });
      else lines.push({ text: `  ${key}: ${last.values.length === 0 ? 'true' : flow(last.values[0])}`, was: was(last) });
    }
  }
  return lines;
}
