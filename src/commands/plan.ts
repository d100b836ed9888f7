import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { describePlan, planToJson } from '../describe-plan.js';
import { devcontainerStatus } from '../write-devcontainer.js';

export default class PlanCommand extends BaseCommand {
  static override summary = 'Show the ordered extensions, the stages, and why each extension is where it is.';
  static override examples = ['<%= config.bin %> plan', '<%= config.bin %> plan --json', '<%= config.bin %> plan -c rockerc.example.yaml'];
  static override flags = {
    config: configFlag,
    json: Flags.boolean({ description: 'print the plan as JSON for machines' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PlanCommand);
    const { plan, config, deps } = await this.compose(flags.config);
    const devcontainer = await devcontainerStatus(path.dirname(path.resolve(config.file)), plan.configHash);
    const stale = devcontainer && !devcontainer.current ? `\n${this.displayPath(devcontainer.file)} is stale: it was written for another composition; \`rockts devcontainer\` regenerates it\n` : '';
    const text = flags.json
      ? JSON.stringify({ ...planToJson(plan, config, (f) => this.displayPath(f), deps), devcontainer: devcontainer ? { ...devcontainer, file: this.displayPath(devcontainer.file) } : null }, null, 2) + '\n'
      : describePlan(plan, config, (f) => this.displayPath(f), deps) + stale;
    process.stdout.write(text);
  }
}
