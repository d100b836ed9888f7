/**
 * Loads the quick path (quick-start.ts) for bin/run.js. `npm run build` bundles it and
 * everything it loads into one CommonJS file, and stores V8's code cache for it after a
 * warm-up run (https://nodejs.org/api/vm.html#scriptcreatecacheddata), so a run reads
 * one file and compiles almost nothing. The bundle is used only while none of the dist/
 * files it was made from is newer than it, so a `tsc -b` without the rest of the build
 * never runs stale code; npm gives every packed file the same time, so an installed
 * package always uses it. V8 refuses a cache made by another V8 and compiles instead.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The bundle, the dist/ files it was made from and its code cache, relative to the package root. */
export const BUNDLE = 'dist/cli/quick-start.bundle.cjs';
export const BUNDLE_INPUTS = 'dist/cli/quick-start.bundle.json';
export const BUNDLE_CACHE = 'dist/cli/quick-start.bundle.cache';

export type QuickStart = typeof import('./quick-start.js');

/** The quick path of the package at `root`: from its bundle when current, else its modules. */
export async function loadQuickStart(root: string): Promise<QuickStart> {
  return isBundleCurrent(root) ? runBundle(root).exports : import('./quick-start.js');
}

/** Whether the bundle exists and none of its inputs is newer than it. */
export function isBundleCurrent(root: string): boolean {
  try {
    const made = statSync(path.join(root, BUNDLE)).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(path.join(root, BUNDLE_INPUTS), 'utf8')) as { inputs: string[] };
    return inputs.length > 0 && inputs.every((input) => statSync(path.join(root, input)).mtimeMs <= made);
  } catch {
    return false;
  }
}

/**
 * Compiles and runs the bundle, with its code cache when this V8 made it; the build uses
 * `script` to make the cache.
 */
export function runBundle(root: string): { exports: QuickStart; script: vm.Script } {
  const file = path.join(root, BUNDLE);
  // A cache made by another V8 would only be refused; not reading it saves the time.
  let cachedData: Buffer | undefined;
  try {
    const { v8 } = JSON.parse(readFileSync(path.join(root, BUNDLE_INPUTS), 'utf8')) as { v8?: string };
    cachedData = v8 === process.versions.v8 ? readFileSync(path.join(root, BUNDLE_CACHE)) : undefined;
  } catch {
    cachedData = undefined;
  }
  // The wrapper Node puts around a CommonJS module (https://nodejs.org/api/modules.html#the-module-wrapper).
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const module = { exports: {} as QuickStart };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script };
}
