/**
 * The project loader's options for this process (its folder, home, user, environment and
 * the global npm root), shared by the oclif commands and the quick path (quick-start.ts).
 */
import os from 'node:os';
import path from 'node:path';
import type { RocktsError } from '../core/errors.js';
import { npmGlobalRoot } from '../extensions/packages.js';
import { currentHostUser, type ProjectOptions } from '../project/load-project.js';

export function processProjectOptions(configFile: string | undefined, rocktsVersion: string, warn: (warning: RocktsError) => void): ProjectOptions {
  return {
    configFile,
    cwd: process.cwd(),
    home: os.homedir(),
    rocktsVersion,
    hostUser: currentHostUser(),
    builtinDir: process.env.ROCKTS_BUILTIN_EXTENSIONS || undefined,
    globalNodeModules: npmGlobalRoot(process.env, os.homedir(), process.execPath),
    warn,
  };
}

/** Paths in messages are shown relative to the current folder when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
