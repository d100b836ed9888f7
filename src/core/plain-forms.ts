/**
 * Plain forms for engines whose Dockerfile frontend predates Dockerfile 1.4 (Docker
 * 20.10's built-in BuildKit, Podman/Buildah 4.x): no heredocs, no `COPY --link`.
 * A RUN heredoc becomes the same script piped through base64, so no quoting of the
 * script is needed and nothing in it can be read as a Dockerfile instruction.
 * (https://docs.docker.com/reference/dockerfile/#here-documents)
 */
import { RocktsError } from './errors.js';

/** The engine features the Dockerfile may use. */
export interface DockerfileFeatures {
  readonly copyLink: boolean;
  readonly heredocs: boolean;
  /**
   * `sharing=locked` on the apt cache mounts. BuildKit runs stages in parallel and needs
   * it; Buildah runs them one at a time and keeps its lock file inside the cache
   * folder, where `apt-get update` deletes it from /var/lib/apt/lists and the next
   * locked mount then waits forever.
   */
  readonly lockedCacheMounts: boolean;
}

export const MODERN_FEATURES: DockerfileFeatures = { copyLink: true, heredocs: true, lockedCacheMounts: true };
/** Docker before 23: BuildKit with the Dockerfile 1.2 frontend. */
export const DOCKER_20_FEATURES: DockerfileFeatures = { copyLink: false, heredocs: false, lockedCacheMounts: true };
/** Podman 4 (Buildah 1.28). */
export const BUILDAH_FEATURES: DockerfileFeatures = { copyLink: false, heredocs: false, lockedCacheMounts: false };

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HAS_HEREDOC = /<<-?["']?[A-Za-z_]/;

/**
 * Rewrites every `RUN ... <<WORD` in `text` (an extension's rendered template) into
 * `RUN ... printf '%s' '<base64>' | base64 -d | <command or sh>`. Other heredocs
 * (COPY <<EOF) have no plain form and are refused, naming the extension.
 */
export function inlineHeredocs(text: string, extension: string, file: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) {
      out.push(line);
      continue;
    }
    // The whole instruction: continuation lines, and comment lines inside it.
    const instruction = [line];
    let open = /\\$/.test(line);
    while (open && i + 1 < lines.length) {
      const next = lines[++i]!;
      instruction.push(next);
      if (!/^\s*(#|$)/.test(next)) open = /\\$/.test(next);
    }
    const joined = instruction
      .filter((l, n) => n === 0 || !/^\s*#/.test(l))
      .map((l) => l.replace(/\\$/, ''))
      .join(' ');
    const markers = HAS_HEREDOC.test(joined) ? [...joined.matchAll(HEREDOC)] : [];
    if (markers.length === 0) {
      out.push(...instruction);
      continue;
    }
    const keyword = /^\s*([A-Za-z]+)/.exec(joined)?.[1]?.toUpperCase();
    const where = { location: { file, line: i + 1, column: 1 } };
    if (keyword !== 'RUN' || markers.length > 1) {
      throw new RocktsError(
        'TEMPLATE_INVALID',
        `extension '${extension}': ${keyword === 'RUN' ? 'a RUN with several heredocs' : `a ${keyword} heredoc`} has no plain form for this engine, whose Dockerfile frontend has no heredocs; use a RUN with one heredoc, or build with Docker 23 or newer`,
        where,
      );
    }
    const [marker] = markers;
    const [, strip, , word] = marker!;
    const body: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[++i]!;
      const content = strip === '-' ? next.replace(/^\t+/, '') : next;
      if (content === word) break;
      body.push(content);
    }
    const script = body.length === 0 ? '' : `${body.join('\n')}\n`;
    const encoded = base64(script);
    const rest = joined.replace(/^\s*RUN\s+/i, '');
    const flags = /^((?:--\S+\s+)*)/.exec(rest)![1]!;
    const command = rest.slice(flags.length).replace(marker![0], ' ').replace(/\s+/g, ' ').trim();
    const flagText = flags.trim().replace(/\s+/g, ' ');
    out.push(`RUN ${flagText === '' ? '' : `${flagText} `}printf '%s' '${encoded}' | base64 -d | ${command === '' ? 'sh' : command}`);
  }
  return out.join('\n');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of UTF-8 text (the core has no Buffer). */
function base64(text: string): string {
  // UTF-8 bytes as a binary string, without Buffer or TextEncoder.
  const binary = unescape(encodeURIComponent(text));
  const bytes = Array.from(binary, (ch) => ch.charCodeAt(0));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

/**
 * `text` (an extension's rendered template) without `--link` on its COPY and ADD lines,
 * for frontends that do not parse it; the copy is the same, only not independent of
 * the layers below it.
 */
export function dropLinkFlags(text: string): string {
  return text.replace(/^(\s*(?:COPY|ADD)\b.*?)\s--link(?:=(?:true|false))?(?=\s)/gim, '$1');
}
