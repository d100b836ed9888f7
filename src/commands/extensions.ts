import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { RocktsError, throwIfAny } from '../core/errors.js';
import type { LoadedExtension } from '../core/types.js';
import { BUILTIN_EXTENSIONS_DIR, discoverExtensions } from '../extensions/load-extension.js';
import { describeExtensions, extensionsToJson } from '../describe-plan.js';

export default class ExtensionsCommand extends BaseCommand {
  static override summary = 'List the available extensions, where each comes from, its version and cache priority.';
  static override description =
    'Lists the built-in extensions and, when a rockerc.yaml is found (or named with -c), the extension folders it names.';
  static override examples = ['<%= config.bin %> extensions', '<%= config.bin %> extensions --json'];
  static override flags = {
    config: configFlag,
    json: Flags.boolean({ description: 'print the list as JSON for machines' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExtensionsCommand);
    let extensions: LoadedExtension[];
    try {
      const project = await this.loadProject(flags.config);
      throwIfAny(project.problems);
      const local = [...project.byPath.values()];
      const overridden = new Set(local.map((e) => e.manifest.name));
      extensions = [...project.builtins.filter((e) => !overridden.has(e.manifest.name)), ...local];
    } catch (error) {
      // Without a config file, list the built-ins alone; a named file must exist.
      if (!(error instanceof RocktsError && error.code === 'CONFIG_NOT_FOUND' && flags.config === undefined)) throw error;
      extensions = await discoverExtensions(this.projectOptions(undefined).builtinDir ?? BUILTIN_EXTENSIONS_DIR, { kind: 'builtin' });
    }
    extensions.sort((a, b) => (a.manifest.name < b.manifest.name ? -1 : a.manifest.name > b.manifest.name ? 1 : 0));
    const display = (f: string) => this.displayPath(f);
    process.stdout.write(flags.json ? JSON.stringify(extensionsToJson(extensions, display), null, 2) + '\n' : describeExtensions(extensions, display));
  }
}
