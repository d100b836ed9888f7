import { BaseCommand, configFlag, containerNameFlag, engineFlag, jsonFlag } from '../cli/base-command.js';
import { stopProject } from '../container/container-lifecycle.js';

export default class StopCommand extends BaseCommand {
  static override summary = "Stop the project's kept container (`rockts exec` or `rockts run --keep` starts it again).";
  static override examples = ['<%= config.bin %> stop', '<%= config.bin %> stop --name dev'];
  static override flags = { config: configFlag, engine: engineFlag, name: containerNameFlag, json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(StopCommand);
    const result = await stopProject(this.projectOptions(flags.config), { engine: flags.engine as 'docker' | 'podman' | undefined, name: flags.name }, (message) =>
      process.stderr.write(message + '\n'),
    );
    if (flags.json) this.print(result, () => '');
    else process.stderr.write(result.stopped ? `stopped ${result.container}\n` : `${result.container} was not running\n`);
  }
}
