/**
 * Finding the container engine before building: Docker (the binary, the daemon,
 * permission on its socket, buildx, what its image store does with `COPY --link`) or
 * Podman. Each failure gets its own message with the fix.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { RocktsError } from '../core/errors.js';
import { BUILDAH_FEATURES, DOCKER_20_FEATURES, MODERN_FEATURES, type DockerfileFeatures } from '../core/plain-forms.js';

export type EngineKind = 'docker' | 'podman';

export interface Engine {
  readonly kind: EngineKind;
  readonly bin: string;
  /** The Docker daemon's version, or Podman's. */
  readonly version: string;
  /** `docker buildx` is installed; otherwise `DOCKER_BUILDKIT=1 docker build` is used. */
  readonly buildx: boolean;
  /** The daemon has a default bridge network; without one, builds must use the host network. */
  readonly bridge: boolean;
  /**
   * Docker's containerd image store: with it BuildKit keeps `COPY --link` layers
   * independent of the lines before them; with the classic store it acts as plain COPY.
   */
  readonly containerdStore: boolean;
  /** Dockerfile 1.4 syntax (COPY --link, heredocs) in the built-in frontend: Docker 23+; not Buildah 1.28. */
  readonly features: DockerfileFeatures;
}

/** "Docker 26.1.5", "Podman 4.3.1". */
export function engineLabel(engine: Pick<Engine, 'kind' | 'version'>): string {
  return `${engine.kind === 'docker' ? 'Docker' : 'Podman'} ${engine.version}`;
}

/**
 * The network of builds and containers: the one chosen (--network, or the config's
 * `run.network` where it applies), else the engine's default, or host where the engine
 * has no bridge network, which is said here (callers choose once per command).
 */
export function chooseNetwork(chosen: string | undefined, engine: Pick<Engine, 'bridge'>, say: (message: string) => void): string | undefined {
  if (chosen !== undefined || engine.bridge) return chosen;
  say('rockts: the engine has no bridge network; builds and containers use --network=host');
  return 'host';
}

/**
 * The engine to build and run with: the one asked for, else Docker when its command is
 * on PATH, else Podman when its command is.
 */
export async function detectEngine(preferred: EngineKind | undefined): Promise<Engine> {
  if (preferred === 'podman') return detectPodman();
  if (preferred === 'docker' || process.env.ROCKTS_DOCKER || (await findOnPath('docker'))) return detectDocker();
  if (await findOnPath('podman')) return detectPodman();
  throw new RocktsError(
    'ENGINE_UNAVAILABLE',
    'no container engine found: neither `docker` nor `podman` is on PATH; install Docker Engine (https://docs.docker.com/engine/install/) or Podman',
  );
}

export async function detectPodman(): Promise<Engine> {
  const bin = await findOnPath('podman');
  if (!bin) throw new RocktsError('ENGINE_UNAVAILABLE', 'no `podman` command on PATH; install Podman (e.g. `sudo apt-get install podman`) or choose another engine');
  const version = await execCapture(bin, ['version', '--format', '{{.Client.Version}}']);
  if (version.code !== 0) {
    throw new RocktsError('ENGINE_UNAVAILABLE', `\`podman version\` failed: ${version.stderr.trim().split('\n').pop() || 'no output'}`);
  }
  const bridge = await execCapture(bin, ['network', 'exists', 'podman']);
  return {
    kind: 'podman',
    bin,
    version: version.stdout.trim(),
    buildx: false,
    bridge: bridge.code === 0,
    containerdStore: false,
    // Buildah 1.28 (Podman 4.x) parses neither COPY --link nor heredocs.
    features: BUILDAH_FEATURES,
  };
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Whether the buildx builder a build uses (`builder`, else the current one: `docker buildx
 * use`, BUILDX_BUILDER) is Docker's own driver, which keeps what it builds and pushes in
 * the daemon's image store, exports caches only on the containerd store, and has MergeOp
 * only there. Asked of `docker buildx inspect`; without an answer, the default builder
 * (no --builder) is taken to be Docker's own. Plain `docker build` is Docker's own too.
 */
export async function usesDockerDriver(engine: Pick<Engine, 'kind' | 'bin' | 'buildx'>, builder: string | undefined): Promise<boolean> {
  if (engine.kind !== 'docker') return false;
  if (!engine.buildx) return true;
  const inspected = await execCapture(engine.bin, ['buildx', 'inspect', ...(builder === undefined ? [] : [builder])]);
  const driver = inspected.code === 0 ? /^Driver:\s+(\S+)/m.exec(inspected.stdout)?.[1] : undefined;
  return driver === undefined ? builder === undefined : driver === 'docker';
}

export function execCapture(bin: string, args: readonly string[], timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(bin, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (error && !stderr ? error.message : '') });
    });
  });
}

/** The first executable named `name` on PATH. */
export async function findOnPath(name: string, pathVariable = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Detects the Docker engine; throws ENGINE_UNAVAILABLE with the fix when it cannot be used. */
export async function detectDocker(): Promise<Engine> {
  const bin = process.env.ROCKTS_DOCKER || (await findOnPath('docker'));
  if (!bin) {
    throw new RocktsError(
      'ENGINE_UNAVAILABLE',
      'no `docker` command on PATH; install Docker Engine (https://docs.docker.com/engine/install/) or set ROCKTS_DOCKER to its path',
    );
  }
  const version = await execCapture(bin, ['version', '--format', '{{.Server.Version}}']);
  if (version.code !== 0) throw daemonError(bin, version.stderr);
  const [buildx, info, bridge] = await Promise.all([
    execCapture(bin, ['buildx', 'version']),
    execCapture(bin, ['info', '--format', '{{json .DriverStatus}}']),
    execCapture(bin, ['network', 'inspect', 'bridge', '--format', '{{.Name}}']),
  ]);
  const serverVersion = version.stdout.trim();
  const major = Number(/^(\d+)\./.exec(serverVersion)?.[1] ?? 0);
  return {
    kind: 'docker',
    bin,
    version: serverVersion,
    features: major >= 23 ? MODERN_FEATURES : DOCKER_20_FEATURES,
    buildx: buildx.code === 0,
    bridge: bridge.code === 0,
    containerdStore: info.code === 0 && info.stdout.includes('io.containerd.snapshotter'),
  };
}

function daemonError(bin: string, stderr: string): RocktsError {
  const detail = stderr.trim().split('\n').pop() ?? '';
  if (/permission denied/i.test(stderr)) {
    return new RocktsError(
      'ENGINE_UNAVAILABLE',
      `${bin} cannot reach the Docker daemon: permission denied on its socket. Add yourself to the docker group (\`sudo usermod -aG docker $USER\`, then log in again) or run with sudo. (${detail})`,
    );
  }
  if (/Cannot connect|Is the docker daemon running|connection refused|no such file/i.test(stderr)) {
    return new RocktsError(
      'ENGINE_UNAVAILABLE',
      `the Docker daemon is not running (or DOCKER_HOST points nowhere). Start it (\`sudo systemctl start docker\`, or Docker Desktop) and try again. (${detail})`,
    );
  }
  return new RocktsError('ENGINE_UNAVAILABLE', `\`${bin} version\` failed: ${detail || 'no output'}`);
}
