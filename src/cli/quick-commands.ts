/**
 * What `rockts dockerfile` and `rockts plan` do, apart from oclif: the oclif commands and
 * the quick path (quick-start.ts) both run these, so the two can never differ.
 */
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { describePlan, planToJson } from './describe-plan.js';
import { devcontainerStatus } from '../container/devcontainer-status.js';
import { composeProject } from '../project/load-project.js';
import { writeFileAtomic } from '../io/write-atomic.js';
import { displayPath, processProjectOptions } from './project-options.js';
import type { QuickCommand } from './quick-start.js';

/** Composes and returns the Dockerfile, or writes it to `output` and says so. */
export const dockerfileCommand: QuickCommand = async (flags, version, warn) => {
  const { dockerfile } = await composeProject(processProjectOptions(optional(flags.config), version, warn));
  const output = optional(flags.output);
  if (output === undefined) return { stdout: dockerfile, stderr: '' };
  const target = path.resolve(output);
  await writeFileAtomic(target, dockerfile);
  return { stdout: '', stderr: `wrote ${displayPath(target)}\n` };
};

/** The ordered extensions, stages and why, as text or (`json`) for machines. */
export const planCommand: QuickCommand = async (flags, version, warn) => {
  // --changes asks the engine: commands/plan.ts runs it under oclif (a failed quick run prints nothing).
  if (flags.changes === true || flags.against !== undefined || flags.engine !== undefined) throw new RocktsError('USAGE', 'plan --changes runs under oclif');
  const { plan, config, deps, gitClone } = await composeProject(processProjectOptions(optional(flags.config), version, warn));
  const devcontainer = await devcontainerStatus(path.dirname(path.resolve(config.file)), plan.configHash);
  if (flags.json === true) {
    const json = { ...planToJson(plan, config, displayPath, deps, gitClone), devcontainer: devcontainer ? { ...devcontainer, file: displayPath(devcontainer.file) } : null };
    return { stdout: JSON.stringify(json, null, 2) + '\n', stderr: '' };
  }
  const stale = devcontainer && !devcontainer.current ? `\n${displayPath(devcontainer.file)} is stale: it was written for another composition; \`rockts devcontainer\` regenerates it\n` : '';
  return { stdout: describePlan(plan, config, displayPath, deps, gitClone) + stale, stderr: '' };
};

function optional(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
