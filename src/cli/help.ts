/**
 * oclif's help, with a misspelt subject answered as a misspelt command is (see
 * command-not-found.ts): `rockts help plna` suggests `rockts help plan` and exits 2.
 */
import { Errors, Help } from '@oclif/core';
import { reportUnknownCommand, unknownCommand } from './command-not-found.js';

export default class RocktsHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv);
    } catch (error) {
      const wrong = error instanceof Error ? /^Command (\S+) not found\.$/.exec(error.message)?.[1] : undefined;
      if (wrong === undefined) throw error;
      const known = [...this.config.commands.filter((c) => !c.hidden).map((c) => c.id), ...this.config.topics.map((t) => t.name)];
      reportUnknownCommand(unknownCommand(wrong, known, 'rockts help '), argv.includes('--json'));
      Errors.exit(2);
    }
  }
}
