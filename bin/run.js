#!/usr/bin/env node
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadQuickStart } from '../dist/cli/load-quick.js';

// oclif reads the login shell from the passwd entry when $SHELL is unset, and throws when
// the uid has none (a CI job or container running under an arbitrary uid). rockts never
// uses the shell, so give oclif a neutral one instead of crashing.
if (process.env.SHELL === undefined) {
  try {
    os.userInfo();
  } catch {
    process.env.SHELL = '/bin/sh';
  }
}

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
// `rockts dockerfile` and `rockts plan` without oclif when they can (src/cli/quick-start.ts).
if (!(await (await loadQuickStart(root)).startQuick(argv, root))) {
  const { runOclif } = await import('../dist/cli/run-oclif.js');
  await runOclif(argv, root);
}
