/**
 * The host's proxy settings, handed to builds and dev containers (pure: the caller
 * passes the environment). Only names go on the command line (`--build-arg NAME`,
 * `--env NAME`): the engine reads each value from its own environment, so a proxy
 * password never shows in the argv or in `rockts build --dry-run`.
 *
 * In a build they are BuildKit's predefined ARGs: usable by every RUN without an ARG
 * line, left out of `docker history`, and not part of the cache key
 * (https://docs.docker.com/reference/dockerfile/#predefined-args), so a proxy never
 * rebuilds anything and never lands in the image.
 */
export const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'] as const;

/** The proxy variables set (non-empty) in `env`, in PROXY_VARIABLES order. */
export function proxyVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  return PROXY_VARIABLES.filter((name) => (env[name] ?? '') !== '');
}

/** `--env NAME` for each proxy variable set, for `docker run` / `podman run`. */
export function proxyRunArgs(env: Readonly<Record<string, string | undefined>>): string[] {
  return proxyVariables(env).flatMap((name) => ['--env', name]);
}
