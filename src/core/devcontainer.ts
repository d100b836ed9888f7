/**
 * The devcontainer.json for a composition (pure): the same image (built from the
 * Dockerfile rockts composes, or the image it built), the workspace where `rockts run`
 * mounts it, the user the `user` extension maps, and every run setting rockts passes to
 * `docker run`, as devcontainer.json properties where the spec has one and as `runArgs`
 * otherwise. See https://containers.dev/implementors/json_reference/.
 */

export type DevcontainerSource =
  /** `sshAgent`: the build forwards the ssh agent (git-clone's ssh URLs). */
  | { readonly kind: 'build'; readonly dockerfile: string; readonly context: string; readonly network: string | undefined; readonly sshAgent?: boolean }
  | { readonly kind: 'image'; readonly image: string };

export interface DevcontainerInput {
  readonly name: string;
  readonly configHash: string;
  readonly rocktsVersion: string;
  /** The config file, relative to the devcontainer.json folder, for the record. */
  readonly configFile: string;
  readonly source: DevcontainerSource;
  /** The host folder mounted (a path, or `${localWorkspaceFolder}`) and where it is mounted. */
  readonly workspace: { readonly source: string; readonly target: string };
  /** The user the image switches to (the `user` extension), when it does. */
  readonly user: string | undefined;
  readonly network: string | undefined;
  /** The run settings as `docker run` arguments: what `rockts run` passes (see core/run-settings.ts). */
  readonly runArgs: readonly string[];
  /** A command run on the host before the build: with `dockerfile:`, building the image the final stage starts from. */
  readonly initializeCommand?: readonly string[];
}

/** What rockts records in `customizations.rockts`: it wrote the file, from which composition. */
export interface DevcontainerRecord {
  readonly composition: string;
  readonly generatedBy: string;
  readonly config: string;
}

/** `docker run` flags that take no value, even when a value-like argument follows. */
const SWITCHES = new Set(['--privileged', '--init', '--read-only', '--rm', '--tty', '-t', '--interactive', '-i']);

/** Spec properties for docker run flags: the property, and whether it is a list. */
const PROPERTIES: Readonly<Record<string, string>> = {
  '--cap-add': 'capAdd',
  '--security-opt': 'securityOpt',
  '--mount': 'mounts',
  '--publish': 'appPort',
  '-p': 'appPort',
};

/**
 * Splits `docker run` arguments into flags with their values: `--flag value`,
 * `--flag=value` and value-less switches.
 */
export function splitRunArgs(args: readonly string[]): { readonly flag: string; readonly value: string | undefined }[] {
  const result: { flag: string; value: string | undefined }[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const equals = arg.indexOf('=');
    if (arg.startsWith('--') && equals > 0) result.push({ flag: arg.slice(0, equals), value: arg.slice(equals + 1) });
    // A flag followed by another flag takes no value (a switch this list does not know, e.g. --oom-kill-disable).
    else if (SWITCHES.has(arg) || i + 1 >= args.length || args[i + 1]!.startsWith('-')) result.push({ flag: arg, value: undefined });
    else result.push({ flag: arg, value: args[++i]! });
  }
  return result;
}

/** The devcontainer.json document, its keys in a fixed order. */
export function composeDevcontainer(input: DevcontainerInput): Record<string, unknown> {
  const containerEnv: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  const switches: Record<string, boolean> = {};
  const runArgs: string[] = input.network === undefined ? [] : [`--network=${input.network}`];
  for (const { flag, value } of splitRunArgs(input.runArgs)) {
    if ((flag === '--env' || flag === '-e') && value !== undefined && value.includes('=')) {
      const equals = value.indexOf('=');
      containerEnv[value.slice(0, equals)] = value.slice(equals + 1);
    } else if (flag === '--privileged' || flag === '--init') {
      switches[flag.slice(2)] = true;
    } else if (PROPERTIES[flag] !== undefined && value !== undefined) {
      (lists[PROPERTIES[flag]] ??= []).push(value);
    } else {
      runArgs.push(value === undefined ? flag : `${flag}=${value}`);
    }
  }
  const record: DevcontainerRecord = { composition: input.configHash, generatedBy: `rockts ${input.rocktsVersion}`, config: input.configFile };
  const source =
    input.source.kind === 'image'
      ? { image: input.source.image }
      : {
          build: {
            dockerfile: input.source.dockerfile,
            context: input.source.context,
            ...buildOptions(input.source),
          },
        };
  return {
    name: input.name,
    ...(input.initializeCommand === undefined ? {} : { initializeCommand: input.initializeCommand }),
    ...source,
    workspaceMount: `type=bind,source=${input.workspace.source},target=${input.workspace.target}`,
    workspaceFolder: input.workspace.target,
    ...(input.user === undefined ? {} : { containerUser: input.user, remoteUser: input.user }),
    // The image already has the host user's uid and gid (the user extension); no second build to change them.
    updateRemoteUserUID: false,
    ...(Object.keys(containerEnv).length === 0 ? {} : { containerEnv }),
    ...(lists.mounts ? { mounts: lists.mounts } : {}),
    ...(lists.capAdd ? { capAdd: lists.capAdd } : {}),
    ...(lists.securityOpt ? { securityOpt: lists.securityOpt } : {}),
    ...(switches.privileged ? { privileged: true } : {}),
    ...(switches.init ? { init: true } : {}),
    ...(lists.appPort ? { appPort: lists.appPort } : {}),
    ...(runArgs.length === 0 ? {} : { runArgs }),
    customizations: { rockts: record },
  };
}

/** The record of a devcontainer.json rockts wrote, or undefined when the document is not one. */
export function readDevcontainerRecord(document: unknown): DevcontainerRecord | undefined {
  const record = (document as { customizations?: { rockts?: Partial<DevcontainerRecord> } } | null)?.customizations?.rockts;
  return typeof record?.composition === 'string' && typeof record.generatedBy === 'string' ? (record as DevcontainerRecord) : undefined;
}

/** The Dev Containers CLI's extra `docker build` options: the network, and the ssh agent when the build needs it. */
function buildOptions(source: Extract<DevcontainerSource, { kind: 'build' }>): { options?: string[] } {
  const options = [...(source.network === undefined ? [] : [`--network=${source.network}`]), ...(source.sshAgent ? ['--ssh=default'] : [])];
  return options.length === 0 ? {} : { options };
}
