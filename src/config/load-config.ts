/**
 * Reads rockerc.yaml (and ~/.rockerc.yaml when present) from disk and returns the
 * merged Config. All file access for configuration happens here.
 */
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import type { Config } from '../core/types.js';
import { detectExtensions } from './detect-extensions.js';
import { mergeConfig } from './merge-config.js';
import { parseConfig, type ConfigLayer } from './parse-config.js';
import { readOptionalText } from '../extensions/extension-files.js';
import { YAML_LIMITS } from '../yaml-source.js';

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
  const project = await parseLayer(projectText, projectFile, options.home, projectDir);
  let global: ConfigLayer | undefined;
  if (globalFile !== projectFile) {
    const globalText = await readText(globalFile);
    if (globalText !== undefined) global = await parseLayer(globalText, globalFile, options.home, projectDir);
  }
  const merged = mergeConfig(project, global);
  if (!merged.config) throw RocktsError.combine(merged.problems);
  return { config: merged.config, problems: merged.problems };
}

/** Parses one file; `extensions: auto` (in either file) becomes what the project's folder calls for. */
async function parseLayer(text: string, file: string, home: string, projectDir: string): Promise<ConfigLayer> {
  const layer = parseConfig(text, file, { baseDir: path.dirname(file), home });
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
