/**
 * BuildKit reads a Dockerfile line by line with a 64 KiB buffer and fails on a longer
 * line ("token too long"); rockts refuses such a Dockerfile before anything is built,
 * naming the extension whose template or values made the line.
 */
import { RocktsError } from './errors.js';

/** The longest physical line, in UTF-8 bytes, that BuildKit's Dockerfile parser reads. */
export const MAX_DOCKERFILE_LINE_BYTES = 64 * 1024 - 1;

export function checkLineLengths(dockerfile: string, owners: readonly (string | undefined)[]): void {
  const problems: RocktsError[] = [];
  for (const [index, line] of dockerfile.split('\n').entries()) {
    if (line.length <= MAX_DOCKERFILE_LINE_BYTES / 3) continue; // no UTF-8 character is longer than 3 bytes per UTF-16 unit
    const bytes = utf8Length(line);
    if (bytes <= MAX_DOCKERFILE_LINE_BYTES) continue;
    const owner = owners[index];
    const who = owner === undefined ? 'rockts' : `extension '${owner}' (its template and option values)`;
    problems.push(
      new RocktsError('COMPOSITION_CONFLICT', `Dockerfile line ${index + 1}, written by ${who}: expected at most ${MAX_DOCKERFILE_LINE_BYTES} bytes (BuildKit's line limit), found ${bytes}`),
    );
  }
  if (problems.length > 0) throw RocktsError.combine(problems);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
