/**
 * The shape of extension.yaml. Refinement messages are the "expected ..." phrase of
 * the error an extension author sees.
 */
import { z } from 'zod';
import { ABSOLUTE_PATH, APT_PACKAGE, ENV_NAME, EXTENSION_NAME, IMAGE_REFERENCE } from '../core/grammar.js';

const extensionName = z.string().regex(EXTENSION_NAME, { message: 'an extension name: lower-case letters, digits and dashes, at most 63 characters' });
const aptPackage = z.string().regex(APT_PACKAGE, { message: 'a Debian package name such as curl or libssl-dev' });
const absolutePath = z.string().regex(ABSOLUTE_PATH, { message: 'an absolute path of letters, digits and ._+@/-' });
const envMap = z.record(z.string().regex(ENV_NAME, { message: 'an environment variable name' }), z.string());
const description = z.string().optional();

const optionSpec = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('string'), default: z.string(), pattern: z.string().optional(), description }),
    z.strictObject({
      type: z.literal('number'),
      default: z.number(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      integer: z.boolean().optional(),
      description,
    }),
    z.strictObject({ type: z.literal('boolean'), default: z.boolean(), description }),
    z.strictObject({ type: z.literal('enum'), values: z.array(z.string()).min(1), default: z.string(), description }),
  ],
  { message: 'an option with `type: string | number | boolean | enum` and a default' },
);

export const manifestSchema = z.strictObject({
  name: extensionName,
  version: z.string(),
  description: z.string(),
  rockts: z.string(),
  cachePriority: z.number().int({ message: 'a whole number from 0 to 100' }).min(0, { message: 'a whole number from 0 to 100' }).max(100, { message: 'a whole number from 0 to 100' }).optional(),
  builderBaseImage: z.string().regex(IMAGE_REFERENCE, { message: 'an image reference such as ubuntu:22.04' }).optional(),
  requires: z.array(extensionName).optional(),
  after: z.array(extensionName).optional(),
  options: z.record(z.string(), optionSpec).optional(),
  builder: z.strictObject({ apt: z.array(aptPackage).optional() }).optional(),
  final: z
    .strictObject({
      apt: z.array(aptPackage).optional(),
      aptWhen: z.record(z.string(), z.array(aptPackage)).optional(),
      copy: z
        .union([z.literal('default'), z.literal('none'), z.array(z.strictObject({ from: absolutePath, to: absolutePath }))], {
          message: '`default`, `none`, or a list of {from, to} absolute paths',
        })
        .optional(),
      env: envMap.optional(),
      path: z.array(absolutePath).optional(),
      switchUser: z.boolean().optional(),
    })
    .optional(),
  run: z
    .strictObject({
      env: envMap.optional(),
      volumes: z
        .array(
          z.union(
            [
              z.string().min(1),
              z.strictObject({
                source: z.string().min(1),
                target: z.string().min(1),
                readonly: z.boolean().optional(),
                env: z.string().regex(ENV_NAME, { message: 'an environment variable name' }).optional(),
              }),
            ],
            { message: 'a `--volume` value such as name:/path, or {source, target, readonly?, env?}' },
          ),
        )
        .optional(),
      devices: z.array(z.string().min(1)).optional(),
      gpus: z.string().min(1).optional(),
    })
    .optional(),
});

export type ManifestDocument = z.infer<typeof manifestSchema>;
