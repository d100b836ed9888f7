/**
 * oclif's command_not_found hook: a misspelt command gets the nearest commands as "did
 * you mean" (and, under --json, a JSON error on stderr), and the usage exit code 2.
 * It never prompts or runs a guess, so scripts and CI get the same answer as a terminal.
 * (`rockts help plna` is answered by help.ts, with the same words.)
 */
import type { Hook } from '@oclif/core';
import { suggestNames } from '../core/suggest.js';

/** `plan` for the id `plan`, `extension test` for `extension:test`. */
export const shownCommand = (id: string) => id.replaceAll(':', ' ');

/** The message for an unknown command (as an oclif id) among `known` ids, with the nearest as suggestions. */
export function unknownCommand(wrong: string, known: readonly string[], prefix = ''): { message: string; suggestions: string[] } {
  return { message: `'${shownCommand(wrong)}' is not a rockts command`, suggestions: suggestNames(wrong, known).map((id) => prefix + shownCommand(id)) };
}

/** Writes the usage error (text or JSON) for an unknown command. */
export function reportUnknownCommand({ message, suggestions }: { message: string; suggestions: readonly string[] }, json: boolean): void {
  if (json) {
    process.stderr.write(JSON.stringify({ error: { code: 'USAGE', message, location: null, suggestions } }, null, 2) + '\n');
    return;
  }
  const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?)` : '';
  process.stderr.write(`rockts: ${message}${hint}\nSee \`rockts help\` for the list of commands.\n`);
}

const hook: Hook.CommandNotFound = async function (options) {
  const visible = options.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  reportUnknownCommand(unknownCommand(options.id, visible), (options.argv ?? []).includes('--json'));
  process.exit(2);
};

export default hook;
