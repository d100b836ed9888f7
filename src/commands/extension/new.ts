import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { packageNameFor, scaffoldExtension } from '../../authoring/scaffold-extension.js';
import { BaseCommand } from '../../cli/base-command.js';

export default class ExtensionNewCommand extends BaseCommand {
  static override summary = 'Write a new extension package: manifest, templates, tests and README, ready to test and publish.';
  static override description =
    'Scaffolds a single-extension npm package in ./rockts-extension-NAME (or --dir): package.json with the `rockts` field, extension.yaml, a builder and a setup template, test/test.sh with test/scenarios.yaml, and a README. It passes `rockts extension test` as written. Refuses a folder that exists and is not empty.';
  static override examples = ['<%= config.bin %> extension new hello', '<%= config.bin %> extension new my-tool --dir tools/my-tool'];
  static override args = {
    name: Args.string({ description: 'the extension name: lower-case letters, digits and dashes', required: true }),
  };
  static override flags = {
    dir: Flags.string({ description: 'folder to write (default: ./rockts-extension-NAME)', helpValue: 'DIR' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExtensionNewCommand);
    const target = path.resolve(flags.dir ?? packageNameFor(args.name));
    const files = await scaffoldExtension(args.name, target);
    const shown = this.displayPath(target);
    process.stderr.write(`wrote ${shown}/: ${files.join(', ')}\nnext: cd ${shown} && rockts extension test\n`);
  }
}
