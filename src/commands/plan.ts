import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { planCommand } from '../cli/quick-commands.js';

export default class PlanCommand extends BaseCommand {
  static override summary = 'Show the ordered extensions, the stages, and why each extension is where it is.';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan --json', '<%= config.bin %> plan -c rockerc.example.yaml'];
  static override flags = {
    config: configFlag,
    json: Flags.boolean({ description: 'print the plan as JSON for machines' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PlanCommand);
    const { stdout, stderr } = await planCommand(flags, this.config.version, (warning) => this.warnUser(warning));
    process.stderr.write(stderr);
    process.stdout.write(stdout);
  }
}
