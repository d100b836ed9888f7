#!/usr/bin/env node
import os from 'node:os';
import { execute } from '@oclif/core';

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

await execute({ dir: import.meta.url });
