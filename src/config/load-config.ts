/**
 * Reads rockerc.yaml (and ~/.rockerc.yaml when present) from disk and returns the
 * merged Config. All file access for configuration happens here.
 */
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import type { Config } from '../core/types.js';
import { detectExtensions } from './detect-extensions.js';
import { applyRockerItems, blockedNames } from './apply-rocker.js';
import { mergeConfig } from './merge-config.js';
import { parseConfig, type ConfigLayer } from './parse-config.js';
import { readOptionalText } from '../extensions/extension-files.js';
import { YAML_LIMITS } from '../io/yaml-source.js';

export const CONFIG_FILE_NAME = 'rockerc.yaml';
export const GLOBAL_CONFIG_FILE_NAME = '.rockerc.yaml';

export interface LoadConfigOptions {
  /** The config file named with -c; otherwise rockerc.yaml in `cwd`. */
  readonly file: string | undefined;
  readonly cwd: string;
  readonly home: string;
}

/**
 * The merged config, or a thrown error when nothing can be composed. Problems that
 * leave the rest composable come back in `problems` so the caller can report them
 * together with what composing finds.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<{ config: Config; problems: readonly RocktsError[] }> {
  const projectFile = path.resolve(options.cwd, options.file ?? CONFIG_FILE_NAME);
  const projectText = await readText(projectFile);
  if (projectText === undefined) {
    const hint = options.file === undefined ? ' (run `rockts init` to write one, or pass -c FILE)' : '';
    throw new RocktsError('CONFIG_NOT_FOUND', `config file not found: ${projectFile}${hint}`);
  }
  const globalFile = path.join(options.home, GLOBAL_CONFIG_FILE_NAME);
  const projectDir = path.dirname(projectFile);
  const contextFor = (file: string) => ({ baseDir: path.dirname(file), home: options.home });
  let project = parseConfig(projectText, projectFile, contextFor(projectFile));
  const globalText = globalFile === projectFile ? undefined : await readText(globalFile);
  let global = globalText === undefined ? undefined : parseConfig(globalText, globalFile, contextFor(globalFile));
  // Before any name is checked: both files' extension-blacklist applies to both files;
  // a file's disable_args to itself and the files merged before it (the global one).
  const blacklist = blockedNames([...(global?.blacklist ?? []), ...project.blacklist]);
  const blocked = (layers: readonly (ConfigLayer | undefined)[]) => new Set([...blacklist, ...blockedNames(layers.flatMap((l) => l?.disabled ?? []))].map((b) => b.value));
  const projectBlocked = blocked([project]);
  project = await withAutoExtensions(applyRockerItems({ ...project, blacklist }, projectBlocked, contextFor(projectFile)), projectDir);
  if (global) global = await withAutoExtensions(applyRockerItems(global, blocked([global, project]), contextFor(globalFile)), projectDir);
  const merged = mergeConfig(project, global);
  if (!merged.config) throw RocktsError.combine(merged.problems);
  return { config: merged.config, problems: merged.problems };
}

/** `extensions: auto` (in either file) becomes what the project's folder calls for. */
async function withAutoExtensions(layer: ConfigLayer, projectDir: string): Promise<ConfigLayer> {
  if (layer.autoExtensions === undefined) return layer;
  const location = layer.autoExtensions;
  const detected = await detectExtensions(projectDir);
  const entries = detected.map((d) => ({ ref: { kind: 'name' as const, name: d.name }, options: [], location, detected: d.reason }));
  return { ...layer, extensions: [...entries, ...layer.extensions] };
}

/** A FIFO or device is refused, not read, and a huge file is read only past the limit. */
function readText(file: string): Promise<string | undefined> {
  return readOptionalText(file, YAML_LIMITS.bytes);
}
