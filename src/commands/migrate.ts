import os from 'node:os';
import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand, configFlag } from '../cli/base-command.js';
import { CONFIG_FILE_NAME } from '../config/load-config.js';
import { migrateConfig } from '../config/migrate-config.js';
import { RocktsError } from '../core/errors.js';
import { readOptionalText } from '../extensions/extension-files.js';
import { YAML_LIMITS } from '../io/yaml-source.js';
import { writeFileAtomic } from '../io/write-atomic.js';

export default class MigrateCommand extends BaseCommand {
  static override summary = 'Print the native rockts form of a rockerc-format file.';
  static override description =
    'Reads one rockerc.yaml written for rocker, rockerc or deps_rocker (not merged with ~/.rockerc.yaml) and prints it in rockts\'s own keys: rocker flags and rockerc keys become `build:`, `tag:` and `run:` settings, other projects\' extension names become rockts extensions, each changed line marked `# was: ...`, and what has nothing to do in rockts becomes a `# dropped:` comment saying why. rockts composes the same Dockerfile from both files.';
  static override examples = ['<%= config.bin %> migrate', '<%= config.bin %> migrate -c ~/.rockerc.yaml', '<%= config.bin %> migrate -o rockerc.yaml'];
  static override flags = {
    config: configFlag,
    output: Flags.string({ char: 'o', description: 'write the result to FILE (atomically; may be the file itself) instead of printing it', helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(MigrateCommand);
    const file = path.resolve(flags.config ?? CONFIG_FILE_NAME);
    // As `rockts dockerfile` reads it: a FIFO or device is refused unread, a huge file read only past the limit.
    const text = await readOptionalText(file, YAML_LIMITS.bytes);
    if (text === undefined) throw new RocktsError('CONFIG_NOT_FOUND', `config file not found: ${file}`);
    const migrated = migrateConfig(text, file, { baseDir: path.dirname(file), home: os.homedir() });
    if (flags.output === undefined) {
      process.stdout.write(migrated);
      return;
    }
    const target = path.resolve(flags.output);
    await writeFileAtomic(target, migrated);
    process.stderr.write(`wrote ${this.displayPath(target)}\n`);
  }
}
