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

// A failed write to stdout (a full disk, a closed terminal) is an I/O error (exit 4), not
// an uncaught exception: registered before oclif's own listener, which rethrows it. A
// closed pipe (`rockts plan | head`) is not a failure.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') return;
  const message = `cannot write to standard output: ${error.message}`;
  const end = process.argv.indexOf('--');
  const json = process.argv.includes('--json') && (end === -1 || process.argv.indexOf('--json') < end);
  process.stderr.write(json ? JSON.stringify({ error: { code: 'IO_FAILED', message, location: null, suggestions: [] } }, null, 2) + '\n' : `rockts: ${message}\n`);
  process.exit(4);
});

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
// `rockts dockerfile` and `rockts plan` without oclif when they can (src/cli/quick-start.ts).
if (!(await (await loadQuickStart(root)).startQuick(argv, root))) {
  const { runOclif } = await import('../dist/cli/run-oclif.js');
  await runOclif(argv, root);
}
