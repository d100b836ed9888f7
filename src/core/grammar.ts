/**
 * The shapes of every value that ends up in Dockerfile text. Each is checked at the
 * edge (config or manifest loading) so that no value can add an instruction, a flag or
 * a second package to a line it was not meant for.
 */

/** An image reference: [registry[:port]/]path[:tag][@sha256:digest]. */
export const IMAGE_REFERENCE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A repository (an image reference without tag or digest), e.g. a registry cache's: registry.example:5000/team/rockts-cache. */
export const REPOSITORY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** An image name with an optional tag, as `docker build --tag` takes it. */
export const IMAGE_TAG =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** A Debian package name, optionally with an architecture and a version pin (pkg:arm64=1.2-1). */
export const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9-]+)?(?:=[A-Za-z0-9.+~:-]+)?$/;

/**
 * An extension name: lower-case, digits and dashes, starting with a letter or digit, at
 * most 63 characters (it becomes a stage name and a folder name in the build context).
 */
export const EXTENSION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An npm package name, optionally scoped: rockts-extension-foo, @team/rockts-extensions. */
export const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** An environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An absolute path made of safe characters only (no spaces, quotes or `$`). */
export const ABSOLUTE_PATH = /^\/[A-Za-z0-9._+@/-]*$/;

/** An option name, usable as `options.<name>` in a Handlebars template. */
export const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A user name as useradd accepts it on Debian. */
export const USER_NAME = /^[a-z_][a-z0-9_-]*\$?$/;

/** Any control character except none: option and env values may hold no newline, tab or escape. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** How a found value is named in "expected X, found Y" messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
