/**
 * The shape of rockerc.yaml (and ~/.rockerc.yaml). Refinement messages are the
 * "expected ..." phrase of the error a user sees.
 *
 * Top-level keys that are not in this schema are rockerc's: `k: v` is rocker's `--k v`
 * (read-rocker.ts). parse-config.ts takes them out before this schema checks the rest.
 */
import { z } from 'zod';
import { APT_PACKAGE, CONTROL_CHARACTER, ENV_NAME, IMAGE_REFERENCE, IMAGE_TAG } from '../core/grammar.js';
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

const runSchema = z.strictObject({
  volumes: z.array(runText(RUN_SETTINGS.volumes.pattern, RUN_SETTINGS.volumes.expected)).optional(),
  env: z
    .record(
      z.string().regex(ENV_NAME, { message: 'an environment variable name' }),
      z.union([z.string().refine((v) => !CONTROL_CHARACTER.test(v), { message: 'a value without control characters' }), z.number(), z.boolean(), z.null()]),
    )
    .optional(),
  ports: z.array(runText(RUN_SETTINGS.ports.pattern, RUN_SETTINGS.ports.expected)).optional(),
  expose: z.array(runText(RUN_SETTINGS.expose.pattern, RUN_SETTINGS.expose.expected)).optional(),
  devices: z.array(runText(RUN_SETTINGS.devices.pattern, RUN_SETTINGS.devices.expected)).optional(),
  ulimits: z.array(runText(RUN_SETTINGS.ulimits.pattern, RUN_SETTINGS.ulimits.expected)).optional(),
  groupAdd: z.array(runText(RUN_SETTINGS.groupAdd.pattern, RUN_SETTINGS.groupAdd.expected)).optional(),
  name: runText(RUN_SETTINGS.name.pattern, RUN_SETTINGS.name.expected).optional(),
  hostname: runText(RUN_SETTINGS.hostname.pattern, RUN_SETTINGS.hostname.expected).optional(),
  network: runText(RUN_SETTINGS.network.pattern, RUN_SETTINGS.network.expected).optional(),
  ipc: runText(RUN_SETTINGS.ipc.pattern, RUN_SETTINGS.ipc.expected).optional(),
  shmSize: runText(RUN_SETTINGS.shmSize.pattern, RUN_SETTINGS.shmSize.expected).optional(),
  cpus: runText(RUN_SETTINGS.cpus.pattern, RUN_SETTINGS.cpus.expected).optional(),
  memory: runText(RUN_SETTINGS.memory.pattern, RUN_SETTINGS.memory.expected).optional(),
  runtime: runText(RUN_SETTINGS.runtime.pattern, RUN_SETTINGS.runtime.expected).optional(),
  privileged: z.boolean().optional(),
  detach: z.boolean().optional(),
  keep: z.boolean().optional(),
  home: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  image: imageReference.optional(),
  dockerfile: z.string().min(1).optional(),
  syntax: imageReference.optional(),
  tag: z.string().regex(IMAGE_TAG, { message: 'an image tag such as myproject-dev or myproject:dev' }).optional(),
  engine: z.enum(['docker', 'podman'], { message: 'docker or podman' }).optional(),
  extensions: z.union([z.literal('auto'), z.array(extensionEntry)], { message: 'a list of extensions, or `auto` to detect them from the project files' }).optional(),
  args: z.array(z.string().min(1)).optional(),
  'extension-blacklist': names.optional(),
  disable_args: names.optional(),
  build: z.strictObject({ pull: z.boolean().optional(), noCache: z.boolean().optional() }).optional(),
  run: runSchema.optional(),
  builder: z
    .strictObject({
      baseImage: imageReference.optional(),
      apt: z.array(z.string().regex(APT_PACKAGE, { message: 'a Debian package name such as curl or libssl-dev=3.0.2-0' })).optional(),
      images: z.record(z.string(), imageReference).optional(),
    })
    .optional(),
});

export type ConfigDocument = z.infer<typeof configSchema>;

/** The keys rockts itself defines at the top level; every other key is read as a rocker flag. */
export const NATIVE_KEYS: readonly string[] = Object.keys(configSchema.shape);
