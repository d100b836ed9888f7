/**
 * The record an image carries and the preview computed from it, in-process: compose a
 * project, change it, compare. The engine's side is checked by test/e2e/changes.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decodeRecord, encodeRecord, previewChanges, RECORD_LABEL, recordComposition, type EngineFacts } from '../../src/core/composition-record.js';
import { BUILDAH_FEATURES, DOCKER_20_FEATURES, MODERN_FEATURES } from '../../src/core/plain-forms.js';
import type { DockerfileFeatures } from '../../src/core/plain-forms.js';
import { describeChanges } from '../../src/build/preview-changes.js';
import { composeCase, FIXTURE_EXTENSIONS } from '../helpers/project.js';

const BUILDKIT: EngineFacts = { reportsMetadata: false, mergeOp: true };
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-record-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function composeWith(extensions: string[], image = 'ubuntu:24.04', features?: DockerfileFeatures) {
  await writeFile(path.join(dir, 'rockerc.yaml'), [`image: ${image}`, 'extensions:', ...extensions.map((e) => `  - ${e}`), ''].join('\n'));
  return composeCase(dir, FIXTURE_EXTENSIONS, features);
}

const running = (preview: ReturnType<typeof previewChanges>) => preview.stages.flatMap((s) => s.steps.filter((step) => step.runs).map((step) => `${s.stage}: ${step.text.slice(0, 40)}`));

test('the record is in the rockts.record label, decodes to itself, and is byte-stable', async () => {
  const first = await composeWith(['hello', 'tool', 'links']);
  const again = await composeWith(['links', 'tool', 'hello']);
  expect(again.dockerfile).toBe(first.dockerfile);
  const label = first.plan.final.labels.find((l) => l.name === RECORD_LABEL)!.value;
  expect(label).toBe(encodeRecord(first.record));
  expect(decodeRecord(label)).toEqual(first.record);
  expect(first.record.ext.map((e) => [e.n, e.b, e.f === null])).toEqual([
    ['libbase', null, true],
    ['tool', 'debian:bookworm', true],
    ['hello', 'ubuntu:22.04', false],
    ['links', null, true],
  ]);
});

test('a label that is not a record this rockts reads is no record', () => {
  expect(decodeRecord(undefined)).toBeUndefined();
  expect(decodeRecord('not json')).toBeUndefined();
  expect(decodeRecord('{"v":2}')).toBeUndefined();
  expect(decodeRecord('{"v":1,"rockts":"0.1.0","forms":"modern","image":"x","apt":[],"bases":[],"ext":[{"n":"a"}],"keys":[]}')).toBeUndefined();
});

test('without a previous image everything runs, and the summary says why', async () => {
  const current = await composeWith(['hello', 'links']);
  const preview = previewChanges(undefined, current, BUILDKIT);
  expect(preview.stages.every((s) => s.runs)).toBe(true);
  expect(preview.summary).toBe('2 of 2 builders and 3 of 3 final steps will run (no previous image)');
});

test('reordering the config runs nothing', async () => {
  const before = await composeWith(['hello', 'tool', 'links']);
  const after = await composeWith(['links', 'hello', 'tool']);
  const preview = previewChanges(before.record, after, BUILDKIT);
  expect(preview.changes).toEqual([]);
  expect(running(preview)).toEqual([]);
  expect(preview.summary).toBe('nothing will run: every step is cached');
});

test('an option: its builder from the changed line, and the final stage from its copy', async () => {
  const before = await composeWith(['hello', 'tool', 'links']);
  const after = await composeWith(['hello: { greeting: "ho" }', 'tool', 'links']);
  const preview = previewChanges(before.record, after, BUILDKIT);
  expect(preview.changes).toEqual(['hello: option greeting hello → ho']);
  expect(running(preview)).toEqual([
    'rockts-builder-hello: RUN mkdir -p /opt/rockts/hello/usr/local',
    'rockts-final: COPY --link --from=rockts-builder-hello ',
    'rockts-final: RUN ln -sf /usr/bin/less /usr/local/bin/',
  ]);
  const copy = preview.stages.find((s) => s.kind === 'final')!.steps.find((s) => s.runs)!;
  expect(copy).toMatchObject({ owner: 'hello', expensive: false, ifOutputChanges: true });
  expect(preview.summary).toBe('1 of 4 builders and 2 of 4 final steps will run; nothing else');
  // The apt line's cache mounts are another topic's; the rest is pinned.
  const text = describeChanges({ against: 'p-dev', imageId: 'sha256:0123456789abcdef', preview }).replace(/^ {2}cached {2}RUN --mount=type=cache.*$/m, '  cached  RUN <the apt install>');
  expect(text).toBe(
    [
      'Changes against p-dev (0123456789ab):',
      '  hello: option greeting hello → ho',
      '',
      'Builders:',
      '  runs    rockts-builder-hello: hello: option greeting hello → ho',
      "            RUN mkdir -p /opt/rockts/hello/usr/local/bin && gcc -O2 -DGREETING='\"ho\"' -o /opt/rockts/hello/usr/…  [hello; expensive]",
      '  cached  rockts-builder-base-debian-bookworm, rockts-builder-base, rockts-builder-tool',
      '',
      'Final stage (rockts-final):',
      '  hello: option greeting hello → ho',
      '  rockts-builder-hello rebuilds; its copy re-runs',
      '  first changed step: COPY --link --from=rockts-builder-hello /opt/rockts/hello/ / (hello)',
      '  cached  RUN <the apt install>',
      '  cached  COPY --link --from=rockts-builder-tool /opt/rockts/tool/ /  [tool]',
      "  runs    COPY --link --from=rockts-builder-hello /opt/rockts/hello/ /  [hello; cached after all if its builder's output is unchanged]",
      '  runs    RUN ln -sf /usr/bin/less /usr/local/bin/pager  [links]',
      '',
      'Summary: 1 of 4 builders and 2 of 4 final steps will run; nothing else',
      '',
    ].join('\n'),
  );
});

test('the image: every builder stays cached, every final step runs', async () => {
  const before = await composeWith(['hello', 'links']);
  const after = await composeWith(['hello', 'links'], 'debian:bookworm');
  const preview = previewChanges(before.record, after, BUILDKIT);
  expect(preview.changes).toEqual(['image ubuntu:24.04 → debian:bookworm']);
  expect(preview.stages.filter((s) => s.runs).map((s) => s.stage)).toEqual(['rockts-final']);
  expect(preview.stages.find((s) => s.kind === 'final')!.steps.every((s) => s.runs)).toBe(true);
});

test('an added and a removed extension are named; a version with no text change runs nothing', async () => {
  const before = await composeWith(['hello', 'links']);
  const after = await composeWith(['hello', 'profile']);
  const preview = previewChanges(before.record, after, BUILDKIT);
  expect(preview.changes).toEqual(['profile: added (1.0.0)', 'links: removed', 'final apt packages -less']);
  const bumped = previewChanges({ ...before.record, ext: before.record.ext.map((e) => (e.n === 'links' ? { ...e, v: '0.9.0' } : e)) }, before, BUILDKIT);
  expect(bumped.changes).toEqual(['links: version 0.9.0 → 1.0.0']);
  expect(running(bumped)).toEqual([]);
});

test('without MergeOp a copy that re-runs is a real copy; Podman also reports ENV and the LABEL', async () => {
  const before = await composeWith(['hello', 'tool'], 'ubuntu:24.04', DOCKER_20_FEATURES);
  const after = await composeWith(['hello', 'tool: { version: "3.0.0" }'], 'ubuntu:24.04', DOCKER_20_FEATURES);
  const classic = previewChanges(before.record, after, { reportsMetadata: false, mergeOp: false });
  expect(classic.stages.find((s) => s.kind === 'final')!.steps.filter((s) => s.runs).map((s) => [s.text.slice(0, 34), s.expensive])).toEqual([
    ['COPY --from=rockts-builder-tool /o', true],
    ['COPY --from=rockts-builder-hello /', true],
  ]);
  const podmanBefore = await composeWith(['hello', 'tool'], 'ubuntu:24.04', BUILDAH_FEATURES);
  const podmanAfter = await composeWith(['hello', 'tool: { version: "3.0.0" }'], 'ubuntu:24.04', BUILDAH_FEATURES);
  const podman = previewChanges(podmanBefore.record, podmanAfter, { reportsMetadata: true, mergeOp: false });
  expect(podman.stages.find((s) => s.kind === 'final')!.steps.filter((s) => s.runs).map((s) => s.text.slice(0, 4))).toEqual(['COPY', 'COPY', 'ENV ', 'LABE']);
});

test('a heredoc body is part of its RUN, and cache-mount ids are not part of any key', async () => {
  await mkdir(path.join(dir, 'scripted'));
  await writeFile(path.join(dir, 'scripted/extension.yaml'), 'name: scripted\nversion: 1.0.0\ndescription: heredoc\nrockts: "^0.1"\n');
  await writeFile(path.join(dir, 'scripted/builder.Dockerfile.hbs'), "RUN <<'EOF'\nset -eu\nmkdir -p {{outDir}}\nFROM looks like an instruction\nEOF\nRUN true\n");
  const composed = await composeWith(['./scripted', 'hello']);
  const builder = composed.stages.find((s) => s.stage === 'rockts-builder-scripted')!;
  expect(builder.steps.map((s) => s.text)).toEqual(["RUN <<'EOF' set -eu mkdir -p /opt/rockts/scripted FROM looks like an instruction EOF", 'RUN true']);
  const input = { plan: composed.plan, owners: composed.owners, features: MODERN_FEATURES, filesDigests: new Map<string, string>(), caDigest: undefined };
  const renamed = composed.dockerfile.replace(/id=rockts-apt,/g, 'id=elsewhere,').replace(/sharing=locked/g, 'sharing=shared');
  expect(renamed).not.toBe(composed.dockerfile);
  expect(renamed).toContain('id=elsewhere,');
  expect(recordComposition({ ...input, dockerfile: renamed }).record.keys).toEqual(recordComposition({ ...input, dockerfile: composed.dockerfile }).record.keys);
});

test('a new company CA: the CA copy and every step after it runs, in the builder bases and the final stage', async () => {
  const pem = (name: string) => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, 'ca.pem'), '-days', '1', '-subj', `/CN=${name}`], { stdio: 'pipe' });
  };
  const composeWithCa = async () => {
    await writeFile(path.join(dir, 'rockerc.yaml'), 'image: ubuntu:24.04\nca: ca.pem\nextensions: [hello, links]\n');
    return composeCase(dir, FIXTURE_EXTENSIONS);
  };
  pem('one');
  const before = await composeWithCa();
  pem('two');
  const after = await composeWithCa();
  // The Dockerfile's instructions are the same; only the certificates they copy differ.
  expect(after.stages.map((s) => s.steps.map((step) => step.text))).toEqual(before.stages.map((s) => s.steps.map((step) => step.text)));
  const preview = previewChanges(before.record, after, BUILDKIT);
  expect(preview.stages.filter((s) => s.runs).map((s) => s.stage)).toEqual(['rockts-builder-base', 'rockts-builder-hello', 'rockts-final']);
  expect(running(preview)).toEqual([
    'rockts-builder-base: COPY rockts-ca/ /usr/local/share/ca-cert',
    'rockts-builder-base: RUN update-ca-certificates',
    'rockts-builder-hello: RUN --mount=type=cache,id=rockts-apt,tar',
    'rockts-builder-hello: COPY files/hello/hello.c /src/hello.c',
    'rockts-builder-hello: RUN mkdir -p /opt/rockts/hello/usr/local',
    'rockts-final: COPY rockts-ca/ /usr/local/share/ca-cert',
    'rockts-final: RUN update-ca-certificates',
    'rockts-final: COPY --link --from=rockts-builder-hello ',
    'rockts-final: RUN ln -sf /usr/bin/less /usr/local/bin/',
  ]);
});

test("an extension's section of a joined setup RUN is its text: a change there is named as its template's", async () => {
  await mkdir(path.join(dir, 'glue'));
  await writeFile(path.join(dir, 'glue/extension.yaml'), 'name: glue\nversion: 1.0.0\ndescription: setup\nrockts: "^0.1"\n');
  await writeFile(path.join(dir, 'glue/setup.Dockerfile.hbs'), 'RUN echo one\n');
  const before = await composeWith(['links', './glue']);
  expect(before.dockerfile).toContain("echo '### rockts: glue setup'");
  await writeFile(path.join(dir, 'glue/setup.Dockerfile.hbs'), 'RUN echo two\n');
  const after = await composeWith(['links', './glue']);
  const t = (record: typeof before.record, name: string) => record.ext.find((e) => e.n === name)!.t;
  expect(t(after.record, 'links')).toBe(t(before.record, 'links'));
  expect(t(after.record, 'glue')).not.toBe(t(before.record, 'glue'));
  expect(previewChanges(before.record, after, BUILDKIT).changes).toEqual(['glue: template changed']);
});
