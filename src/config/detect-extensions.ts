/**
 * Which built-in extensions a project's files call for: Cargo.toml → cargo,
 * package.json → npm, pixi.toml or a `[tool.pixi]` table in pyproject.toml → pixi.
 * Each proposal carries the reason shown to the user.
 */
import path from 'node:path';
import { readOptionalText } from '../extensions/extension-files.js';

export interface DetectedExtension {
  readonly name: string;
  /** e.g. "Cargo.toml found" */
  readonly reason: string;
}

const RULES: readonly { readonly name: string; readonly file: string; readonly contains?: RegExp; readonly reason: string }[] = [
  { name: 'cargo', file: 'Cargo.toml', reason: 'Cargo.toml found' },
  { name: 'npm', file: 'package.json', reason: 'package.json found' },
  { name: 'pixi', file: 'pixi.toml', reason: 'pixi.toml found' },
  { name: 'pixi', file: 'pyproject.toml', contains: /^\s*\[tool\.pixi(?:\.[^\]]*)?\]/m, reason: 'pyproject.toml has a [tool.pixi] table' },
];

/** How much of a file is searched for a table (pyproject.toml). */
const MAX_DETECT_BYTES = 1024 * 1024;

/** The extensions `dir`'s files call for, in name order, each once (first reason wins). */
export async function detectExtensions(dir: string): Promise<DetectedExtension[]> {
  const found = new Map<string, DetectedExtension>();
  for (const rule of RULES) {
    if (found.has(rule.name)) continue;
    // A FIFO or a device is refused unread (it would hang or never end), as is any file that cannot be read.
    const text = await readOptionalText(path.join(dir, rule.file), MAX_DETECT_BYTES).catch(() => undefined);
    if (text === undefined || (rule.contains && !rule.contains.test(text))) continue;
    found.set(rule.name, { name: rule.name, reason: rule.reason });
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
