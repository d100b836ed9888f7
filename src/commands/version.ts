import { BaseCommand, jsonFlag } from '../cli/base-command.js';

export default class VersionCommand extends BaseCommand {
  static override summary = 'Print the rockts version (also `--version`, `-v`).';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json'];
  static override flags = { json: jsonFlag };

  async run(): Promise<void> {
    await this.parse(VersionCommand);
    const { version, platform, arch } = this.config;
    this.print({ version, node: process.version, platform, arch }, () => `rockts ${version}\n`);
  }
}
