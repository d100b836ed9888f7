/**
 * Reading an image's labels from the engine's local image store (`docker image
 * inspect`, `podman image inspect`): how `rockts plan --changes` finds the record of
 * the image it compares with, `rockts run` whether its image is current, `ps` and
 * `down` the project's image, and a bake build the ID of what it loaded.
 */
import { RocktsError } from '../core/errors.js';
import { execCapture, type Engine } from './engine.js';

/** The label every image rockts builds carries (core/build-plan.ts): the hash of its composition. */
export const CONFIG_LABEL = 'rockts.config';

export interface InspectedImage {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The image `reference` names, or undefined when the store has none by that name. */
export async function inspectImage(engine: Pick<Engine, 'bin' | 'kind'>, reference: string): Promise<InspectedImage | undefined> {
  const result = await execCapture(engine.bin, ['image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', reference]);
  if (result.code !== 0) {
    // Docker: "No such image: x"; Podman: "x: image not known".
    if (/no such image|image not known|failed to find image/i.test(result.stderr)) return undefined;
    throw new RocktsError('ENGINE_UNAVAILABLE', `\`${engine.kind} image inspect ${reference}\` failed: ${result.stderr.trim().split('\n').pop() || 'no output'}`);
  }
  const [id, labels] = result.stdout.trim().split(/ (.*)/s, 2);
  const parsed: unknown = JSON.parse(labels ?? 'null');
  const strings = parsed !== null && typeof parsed === 'object' ? Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  return { id: id ?? '', labels: Object.fromEntries(strings) };
}
