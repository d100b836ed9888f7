/**
 * `rockts plan --changes` checked against the engine: a series of changes, each one
 * predicted first and then built, and the set of steps predicted to run compared with
 * the set the engine reports as not cached (BuildKit's --progress=plain, Podman's
 * "Using cache"). A mismatch fails with both sets shown.
 *
 * Every composition in the series is new to the build cache (nonce-labelled base
 * images, nonce option values), so the previous image is the only one that can hold a
 * step; reordering and changing nothing must run nothing.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { BASE_IMAGE, describeWithEngine, docker, ENGINES, fixtureConfig, parseSteps, removeImages, rocktsIn, type TestEngine } from '../helpers/engine.js';
import { FIXTURE_EXTENSIONS } from '../helpers/project.js';
import type { ChangesAgainst } from '../../src/build/preview-changes.js';

jest.setTimeout(1_200_000);

const nonce = `${process.pid}${Date.now()}`.slice(-12);

interface Project {
  image: string;
  builderBase: string;
  extensions: string[];
  builderImages: string[];
}

interface Outcome {
  predicted: string[];
  reported: string[];
  preview: ChangesAgainst['preview'];
}

/** An extension whose builder output shows its version, its builder base and a nonce. */
const STAMP_MANIFEST = (version: string) => `name: stamp\nversion: ${version}\ndescription: writes what built it (test)\nrockts: "^0.1"\nfinal:\n  copy: default\n`;
const STAMP_BUILDER = (line: string) => `RUN mkdir -p {{outDir}}/etc && echo "${line} {{version}} {{builderBaseImage}} ${nonce}" > {{outDir}}/etc/stamp\n`;
const EXTRA_MANIFEST = 'name: extra\nversion: 1.0.0\ndescription: an extension added later (test)\nrockts: "^0.1"\nfinal:\n  copy: default\n';
const EXTRA_BUILDER = `RUN mkdir -p {{outDir}}/etc && echo "extra ${nonce}" > {{outDir}}/etc/extra\n`;

/** One line per step, as both sides can spell it: stage and instruction, whitespace collapsed. */
function stepKey(stage: string, text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return `${stage}: ${collapsed.startsWith('LABEL ') ? 'LABEL' : collapsed}`;
}

for (const engine of ENGINES) {
describeWithEngine(`rockts plan --changes on ${engine.name}`, () => {
  let dir: string;
  let extensions: string;
  const tag = `rockts-e2e-changes-${engine.kind}-${nonce}`;
  // Fresh base images, new to every cache.
  const fresh = (name: string) => `rockts-e2e-changes-${nonce}:${name}`;
  const made: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-e2e-changes-'));
    extensions = path.join(dir, 'extensions');
    await cp(FIXTURE_EXTENSIONS, extensions, { recursive: true });
    await cp(path.join(extensions, 'tool'), path.join(extensions, 'stamp'), { recursive: true });
    await writeFile(path.join(extensions, 'stamp/extension.yaml'), STAMP_MANIFEST('1.0.0'));
    await writeFile(path.join(extensions, 'stamp/builder.Dockerfile.hbs'), STAMP_BUILDER('stamp'));
    await rm(path.join(extensions, 'stamp/test'), { recursive: true });
    for (const name of ['a', 'b', 'builder']) {
      // A layer of its own: the build cache knows an image by its layers, not by its name or labels.
      await writeFile(path.join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo "${nonce} ${name}" > /etc/rockts-e2e-changes\n`);
      docker(engine, ['build', '--network=host', '-q', '-t', fresh(name), '-f', path.join(dir, 'Dockerfile'), dir]);
      made.push(fresh(name));
    }
  });

  afterAll(async () => {
    removeImages(engine, [tag, ...made]);
    await rm(dir, { recursive: true, force: true });
  });

  const rockts = (args: string[]) => rocktsIn(dir, [args[0]!, ...engine.args, ...args.slice(1)], { ...engine.env, ROCKTS_BUILTIN_EXTENSIONS: extensions });

  async function writeConfig(project: Project): Promise<void> {
    const builderLines = project.builderImages.length > 0 ? ['  images:', ...project.builderImages.map((i) => `    ${i}`)] : [];
    const config = fixtureConfig({ image: project.image, extensions: project.extensions, tag, builderBase: project.builderBase, builderLines });
    await writeFile(path.join(dir, 'rockerc.yaml'), config);
  }

  /** Predicts with `plan --changes --json`, then builds; returns both sets of steps that ran. */
  async function predictAndBuild(project: Project): Promise<Outcome> {
    await writeConfig(project);
    const plan = await rockts(['plan', '--changes', '--json']);
    if (plan.code !== 0) throw new Error(`rockts plan --changes failed (${plan.code}):\n${plan.stderr}`);
    const { preview } = JSON.parse(plan.stdout) as ChangesAgainst;
    const predicted = preview.stages.flatMap((s) => s.steps.filter((step) => step.runs).map((step) => stepKey(step.stage, step.text)));
    const build = await rockts(['build', ...(engine.kind === 'docker' ? ['--progress', 'plain'] : []), '--network', 'host']);
    if (process.env.ROCKTS_E2E_LOG) await writeFile(`${process.env.ROCKTS_E2E_LOG}-${engine.kind}-${Date.now()}`, build.stderr);
    if (build.code !== 0) throw new Error(`rockts build failed (${build.code}):\n${build.stderr.slice(-4000)}`);
    expect(build.stderr).toContain(`rockts: ${preview.summary}\n`);
    const reported = parseSteps(build.stderr, engine.kind)
      .filter((s) => !s.cached)
      .map((s) => stepKey(s.stage, s.name));
    return { predicted: [...new Set(predicted)].sort(), reported: [...new Set(reported)].sort(), preview };
  }

  /** The predicted set equals the reported one; on a mismatch both are shown. */
  function expectSameSteps(change: string, { predicted, reported }: Outcome): void {
    if (predicted.join('\n') !== reported.join('\n')) {
      throw new Error(`${change}: the prediction differs from what ${engine.name} ran\npredicted to run:\n  ${predicted.join('\n  ') || '(nothing)'}\nreported as not cached:\n  ${reported.join('\n  ') || '(nothing)'}`);
    }
  }

  /**
   * BuildKit and Buildah key a copy by the content it copies: a builder that runs again
   * but writes the same bytes (tool's script, hello's binary on another base with the
   * same compiler) leaves its copy cached, and what follows too. The preview marks those
   * copies; here every builder step is predicted exactly, nothing runs that was not
   * predicted, and what was predicted but stayed cached comes from the first marked copy on.
   */
  function expectSameUpToOutputs(change: string, outcome: Outcome): void {
    const finalSteps = outcome.preview.stages.filter((s) => s.kind === 'final').flatMap((s) => s.steps);
    const firstMarked = finalSteps.findIndex((s) => s.ifOutputChanges);
    expect(firstMarked).toBeGreaterThanOrEqual(0);
    const unsure = new Set(finalSteps.slice(firstMarked).map((s) => stepKey(s.stage, s.text)));
    const sure = outcome.predicted.filter((k) => !unsure.has(k));
    expectSameSteps(change, { ...outcome, predicted: sure, reported: outcome.reported.filter((k) => !unsure.has(k)) });
    const unpredicted = outcome.reported.filter((k) => !outcome.predicted.includes(k));
    expect(unpredicted).toEqual([]);
  }

  test('an image without a record, and --against without --changes', async () => {
    await writeConfig({ image: fresh('a'), builderBase: BASE_IMAGE, extensions: ['links'], builderImages: [] });
    const plan = await rockts(['plan', '--changes', '--against', BASE_IMAGE]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(new RegExp(`^${BASE_IMAGE} \\([0-9a-f]{12}\\) carries no rockts record this rockts can read: everything is listed as running\\.\n`));
    expect(plan.stdout).toContain(`Summary: 0 of 0 builders and ${engine.kind === 'podman' ? '3 of 3' : '2 of 2'} final steps will run (the previous image has no rockts record)\n`);
    const usage = await rockts(['plan', '--against', BASE_IMAGE]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--changes');
  });

  test('every change in the series is predicted exactly', async () => {
    const project: Project = {
      image: fresh('a'),
      builderBase: BASE_IMAGE,
      extensions: [`hello: { greeting: "hi ${nonce}" }`, 'tool', 'links', `profile: { line: "export RUN_ID=${nonce}" }`, 'stamp'],
      builderImages: [],
    };
    const first = await predictAndBuild(project);
    expect(first.preview.previous).toBe('none');
    expect(first.preview.summary).toMatch(/\(no previous image\)$/);

    const series: [string, () => Promise<void>, (preview: ChangesAgainst['preview']) => void][] = [
      ['change the image', async () => void (project.image = fresh('b')), (p) => {
        expect(p.changes).toContain(`image ${fresh('a')} → ${fresh('b')}`);
        expect(p.stages.filter((s) => s.kind !== 'final' && s.runs)).toEqual([]);
      }],
      ['add an extension', async () => {
        await cp(path.join(extensions, 'stamp'), path.join(extensions, 'extra'), { recursive: true });
        await writeFile(path.join(extensions, 'extra/extension.yaml'), EXTRA_MANIFEST);
        await writeFile(path.join(extensions, 'extra/builder.Dockerfile.hbs'), EXTRA_BUILDER);
        project.extensions.push('extra');
      }, (p) => {
        expect(p.changes).toContain('extra: added (1.0.0)');
        expect(p.stages.filter((s) => s.kind !== 'final' && s.runs).map((s) => s.stage)).toEqual(['rockts-builder-extra']);
      }],
      ['remove an extension', async () => void project.extensions.splice(project.extensions.indexOf('links'), 1), (p) => {
        expect(p.changes).toEqual(expect.arrayContaining(['links: removed', 'final apt packages -less']));
      }],
      ['change an option', async () => void (project.extensions[0] = `hello: { greeting: "ho ${nonce}" }`), (p) => {
        expect(p.changes).toEqual([`hello: option greeting hi ${nonce} → ho ${nonce}`]);
        expect(p.stages.filter((s) => s.kind !== 'final' && s.runs).map((s) => s.stage)).toEqual(['rockts-builder-hello']);
      }],
      ['bump an extension\'s version', async () => writeFile(path.join(extensions, 'stamp/extension.yaml'), STAMP_MANIFEST('1.1.0')), (p) => {
        expect(p.changes).toEqual(['stamp: version 1.0.0 → 1.1.0']);
      }],
      ['edit a template', async () => writeFile(path.join(extensions, 'stamp/builder.Dockerfile.hbs'), STAMP_BUILDER('stamped')), (p) => {
        expect(p.changes).toEqual(['stamp: template changed']);
      }],
      ['edit a file in files/', async () => {
        const file = path.join(extensions, 'hello/files/hello.c');
        await writeFile(file, (await readFile(file, 'utf8')).replace('puts(GREETING);', `puts(GREETING); puts("${nonce}");`));
      }, (p) => {
        expect(p.changes).toEqual(['hello: files/ changed']);
      }],
      ['change the builder base', async () => void project.builderImages.push(`stamp: ${fresh('builder')}`), (p) => {
        expect(p.changes).toEqual([`stamp: builder base ${BASE_IMAGE} → ${fresh('builder')}`]);
      }],
      ['change every builder\'s base', async () => void (project.builderBase = fresh('builder')), (p) => {
        expect(p.changes).toEqual(expect.arrayContaining([`rockts-builder-base: image ${BASE_IMAGE} → ${fresh('builder')}`]));
      }],
      ['reorder the config', async () => void project.extensions.reverse(), (p) => {
        expect(p.changes).toEqual([]);
        expect(p.summary).toBe('nothing will run: every step is cached');
      }],
      ['change nothing', async () => undefined, (p) => {
        expect(p.summary).toBe('nothing will run: every step is cached');
      }],
    ];
    for (const [change, apply, explain] of series) {
      await apply();
      const result = await predictAndBuild(project);
      if (change === 'change every builder\'s base') expectSameUpToOutputs(change, result);
      else expectSameSteps(change, result);
      explain(result.preview);
    }
  });
}, engine);
}
