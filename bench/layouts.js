// Layout experiment (not a test; figures go to the README with the machine named):
// `node bench/layouts.js` on Docker with the containerd image store and the base image
// of scripts/ci/engine-up.sh. Builds hand-written final stages in three layouts, side by
// side, round-robin, BENCH_LAYOUT_RUNS times, after one uncounted round that fills the
// experiment's apt cache:
//  - today: one apt install for every package, one RUN per extension's setup (10);
//  - bands: two apt installs, the packages of extensions at or above the default
//    cachePriority (10), then the rest;
//  - oneglue: one apt install, one RUN for all ten setups, each section announcing itself.
// For each, "change image:" builds on a derived image no build has seen (the base plus
// one file), and "add an extension" then adds a low-priority extension with one apt
// package and one setup step. It prints the wall time and the summed time of the apt
// and the setup steps that re-ran (BuildKit's DONE times), per run and as medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = 'rockts-test/bookworm:base';
const RUNS = Number(process.env.BENCH_LAYOUT_RUNS ?? 3);
const CACHE = '/var/cache/rockts-apt';
const stamp = `${process.pid}${Date.now()}`.slice(-8);

/** The apt install as rockts writes it (render-dockerfile.ts), with a cache of the experiment's own. */
const aptInstall = (packages) =>
  [
    `RUN --mount=type=cache,id=rockts-apt-bench-layouts,target=${CACHE},sharing=locked \\`,
    '    . /etc/os-release \\',
    `    && apt="${CACHE}/$ID-\${VERSION_ID:-$VERSION_CODENAME}-$(dpkg --print-architecture)" \\`,
    '    && mkdir -p "$apt/archives/partial" "$apt/lists/partial" \\',
    '    && set -- -o Dir::Cache="$apt" -o Dir::State::lists="$apt/lists" \\',
    '    && apt-get "$@" update \\',
    '    && DEBIAN_FRONTEND=noninteractive apt-get "$@" install --yes --no-install-recommends \\',
    ...packages.map((p, i) => `        ${p}${i === packages.length - 1 ? '' : ' \\'}`),
  ].join('\n');

const STABLE_APT = ['bzip2', 'file', 'jq', 'less', 'patch', 'rsync', 'strace', 'unzip', 'xz-utils', 'zip'];
const PROJECT_APT = ['bc'];
const ADDED_APT = 'tree';
const SETUP = Array.from({ length: 10 }, (_, i) => [`ext${i}`, `ln -sf /usr/bin/less /usr/local/bin/pager${i} && echo 'export EXT${i}=1' > /etc/profile.d/ext${i}.sh`]);

function dockerfile(layout, image, add) {
  const project = add ? [...PROJECT_APT, ADDED_APT].sort() : PROJECT_APT;
  const lines = [`FROM ${image} AS rockts-final`];
  if (layout.apt === 'single') lines.push(aptInstall([...STABLE_APT, ...project].sort()));
  else lines.push(aptInstall(STABLE_APT), aptInstall(project));
  if (layout.setup === 'each') for (const [name, command] of SETUP) lines.push(`# ${name}: setup`, `RUN ${command}`);
  else lines.push(['RUN set -e \\', ...SETUP.map(([name, command], i) => `    ${i === 0 ? '' : '&& '}echo '### rockts: ${name} setup' && ${command} \\`), '    && true'].join('\n'));
  if (add) lines.push('# added: setup', 'RUN ln -sf /usr/bin/tree /usr/local/bin/t');
  return `${lines.join('\n')}\n`;
}

function build(dir, layout, image, add) {
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(layout, image, add));
  const t0 = performance.now();
  const result = spawnSync('docker', ['build', '--network=host', '--progress=plain', '-t', layout.tag, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(result.stderr.slice(-3000));
  const names = new Map();
  const done = new Map();
  const cached = new Set();
  for (const line of result.stderr.split('\n')) {
    const step = /^#(\d+) \[rockts-final +\d+\/\d+\] (RUN .*)$/.exec(line);
    if (step) names.set(step[1], step[2]);
    const finished = /^#(\d+) DONE ([\d.]+)s$/.exec(line);
    if (finished) done.set(finished[1], Number(finished[2]));
    if (/^#\d+ CACHED$/.test(line)) cached.add(line.slice(1, line.indexOf(' ')));
  }
  const rerun = [...names].filter(([id]) => !cached.has(id));
  const sum = (keep) => rerun.filter(([, name]) => keep(name)).reduce((total, [id]) => total + (done.get(id) ?? 0), 0);
  return { wall, apt: sum((name) => name.includes('rockts-apt')), setup: sum((name) => !name.includes('rockts-apt')), runs: rerun.length };
}

const layouts = [
  { name: 'today', apt: 'single', setup: 'each' },
  { name: 'bands', apt: 'bands', setup: 'each' },
  { name: 'oneglue', apt: 'single', setup: 'one' },
].map((l) => ({ ...l, tag: `rockts-bench-layouts:${l.name}-${stamp}` }));
const dir = mkdtempSync(path.join(os.tmpdir(), 'rockts-bench-layouts-'));
const results = [];
try {
  for (let run = -1; run < RUNS; run++) {
    for (const layout of layouts) {
      const image = `rockts-bench-layouts/final-base:${stamp}-${run}-${layout.name}`;
      const container = `rockts-bench-layouts-${stamp}-${run}-${layout.name}`;
      execFileSync('docker', ['run', '--network=host', '--name', container, BASE, 'sh', '-c', `echo ${container} > /etc/rockts-bench`]);
      try {
        execFileSync('docker', ['commit', container, image]);
      } finally {
        execFileSync('docker', ['rm', '--force', container]);
      }
      try {
        const row = { run, layout: layout.name, change: build(dir, layout, image, false), add: build(dir, layout, image, true) };
        if (run >= 0) results.push(row);
        console.log(JSON.stringify(row));
      } finally {
        execFileSync('docker', ['image', 'rm', '--force', image, layout.tag]);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('');
console.log(`| layout | change | wall | apt steps | setup steps | RUN steps re-run |   (median of ${RUNS}, ${os.cpus().length} CPUs)`);
console.log('|---|---|---|---|---|---|');
for (const layout of layouts) {
  for (const change of ['change', 'add']) {
    const rows = results.filter((r) => r.layout === layout.name).map((r) => r[change]);
    const s = (key) => `${median(rows.map((r) => r[key])).toFixed(1)} s`;
    console.log(`| ${layout.name} | ${change === 'change' ? 'change `image:`' : 'add an extension'} | ${s('wall')} | ${s('apt')} | ${s('setup')} | ${rows[0].runs} |`);
  }
}
