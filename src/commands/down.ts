import { Flags } from '@oclif/core';
import { BaseCommand, configFlag, containerNameFlag, engineFlag, jsonFlag } from '../cli/base-command.js';
import { downProject } from '../container/container-lifecycle.js';

export default class DownCommand extends BaseCommand {
  static override summary = "Stop and remove the project's containers; with --image, its image too.";
  static override description =
    'Removes every container `rockts run` made for this project (found by their rockts.project label, and the kept container by name), running or not. Nothing there is not an error.';
  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down --image'];
  static override flags = {
    config: configFlag,
    engine: engineFlag,
    name: containerNameFlag,
    image: Flags.boolean({ description: "also remove the project's image (its tag)" }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DownCommand);
    const result = await downProject(
      this.projectOptions(flags.config),
      { engine: flags.engine as 'docker' | 'podman' | undefined, name: flags.name, image: flags.image },
      (message) => process.stderr.write(message + '\n'),
    );
    if (flags.json) return this.print({ ...result, image: result.image ?? null }, () => '');
    const removed = [...result.containers.map((c) => `container ${c}`), ...(result.image ? [`image ${result.image}`] : [])];
    process.stderr.write(removed.length === 0 ? 'nothing to remove\n' : `removed ${removed.join(', ')}\n`);
  }
}
