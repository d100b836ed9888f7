/**
 * The image tags rockts derives: the project's default tag and, for `dockerfile:`, the
 * tag the project's Dockerfile is built to.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Config } from '../core/types.js';

/** `myproject-dev` for a config in a folder named MyProject. */
export function defaultTag(config: Pick<Config, 'file'>): string {
  const folder = path.basename(path.dirname(path.resolve(config.file)));
  const slug = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${slug || 'rockts'}-dev`;
}

/** The project's image tag: the config's `tag:`, else the default. */
export function projectTag(config: Pick<Config, 'file' | 'tag'>): string {
  return config.tag?.value ?? defaultTag(config);
}

/**
 * `<project tag>-base:<digest>`: the digest covers the Dockerfile's path below the
 * project folder and its text, so a changed Dockerfile gives a new FROM line (and a new
 * composition, which `rockts run` rebuilds), and an unchanged one the same bytes.
 */
export function dockerfileTag(config: Pick<Config, 'file' | 'tag'>, dockerfile: string, text: string): string {
  const repository = projectTag(config).replace(/:[^:/]*$/, '');
  const relative = path.relative(path.dirname(path.resolve(config.file)), dockerfile).split(path.sep).join('/');
  const digest = createHash('sha256').update(relative).update('\0').update(text).digest('hex').slice(0, 12);
  return `${repository}-base:${digest}`;
}
