/**
 * Parsed deps files → what the `deps` extension contributes, laid out for the cache:
 * apt packages join the final stage's one apt install (unless a layer before them can
 * change apt's sources: then they are installed where deps_rocker installs them), env
 * joins the env group, and every other layer (pip, pyproject, run, scripts, late apt)
 * becomes Dockerfile text in layer order in the extension's setup (root) or user
 * snippet, which sit last in the final stage. Every value is checked here before it
 * reaches Dockerfile text. No file system: the loader reads scripts and wheels.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { filesDirFor } from '../../core/build-plan.js';
import { RocktsError } from '../../core/errors.js';
import { ABSOLUTE_PATH, APT_PACKAGE, CONTROL_CHARACTER, describeValue, ENV_NAME } from '../../core/grammar.js';
import { compareCodePoints } from '../../core/suggest.js';
import type { Located, SourceLocation } from '../../core/types.js';
import { orderLayers } from './order-layers.js';
import type { DepsCommand, DepsFile } from './parse-deps-file.js';

export const DEPS_EXTENSION = 'deps';
/** Where script and wheel files are copied in the image. */
const IMAGE_DIR = '/opt/rockts/deps';
const INDENT = '    ';

/** A PEP 508 requirement without a URL: name, extras, version specifiers, environment marker. */
const VERSION = '(?:===|==|!=|~=|<=|>=|<|>)\\s*[A-Za-z0-9.*+!_-]+';
export const PIP_REQUIREMENT = new RegExp(
  `^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\\s*\\[\\s*[A-Za-z0-9._-]+(?:\\s*,\\s*[A-Za-z0-9._-]+)*\\s*\\])?\\s*(?:\\(?\\s*${VERSION}(?:\\s*,\\s*${VERSION})*\\s*\\)?)?\\s*(?:;[ -~]+)?$`,
);
/** A wheel file's name (https://packaging.python.org/en/latest/specifications/binary-distribution-format/). */
const WHEEL_FILE = /^[A-Za-z0-9._+-]+\.whl$/;

/** A file the build context carries for the deps extension, below files/deps/. */
export interface ContextFile {
  readonly path: string;
  readonly content: Buffer;
}

export interface DepsInput {
  readonly projectDir: string;
  readonly files: readonly DepsFile[];
  /** Every script and wheel the files name, by absolute path, read (and confined) by the loader. */
  readonly contents: ReadonlyMap<string, Buffer>;
  /** The dependencies of the project's pyproject.toml files, for a `pyproject` layer. */
  readonly pyproject: readonly Located<string>[];
}

/** Where one layer went, for `rockts plan`. */
export interface DepsLayer {
  readonly key: string;
  readonly placement: 'apt install' | 'env group' | 'setup' | 'user';
  readonly items: readonly string[];
  readonly files: readonly string[];
}

export interface DepsContribution {
  readonly apt: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string; readonly location: SourceLocation }[];
  readonly path: readonly string[];
  /** Dockerfile text for the root setup and the user snippet ('' when none). */
  readonly setup: string;
  readonly user: string;
  readonly contextFiles: readonly ContextFile[];
  readonly layers: readonly DepsLayer[];
}

interface Layer {
  readonly key: string;
  readonly command: DepsCommand;
  readonly asUser: boolean;
  readonly values: readonly (Located<string> & { readonly file: string })[];
}

/** The files a deps file names: scripts and wheels, resolved against the deps file's folder. */
export function referencedFiles(files: readonly DepsFile[]): { path: string; location: SourceLocation }[] {
  return files.flatMap((f) =>
    f.entries.flatMap((e) =>
      e.values.filter((v) => e.command === 'script' || (e.command === 'pip' && v.value.endsWith('.whl'))).map((v) => ({ path: path.resolve(path.dirname(f.file), v.value), location: v.location })),
    ),
  );
}

export function composeDeps(input: DepsInput): DepsContribution {
  const problems: RocktsError[] = [];
  const fail = (message: string, location: SourceLocation) => void problems.push(new RocktsError('CONFIG_INVALID', message, { location }));
  /** Keeps the values that pass `test`; each other one is a located problem. */
  const valid = <T extends Located<string>>(values: readonly T[], test: (value: string) => boolean, message: (found: string) => string) =>
    values.filter((v) => test(v.value) || (fail(message(describeValue(v.value)), v.location), false));
  const layers = mergeLayers(input.files);
  // Root layers in order, then user layers. deps_rocker installs a user layer's apt packages
  // as the user, which apt refuses: rockts installs them as root, after the root layers.
  const sequence = [
    ...layers.filter((l) => !l.asUser),
    ...layers.filter((l) => l.asUser && l.command === 'apt'),
    ...layers.filter((l) => l.asUser && l.command !== 'apt'),
  ];
  const apt = new Set<string>();
  const env: DepsContribution['env'][number][] = [];
  const pathDirs: string[] = [];
  const setup: string[] = [];
  const user: string[] = [];
  const contextFiles: ContextFile[] = [];
  const summary: DepsLayer[] = [];
  let sourcesChanged = false;
  const relative = (file: string) => path.relative(input.projectDir, file) || '.';

  const emit = (layer: Layer, placement: DepsLayer['placement'], items: readonly string[], text?: string) => {
    summary.push({ key: layer.key, placement, items, files: [...new Set(layer.values.map((v) => relative(v.file)))] });
    if (text === undefined) return;
    (placement === 'user' ? user : setup).push(`# ${layer.key} (${summary[summary.length - 1]!.files.join(', ')})\n${text}`);
  };

  for (const layer of sequence) {
    const placement = layer.asUser && layer.command !== 'apt' ? 'user' : 'setup';
    const values = valid(layer.values, (v) => !CONTROL_CHARACTER.test(v) && !v.includes('{{'), (found) => `deps key '${layer.key}': expected a value on one line without '{{', found ${found}`);
    switch (layer.command) {
      case 'apt': {
        const named = valid(values, (v) => APT_PACKAGE.test(v), (found) => `deps key '${layer.key}': expected a Debian package name such as curl or libssl-dev=3.0.2-0, found ${found}`);
        const packages = sortedUnique(named.map((v) => v.value));
        if (!sourcesChanged) {
          for (const p of packages) apt.add(p);
          emit(layer, 'apt install', packages);
        } else {
          emit(layer, placement, packages, aptInstall(packages));
        }
        break;
      }
      case 'add-apt-repository': {
        apt.add('software-properties-common');
        const repositories = unique(values.map((v) => v.value));
        emit(layer, placement, repositories, continued(repositories.map((r) => `add-apt-repository -y ${shellWord(r)}`)));
        sourcesChanged = true;
        break;
      }
      case 'env':
        for (const v of values) parseEnv(v, layer.key, env, pathDirs, fail);
        emit(layer, 'env group', unique(values.map((v) => v.value)));
        break;
      case 'pip':
      case 'pyproject': {
        const requirements = layer.command === 'pip' ? values : input.pyproject.map((v) => ({ ...v, file: v.location.file }));
        const { words, wheels } = pipWords(layer, requirements, input.contents, fail);
        if (words.length === 0) {
          emit(layer, placement, []);
          break;
        }
        const copy = wheels.length > 0 ? `COPY ${filesDirFor(DEPS_EXTENSION)}/${layer.key}/ ${IMAGE_DIR}/${layer.key}/\n` : '';
        contextFiles.push(...wheels);
        emit(layer, placement, words, `${digestComment(wheels)}${copy}RUN PIP_BREAK_SYSTEM_PACKAGES=1 pip3 install -U \\\n${words.map((w) => `${INDENT}${w}`).join(' \\\n')}`);
        break;
      }
      case 'run': {
        // A heredoc would take the lines after it as its body: text no deps file wrote.
        const noHeredoc = valid(values, (v) => !/<<(?!<)/.test(v), (found) => `deps key '${layer.key}': expected a command without a heredoc (<<), found ${found}`);
        // A trailing backslash would continue the command into the joining `&&` or the next instruction.
        const checked = valid(noHeredoc, (v) => !v.endsWith('\\'), (found) => `deps key '${layer.key}': expected a command that does not end in a backslash, found ${found}`);
        const commands = unique(checked.map((v) => v.value));
        emit(layer, placement, commands, continued(commands));
        sourcesChanged = true;
        break;
      }
      case 'script': {
        const scripts = [...new Set(values.map((v) => path.resolve(path.dirname(v.file), v.value)))].sort(compareCodePoints);
        const script = combinedScript(layer.key, scripts, input.contents, relative);
        contextFiles.push(script);
        emit(layer, placement, scripts.map(relative), `${digestComment([script])}COPY ${script.path} ${IMAGE_DIR}/${layer.key}\nRUN bash ${IMAGE_DIR}/${layer.key}`);
        sourcesChanged = true;
        break;
      }
    }
  }
  if (problems.length > 0) throw RocktsError.combine(problems);
  return { apt: sortedUnique([...apt]), env, path: pathDirs, setup: setup.join('\n'), user: user.join('\n'), contextFiles, layers: summary };
}

/**
 * The words of a pip layer's install, sorted: requirements single-quoted, wheels as
 * their path in the image (the wheels themselves travel in the build context).
 */
function pipWords(
  layer: Layer,
  requirements: readonly (Located<string> & { readonly file: string })[],
  contents: ReadonlyMap<string, Buffer>,
  fail: (message: string, location: SourceLocation) => void,
): { words: string[]; wheels: ContextFile[] } {
  const words: string[] = [];
  const wheels: ContextFile[] = [];
  for (const v of requirements) {
    if (layer.command === 'pip' && v.value.endsWith('.whl')) {
      const name = path.basename(v.value);
      if (!WHEEL_FILE.test(name)) fail(`deps key '${layer.key}': expected a wheel file name such as tool-1.0-py3-none-any.whl, found ${describeValue(name)}`, v.location);
      const content = contents.get(path.resolve(path.dirname(v.file), v.value));
      if (content === undefined) continue;
      wheels.push({ path: `${filesDirFor(DEPS_EXTENSION)}/${layer.key}/${name}`, content });
      words.push(`${IMAGE_DIR}/${layer.key}/${name}`);
    } else if (PIP_REQUIREMENT.test(v.value)) {
      words.push(shellWord(v.value));
    } else {
      fail(`deps key '${layer.key}': expected a pip requirement such as requests or numpy>=1.26, or a wheel file (.whl) beside the deps file, found ${describeValue(v.value)}`, v.location);
    }
  }
  return { words: sortedUnique(words), wheels };
}

/** A script layer's scripts as one file, in path order, each under a comment naming it, without `sudo`. */
function combinedScript(key: string, scripts: readonly string[], contents: ReadonlyMap<string, Buffer>, relative: (file: string) => string): ContextFile {
  const parts = scripts.flatMap((s) => {
    const content = contents.get(s);
    return content === undefined ? [] : [`# ${relative(s)}\n${withoutSudo(content.toString('utf8'))}`];
  });
  return { path: `${filesDirFor(DEPS_EXTENSION)}/${key}`, content: Buffer.from(`#!/bin/bash\n${parts.join('\n')}`) };
}

/** Entries with the same key, from every file, form one layer; its values keep the first place each was written. */
function mergeLayers(files: readonly DepsFile[]): Layer[] {
  return orderLayers(files).map((key) => {
    const entries = files.flatMap((f) => f.entries.filter((e) => e.key === key).map((e) => ({ ...e, file: f.file })));
    const values = entries.flatMap((e) => e.values.map((v) => ({ ...v, file: e.file })));
    return { key, command: entries[0]!.command, asUser: entries[0]!.asUser, values };
  });
}

/**
 * `NAME=value` (deps_rocker writes it after ENV). The env group sets values literally,
 * so `$` is refused, except PATH=DIR:...:$PATH, whose directories are prepended to PATH.
 */
function parseEnv(
  v: Located<string>,
  key: string,
  env: { name: string; value: string; location: SourceLocation }[],
  pathDirs: string[],
  fail: (message: string, location: SourceLocation) => void,
): void {
  const match = /^([^=\s]+)=(.*)$/.exec(v.value);
  const name = match?.[1] ?? '';
  const value = (match?.[2] ?? '').replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  if (!match || !ENV_NAME.test(name)) return fail(`deps key '${key}': expected NAME=value, found ${describeValue(v.value)}`, v.location);
  if (name === 'PATH') {
    const dirs = value.split(':');
    const ok = dirs.length > 1 && /^\$\{?PATH\}?$/.test(dirs[dirs.length - 1]!) && dirs.slice(0, -1).every((d) => ABSOLUTE_PATH.test(d));
    if (!ok) return fail(`deps key '${key}': expected PATH=/dir[:/dir...]:$PATH (directories put before PATH), found ${describeValue(v.value)}`, v.location);
    for (const dir of dirs.slice(0, -1)) if (!pathDirs.includes(dir)) pathDirs.push(dir);
    return;
  }
  if (value.includes('$')) return fail(`deps key '${key}': expected a literal value (rockts sets ${name} as written; $ is not expanded), found ${describeValue(value)}`, v.location);
  const earlier = env.find((e) => e.name === name);
  if (!earlier) env.push({ name, value, location: v.location });
  else if (earlier.value !== value) {
    fail(`deps key '${key}': ${name} is set twice, to ${JSON.stringify(earlier.value)} and ${JSON.stringify(value)}; expected one value`, v.location);
  }
}

/** One apt-get install for packages that need the sources a layer before them added. */
function aptInstall(packages: readonly string[]): string {
  return [
    'RUN apt-get update',
    `${INDENT}&& DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends`,
    ...packages.map((p) => `${INDENT}${INDENT}${p}`),
    `${INDENT}&& rm -rf /var/lib/apt/lists/*`,
  ].join(' \\\n');
}

/**
 * `RUN a \` / `    && b`: one RUN, as deps_rocker's run layer. deps_rocker put the
 * entries side by side, so entries written to chain (ending in &&, ||, ; or |) continue
 * as written.
 */
function continued(commands: readonly string[]): string {
  return commands.map((c, i) => (i === 0 ? `RUN ${c}` : /(?:&&|\|\||;|\|)\s*$/.test(commands[i - 1]!) ? `${INDENT}${c}` : `${INDENT}&& ${c}`)).join(' \\\n');
}

/** A comment with the files' digest, so a changed script changes the composition (and `rockts run` rebuilds). */
function digestComment(files: readonly ContextFile[]): string {
  if (files.length === 0) return '';
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.path).update('\0').update(f.content).update('\0');
  return `# files sha256:${hash.digest('hex').slice(0, 16)}\n`;
}

/** deps_rocker drops `sudo` so a script written for the host runs as root in the build; here only the word sudo. */
function withoutSudo(script: string): string {
  const text = script.replace(/(^|[\s;&|(`])sudo\b[ \t]*/gm, '$1');
  return text.endsWith('\n') ? text : `${text}\n`;
}

function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function sortedUnique(items: readonly string[]): string[] {
  return unique(items).sort(compareCodePoints);
}
