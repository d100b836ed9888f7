import { Args, Flags } from '@oclif/core';
import { BaseCommand, configFlag, engineFlag, splitAtSeparator } from '../cli/base-command.js';
import { runContainer } from '../run-container.js';

export default class RunCommand extends BaseCommand {
  static override summary = 'Start a dev container: build if needed, mount the project, map your user.';
  static override description =
    'Builds the image when it is missing or was built from another composition, then starts a container with the project folder mounted at /workspaces/<folder> (also the working directory), your uid:gid, and the extensions\' docker run arguments. With --keep (or --name) the container is kept, and running again with an unchanged config re-enters it; a changed config rebuilds and replaces it. The exit code is the command\'s.';
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run -- cargo test',
    '<%= config.bin %> run --keep',
    '<%= config.bin %> run --name dev --detach',
  ];
  static override args = { command: Args.string({ description: 'command to run inside the container (after --); default: the image\'s command' }) };
  static override flags = {
    config: configFlag,
    engine: engineFlag,
    keep: Flags.boolean({ description: 'keep the container (no --rm); re-enter it on the next run while the config is unchanged' }),
    name: Flags.string({ description: 'container name (implies keeping it)' }),
    detach: Flags.boolean({ char: 'd', description: 'start in the background' }),
    network: Flags.string({ description: 'container and build network (default: the engine default; host when it has no bridge network)' }),
  };

  async run(): Promise<void> {
    const { own, command } = splitAtSeparator(this.argv);
    const { flags, argv: parsed } = await this.parse(RunCommand, own);
    const argv = command ?? parsed;
    const code = await runContainer(
      this.projectOptions(flags.config),
      { keep: flags.keep, name: flags.name, detach: flags.detach, network: flags.network, command: argv as string[], engine: flags.engine as 'docker' | 'podman' | undefined },
      (message) => process.stderr.write(message + '\n'),
    );
    if (code !== 0) this.exit(code);
  }
}
