// Composition benchmark: `npm run bench` (builds first). Not a test: figures depend on
// the machine and its load; the README records them with the machine they came from.
//  1. In-process: compose 500, 1,000, 2,000 and 5,000 synthetic extensions (random
//     priorities, requires/after edges, builders, apt, setup) and time each pipeline
//     phase, then compose() whole as commands call it (the phases, plus the image's
//     record and the second render that carries it); the per-extension figure shows
//     whether it stays linear.
//  2. Whole process: the CPU time (user + sys) of `rockts dockerfile` and `rockts plan` on
//     rockerc.example.yaml, from a project folder and from inside this checkout (a large
//     node_modules), against `node -e 0`. Each run's CPU comes from bash's `times` (the
//     kernel's rusage of the child, to the millisecond); the median of BENCH_PROCESS_RUNS.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlan } from '../dist/core/build-plan.js';
import { compose } from '../dist/core/compose.js';
import { orderExtensions } from '../dist/core/order-extensions.js';
import { renderDockerfile } from '../dist/core/render-dockerfile.js';
import { resolveExtensions } from '../dist/core/resolve-extensions.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const COUNTS = (process.env.BENCH_EXTENSIONS ?? '500,1000,2000,5000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const PROCESS_RUNS = Number(process.env.BENCH_PROCESS_RUNS ?? 15);

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticCatalogue(count) {
  const rand = random(42);
  const at = (file) => ({ file, line: 1, column: 1 });
  const extensions = [];
  for (let i = 0; i < count; i++) {
    const name = `ext-${String(i).padStart(4, '0')}`;
    const file = `bench/${name}/extension.yaml`;
    const pick = () => (i === 0 ? [] : [0, 1, 2].filter(() => rand() < 0.3).map(() => extensions[Math.floor(rand() * i)].manifest.name));
    const templates = [
      { kind: 'builder', file: `bench/${name}/builder.Dockerfile.hbs`, text: `RUN mkdir -p {{outDir}}/usr/local/bin \\\n    && echo {{quote options.version}} > {{outDir}}/usr/local/bin/${name}` },
    ];
    if (rand() < 0.3) templates.push({ kind: 'setup', file: `bench/${name}/setup.Dockerfile.hbs`, text: `RUN ln -sf /usr/local/bin/${name} /usr/bin/${name}` });
    extensions.push({
      manifest: {
        name,
        version: '1.0.0',
        description: name,
        rockts: { value: '^0.1', location: at(file) },
        cachePriority: Math.floor(rand() * 101),
        builderBaseImage: rand() < 0.1 ? 'debian:bookworm' : undefined,
        requires: [...new Set(pick())].map((value) => ({ value, location: at(file) })),
        after: [...new Set(pick())].map((value) => ({ value, location: at(file) })),
        options: [{ name: 'version', spec: { type: 'string', default: '1.0.0', pattern: '^[0-9.]+$', description: undefined } }],
        builder: { apt: rand() < 0.2 ? [`lib${i % 17}-dev`] : [] },
        final: { apt: rand() < 0.3 ? [`lib${i % 23}`] : [], aptWhen: [], copy: { kind: 'default' }, env: [], path: rand() < 0.1 ? [`/opt/${name}/bin`] : [], switchUser: false },
        run: { env: [], volumes: [], devices: [], gpus: undefined },
      },
      manifestFile: file,
      dir: `bench/${name}`,
      source: { kind: 'builtin' },
      templates,
      hasFiles: false,
    });
  }
  return extensions;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

/** Median milliseconds of each phase for `count` synthetic extensions, and the Dockerfile's line count. */
function composeInProcess(count) {
  const available = syntheticCatalogue(count);
  const config = {
    file: 'rockerc.yaml',
    image: { value: 'ubuntu:24.04', location: { file: 'rockerc.yaml', line: 1, column: 1 } },
    syntax: undefined,
    tag: undefined,
    engine: undefined,
    extensions: available.map((e) => ({ ref: { kind: 'name', name: e.manifest.name }, options: [], location: { file: 'rockerc.yaml', line: 2, column: 1 }, loaded: [] })),
    blacklist: [],
    builder: { baseImage: undefined, apt: undefined, images: [] },
    mirrors: [],
    ca: undefined,
    cache: undefined,
  };
  const phases = { resolve: [], order: [], plan: [], render: [], total: [], 'compose()': [] };
  let dockerfile = '';
  for (let run = 0; run < RUNS; run++) {
    // `npm run bench` passes --expose-gc: collect before each run, so one run's garbage is not charged to the next.
    globalThis.gc?.();
    const t0 = performance.now();
    const resolved = resolveExtensions({ config, available });
    const t1 = performance.now();
    const ordered = orderExtensions(resolved);
    const t2 = performance.now();
    const plan = buildPlan({ config, extensions: ordered, rocktsVersion: 'bench', hostUser: undefined, defaultBuilderBaseImage: 'ubuntu:22.04' });
    const t3 = performance.now();
    dockerfile = renderDockerfile(plan).text;
    const t4 = performance.now();
    phases.resolve.push(t1 - t0);
    phases.order.push(t2 - t1);
    phases.plan.push(t3 - t2);
    phases.render.push(t4 - t3);
    phases.total.push(t4 - t0);
    globalThis.gc?.();
    const t5 = performance.now();
    compose({ config, available, rocktsVersion: 'bench', hostUser: undefined });
    phases['compose()'].push(performance.now() - t5);
  }
  return { lines: dockerfile.split('\n').length, phases: Object.fromEntries(Object.entries(phases).map(([name, xs]) => [name, median(xs)])) };
}
// One round first, so the JIT has warmed up before the smallest size is measured.
composeInProcess(COUNTS[0]);
const inProcess = COUNTS.map((count) => [count, composeInProcess(count)]);

/** CPU seconds (user + sys) and wall seconds of one run of `node ...args` in `cwd`. */
function processCost(args, cwd) {
  const t0 = performance.now();
  const out = execFileSync('bash', ['-c', '"$@" >/dev/null; times', 'bench', process.execPath, ...args], { cwd, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  // `times` prints the shell's own line, then its children's: `0m0.184s 0m0.024s`.
  const [user, sys] = out.trim().split('\n')[1].split(' ').map((t) => {
    const [, m, sec] = /^(\d+)m([\d.]+)s$/.exec(t);
    return Number(m) * 60 + Number(sec);
  });
  return { cpu: user + sys, wall };
}

/** The whole-process rows: [command, from, median cost]; none when BENCH_PROCESS_RUNS=0. */
function measureProcesses() {
  if (PROCESS_RUNS === 0) return [];
  const cli = path.join(root, 'bin/run.js');
  const project = mkdtempSync(path.join(os.tmpdir(), 'rockts-bench-project-'));
  copyFileSync(path.join(root, 'rockerc.example.yaml'), path.join(project, 'rockerc.yaml'));
  const measured = [['`node -e 0`', '', ['-e', '0'], project]];
  for (const command of ['dockerfile', 'plan']) {
    measured.push([`\`rockts ${command}\``, 'a project folder', [cli, command], project]);
    measured.push([`\`rockts ${command} -c rockerc.example.yaml\``, 'the rockts checkout', [cli, command, '-c', 'rockerc.example.yaml'], root]);
  }
  // Round-robin, so every command sees the same load on a shared machine.
  const costs = measured.map(() => []);
  try {
    for (let run = 0; run < PROCESS_RUNS; run++) measured.forEach(([, , args, cwd], i) => costs[i].push(processCost(args, cwd)));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
  return measured.map(([command, from], i) => [command, from, { cpu: median(costs[i].map((c) => c.cpu)), wall: median(costs[i].map((c) => c.wall)) }]);
}
const processRows = measureProcesses();
const floorCpu = processRows[0]?.[2].cpu;

console.log(`rockts composition benchmark — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
console.log('');
console.log(`In-process, median of ${RUNS} runs per size; total is the four phases, compose() the whole composition with the image's record; µs/ext is compose() divided by the number of extensions:`);
console.log(`| extensions | Dockerfile lines | ${Object.keys(inProcess[0][1].phases).join(' | ')} | µs/ext |`);
console.log(`|---|---|${Object.keys(inProcess[0][1].phases).map(() => '---|').join('')}---|`);
for (const [count, { lines, phases }] of inProcess) {
  console.log(`| ${count} | ${lines} | ${Object.values(phases).map(ms).join(' | ')} | ${((phases['compose()'] * 1000) / count).toFixed(0)} |`);
}
if (processRows.length > 0) {
  console.log('');
  console.log(`Whole process, median of ${PROCESS_RUNS} runs (CPU = user + sys):`);
  console.log('| command | from | CPU | × `node -e 0` | wall |');
  console.log('|---|---|---|---|---|');
}
for (const [command, from, cost] of processRows) {
  console.log(`| ${command} | ${from} | ${cost.cpu.toFixed(3)} s | ${(cost.cpu / floorCpu).toFixed(1)} | ${cost.wall.toFixed(2)} s |`);
}
