/**
 * Plain forms for engines whose Dockerfile frontend predates Dockerfile 1.4 (Docker
 * 20.10's built-in BuildKit, Podman/Buildah 4.x): no heredocs, no `COPY --link`.
 * A RUN heredoc becomes the same script piped through base64, so no quoting of the
 * script is needed and nothing in it can be read as a Dockerfile instruction.
 * (https://docs.docker.com/reference/dockerfile/#here-documents)
 */
import { argsWithout, readDockerfile } from './dockerfile-reader.js';
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

/**
 * Rewrites every `RUN ... <<WORD` in `text` (an extension's rendered template) into
 * `RUN ... printf '%s' '<base64>' | base64 -d | <command or sh>`. Other heredocs
 * (COPY <<EOF) have no plain form and are refused, naming the extension. The text is
 * read as BuildKit reads it (see dockerfile-reader.ts), so a quoted `"<<EOF"` is left alone.
 */
export function inlineHeredocs(text: string, extension: string, file: string): string {
  const read = readDockerfile(text, file, { directives: false });
  const lines = text.split('\n');
  const out: string[] = [];
  let next = 1;
  for (const instruction of read.instructions) {
    if (instruction.heredocs.length === 0) continue;
    const { keyword } = instruction.onbuild ?? instruction;
    if (instruction.keyword !== 'RUN' || instruction.heredocs.length > 1) {
      throw new RocktsError(
        'TEMPLATE_INVALID',
        `extension '${extension}': ${keyword === 'RUN' && !instruction.onbuild ? 'a RUN with several heredocs' : `a ${instruction.onbuild ? `ONBUILD ${keyword}` : keyword} heredoc`} has no plain form for this engine, whose Dockerfile frontend has no heredocs; use a RUN with one heredoc, or build with Docker 23 or newer`,
        { location: { file, line: instruction.startLine, column: 1 } },
      );
    }
    out.push(...lines.slice(next - 1, instruction.startLine - 1));
    const heredoc = instruction.heredocs[0]!;
    const body = heredoc.body.map((l) => (heredoc.chomp ? l.replace(/^\t+/, '') : l));
    const encoded = base64(body.length === 0 ? '' : `${body.join('\n')}\n`);
    const { flagsText, args } = argsWithout(instruction, heredoc, read.escape);
    const flags = flagsText.trim().replace(/\s+/g, ' ');
    out.push(`RUN ${flags === '' ? '' : `${flags} `}printf '%s' '${encoded}' | base64 -d | ${args === '' ? 'sh' : args}`);
    next = instruction.endLine + 1;
  }
  out.push(...lines.slice(next - 1));
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

const LINK_FLAG = /^--link(?:=(?:true|false))?$/;
const LINK_WORD = /(?:^|[ \t]+)--link(?:=(?:true|false))?(?=[ \t]|$)/;

/**
 * `text` (an extension's rendered template) without `--link` on its COPY and ADD
 * instructions, for frontends that do not parse it; the copy is the same, only not
 * independent of the layers below it. Only the instruction's own lines are touched,
 * never a heredoc body or an argument.
 */
export function dropLinkFlags(text: string): string {
  const lines = text.split('\n');
  for (const instruction of readDockerfile(text, '', { directives: false }).instructions) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    let links = instruction.flags.filter((f) => LINK_FLAG.test(f)).length;
    for (const { line: n } of instruction.parts) {
      while (links > 0 && LINK_WORD.test(lines[n - 1]!)) {
        lines[n - 1] = lines[n - 1]!.replace(LINK_WORD, '');
        links--;
      }
    }
  }
  return lines.join('\n');
}
