import { BaseCommand, configFlag, containerNameFlag, engineFlag, jsonFlag } from '../cli/base-command.js';
import { describeStatus, projectStatus } from '../container/container-lifecycle.js';

export default class PsCommand extends BaseCommand {
  static override summary = "List the project's containers and image, with the composition each was made from and whether it is current.";
  static override examples = ['<%= config.bin %> ps', '<%= config.bin %> ps --json'];
  static override flags = { config: configFlag, engine: engineFlag, name: containerNameFlag, json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(PsCommand);
    const status = await projectStatus(this.projectOptions(flags.config), { engine: flags.engine as 'docker' | 'podman' | undefined, name: flags.name }, (message) =>
      process.stderr.write(message + '\n'),
    );
    this.print({ ...status, config: this.displayPath(status.config), image: status.image ?? null }, () => describeStatus(status, (f) => this.displayPath(f)));
  }
}
