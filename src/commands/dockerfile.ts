import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { dockerfileCommand } from '../cli/quick-commands.js';

export default class DockerfileCommand extends BaseCommand {
  static override summary = 'Print the composed Dockerfile (no Docker needed).';
  static override description =
    'Reads rockerc.yaml (merged over ~/.rockerc.yaml), orders the extensions and prints one multi-stage Dockerfile: a shared builder base, one builder stage per extension, and a final stage grouped as apt, copies, env, setup, user.';
  static override examples = [
    '<%= config.bin %> dockerfile',
    '<%= config.bin %> dockerfile -c rockerc.example.yaml',
    '<%= config.bin %> dockerfile -o Dockerfile.dev',
  ];
  static override flags = {
    config: configFlag,
    output: Flags.string({ char: 'o', description: 'write the Dockerfile to FILE (atomically) instead of printing it', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DockerfileCommand);
    const { stdout, stderr } = await dockerfileCommand(flags, this.config.version, (warning) => this.warnUser(warning));
    process.stderr.write(stderr);
    process.stdout.write(stdout);
  }
}
