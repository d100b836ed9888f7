/**
 * What rocker's flags and extensions, rockerc's keys and deps_rocker's extension names
 * mean in rockts. Names are written with `-` here; `_` and `-` are the same in a name
 * (rocker's own rule), see normalizeName.
 *
 * Sources: osrf/rocker (cli.py, core.py and the extensions of setup.py), blooop/rockerc
 * (rockerc.py) and blooop/deps_rocker (the rocker.extensions entry points of pyproject.toml).
 */
import type { RunSettingName } from '../core/run-settings.js';
import type { Scalar } from '../core/types.js';

export type Ancestor = 'rocker' | 'rockerc' | 'deps_rocker';

export type RockerName =
  /** A rockts extension, maybe with fixed options; `valueOption` takes the `name=value` value. */
  | {
      readonly kind: 'extension';
      readonly from: Ancestor;
      readonly name: string;
      readonly options?: readonly (readonly [string, Scalar])[];
      readonly valueOption?: string;
      /** What differs from the original, for the reading (e.g. `git-lfs is not included`). */
      readonly note?: string;
    }
  /** rocker's --nvidia [auto|runtime|gpus]. */
  | { readonly kind: 'nvidia' }
  | { readonly kind: 'build'; readonly from: Ancestor; readonly setting: 'pull' | 'noCache' }
  /** rocker's --image-name: the tag of the built image. */
  | { readonly kind: 'tag'; readonly from: Ancestor }
  /** A `docker run` setting; `split` values are space-separated lists (rocker's nargs='+'). */
  | { readonly kind: 'run'; readonly from: Ancestor; readonly setting: RunSettingName; readonly split?: boolean }
  /** rocker's --mode. */
  | { readonly kind: 'mode' }
  /** deps_rocker's `auto`: rockts's `extensions: auto`. */
  | { readonly kind: 'auto' }
  /** Nothing to do in rockts, and why. */
  | { readonly kind: 'noop'; readonly from: Ancestor; readonly why: string }
  /** No rockts equivalent: why, and what to do instead (a located error). */
  | { readonly kind: 'refused'; readonly from: Ancestor; readonly why: string }
  /** An extension another project offers and rockts does not ship. */
  | { readonly kind: 'elsewhere'; readonly from: Ancestor; readonly what: string };

const ext = (from: Ancestor, name: string, more: { options?: readonly (readonly [string, Scalar])[]; valueOption?: string; note?: string } = {}): RockerName => ({
  kind: 'extension',
  from,
  name,
  ...more,
});
const run = (setting: RunSettingName, split = false): RockerName => ({ kind: 'run', from: 'rocker', setting, ...(split ? { split } : {}) });
const refused = (why: string): RockerName => ({ kind: 'refused', from: 'rocker', why });
const depsRocker = (what: string): RockerName => ({ kind: 'elsewhere', from: 'deps_rocker', what });

export const ROCKER_NAMES: ReadonlyMap<string, RockerName> = new Map<string, RockerName>([
  // rocker's core flags (cli.py, core.py)
  ['pull', { kind: 'build', from: 'rocker', setting: 'pull' }],
  ['nocache', { kind: 'build', from: 'rocker', setting: 'noCache' }],
  ['nocleanup', run('keep')],
  ['persist-image', { kind: 'noop', from: 'rocker', why: 'rockts keeps every image it builds, tagged (see `tag:`)' }],
  ['noexecute', { kind: 'noop', from: 'rocker', why: 'deprecated in rocker; `rockts build` builds without running' }],
  ['detach', run('detach')],
  ['mode', { kind: 'mode' }],
  ['image-name', { kind: 'tag', from: 'rocker' }],
  [
    'strict-extension-selection',
    refused('rockts always enables the extensions an extension requires, and `rockts plan` shows which were required and by whom; remove it'),
  ],
  // rocker's extensions (setup.py) and their flags
  ['cpus', run('cpus')],
  ['cpu-limits', refused('rocker switches cpu_limits on with its --cpus flag; write `cpus: 1.5` (or `run: {cpus: 1.5}`) instead')],
  ['memory', run('memory')],
  ['memory-limits', refused('rocker switches memory_limits on with its --memory flag; write `memory: 2g` (or `run: {memory: 2g}`) instead')],
  ['cuda', { kind: 'elsewhere', from: 'rocker', what: 'installs the CUDA toolkit into the image' }],
  ['devices', run('devices', true)],
  ['dev-helpers', { kind: 'elsewhere', from: 'rocker', what: 'installs emacs and byobu' }],
  ['env', run('env', true)],
  ['env-file', refused('rockts does not read env files; list the variables under `run: {env: {NAME: value}}` instead')],
  ['expose', run('expose')],
  ['git', ext('rocker', 'git')],
  ['git-config-path', refused("rockts's git extension always mounts ~/.gitconfig; mount another file with `run: {volumes: [PATH:/etc/gitconfig:ro]}` instead")],
  ['group-add', run('groupAdd')],
  ['home', ext('rocker', 'home')],
  ['hostname', run('hostname')],
  ['ipc', run('ipc')],
  ['name', run('name')],
  ['network', run('network')],
  ['nvidia', { kind: 'nvidia' }],
  ['nvidia-glvnd-version', refused("rockts's gpu extension relies on the NVIDIA Container Toolkit and installs no glvnd; remove it")],
  ['nvidia-glvnd-policy', refused("rockts's gpu extension relies on the NVIDIA Container Toolkit and installs no glvnd; remove it")],
  ['port', run('ports')],
  ['privileged', run('privileged')],
  ['pulse', { kind: 'elsewhere', from: 'rocker', what: 'mounts the PulseAudio socket' }],
  ['rmw', { kind: 'elsewhere', from: 'rocker', what: 'sets the ROS 2 middleware (RMW) implementation' }],
  ['shm-size', run('shmSize')],
  ['shm-size-build', refused('BuildKit has no shared-memory size for RUN steps; remove it (`shm-size:` still sets it for the container)')],
  ['ssh', ext('rocker', 'ssh')],
  ['ulimit', run('ulimits', true)],
  ['user', ext('rocker', 'user')],
  ['user-override-shell', ext('rocker', 'user', { valueOption: 'shell' })],
  ['user-override-name', refused("rockts's user extension always creates your host user name; remove it")],
  ['user-preserve-home', refused("rockts's user extension never deletes a home folder the image has; remove it")],
  ['user-preserve-groups', refused("rockts's user extension does not copy host groups; add groups with `group-add:` (or `run: {groupAdd: [...]}`) instead")],
  ['user-preserve-groups-permissive', refused("rockts's user extension does not copy host groups; add groups with `group-add:` (or `run: {groupAdd: [...]}`) instead")],
  ['volume', run('volumes', true)],
  ['x11', ext('rocker', 'x11')],
  // rockerc's own
  ['create-dockerfile', { kind: 'noop', from: 'rockerc', why: '`rockts dockerfile -o FILE` writes the Dockerfile' }],
  // deps_rocker's extensions (pyproject.toml entry points, current and past)
  ['deps', ext('deps_rocker', 'deps', { valueOption: 'filter' })],
  ['cwd', { kind: 'noop', from: 'deps_rocker', why: 'rockts always mounts the project folder at /workspaces/<folder> as the working directory' }],
  ['cwd-name', { kind: 'noop', from: 'deps_rocker', why: 'rockts names a kept container after the project folder' }],
  ['auto', { kind: 'auto' }],
  ['tzdata', ext('deps_rocker', 'tz')],
  ['locales', ext('deps_rocker', 'locale')],
  ['ssh-client', ext('deps_rocker', 'ssh', { note: 'the ssh client with your agent forwarded; ~/.ssh is not mounted' })],
  ['git-clone', ext('deps_rocker', 'git-clone')],
  ['ros-humble', ext('deps_rocker', 'ros', { options: [['distro', 'humble']] })],
  ['ros-jazzy', ext('deps_rocker', 'ros', { options: [['distro', 'jazzy']] })],
  ['uv', depsRocker('installs the uv Python package manager')],
  ['cache-perms', depsRocker('fixes the permissions of cache folders')],
  ['ccache', depsRocker('installs ccache')],
  ['fzf', depsRocker('installs fzf')],
  ['gitui', depsRocker('installs gitui')],
  ['lazygit', depsRocker('installs lazygit')],
  ['nvim', depsRocker('installs neovim')],
  ['neovim', ext('deps_rocker', 'nvim')],
  ['deps-devtools', depsRocker('installs developer search tools')],
  ['isaac-sim', depsRocker('installs NVIDIA Isaac Sim')],
  ['urdf-viz', depsRocker('installs urdf-viz')],
  ['claude', depsRocker('installs Claude Code')],
  ['codex', depsRocker('installs the Codex CLI')],
  ['gemini', depsRocker('installs the Gemini CLI')],
  ['spec-kit', depsRocker('installs spec-kit')],
  ['conda', depsRocker('installs conda')],
  ['jquery', depsRocker('installs jq')],
  ['vcstool', depsRocker('installs vcstool')],
  ['ros-underlay', depsRocker('builds a ROS underlay workspace')],
  ['odeps-dependencies', depsRocker('installs dependencies listed by odeps')],
  ['isaacsim', depsRocker('installs NVIDIA Isaac Sim')],
  ['vulkan', depsRocker('installs the Vulkan loader and drivers')],
  ['chrome', depsRocker('installs Google Chrome')],
  ['docker-in-docker', depsRocker('installs Docker inside the container')],
  ['foxglove', depsRocker('installs Foxglove')],
  ['poetry', depsRocker('installs poetry')],
  ['snap', depsRocker('installs snapd')],
  ['claude-npm', depsRocker('installs Claude Code from npm')],
]);

/** `_` and `-` are the same in a name (rocker's rule): names are compared with `-`. */
export function normalizeName(name: string): string {
  return name.replaceAll('_', '-');
}

const PROJECTS: Record<Ancestor, string> = { rocker: 'rocker (osrf/rocker)', rockerc: 'rockerc (blooop/rockerc)', deps_rocker: 'deps_rocker (blooop/deps_rocker)' };

/** `rocker name`, `deps_rocker name`… for notes. */
export function ancestorName(from: Ancestor): string {
  return `${from} name`;
}

/** The message for an extension another project offers that no installed extension provides. */
export function unavailableMessage(name: string, from: Ancestor, what: string): string {
  return (
    `extension '${name}' is offered by ${PROJECTS[from]}, where it ${what}; rockts does not ship it. ` +
    `Install an extension package that provides '${name}' (\`npm install --save-dev PACKAGE\`; \`rockts extensions\` lists what is installed) ` +
    `or write a local extension folder and list its path (\`- ./extensions/${name}\`)`
  );
}

/** The message for an extension alias whose rockts extension is not available (e.g. `deps`, `ros`). */
export function missingTargetMessage(written: string, target: string, from: Ancestor): string {
  const read = written === target ? `${from}'s '${written}'` : `read from ${from}'s '${written}'`;
  return `extension '${target}' (${read}) is not available in this rockts; install an extension package that provides '${target}', or list a local extension folder by path`;
}
