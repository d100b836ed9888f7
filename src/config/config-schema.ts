/**
 * The shape of rockerc.yaml (and ~/.rockerc.yaml). Refinement messages are the
 * "expected ..." phrase of the error a user sees.
 *
 * Top-level keys that are not in this schema are rockerc's: `k: v` is rocker's `--k v`
 * (read-rocker.ts). parse-config.ts takes them out before this schema checks the rest.
 */
import { z } from 'zod';
import { APT_PACKAGE, CONTROL_CHARACTER, ENV_NAME, IMAGE_REFERENCE, IMAGE_TAG, REPOSITORY } from '../core/grammar.js';
import { RUN_SETTINGS } from '../core/run-settings.js';

const imageReference = z.string().regex(IMAGE_REFERENCE, { message: 'an image reference such as ubuntu:24.04' });

const extensionEntry = z.union(
  [
    z.string().min(1),
    z.strictObject({ package: z.string() }),
    z.record(z.string(), z.union([z.record(z.string(), z.unknown()), z.null()])),
  ],
  { message: 'an extension name, a folder path, `package: NPM-PACKAGE`, or `name: {options}`' },
);

const names = z.union([z.array(z.string().min(1)), z.string().min(1)], { message: 'a list of names, or one name' });

/** A run value: text, or a number written as one (`cpus: 1.5`, `ports: [8080]`). */
function runText(pattern: RegExp, expected: string) {
  return z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(pattern, { message: expected }));
}

/** `run:`: one key per run setting, each checked against its grammar (core/run-settings.ts). */
const runSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(RUN_SETTINGS).map(([name, spec]) => {
      if (name === 'env') {
        const value = z.string().refine((v) => !CONTROL_CHARACTER.test(v), { message: 'a value without control characters' });
        return [name, z.record(z.string().regex(ENV_NAME, { message: 'an environment variable name' }), z.union([value, z.number(), z.boolean(), z.null()])).optional()];
      }
      if (spec.kind === 'switch') return [name, z.boolean().optional()];
      const text = runText(spec.pattern, spec.expected);
      return [name, (spec.kind === 'list' ? z.array(text) : text).optional()];
    }),
  ),
);

export const configSchema = z.strictObject({
  image: imageReference.optional(),
  /** rockerc's `dockerfile:`: a local Dockerfile built (its folder as context) into the final stage's base image. */
  dockerfile: z.string().regex(/^[^\u0000-\u001f\u007f]+$/, { message: 'a path to a Dockerfile, such as Dockerfile or docker/dev.Dockerfile' }).optional(),
  syntax: imageReference.optional(),
  tag: z.string().regex(IMAGE_TAG, { message: 'an image tag such as myproject-dev or myproject:dev' }).optional(),
  engine: z.enum(['docker', 'podman'], { message: 'docker or podman' }).optional(),
  extensions: z.union([z.literal('auto'), z.array(extensionEntry)], { message: 'a list of extensions, or `auto` to detect them from the project files' }).optional(),
  args: z.array(z.string().min(1)).optional(),
  'extension-blacklist': names.optional(),
  disable_args: names.optional(),
  build: z.strictObject({ pull: z.boolean().optional(), noCache: z.boolean().optional() }).optional(),
  run: runSchema.optional(),
  /** Registry caches addressed by content (core/cache-refs.ts). */
  cache: z
    .strictObject({
      registry: z.string().regex(REPOSITORY, { message: 'a registry repository without tag, such as registry.example/team/rockts-cache' }).optional(),
      export: z.boolean().optional(),
      mode: z.enum(['min', 'max'], { message: 'min or max' }).optional(),
    })
    .optional(),
  builder: z
    .strictObject({
      baseImage: imageReference.optional(),
      apt: z.array(z.string().regex(APT_PACKAGE, { message: 'a Debian package name such as curl or libssl-dev=3.0.2-0' })).optional(),
      images: z.record(z.string(), imageReference).optional(),
    })
    .optional(),
  /** Upstream URL prefix → mirror URL prefix; both are checked as URLs by parse-config.ts. */
  mirrors: z.record(z.string(), z.string({ message: 'a mirror URL prefix such as https://mirror.example/nodejs/' })).optional(),
  /** A PEM file of company CA certificates, relative to the config file's folder. */
  ca: z.string().regex(/^[^\u0000-\u001f\u007f]+$/, { message: 'a path to a PEM file of CA certificates, such as certs/company-ca.pem' }).optional(),
});

export type ConfigDocument = z.infer<typeof configSchema>;

/** The keys rockts itself defines at the top level; every other key is read as a rocker flag. */
export const NATIVE_KEYS: readonly string[] = Object.keys(configSchema.shape);
