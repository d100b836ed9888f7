/**
 * Which module bin/run.js starts: the bundle `npm run build` makes of quick-start.ts
 * (one file to read instead of some 300 modules), while none of the dist/ files it was
 * made from is newer than it, else quick-start.js itself. So a `tsc -b` without the
 * rest of the build never runs stale code. npm gives every packed file the same time,
 * so an installed package always uses its bundle.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The bundle and the list of its inputs, relative to the package root. */
export const BUNDLE = 'dist/cli/quick-start.bundle.mjs';
export const BUNDLE_INPUTS = 'dist/cli/quick-start.bundle.json';

/** The URL of the module whose `start` runs the CLI for the package at `root`. */
export function startModule(root: string): string {
  const unbundled = pathToFileURL(path.join(root, 'dist/cli/quick-start.js')).href;
  try {
    const made = statSync(path.join(root, BUNDLE)).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(path.join(root, BUNDLE_INPUTS), 'utf8')) as { inputs: string[] };
    if (inputs.length === 0 || inputs.some((input) => statSync(path.join(root, input)).mtimeMs > made)) return unbundled;
  } catch {
    return unbundled;
  }
  return pathToFileURL(path.join(root, BUNDLE)).href;
}
