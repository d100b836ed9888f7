import { Flags } from '@oclif/core';
import { BaseCommand, configFlag, engineFlag, jsonFlag } from '../cli/base-command.js';
import { writeDevcontainer } from '../container/write-devcontainer.js';

export default class DevcontainerCommand extends BaseCommand {
  static override summary = 'Write .devcontainer/devcontainer.json for the composition, for VS Code, Codespaces, JetBrains and the Dev Containers CLI.';
  static override description =
    "Writes devcontainer.json (atomically) and the build context it builds from (.devcontainer/rockts/: the composed Dockerfile and the extensions' files), or with --use-image points at the image `rockts build` tags. The workspace is mounted and opened at /workspaces/<folder> as `rockts run` does, the user is the one the `user` extension maps, and the extensions' run settings become containerEnv, mounts, capAdd, securityOpt, privileged, init, appPort and runArgs. The composition hash is recorded under customizations.rockts, so `rockts plan` says when the file is stale; run this command again to regenerate it. A devcontainer.json rockts did not write is replaced only with --force.";
  static override examples = ['<%= config.bin %> devcontainer', '<%= config.bin %> devcontainer --use-image', '<%= config.bin %> devcontainer -o .devcontainer/rockts-dev --force'];
  static override flags = {
    config: configFlag,
    engine: engineFlag,
    output: Flags.string({ char: 'o', description: 'folder to write devcontainer.json into (default: .devcontainer beside rockerc.yaml)', helpValue: 'DIR' }),
    force: Flags.boolean({ description: 'replace a devcontainer.json rockts did not write' }),
    'use-image': Flags.boolean({ description: 'use the image `rockts build` tags instead of building from the composed Dockerfile' }),
    network: Flags.string({ description: 'network for the container and its build (default: host when the engine has no bridge network, else the engine default)' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(DevcontainerCommand);
    const result = await writeDevcontainer(
      this.projectOptions(flags.config),
      { outDir: flags.output, force: flags.force, useImage: flags['use-image'], network: flags.network, engine: flags.engine as 'docker' | 'podman' | undefined },
      (message) => process.stderr.write(message + '\n'),
    );
    const shown = { file: this.displayPath(result.file), context: result.context === undefined ? null : this.displayPath(result.context), composition: result.composition };
    if (flags.json) this.print(shown, () => '');
    else process.stderr.write(`wrote ${shown.file}${shown.context === null ? '' : ` and the build context ${shown.context}/`}\n`);
  }
}
