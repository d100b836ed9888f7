/**
 * JSON Schemas for rockerc.yaml and extension.yaml, generated from the same zod
 * definitions the loaders use (https://zod.dev/json-schema), so editors check and
 * complete both files exactly as rockts does. Shipped in schemas/; a test keeps the
 * committed files equal to what this produces.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './config-schema.js';
import { ROCKER_NAMES } from './rocker-names.js';
import { manifestSchema } from '../extensions/manifest-schema.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));
export const CONFIG_SCHEMA_FILE = 'rockerc.schema.json';
export const MANIFEST_SCHEMA_FILE = 'extension.schema.json';

export function jsonSchemas(): Record<string, object> {
  const generate = (schema: z.ZodType, title: string, description: string) => ({
    ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
    title,
    description,
  });
  return {
    [CONFIG_SCHEMA_FILE]: generate(
      withRockerKeys(),
      'rockts rockerc.yaml',
      'A rockts development container: the final base image and the extensions to compose. `image` may come from ~/.rockerc.yaml, so it is not required here.',
    ),
    [MANIFEST_SCHEMA_FILE]: generate(manifestSchema, 'rockts extension.yaml', 'A rockts extension: its name, version, cache priority, options, and what it adds to the builder and final stages.'),
  };
}

/**
 * rockerc's rule: any other top-level key `k: v` is rocker's `--k v`. Editors learn the
 * flags rockts reads (README "Coming from rocker, rockerc or deps_rocker"), in both spellings.
 */
function withRockerKeys(): z.ZodType {
  const value = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))]).meta({ id: 'rockerFlag', description: 'a rocker flag or extension, as rockerc passes it to rocker' });
  const keys = [...ROCKER_NAMES.keys()].flatMap((name) => (name.includes('-') ? [name, name.replaceAll('-', '_')] : [name]));
  return configSchema.extend(Object.fromEntries(keys.filter((k) => !(k in configSchema.shape)).map((k) => [k, value.optional()])));
}

/** The schema comment that makes yaml-language-server (VS Code's YAML extension) check a file. */
export function schemaComment(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}`;
}
