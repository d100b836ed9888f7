/**
 * oclif's command_not_found hook: a misspelt command gets the nearest commands as "did
 * you mean" (and, under --json, a JSON error on stderr), and the usage exit code 2.
 * It never prompts or runs a guess, so scripts and CI get the same answer as a terminal.
 */
import type { Hook } from '@oclif/core';
import { suggestNames } from '../core/suggest.js';

const hook: Hook.CommandNotFound = async function (options) {
  const shown = (id: string) => id.replaceAll(':', ' ');
  const visible = options.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  const wrong = options.id;
  // `rockts help plna` reaches here as help:plna; suggest among the commands after help.
  const helpFor = /^help:(.+)$/.exec(wrong)?.[1];
  const suggestions = suggestNames(helpFor ?? wrong, visible).map((id) => (helpFor === undefined ? shown(id) : `help ${shown(id)}`));
  const message = `'${shown(wrong)}' is not a rockts command`;
  const argv = options.argv ?? [];
  if (argv.includes('--json')) {
    process.stderr.write(JSON.stringify({ error: { code: 'USAGE', message, location: null, suggestions } }, null, 2) + '\n');
  } else {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?)` : '';
    process.stderr.write(`rockts: ${message}${hint}\nSee \`rockts help\` for the list of commands.\n`);
  }
  process.exit(2);
};

export default hook;
