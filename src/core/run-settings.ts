/**
 * What the extensions add to `docker run` (their manifests' `run:` sections), with the
 * variables (RUN_VARIABLES: the options, the user, the host's home and environment)
 * filled in. Pure: the host is passed in, including a function that tells whether a
 * host path exists.
 *
 * A bind mount or a device is skipped, with a note, when it names a host variable that
 * is unset or a host path that does not exist (no ~/.gitconfig, no ssh agent, no
 * /dev/dri): a dev container should start on any machine. An env entry naming an unset
 * host variable is skipped too.
 */
import { RocktsError, type SourceLocation } from './errors.js';
import { CONTROL_CHARACTER, describeValue, ENV_NAME } from './grammar.js';
import { HOST_USER_FIELDS, type HostUser, type Located, type OrderedExtension, type RunConfig, type Scalar } from './types.js';

export interface HostContext {
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly user: HostUser;
  readonly exists: (path: string) => boolean;
}

export interface RunSettings {
  /** `--env`, `--mount`, `--volume`, `--device` and `--gpus` arguments, in extension order. */
  readonly args: readonly string[];
  /** What was left out and why, one line each. */
  readonly notes: readonly string[];
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

type Filled = { readonly value: string } | { readonly unset: string };

/**
 * The variables of `run:` values: how messages write each, whether a variable (split at
 * its dots) is it, and its value on a host (or the host variable that is unset). The
 * manifest check, the filling-in and their messages all read this table.
 */
const RUN_VARIABLES: readonly {
  readonly written: string;
  readonly is: (parts: readonly string[], optionNames: readonly string[]) => boolean;
  readonly fill: (parts: readonly string[], options: Readonly<Record<string, Scalar>>, host: HostContext) => Filled;
}[] = [
  {
    written: '{{options.NAME}}',
    is: ([root, name, ...rest], optionNames) => root === 'options' && name !== undefined && rest.length === 0 && optionNames.includes(name),
    fill: ([, name], options) => ({ value: String(options[name!]) }),
  },
  {
    written: `{{user.${HOST_USER_FIELDS[0]}}} (${HOST_USER_FIELDS.slice(1).join(', ')})`,
    is: ([root, field, ...rest]) => root === 'user' && field !== undefined && rest.length === 0 && (HOST_USER_FIELDS as readonly string[]).includes(field),
    fill: ([, field], _options, host) => ({ value: String(host.user[field as keyof HostUser]) }),
  },
  {
    written: '{{host.home}}',
    is: ([root, field, ...rest]) => root === 'host' && field === 'home' && rest.length === 0,
    fill: (_parts, _options, host) => ({ value: host.home }),
  },
  {
    written: '{{host.env.NAME}}',
    is: ([root, field, name, ...rest]) => root === 'host' && field === 'env' && name !== undefined && rest.length === 0 && ENV_NAME.test(name),
    fill: ([, , name], _options, host) => {
      const found = host.env[name!];
      return found === undefined || found === '' ? { unset: `$${name}` } : { value: found };
    },
  },
];

/** Why `{{name}}` cannot stand in a run: value. */
function notARunVariable(name: string): string {
  const written = RUN_VARIABLES.map((v) => v.written);
  return `{{${name}}} is not a variable of run: values; expected ${written.slice(0, -1).join(', ')} or ${written[written.length - 1]}`;
}

/**
 * What is wrong with the variables of a `run:` value, one message per variable that is
 * not in RUN_VARIABLES, for the manifest check (so `rockts dockerfile` already reports them).
 */
export function runVariableProblems(text: string, optionNames: readonly string[]): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1]!).filter((name) => !RUN_VARIABLES.some((v) => v.is(name.split('.'), optionNames))).map(notARunVariable);
}

export function runSettings(extensions: readonly OrderedExtension[], host: HostContext, engine: 'docker' | 'podman'): RunSettings {
  const args: string[] = [];
  const notes: string[] = [];
  for (const e of extensions) {
    const { run } = e.extension.manifest;
    const fill = (text: string, location: SourceLocation) => fillIn(text, e.optionValues, host, e.name, location);
    for (const variable of run.env) {
      const filled = fill(variable.value, variable.location);
      if ('unset' in filled) notes.push(`${e.name}: not setting ${variable.name}: ${filled.unset} is not set on this machine`);
      else args.push('--env', `${variable.name}=${filled.value}`);
    }
    for (const volume of run.volumes) {
      if (volume.kind === 'volume') {
        args.push('--volume', volume.value);
        continue;
      }
      const source = fill(volume.source, volume.location);
      const target = fill(volume.target, volume.location);
      if ('unset' in source || 'unset' in target) {
        const unset = 'unset' in source ? source.unset : (target as { unset: string }).unset;
        notes.push(`${e.name}: not mounting ${volume.source}: ${unset} is not set on this machine`);
        continue;
      }
      for (const p of [source.value, target.value]) checkMountPath(p, e.name, volume.location);
      if (!host.exists(source.value)) {
        notes.push(`${e.name}: not mounting ${source.value}: it does not exist on this machine`);
        continue;
      }
      args.push('--mount', `type=bind,source=${source.value},target=${target.value}${volume.readonly ? ',readonly' : ''}`);
      if (volume.env !== undefined) args.push('--env', `${volume.env}=${target.value}`);
    }
    for (const device of run.devices) {
      const filled = fill(device.value, device.location);
      const hostPath = 'unset' in filled ? '' : filled.value.split(':')[0]!;
      if ('unset' in filled) notes.push(`${e.name}: not passing device ${device.value}: ${filled.unset} is not set on this machine`);
      else if (!host.exists(hostPath)) notes.push(`${e.name}: not passing device ${hostPath}: it does not exist on this machine`);
      else args.push('--device', filled.value);
    }
    if (run.gpus !== undefined) {
      const filled = fill(run.gpus.value, run.gpus.location);
      if ('unset' in filled) continue;
      if (!/^(?:all|[0-9]+)$/.test(filled.value)) {
        throw new RocktsError('MANIFEST_INVALID', `extension '${e.name}': run.gpus: expected all or a number of GPUs, found ${describeValue(filled.value)}`, {
          location: run.gpus.location,
        });
      }
      // Podman reaches NVIDIA GPUs through CDI device names (nvidia-ctk cdi generate).
      if (engine === 'docker') args.push('--gpus', filled.value);
      else if (filled.value === 'all') args.push('--device', 'nvidia.com/gpu=all');
      else for (let i = 0; i < Number(filled.value); i++) args.push('--device', `nvidia.com/gpu=${i}`);
    }
  }
  return { args, notes };
}

function fillIn(text: string, options: Readonly<Record<string, Scalar>>, host: HostContext, extension: string, location: SourceLocation): Filled {
  const optionNames = Object.keys(options);
  let unset: string | undefined;
  const value = text.replace(VARIABLE, (_match, name: string) => {
    const parts = name.split('.');
    const variable = RUN_VARIABLES.find((v) => v.is(parts, optionNames));
    if (!variable) throw new RocktsError('MANIFEST_INVALID', `extension '${extension}': ${notARunVariable(name)}`, { location });
    const filled = variable.fill(parts, options, host);
    if ('value' in filled) return filled.value;
    unset ??= filled.unset;
    return '';
  });
  if (unset !== undefined) return { unset };
  if (CONTROL_CHARACTER.test(value)) {
    throw new RocktsError('MANIFEST_INVALID', `extension '${extension}': ${JSON.stringify(text)} gives a value with control characters on this machine: ${describeValue(value)}`, {
      location,
    });
  }
  return { value };
}

/** `--mount` takes comma-separated fields, so a path must be absolute and free of commas. */
function checkMountPath(value: string, extension: string, location: SourceLocation): void {
  if (!value.startsWith('/') || value.includes(',')) {
    throw new RocktsError('MANIFEST_INVALID', `extension '${extension}': run.volumes: expected an absolute path without commas, found ${describeValue(value)}`, { location });
  }
}

// ---------------------------------------------------------------- the config's run settings

const PATH_TEXT = '[A-Za-z0-9._+@%=~/-]*';
const NAME_TEXT = '[A-Za-z0-9][A-Za-z0-9_.-]*';

/** The grammar of each `run:` setting: what docker flag it becomes and what a value must look like. */
export const RUN_SETTINGS = {
  volumes: {
    kind: 'list',
    flag: '--volume',
    pattern: new RegExp(`^(?:(?:~|\\.{1,2})?/${PATH_TEXT}|~|${NAME_TEXT}(?=:))(?::/${PATH_TEXT}(?::[A-Za-z]+(?:,[A-Za-z]+)*)?)?$`),
    expected: 'HOST-PATH[:CONTAINER-PATH[:OPTIONS]] or VOLUME:CONTAINER-PATH, such as ./data:/data:ro (no spaces, quotes or $)',
  },
  env: { kind: 'list', flag: '--env', pattern: /^[A-Za-z_][A-Za-z0-9_]*(?:=.*)?$/, expected: 'NAME=VALUE, or NAME to pass the host\'s value' },
  ports: {
    kind: 'list',
    flag: '--publish',
    pattern: /^(?:(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|\[[0-9A-Fa-f:]+\]):)?(?:[0-9]{1,5}(?:-[0-9]{1,5})?:)?[0-9]{1,5}(?:-[0-9]{1,5})?(?:\/(?:tcp|udp|sctp))?$/,
    expected: '[IP:][HOST-PORT:]CONTAINER-PORT[/PROTOCOL], such as 8080:80',
  },
  expose: { kind: 'list', flag: '--expose', pattern: /^[0-9]{1,5}(?:-[0-9]{1,5})?(?:\/(?:tcp|udp|sctp))?$/, expected: 'PORT[/PROTOCOL], such as 8080 or 5000-5010/udp' },
  devices: {
    kind: 'list',
    flag: '--device',
    // No `..` segment: a device path stays below /dev.
    pattern: /^(?:(?!.*\/\.\.(?:[/:]|$))\/dev\/[A-Za-z0-9._/-]+(?::\/dev\/[A-Za-z0-9._/-]+)?(?::[rwm]{1,3})?|[a-z0-9.-]+\/[a-z0-9.-]+=[A-Za-z0-9_.-]+)$/,
    expected: '/dev/HOST-DEVICE[:/dev/CONTAINER-DEVICE[:rwm]] (no .. in the paths) or a CDI name such as nvidia.com/gpu=all',
  },
  ulimits: { kind: 'list', flag: '--ulimit', pattern: /^[a-z]+=-?[0-9]+(?::-?[0-9]+)?$/, expected: 'NAME=SOFT[:HARD], such as nofile=1024:2048' },
  groupAdd: { kind: 'list', flag: '--group-add', pattern: /^(?:[a-z_][a-z0-9_-]*\$?|[0-9]+)$/, expected: 'a group name or id, such as video or 44' },
  name: { kind: 'value', flag: '--name', pattern: new RegExp(`^${NAME_TEXT}$`), expected: 'a container name such as my-dev (letters, digits, _ . -)' },
  hostname: {
    kind: 'value',
    flag: '--hostname',
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    expected: 'a host name such as dev-box',
  },
  network: { kind: 'value', flag: '--network', pattern: new RegExp(`^(?:container:)?${NAME_TEXT}$`), expected: 'a network name such as host, or container:NAME' },
  ipc: { kind: 'value', flag: '--ipc', pattern: new RegExp(`^(?:none|private|shareable|host|container:${NAME_TEXT})$`), expected: 'none, private, shareable, host or container:NAME' },
  shmSize: { kind: 'value', flag: '--shm-size', pattern: /^[0-9]+(?:\.[0-9]+)?[bkmgBKMG]?$/, expected: 'a size such as 512m or 2g' },
  cpus: { kind: 'value', flag: '--cpus', pattern: /^[0-9]+(?:\.[0-9]+)?$/, expected: 'a number of CPUs such as 1.5' },
  memory: { kind: 'value', flag: '--memory', pattern: /^[0-9]+(?:\.[0-9]+)?[bkmgBKMG]?$/, expected: 'a size such as 512m or 2g' },
  runtime: { kind: 'value', flag: '--runtime', pattern: new RegExp(`^${NAME_TEXT}$`), expected: 'a runtime name such as nvidia' },
  privileged: { kind: 'switch', flag: '--privileged' },
  detach: { kind: 'switch', flag: undefined },
  keep: { kind: 'switch', flag: undefined },
} as const;

export type RunSettingName = keyof typeof RUN_SETTINGS;

/** A config without run settings. */
export const NO_RUN_SETTINGS = Object.fromEntries(
  Object.entries(RUN_SETTINGS).map(([name, spec]) => [name, spec.kind === 'list' ? [] : undefined]),
) as unknown as RunConfig;

/** The command-line flags of `rockts run` that are run settings too; they win over the config. */
export interface RunCommandFlags {
  readonly keep: boolean;
  readonly name: string | undefined;
  readonly detach: boolean;
  readonly network: string | undefined;
}

/** Every run setting in force, from all three places. */
export interface MergedRunSettings {
  /** Undefined: a one-shot container. A kept container without a name gets one from the caller. */
  readonly name: string | undefined;
  readonly keep: boolean;
  readonly detach: boolean;
  readonly network: string | undefined;
  /** `docker run` arguments: the extensions', then the config's. */
  readonly args: readonly string[];
  readonly notes: readonly string[];
}

/**
 * The one place run settings meet: the extensions' `run:` (already filled in), then the
 * config's `run:` block and rockerc keys, then the command line. Last wins: a later
 * single value replaces an earlier one, a later `--env NAME` overrides an earlier one in
 * docker itself, and lists add up.
 */
export function mergeRunSettings(extensions: RunSettings, config: RunConfig, flags: RunCommandFlags): MergedRunSettings {
  checkContainerNameFlag(flags.name);
  const args = [...extensions.args];
  for (const name of Object.keys(RUN_SETTINGS) as RunSettingName[]) {
    const spec = RUN_SETTINGS[name];
    const setting = config[name];
    if (spec.kind === 'list') for (const item of setting as readonly Located<string>[]) args.push(spec.flag, item.value);
    else if (spec.kind === 'switch' && spec.flag !== undefined && (setting as Located<boolean> | undefined)?.value === true) args.push(spec.flag);
    // name and network are RunRequest fields of their own (the CLI flags may replace them).
    else if (spec.kind === 'value' && name !== 'name' && name !== 'network' && setting !== undefined) args.push(spec.flag, (setting as Located<string>).value);
  }
  const name = flags.name ?? config.name?.value;
  return {
    name,
    keep: flags.keep || config.keep?.value === true || name !== undefined,
    detach: flags.detach || config.detach?.value === true,
    network: flags.network ?? config.network?.value,
    args,
    notes: extensions.notes,
  };
}

/**
 * `--name` of run, exec, stop, down and ps: the grammar `run.name` has in the config. The
 * name is a positional word of `docker exec`/`stop`/`inspect`, so one starting with `-`
 * would be read as a docker flag.
 */
export function checkContainerNameFlag(name: string | undefined): void {
  if (name !== undefined && !RUN_SETTINGS.name.pattern.test(name)) {
    throw new RocktsError('USAGE', `--name: expected ${RUN_SETTINGS.name.expected}, found ${describeValue(name)}`);
  }
}

/**
 * `--network` of build --bake and bake: the grammar `run.network` has in the config. The
 * name is written into a Compose file, so it must be one plain name.
 */
export function checkNetworkFlag(network: string | undefined): void {
  if (network !== undefined && !RUN_SETTINGS.network.pattern.test(network)) {
    throw new RocktsError('USAGE', `--network: expected ${RUN_SETTINGS.network.expected}, found ${describeValue(network)}`);
  }
}
