/**
 * src/core is pure: its TypeScript project has no Node.js types, so fs, child_process
 * and process do not compile there. This test covers what types cannot: the clock,
 * randomness, and imports of packages beyond the pure ones the core is allowed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/project.js';

const CORE = path.join(ROOT, 'src/core');
const ALLOWED_IMPORTS = new Set(['handlebars', 'semver', 'node:crypto']);
const files = readdirSync(CORE).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

test('the core has source files to check', () => {
  expect(files.length).toBeGreaterThan(5);
});

test.each(files)('%s imports only core modules and pure packages', (file) => {
  const text = readFileSync(path.join(CORE, file), 'utf8');
  const imports = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
  for (const specifier of imports) {
    if (specifier.startsWith('./')) continue;
    expect(ALLOWED_IMPORTS).toContain(specifier);
  }
});

test.each(files)('%s reads no clock, randomness or environment', (file) => {
  const code = readFileSync(path.join(CORE, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  expect(code).not.toMatch(/\bDate\b|Math\.random|performance\.now|\bprocess\b|globalThis|\brequire\(|import\(/);
});
