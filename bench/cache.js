// Cache benchmark: `npm run bench:cache` (needs the engine and base images from
// scripts/ci/engine-up.sh). Runs DESIGN.md's four change scenarios with the frozen
// fixture extensions and prints, for each, the wall time of `rockts build`, how many
// BuildKit steps were CACHED, in total and in builder stages, how many packages apt
// downloaded and how long the final stage's apt step took. "change image:" moves the
// final stage to a derived image of the same release (the base plus one file, committed
// from a container), as a rebuilt company base image would be.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BASE = 'rockts-test/bookworm:base';
const run = `${process.pid}${Date.now()}`.slice(-8);
// A final base image no build has seen, derived from BASE, so "change image:" measures a real change.
const ALT = `rockts-bench/final-base:${run}`;

function rockts(cwd, args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/run.js'), ...args], {
      cwd,
      env: { ...process.env, ROCKTS_BUILTIN_EXTENSIONS: path.join(root, 'test/fixtures/extensions') },
      maxBuffer: 64 * 1024 * 1024,
    }, (error, stdout, stderr) => resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr }));
  });
}

// apt names each package it downloads: `Get:1 <mirror> <suite>/<component> <arch> <package> <arch> <version> [<size>]`.
const APT_PACKAGE_DOWNLOAD = /Get:\d+ \S+ \S+ \S+ \S+ \S+ \S+ \[/;

function steps(log) {
  const names = new Map();
  const cached = new Set();
  const done = new Map();
  for (const line of log.split('\n')) {
    const step = /^#(\d+) \[([a-z0-9._-]+) \d+\/\d+\] (.*)$/.exec(line);
    if (step && !step[3].startsWith('FROM ')) names.set(step[1], { stage: step[2], name: step[3] });
    const hit = /^#(\d+) CACHED$/.exec(line);
    if (hit) cached.add(hit[1]);
    const finished = /^#(\d+) DONE ([\d.]+)s$/.exec(line);
    if (finished) done.set(finished[1], Number(finished[2]));
  }
  const all = [...names.entries()];
  const rerun = (keep) => {
    const list = all.filter(keep);
    return `${list.filter(([id]) => !cached.has(id)).length} of ${list.length}`;
  };
  const finalApt = all.find(([id, s]) => s.stage === 'rockts-final' && s.name.includes('id=rockts-apt') && !cached.has(id));
  return {
    builders: rerun(([, s]) => s.stage.startsWith('rockts-builder')),
    finalRuns: rerun(([, s]) => s.stage === 'rockts-final' && s.name.startsWith('RUN')),
    copies: all.filter(([, s]) => s.stage === 'rockts-final' && s.name.startsWith('COPY --link')).length,
    downloaded: log.split('\n').filter((line) => APT_PACKAGE_DOWNLOAD.test(line)).length,
    finalApt: finalApt === undefined ? 'cached' : `${done.get(finalApt[0])?.toFixed(1) ?? '?'} s`,
  };
}

function docker(args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile('docker', args, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
    if (input !== undefined) child.stdin.end(input);
  });
}

const config = (image, extensions) =>
  [`image: ${image}`, 'extensions:', ...extensions.map((e) => `  - ${e}`), 'builder:', `  baseImage: ${BASE}`, '  apt: [gcc, libc6-dev]', `tag: rockts-bench-cache`, ''].join('\n');

const dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-bench-cache-'));
async function build(text) {
  await writeFile(path.join(dir, 'rockerc.yaml'), text);
  const t0 = performance.now();
  const result = await rockts(dir, ['build', '--progress', 'plain']);
  const seconds = (performance.now() - t0) / 1000;
  if (result.code !== 0) {
    process.stderr.write(result.stderr.slice(-3000));
    throw new Error(`rockts build failed with exit code ${result.code}; is the engine up (scripts/ci/engine-up.sh)?`);
  }
  return { seconds, ...steps(result.stderr) };
}

const profile = `profile: { line: "export RUN_ID=${run}" }`;
// A new extension for "add an extension": a builder no earlier build has seen.
await mkdir(path.join(dir, 'extra'));
await writeFile(path.join(dir, 'extra/extension.yaml'), 'name: extra\nversion: 1.0.0\ndescription: bench\nrockts: "^0.1"\n');
await writeFile(path.join(dir, 'extra/builder.Dockerfile.hbs'), `RUN mkdir -p {{outDir}}/usr/local/share && echo ${run} > {{outDir}}/usr/local/share/extra\n`);
const start = ['hello', 'tool', 'links', profile];
const scenarios = [
  ['change `image:` (a derived image of the same release)', config(ALT, start), 'only the final stage'],
  ['add an extension', config(ALT, [...start, './extra']), 'its builder; final-stage steps after the first changed line'],
  ['change one option', config(ALT, ['hello', `tool: { version: "9.${run.slice(-3)}.0" }`, 'links', profile, './extra']), "that extension's builder; final-stage steps after its first changed line"],
  ['reorder `extensions:`', config(ALT, ['./extra', profile, 'links', `tool: { version: "9.${run.slice(-3)}.0" }`, 'hello']), 'nothing'],
];

try {
  const container = `rockts-bench-derive-${run}`;
  await docker(['run', '--network=host', '--name', container, BASE, 'sh', '-c', `echo ${run} > /etc/rockts-bench`]);
  try {
    await docker(['commit', container, ALT]);
  } finally {
    await docker(['rm', '--force', container]);
  }
  const baseline = await build(config(BASE, start));
  const rows = [];
  for (const [name, text, expected] of scenarios) rows.push([name, expected, await build(text)]);
  console.log(`rockts cache benchmark — ${os.cpus().length} CPUs, node ${process.version}, first build ${baseline.seconds.toFixed(1)} s`);
  console.log('');
  console.log('| change | DESIGN.md: what must rebuild | `rockts build` time | builder steps re-run | final-stage RUN steps re-run | final apt step | packages downloaded |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, expected, r] of rows) {
    console.log(`| ${name} | ${expected} | ${r.seconds.toFixed(1)} s | ${r.builders} | ${r.finalRuns} | ${r.finalApt} | ${r.downloaded} |`);
  }
  console.log('');
  console.log(`The final stage also has ${rows[0][2].copies}-${rows[1][2].copies} COPY --link steps; BuildKit reports them as DONE 0.0s (a layer merge) whether or not their content changed.`);
} finally {
  await rm(dir, { recursive: true, force: true });
  await docker(['image', 'rm', '--force', ALT]).catch(() => undefined);
}
