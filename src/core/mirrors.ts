/**
 * Mirrors: the config's map from upstream URL prefixes to mirror prefixes, applied by
 * the `{{url "https://…"}}` template helper to every download a template writes.
 * The rewritten URL is part of the stage text on purpose: a stage that downloads
 * through a mirror is cached apart from one that downloads upstream, because where
 * the bytes came from is part of what the layer is (checksums an extension fetches
 * beside the artifact come from the mirror too). An entry that matches no template
 * URL changes no text at all.
 */
import type { Located } from './types.js';

/**
 * An http(s) URL prefix without credentials, query or fragment, spelled with
 * characters that mean nothing to a shell or to the Dockerfile reader, so a rewritten
 * URL can stand anywhere a template writes the upstream one.
 */
export const MIRROR_URL = /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%+,=:-]*)*$/;

export interface Mirror {
  readonly upstream: Located<string>;
  readonly mirror: Located<string>;
}

/** What is wrong with `text` as a mirror map URL, or undefined when it is one. */
export function describeBadMirrorUrl(text: string): string | undefined {
  if (MIRROR_URL.test(text)) return undefined;
  if (/^https?:\/\/[^/]*@/.test(text)) return 'a URL without credentials (they would be written into the Dockerfile; authenticate at a proxy instead)';
  return 'an http(s) URL prefix such as https://mirror.example/nodejs/ (letters, digits and - . _ ~ % + , = : only; no credentials, query or fragment)';
}

/**
 * `url` rerouted through the mirror with the longest upstream prefix that matches it.
 * An upstream written with a trailing slash also matches the same URL written
 * without one (`https://static.rust-lang.org/` matches `https://static.rust-lang.org`).
 */
export function applyMirrors(url: string, mirrors: readonly Mirror[]): string {
  let best: { rest: string; mirror: string; length: number } | undefined;
  for (const { upstream, mirror } of mirrors) {
    const prefix = upstream.value;
    let rest: string | undefined;
    let target = mirror.value;
    if (url.startsWith(prefix)) rest = url.slice(prefix.length);
    else if (`${url}/` === prefix) {
      rest = '';
      target = target.replace(/\/$/, '');
    }
    if (rest !== undefined && (best === undefined || prefix.length > best.length)) best = { rest, mirror: target, length: prefix.length };
  }
  return best === undefined ? url : best.mirror + best.rest;
}
