import { compose } from '../../src/core/compose.js';
import { applyMirrors, describeBadMirrorUrl, type Mirror } from '../../src/core/mirrors.js';
import { checkTemplate, renderTemplate, type TemplateContext } from '../../src/core/templates.js';
import type { LoadedConfig } from '../../src/core/types.js';
import { fakeConfig, fakeExtension } from '../helpers/fake-extension.js';

const at = { file: 'rockerc.yaml', line: 1, column: 1 };
const mirror = (upstream: string, to: string): Mirror => ({ upstream: { value: upstream, location: at }, mirror: { value: to, location: at } });

test('the longest matching upstream prefix wins, whatever the order of the map', () => {
  const mirrors = [mirror('https://github.com/', 'https://git.example/gh/'), mirror('https://github.com/prefix-dev/pixi/', 'https://pixi.example/')];
  expect(applyMirrors('https://github.com/prefix-dev/pixi/releases/download/', mirrors)).toBe('https://pixi.example/releases/download/');
  expect(applyMirrors('https://github.com/prefix-dev/pixi/releases/download/', [...mirrors].reverse())).toBe('https://pixi.example/releases/download/');
  expect(applyMirrors('https://github.com/dfeneyrou/palanteer.git', mirrors)).toBe('https://git.example/gh/dfeneyrou/palanteer.git');
});

test('a URL no upstream matches is left as written', () => {
  expect(applyMirrors('https://nodejs.org/dist/', [mirror('https://nodejs.org/download/', 'https://m.example/')])).toBe('https://nodejs.org/dist/');
  expect(applyMirrors('https://nodejs.org/dist/', [])).toBe('https://nodejs.org/dist/');
});

test('an upstream with a trailing slash also matches the folder written without one', () => {
  expect(applyMirrors('https://static.rust-lang.org', [mirror('https://static.rust-lang.org/', 'https://m.example/rust/')])).toBe('https://m.example/rust');
});

test.each([
  ['https://mirror.example/nodejs/', undefined],
  ['http://127.0.0.1:8443/node/', undefined],
  ['https://artifactory.example/api/npm/remote~1/', undefined],
  ['nodejs.org/dist/', 'an http(s) URL prefix'],
  ['ftp://mirror.example/', 'an http(s) URL prefix'],
  ['https://m.example/a b/', 'an http(s) URL prefix'],
  ['https://m.example/"; RUN id #', 'an http(s) URL prefix'],
  ['https://m.example/?q=1', 'an http(s) URL prefix'],
  ['https://user:pw@m.example/', 'a URL without credentials'],
])('%s as a mirror URL', (url, expected) => {
  const problem = describeBadMirrorUrl(url);
  if (expected === undefined) expect(problem).toBeUndefined();
  else expect(problem).toContain(expected);
});

describe('the url template helper', () => {
  const extension = fakeExtension({ name: 'demo', builder: 'RUN true' });
  const context: TemplateContext = { name: 'demo', version: '1.0.0', options: {}, outDir: '/opt/rockts/demo', stage: 'rockts-builder-demo', builderBaseImage: 'ubuntu:22.04', filesDir: 'files/demo' };
  const check = (text: string) => checkTemplate({ kind: 'builder', file: 'demo/builder.Dockerfile.hbs', text }, extension).map((e) => e.message);

  test('renders the upstream URL without mirrors and the mirror URL with one', () => {
    const template = { kind: 'builder' as const, file: 'demo/builder.Dockerfile.hbs', text: 'RUN curl -fsSLO "{{url "https://nodejs.org/dist/"}}v22.11.0/SHASUMS256.txt"' };
    expect(renderTemplate(template, context)).toBe('RUN curl -fsSLO "https://nodejs.org/dist/v22.11.0/SHASUMS256.txt"');
    expect(renderTemplate(template, { ...context, mirrors: [mirror('https://nodejs.org/', 'https://m.example/node/')] })).toBe('RUN curl -fsSLO "https://m.example/node/dist/v22.11.0/SHASUMS256.txt"');
  });

  test.each([
    ['RUN curl {{url name}}', 'found the variable name'],
    ['RUN curl {{url}}', 'found nothing'],
    ['RUN curl {{url "nodejs.org/dist/"}}', 'found "nodejs.org/dist/"'],
    ['RUN curl {{url "https://a.example/" "https://b.example/"}}', 'found "https://a.example/" "https://b.example/"'],
  ])('refuses %s before rendering', (text, found) => {
    expect(check(text)).toEqual([`extension 'demo': expected one quoted http(s) URL after url, such as {{url "https://nodejs.org/dist/"}}, found ${found.replace(/^found /, '')}`]);
  });
});

test('mirrors that no template URL matches leave the Dockerfile byte-identical', () => {
  const available = [fakeExtension({ name: 'tool', builder: 'RUN curl -fsSLO {{url "https://tools.example/v1/tool.tar.gz"}}' })];
  const base = fakeConfig('ubuntu:24.04', ['tool']);
  const render = (config: LoadedConfig) => compose({ config, available, rocktsVersion: '0.0.0-test', hostUser: undefined }).dockerfile;
  const unrelated: LoadedConfig = { ...base, mirrors: [mirror('https://nodejs.org/dist/', 'https://m.example/node/')] };
  const related: LoadedConfig = { ...base, mirrors: [mirror('https://tools.example/', 'https://m.example/tools/')] };
  expect(render(unrelated)).toBe(render(base));
  expect(render(related)).toContain('RUN curl -fsSLO https://m.example/tools/v1/tool.tar.gz');
});

test('a company CA adds the same lines whatever its certificates, and its sha256 changes the config label', () => {
  const available = [fakeExtension({ name: 'tool', builder: 'RUN true' })];
  const base = fakeConfig('ubuntu:24.04', ['tool']);
  const withCa = (sha256: string): LoadedConfig => ({ ...base, ca: { file: { value: '/p/company-ca.pem', location: at }, sha256 } });
  const render = (config: LoadedConfig) => compose({ config, available, rocktsVersion: '0.0.0-test', hostUser: undefined });
  const [a, b] = [render(withCa('a'.repeat(64))), render(withCa('b'.repeat(64)))];
  // The labels differ: the config hash, and the record's step keys (the CA copies differ).
  const withoutLabel = (text: string) => text.replace(/rockts\.config="[^"]*"/, '').replace(/rockts\.record="(?:[^"\\]|\\.)*"/, '');
  expect(withoutLabel(a.dockerfile)).toBe(withoutLabel(b.dockerfile));
  expect(a.plan.configHash).not.toBe(b.plan.configHash);
  expect(a.record.keys).not.toEqual(b.record.keys);
  // Once in the builder base, once in the final stage; and without ca: not at all.
  expect(a.dockerfile.match(/^RUN update-ca-certificates$/gm)).toHaveLength(2);
  expect(render(base).dockerfile).not.toMatch(/update-ca-certificates|rockts-ca/);
});
