import { Args, Flags } from '@oclif/core';
import { BaseCommand, configFlag, engineFlag, jsonFlag, splitAtSeparator } from '../cli/base-command.js';
import { runContainer } from '../container/run-container.js';

export default class RunCommand extends BaseCommand {
  static override summary = 'Start a dev container: build if needed, mount the project, map your user.';
  static override description =
    'Builds the image when it is missing or was built from another composition, then starts a container with the project folder mounted at /workspaces/<folder> (also the working directory), your uid:gid, the extensions\' docker run arguments and the config\'s run settings (`run:` and rockerc keys such as volume, env, port, name; the flags here win). With --keep (or --name, or `run: {keep: true}`) the container is kept, and running again with an unchanged config re-enters it; a changed composition or run setting replaces it. The exit code is the command\'s.';
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
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { own, command } = splitAtSeparator(this.argv);
    const { flags, argv: parsed } = await this.parse(RunCommand, own);
    const argv = command ?? parsed;
    const result = await runContainer(
      this.projectOptions(flags.config),
      { keep: flags.keep, name: flags.name, detach: flags.detach, network: flags.network, command: argv as string[], engine: flags.engine as 'docker' | 'podman' | undefined, json: flags.json },
      (message) => process.stderr.write(message + '\n'),
    );
    // After the command's own output: the kept container (null for a one-shot one) and the exit code.
    if (flags.json) this.print({ container: result.container ?? null, exitCode: result.code }, () => '');
    if (result.code !== 0) this.exit(result.code);
  }
}
