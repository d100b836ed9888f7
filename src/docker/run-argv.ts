/**
 * The docker command lines for `rockts run`, as data (pure).
 */
import { createHash } from 'node:crypto';

export interface RunRequest {
  readonly image: string;
  readonly configHash: string;
  /** The project folder on the host, mounted at `workdir`. */
  readonly projectDir: string;
  readonly workdir: string;
  readonly uid: number;
  readonly gid: number;
  readonly name: string | undefined;
  readonly detach: boolean;
  readonly tty: boolean;
  readonly network: string | undefined;
  /** The merged run settings (extensions', the config's): see core/run-settings.ts mergeRunSettings. */
  readonly extensionArgs: readonly string[];
  readonly command: readonly string[];
}

/** `/workspaces/<folder>`, as dev containers name it. */
export function workspaceDir(projectDir: string): string {
  const folder = projectDir.split(/[\\/]/).filter(Boolean).pop() ?? 'workspace';
  return `/workspaces/${folder}`;
}

/**
 * `docker run` for a one-shot container (`kept: false`: the command runs, then the
 * container is removed), or for a kept one (`kept: true`): detached, with an idle main
 * process under an init, so commands are exec'd into it and it can be re-entered later.
 */
export function runArgs(request: RunRequest, kept: boolean): string[] {
  const args = ['run'];
  if (kept) {
    args.push('--detach', '--init');
  } else {
    args.push('--rm');
    if (request.detach) args.push('--detach');
    else args.push('--interactive');
    if (request.tty) args.push('--tty');
  }
  if (request.name !== undefined) args.push('--name', request.name);
  args.push('--label', `rockts.config=${request.configHash}`, '--label', `rockts.project=${request.projectDir}`);
  if (kept) args.push('--label', `rockts.run=${runLabel(request)}`);
  if (request.network !== undefined) args.push('--network', request.network);
  args.push('--volume', `${request.projectDir}:${request.workdir}`, '--workdir', request.workdir);
  args.push('--user', `${request.uid}:${request.gid}`);
  args.push(...request.extensionArgs);
  args.push(request.image, ...(kept ? ['sleep', 'infinity'] : request.command));
  return args;
}

/**
 * What a kept container was started with, less the composition (its own label): a
 * container made with other run settings is replaced rather than re-entered.
 */
export function runLabel(request: RunRequest): string {
  const settings = [request.projectDir, request.workdir, request.uid, request.gid, request.network ?? '', ...request.extensionArgs];
  return `sha256:${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16)}`;
}

/** A login shell: bash where the image has it, sh otherwise. */
export const LOGIN_SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

/** What `execArgs` needs: the user as numbers or as the engine reports a container's user. */
export interface ExecRequest extends Pick<RunRequest, 'workdir' | 'tty' | 'command'> {
  readonly uid: number | string;
  readonly gid: number | string;
}

/** Into a kept, running container: the command (default: a login shell) in the workspace, as the host user. */
export function execArgs(name: string, request: ExecRequest): string[] {
  const args = ['exec', '--interactive'];
  if (request.tty) args.push('--tty');
  args.push('--workdir', request.workdir, '--user', `${request.uid}:${request.gid}`, name);
  args.push(...(request.command.length > 0 ? request.command : LOGIN_SHELL));
  return args;
}
