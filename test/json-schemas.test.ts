/**
 * The shipped JSON Schemas: equal to what the zod definitions generate (UPDATE_GOLDEN=1
 * rewrites them), accepting every real config and manifest in the repository, and
 * rejecting invalid ones, checked with a real JSON Schema validator (ajv).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_FILE, jsonSchemas, MANIFEST_SCHEMA_FILE, SCHEMAS_DIR } from '../src/config/json-schemas.js';
import { ROOT, UPDATE_GOLDEN } from './helpers/project.js';

const generated = jsonSchemas();
const schemaText = (file: string) => JSON.stringify(generated[file], null, 2) + '\n';
// Rewritten before anything below reads them.
if (UPDATE_GOLDEN) for (const file of Object.keys(generated)) writeFileSync(path.join(SCHEMAS_DIR, file), schemaText(file));

test.each(Object.keys(generated))('schemas/%s is up to date (UPDATE_GOLDEN=1 rewrites it)', (file) => {
  expect(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')).toBe(schemaText(file));
});

/** Every file named `name` below `dir`. */
function find(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name && !e.parentPath.includes('node_modules'))
    .map((e) => path.join(e.parentPath, e.name));
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = (file: string) => ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')));
const checkConfig = validate(CONFIG_SCHEMA_FILE);
const checkManifest = validate(MANIFEST_SCHEMA_FILE);
const load = (file: string) => parse(readFileSync(file, 'utf8')) ?? {};
const relative = (files: string[]) => files.map((f) => path.relative(ROOT, f));

const goodConfigs = [path.join(ROOT, 'rockerc.example.yaml'), ...find(path.join(ROOT, 'test/golden'), 'rockerc.yaml'), ...find(path.join(ROOT, 'test/golden-builtin'), 'rockerc.yaml')];
const goodManifests = [...find(path.join(ROOT, 'extensions'), 'extension.yaml'), ...find(path.join(ROOT, 'test/fixtures'), 'extension.yaml')];

test.each(relative(goodConfigs))('the rockerc schema accepts %s', (file) => {
  expect(checkConfig(load(path.join(ROOT, file))) ? [] : checkConfig.errors).toEqual([]);
});

test.each(relative(goodManifests))('the extension schema accepts %s', (file) => {
  expect(checkManifest(load(path.join(ROOT, file))) ? [] : checkManifest.errors).toEqual([]);
});

// The negative goldens whose problems are about the file's shape (the rest need the extensions).
test.each(['unknown-key', 'apt-injection', 'image-injection', 'extensions-auto-typo', 'schema-and-composition'])('the rockerc schema rejects test/golden-errors/%s', (name) => {
  expect(checkConfig(load(path.join(ROOT, 'test/golden-errors', name, 'rockerc.yaml')))).toBe(false);
});

test('the extension schema rejects an invalid manifest', () => {
  expect(checkManifest(load(path.join(ROOT, 'test/golden-errors/manifest-invalid/ext/extension.yaml')))).toBe(false);
  expect(checkManifest({ name: 'x', version: '1.0.0', description: 'd', rockts: '^0.1', options: { a: { type: 'string' } } })).toBe(false);
});
