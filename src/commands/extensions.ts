import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import type { LoadedExtension } from '../core/types.js';
import { availableExtensions, loadCatalogue, loadProject } from '../project/load-project.js';
import { describeExtensions, extensionsToJson } from '../cli/describe-plan.js';

export default class ExtensionsCommand extends BaseCommand {
  static override summary = 'List the available extensions, where each comes from, its version and cache priority.';
  static override description =
    'Lists the built-in extensions, those of extension packages installed in node_modules (from the project folder up, then the global npm root) and, when a rockerc.yaml is found (or named with -c), the extension folders it names. An extension offered by two sources is listed twice.';
  static override examples = ['<%= config.bin %> extensions', '<%= config.bin %> extensions --json'];
  static override flags = {
    config: configFlag,
    json: Flags.boolean({ description: 'print the list as JSON for machines' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExtensionsCommand);
    const options = this.projectOptions(flags.config);
    let extensions: LoadedExtension[];
    try {
      const project = await loadProject(options);
      throwIfAny(project.problems);
      extensions = [...availableExtensions(project), ...(project.loaded?.extensions ?? []).flatMap((e) => e.loaded)];
    } catch (error) {
      // Without a config file, list what is installed around the current folder; a named file must exist.
      if (!(error instanceof RocktsError && error.code === 'CONFIG_NOT_FOUND' && flags.config === undefined)) throw error;
      extensions = await loadCatalogue(options, options.cwd);
    }
    const display = (f: string) => this.displayPath(f);
    const unique = [...new Map(extensions.map((e) => [e.dir, e])).values()];
    const key = (e: LoadedExtension) => `${e.manifest.name}\0${e.dir}`;
    unique.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    process.stdout.write(flags.json ? JSON.stringify(extensionsToJson(unique, display), null, 2) + '\n' : describeExtensions(unique, display));
  }
}
