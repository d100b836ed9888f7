/**
 * Whether the project's devcontainer.json is rockts's and current: what `rockts plan`
 * reports, kept apart from writing it so the quick path loads nothing of the engine.
 */
import path from 'node:path';
import { readDevcontainerRecord } from '../core/devcontainer.js';
import { readOptionalText } from '../extensions/extension-files.js';

export const DEVCONTAINER_DIR = '.devcontainer';
export const DEVCONTAINER_FILE = 'devcontainer.json';

/**
 * The project's .devcontainer/devcontainer.json when rockts wrote it: whether it was
 * made from `composition` (for `rockts plan`). Undefined when there is none or it is not rockts's.
 */
export async function devcontainerStatus(projectDir: string, composition: string): Promise<{ file: string; current: boolean } | undefined> {
  const file = path.join(projectDir, DEVCONTAINER_DIR, DEVCONTAINER_FILE);
  const existing = await readJson(file);
  const record = existing.found ? readDevcontainerRecord(existing.document) : undefined;
  return record && { file, current: record.composition === composition };
}

const MAX_DEVCONTAINER_BYTES = 1024 * 1024;

/** A JSON file: not found, or its document (undefined when it is not plain JSON). */
export async function readJson(file: string): Promise<{ found: false } | { found: true; document: unknown }> {
  // A FIFO or a device is refused unread; a file past any size rockts writes is not rockts's.
  const text = await readOptionalText(file, MAX_DEVCONTAINER_BYTES);
  if (text === undefined) return { found: false };
  if (text.length > MAX_DEVCONTAINER_BYTES) return { found: true, document: undefined };
  try {
    return { found: true, document: JSON.parse(text) };
  } catch {
    // devcontainer.json allows comments; a file with them was not written by rockts.
    return { found: true, document: undefined };
  }
}
