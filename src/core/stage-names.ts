/**
 * The names rockts gives the stages it writes, and the way back from a name to the
 * extension whose builder it is. Names come from extension names and images only, never
 * from positions, so adding an extension renames no other stage.
 */

const BUILDER_PREFIX = 'rockts-builder-';
/** The shared builder base of the default builder base image; others add the image's slug. */
export const BUILDER_BASE_STAGE = `${BUILDER_PREFIX}base`;
export const FINAL_STAGE = 'rockts-final';
/** The empty stage `rockts extension test --static --parse` appends and builds. */
export const PARSE_CHECK_STAGE = 'rockts-parse-check';

/** The names rockts gives its stages, current and future. */
const OWN_STAGE_NAME = /^rockts-(?:final|builder-.*|parse-check)$/i;

export function builderStageName(extension: string): string {
  return `${BUILDER_PREFIX}${extension}`;
}

/** The shared builder base stage of `image`: BUILDER_BASE_STAGE for the default image, else suffixed with its slug. */
export function baseStageName(image: string, defaultImage: string): string {
  if (image === defaultImage) return BUILDER_BASE_STAGE;
  return `${BUILDER_BASE_STAGE}-${imageSlug(image)}`;
}

/** ubuntu:22.04 → ubuntu-22.04, for builder base stage names. */
function imageSlug(image: string): string {
  const slug = image.toLowerCase().replace(/@sha256:([a-f0-9]{12})[a-f0-9]*/, '-$1').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return slug === '' ? 'image' : slug;
}

/** `base` and `base-…`: an extension so named could take the name of a shared builder base stage. */
export function isBaseStageSuffix(extension: string): boolean {
  return extension === 'base' || extension.startsWith('base-');
}

/** rockts-builder-base and rockts-builder-base-<image>, but not an extension's rockts-builder-basement. */
export function isBuilderBaseStage(stage: string): boolean {
  return stage.startsWith(BUILDER_PREFIX) && isBaseStageSuffix(stage.slice(BUILDER_PREFIX.length));
}

/** The extension whose builder stage `stage` is (rockts-builder-cargo → cargo); undefined for any other stage. */
export function extensionOfStage(stage: string): string | undefined {
  if (!stage.startsWith(BUILDER_PREFIX) || isBuilderBaseStage(stage)) return undefined;
  return stage.slice(BUILDER_PREFIX.length);
}

/** An image spelled like a stage rockts writes: BuildKit would start FROM that stage instead. */
export function isOwnStageName(image: string): boolean {
  return OWN_STAGE_NAME.test(image);
}
