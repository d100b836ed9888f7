/** The CLI through oclif, for everything the quick path (quick-start.ts) leaves to it. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { execute, Plugin } from '@oclif/core';
import { currentManifest, MANIFEST } from './quick-start.js';

/** Runs `argv` (without node and the script) with oclif, for the package at `root`. */
export async function runOclif(argv: readonly string[], root: string): Promise<void> {
  if (currentManifest(root) !== undefined || !isFile(path.join(root, MANIFEST))) {
    await execute({ dir: root, args: [...argv] });
    return;
  }
  // A stale manifest: oclif would trust it, so hand oclif a root plugin read without it.
  const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true });
  await plugin.load();
  await execute({ loadOptions: { root, plugins: new Map([[plugin.name, plugin]]) }, args: [...argv] });
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
