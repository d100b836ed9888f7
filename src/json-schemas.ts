/**
 * JSON Schemas for rockerc.yaml and extension.yaml, generated from the same zod
 * definitions the loaders use (https://zod.dev/json-schema), so editors check and
 * complete both files exactly as rockts does. Shipped in schemas/; a test keeps the
 * committed files equal to what this produces.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './config/config-schema.js';
import { manifestSchema } from './extensions/manifest-schema.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));
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
      configSchema,
      'rockts rockerc.yaml',
      'A rockts development container: the final base image and the extensions to compose. `image` may come from ~/.rockerc.yaml, so it is not required here.',
    ),
    [MANIFEST_SCHEMA_FILE]: generate(manifestSchema, 'rockts extension.yaml', 'A rockts extension: its name, version, cache priority, options, and what it adds to the builder and final stages.'),
  };
}

/** The schema comment that makes yaml-language-server (VS Code's YAML extension) check a file. */
export function schemaComment(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}`;
}
