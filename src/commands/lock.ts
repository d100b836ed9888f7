import path from 'node:path';
import { BaseCommand, configFlag, jsonFlag } from '../cli/base-command.js';
import { composeProject } from '../project/load-project.js';
import { diffLock, formatLock, lockEntries, lockFileOf, readLock } from '../project/lockfile.js';
import { writeFileAtomic } from '../io/write-atomic.js';

export default class LockCommand extends BaseCommand {
  static override summary = 'Write or refresh rockts.lock: every extension\'s source, version and content hash.';
  static override description =
    'rockts.lock sits next to rockerc.yaml. `rockts build` keeps it current; `rockts build --frozen` refuses to build when it is missing or would change. This command accepts the current extensions and prints what changed.';
  static override examples = ['<%= config.bin %> lock', '<%= config.bin %> lock -c dev/rockerc.yaml'];
  static override flags = { config: configFlag, json: jsonFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(LockCommand);
    const composed = await composeProject(this.projectOptions(flags.config));
    const lockFile = lockFileOf(composed.config);
    const current = await lockEntries(composed.plan.extensions, path.dirname(lockFile));
    const locked = await readLock(lockFile);
    const changes = locked === undefined ? current.map((e) => `${e.name}: added (${e.version}, ${e.source})`) : diffLock(locked, current);
    const written = locked === undefined || changes.length > 0;
    if (written) await writeFileAtomic(lockFile, formatLock(current));
    if (flags.json) return this.print({ file: this.displayPath(lockFile), written, changes, extensions: current }, () => '');
    if (!written) process.stderr.write(`${this.displayPath(lockFile)} is up to date\n`);
    else process.stderr.write(`wrote ${this.displayPath(lockFile)}:\n${changes.map((c) => `  ${c}\n`).join('')}`);
  }
}
