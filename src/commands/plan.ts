import { Flags } from '@oclif/core';
import { loadForEngine } from '../build/build-image.js';
import { BaseCommand, configFlag, engineFlag } from '../cli/base-command.js';
import { planCommand } from '../cli/quick-commands.js';
import { RocktsError } from '../core/errors.js';
import { usesDockerDriver } from '../docker/engine.js';
import { inspectImage } from '../docker/inspect-image.js';
import { projectTag } from '../project/image-tag.js';
import { describeChanges, previewAgainst } from '../build/preview-changes.js';

export default class PlanCommand extends BaseCommand {
  static override summary = 'Show the ordered extensions, the stages, and why each extension is where it is.';
  static override description =
    'With --changes, compares the composition with the record in the labels of the image the project\'s tag points to (or --against IMAGE) and says which builders and final-stage steps a build will run again, and why.';
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --json',
    '<%= config.bin %> plan -c rockerc.example.yaml',
    '<%= config.bin %> plan --changes',
    '<%= config.bin %> plan --changes --against myproject-dev:yesterday --json',
  ];
  static override flags = {
    config: configFlag,
    json: Flags.boolean({ description: 'print the plan as JSON for machines' }),
    changes: Flags.boolean({ description: 'what a build will run again compared with the previous image, and why (needs the engine)' }),
    // Plain flags, checked in run(): a flag with options or dependsOn would keep plain `plan` off the quick path (src/cli/quick-start.ts).
    against: Flags.string({ description: 'with --changes: the image to compare with (default: the project\'s tag)', helpValue: 'IMAGE' }),
    engine: Flags.string({ description: `with --changes: ${engineFlag.description}`, helpValue: 'docker|podman' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PlanCommand);
    if (!flags.changes && (flags.against !== undefined || flags.engine !== undefined)) {
      throw new RocktsError('USAGE', `${flags.against !== undefined ? '--against' : '--engine'} goes with --changes`);
    }
    if (flags.engine !== undefined && flags.engine !== 'docker' && flags.engine !== 'podman') {
      throw new RocktsError('USAGE', `--engine: expected docker or podman, found ${JSON.stringify(flags.engine)}`);
    }
    if (flags.changes) {
      const say = (message: string) => process.stderr.write(message + '\n');
      const { engine, composed } = await loadForEngine(this.projectOptions(flags.config), { engine: flags.engine as 'docker' | 'podman' | undefined }, say);
      const against = flags.against ?? projectTag(composed.config);
      const [image, dockerDriver] = await Promise.all([inspectImage(engine, against), usesDockerDriver(engine, undefined)]);
      const changes = previewAgainst(composed, engine, against, image, dockerDriver);
      process.stdout.write(flags.json ? JSON.stringify(changes, null, 2) + '\n' : describeChanges(changes));
      return;
    }
    const { stdout, stderr } = await planCommand(flags, this.config.version, (warning) => this.warnUser(warning));
    process.stderr.write(stderr);
    process.stdout.write(stdout);
  }
}
