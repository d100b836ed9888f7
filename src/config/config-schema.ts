/**
 * The shape of rockerc.yaml (and ~/.rockerc.yaml). Refinement messages are the
 * "expected ..." phrase of the error a user sees.
 */
import { z } from 'zod';
import { APT_PACKAGE, IMAGE_REFERENCE, IMAGE_TAG } from '../core/grammar.js';

const imageReference = z.string().regex(IMAGE_REFERENCE, { message: 'an image reference such as ubuntu:24.04' });

const extensionEntry = z.union(
  [
    z.string().min(1),
    z.strictObject({ package: z.string() }),
    z.record(z.string(), z.union([z.record(z.string(), z.unknown()), z.null()])),
  ],
  { message: 'an extension name, a folder path, `package: NPM-PACKAGE`, or `name: {options}`' },
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
  'extension-blacklist': z.array(z.string().min(1)).optional(),
  builder: z
    .strictObject({
      baseImage: imageReference.optional(),
      apt: z.array(z.string().regex(APT_PACKAGE, { message: 'a Debian package name such as curl or libssl-dev=3.0.2-0' })).optional(),
      images: z.record(z.string(), imageReference).optional(),
    })
    .optional(),
});

export type ConfigDocument = z.infer<typeof configSchema>;
