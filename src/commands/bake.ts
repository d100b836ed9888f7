import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { writeBake } from '../build/write-bake.js';

export default class BakeCommand extends BaseCommand {
  static override summary = 'Print (or write) a docker-bake.json for CI: one target per stage, each with its own registry cache.';
  static override description =
    'One target per builder base stage, one per builder stage and one for the final image, wired with bake `contexts` (target:NAME) so `docker buildx bake` builds independent builders in parallel. With `cache:` in rockerc.yaml, each target imports and exports its own content-addressed registry cache. With -o FILE, the build context (the Dockerfile and the extensions\' files) is written beside it, in the --context folder. A bake file cannot set the build network: with --network (and -o), rockts-network.compose.yaml is written beside it too, giving every target that network; pass it first: docker buildx bake -f rockts-network.compose.yaml -f docker-bake.json.';
  static override examples = [
    '<%= config.bin %> bake',
    '<%= config.bin %> bake -o docker-bake.json && docker buildx bake -f docker-bake.json',
    '<%= config.bin %> bake -o docker-bake.json --network host && docker buildx bake -f rockts-network.compose.yaml -f docker-bake.json',
    '<%= config.bin %> bake -o ci/docker-bake.json --context rockts-context --tag registry.example/team/dev:latest',
  ];
  static override flags = {
    config: configFlag,
    output: Flags.string({ char: 'o', description: 'write the bake file to FILE (atomically) and its build context beside it', helpValue: 'FILE' }),
    context: Flags.string({ description: 'the build context folder, relative to the bake file', default: 'rockts-context', helpValue: 'DIR' }),
    tag: Flags.string({ char: 't', description: 'image tag (default: `tag:` in rockerc.yaml, else <folder>-dev)' }),
    network: Flags.string({ description: 'build network of every target (such as host, for engines without a bridge network): written to rockts-network.compose.yaml beside -o FILE', helpValue: 'NAME' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(BakeCommand);
    const result = await writeBake(this.projectOptions(flags.config), { output: flags.output, context: flags.context, tag: flags.tag, network: flags.network });
    if (result.contextDir === undefined) {
      process.stdout.write(result.text);
      return;
    }
    const overlay = result.overlay === undefined ? '' : `, and the network overlay ${this.displayPath(result.overlay)} (pass it first: docker buildx bake -f ${this.displayPath(result.overlay)} -f ${this.displayPath(flags.output!)})`;
    process.stderr.write(`wrote ${this.displayPath(flags.output!)} and its build context ${this.displayPath(result.contextDir)}${overlay}\n`);
  }
}
