/**
 * Fuzzing the composition with fast-check, over generated configs and local extensions
 * (manifest, options and templates written as files, as a user would), with a fixed seed
 * and a fixed number of runs so every run checks the same cases. Templates are built from
 * lines that once broke rockts (continuations, heredoc words, quoted `<<EOF`, forbidden
 * instructions) and values from the same family. The invariants:
 *  - composing either succeeds or fails with a RocktsError, never another error;
 *  - when it succeeds, the Dockerfile as BuildKit reads it is the plan's: the stages, the
 *    final user switch, and each extension's and rockts's own instructions, every one
 *    within one owner's lines; and they are the instructions the same project has with
 *    every option value plain (a value never changes them);
 *  - through the CLI (`dockerfile -o`): the exit code is a documented one and never 1,
 *    and the output file exists exactly when the exit code is 0.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { readDockerfile } from '../src/core/dockerfile-reader.js';
import { RocktsError } from '../src/core/errors.js';
import { GLUE_OPENER } from '../src/core/join-glue.js';
import { DOCKER_20_FEATURES, MODERN_FEATURES } from '../src/core/plain-forms.js';
import type { Plan } from '../src/core/types.js';
import { rocktsIn } from './helpers/engine.js';
import { composeCase, FIXTURE_EXTENSIONS } from './helpers/project.js';

const SEED = 20261126;

/** Template pieces that compose, and lines that once broke rockts (each alone, or with others). */
const GOOD = [
  'RUN echo {{quote options.msg}}',
  'RUN mkdir -p {{outDir}} && echo {{quote options.msg}} > {{outDir}}/msg',
  'RUN echo a \\\n    # a comment inside\n\n    && echo b',
  'RUN cat > /tmp/f <<EOF\nhello {{options.msg}}\nEOF',
  'RUN echo "<<EOF" \'<<X\'',
  'COPY <<X /tmp/x\nx\nX',
  '{{#if options.flag}}\nRUN true\n{{/if}}',
  'RUN echo {{options.msg}}',
  '# a comment',
];
const TRICKY = [
  'RUN true {{options.msg}} \\',
  'RUN echo a \\',
  'RUN cat > /tmp/f <<EOF',
  'EOF',
  'RUN cat <<  E\nE',
  'USER root',
  'ENV A=b',
  'ARG PROXY',
  'WORKDIR /tmp',
  'RUN echo "<<EOF"\nFROM scratch AS rockts-builder-base-evil\nEOF',
  'RUN echo {{lookup options "nosuch"}}',
  'not an instruction',
];
const line = fc.oneof({ arbitrary: fc.constantFrom(...GOOD), weight: 12 }, { arbitrary: fc.constantFrom(...TRICKY), weight: 1 });
const VALUE_CHARS = ['a', ' ', '\\', '<', '"', "'", '$', '#', '-', 'E', 'O', 'F', '\n', '`', '{'];
const value = fc.oneof(
  { arbitrary: fc.constantFrom('ok', 'a b', '1.2.3'), weight: 6 },
  { arbitrary: fc.constantFrom('done \\', '<<EOF', '<<"    fi"', "it's", '${x', '# c', '`id`', 'EOF', 'X', '\\', 'line\nbreak'), weight: 2 },
  { arbitrary: fc.string({ maxLength: 8, unit: fc.constantFrom(...VALUE_CHARS) }), weight: 1 },
);
const template = fc.option(fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')), { nil: undefined });
const extension = fc.record({
  builder: template,
  setup: template,
  user: template,
  msg: value,
  flag: fc.boolean(),
  switchUser: fc.boolean(),
  env: fc.boolean(),
  priority: fc.integer({ min: 0, max: 100 }),
  after: fc.subarray(['alpha', 'beta', 'gamma'], { maxLength: 1 }),
});
const project = fc.record({
  image: fc.oneof({ arbitrary: fc.constant('ubuntu:24.04'), weight: 8 }, { arbitrary: fc.constantFrom('rockts-final', 'rockts-builder-beta', 'rockts-builder-base'), weight: 1 }),
  builderBase: fc.oneof({ arbitrary: fc.constantFrom(undefined, 'ubuntu:22.04'), weight: 8 }, { arbitrary: fc.constant('rockts-builder-base'), weight: 1 }),
  extensions: fc.array(extension, { minLength: 1, maxLength: 3 }),
});
type Project = typeof project extends fc.Arbitrary<infer T> ? T : never;

const NAMES = ['alpha', 'beta', 'gamma'];

async function writeProject(dir: string, p: Project): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries: string[] = [];
  for (const [index, e] of p.extensions.entries()) {
    const name = NAMES[index]!;
    const folder = path.join(dir, 'ext', name);
    await mkdir(folder, { recursive: true });
    const manifest = [
      `name: ${name}`,
      'version: 1.0.0',
      'description: fuzzed',
      'rockts: "^0.1"',
      'options:',
      '  msg: { type: string, default: "ok" }',
      '  flag: { type: boolean, default: false }',
      `cachePriority: ${e.priority}`,
      `after: [${e.after.join(', ')}]`,
      'final:',
      `  switchUser: ${e.switchUser}`,
      ...(e.env ? ['  env: { MSG: "{{options.msg}}" }'] : []),
    ];
    await writeFile(path.join(folder, 'extension.yaml'), `${manifest.join('\n')}\n`);
    for (const kind of ['builder', 'setup', 'user'] as const) {
      if (e[kind] !== undefined) await writeFile(path.join(folder, `${kind}.Dockerfile.hbs`), `${e[kind]}\n`);
    }
    entries.push(`  - ./ext/${name}: { msg: ${JSON.stringify(e.msg)}, flag: ${e.flag} }`);
  }
  const builder = p.builderBase === undefined ? [] : ['builder:', `  baseImage: ${p.builderBase}`];
  await writeFile(path.join(dir, 'rockerc.yaml'), [`image: ${p.image}`, ...builder, 'extensions:', ...entries, ''].join('\n'));
}

const keywords = (text: string) => readDockerfile(text, 'snippet', { directives: false }).instructions.map((i) => i.keyword);

/** Each owner's instructions, in order, as the plan says they are written. */
function plannedInstructions(plan: Plan): Map<string | undefined, string[]> {
  const planned = new Map<string | undefined, string[]>();
  const add = (owner: string | undefined, ...list: string[]) => planned.set(owner, [...(planned.get(owner) ?? []), ...list]);
  for (const _base of plan.builderBases) add(undefined, 'FROM', 'RUN');
  for (const b of plan.builders) add(b.extension, 'FROM', ...(b.apt.length > 0 ? ['RUN'] : []), ...keywords(b.body));
  add(undefined, 'FROM', ...(plan.final.apt.length > 0 ? ['RUN'] : []));
  for (const c of plan.final.copies) add(c.extension, 'COPY');
  if (plan.final.env.length > 0) add(undefined, 'ENV');
  for (const s of plan.final.setup) add(s.extension, ...keywords(s.body));
  if (plan.final.user !== undefined) add(undefined, 'USER');
  for (const s of plan.final.userSnippets) add(s.extension, ...keywords(s.body));
  add(undefined, 'LABEL');
  return planned;
}

/** Checks the composition; returns how many joined glue RUNs it has. */
function expectTheDockerfileIsThePlan(composition: { plan: Plan; dockerfile: string; owners: readonly (string | undefined)[] }): number {
  let joined = 0;
  const { plan, dockerfile, owners } = composition;
  const instructions = readDockerfile(dockerfile, 'Dockerfile').instructions;
  const found = new Map<string | undefined, string[]>();
  for (const i of instructions) {
    if (i.line === GLUE_OPENER && owners[i.startLine - 1] === undefined) {
      // A joined glue RUN: rockts's own first and last lines around the extensions'
      // sections, each read back as the snippet it was made from.
      expect(owners[i.endLine - 1]).toBeUndefined();
      joined++;
      for (const [owner, lines] of glueSections(i.heredocs[0]!.body, owners.slice(i.startLine, i.endLine - 1))) {
        found.set(owner, [...(found.get(owner) ?? []), ...keywords(unjoin(owner, lines))]);
      }
      continue;
    }
    const lineOwners = new Set(owners.slice(i.startLine - 1, i.endLine));
    expect({ instruction: i.line, owners: [...lineOwners] }).toEqual({ instruction: i.line, owners: [owners[i.startLine - 1]] });
    found.set(owners[i.startLine - 1], [...(found.get(owners[i.startLine - 1]) ?? []), i.keyword]);
  }
  expect(found).toEqual(plannedInstructions(plan));
  const stages = [...plan.builderBases.map((b) => `${b.image} AS ${b.stage}`), ...plan.builders.map((b) => `${b.base} AS ${b.stage}`), `${plan.final.image} AS rockts-final`];
  expect(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args)).toEqual(stages);
  expect(instructions.filter((i) => i.keyword === 'USER' && owners[i.startLine - 1] === undefined).map((i) => i.args)).toEqual(plan.final.user === undefined ? [] : [plan.final.user]);
  return joined;
}

/** The consecutive lines of each owner in a joined glue RUN's body, in order. */
function glueSections(body: readonly string[], owners: readonly (string | undefined)[]): [string | undefined, string[]][] {
  const sections: [string | undefined, string[]][] = [];
  body.forEach((line, k) => {
    const last = sections[sections.length - 1];
    if (last && last[0] === owners[k]) last[1].push(line);
    else sections.push([owners[k], [line]]);
  });
  return sections;
}

/**
 * A section of a joined glue RUN back as a snippet: its marker names its owner; each
 * `(`, the RUN's lines without the keyword, `)` and the status line are that RUN.
 */
function unjoin(owner: string | undefined, lines: readonly string[]): string {
  expect(lines[0]).toMatch(new RegExp(`^echo '### rockts: ${owner} (setup|user)'$`));
  const snippet: string[] = [];
  for (let k = 1; k < lines.length; k++) {
    if (lines[k] === '(') snippet.push(`RUN ${lines[++k]}`);
    else if (lines[k] === ')' && lines[k + 1] === 'case $? in 0) ;; *) exit $? ;; esac') k++;
    else snippet.push(lines[k]!);
  }
  return snippet.join('\n');
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rockts-fuzz-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('composing succeeds with the plan BuildKit will read, or fails with a RocktsError', async () => {
  let run = 0;
  let composed = 0;
  let joined = 0;
  await fc.assert(
    fc.asyncProperty(project, async (p) => {
      const dir = path.join(root, `core-${run++}`);
      await writeProject(dir, p);
      for (const features of [MODERN_FEATURES, DOCKER_20_FEATURES]) {
        let composition;
        try {
          composition = await composeCase(dir, FIXTURE_EXTENSIONS, features);
        } catch (error) {
          if (!(error instanceof RocktsError)) throw error;
          continue;
        }
        composed++;
        joined += expectTheDockerfileIsThePlan(composition);
        // A value must not change the instructions: with every value plain, each owner
        // has the same instructions.
        const neutralDir = `${dir}-neutral`;
        await writeProject(neutralDir, { ...p, extensions: p.extensions.map((e) => ({ ...e, msg: 'ok' })) });
        const neutral = await composeCase(neutralDir, FIXTURE_EXTENSIONS, features);
        expect(plannedInstructions(composition.plan)).toEqual(plannedInstructions(neutral.plan));
      }
    }),
    { seed: SEED, numRuns: 100 },
  );
  // The generator must reach both sides, and joined glue RUNs, or the property says little.
  expect(composed).toBeGreaterThan(20);
  expect(composed).toBeLessThan(2 * run);
  expect(joined).toBeGreaterThan(0);
});

test('through the CLI: a documented exit code, never 1, and an output file only on success', async () => {
  let run = 0;
  const codes = new Set<number>();
  await fc.assert(
    fc.asyncProperty(project, async (p) => {
      const dir = path.join(root, `cli-${run++}`);
      await writeProject(dir, p);
      const out = path.join(dir, 'out.Dockerfile');
      const result = await rocktsIn(dir, ['dockerfile', '-o', out], { HOME: dir });
      codes.add(result.code);
      expect({ code: [0, 3].includes(result.code) ? 'documented' : result.code, stderr: result.code === 1 ? result.stderr : '' }).toEqual({ code: 'documented', stderr: '' });
      expect(existsSync(out)).toBe(result.code === 0);
    }),
    { seed: SEED, numRuns: 4 },
  );
  expect([...codes].sort()).toEqual([0, 3]);
});
