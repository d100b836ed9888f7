import { Args } from '@oclif/core';
import { BaseCommand, configFlag, containerNameFlag, engineFlag, jsonFlag, splitAtSeparator } from '../cli/base-command.js';
import { execInProject } from '../container/container-lifecycle.js';

export default class ExecCommand extends BaseCommand {
  static override summary = "Run a command in the project's kept container (default: a login shell), starting it if it is stopped.";
  static override description =
    'Enters the container `rockts run --keep` (or `--name`) made, as the user and in the working directory it was started with, with a TTY when stdin is one. It never builds or replaces the container: when the composition changed since, it says so and enters the old one (`rockts run --keep` replaces it). The exit code is the command\'s. With --json, the command has no TTY and {container, exitCode} is printed on stdout after its own output.';
  static override strict = false;
  static override examples = ['<%= config.bin %> exec', '<%= config.bin %> exec -- cargo test', '<%= config.bin %> exec --name dev -- bash'];
  static override args = { command: Args.string({ description: 'command to run inside the container (after --); default: a login shell' }) };
  static override flags = { config: configFlag, engine: engineFlag, name: containerNameFlag, json: jsonFlag };

  async run(): Promise<void> {
    const { own, command } = splitAtSeparator(this.argv);
    const { flags, argv: parsed } = await this.parse(ExecCommand, own);
    const argv = command ?? parsed;
    const result = await execInProject(
      this.projectOptions(flags.config),
      { engine: flags.engine as 'docker' | 'podman' | undefined, name: flags.name, command: argv as string[], tty: Boolean(process.stdin.isTTY) && !flags.json },
      (message) => process.stderr.write(message + '\n'),
    );
    if (flags.json) this.print({ container: result.container, exitCode: result.code }, () => '');
    if (result.code !== 0) this.exit(result.code);
  }
}
