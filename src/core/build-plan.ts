/**
 * Ordered extensions → Plan: the builder base stages, one builder stage per extension
 * with a builder template, and the final stage's groups (apt, copies, env, root setup,
 * user switch and per-user snippets, labels), each group in extension order.
 */
import { createHash } from 'node:crypto';
import { CA_PACKAGE } from './company-ca.js';
import { RocktsError, throwIfAny } from './errors.js';
import { CONTROL_CHARACTER, USER_NAME } from './grammar.js';
import { baseStageName, builderStageName, isOwnStageName } from './stage-names.js';
import { compareCodePoints } from './suggest.js';
import { renderTemplate, renderValue, type TemplateContext } from './templates.js';
import type { SourceLocation } from './errors.js';
import type { BuilderBaseStage, BuilderStage, Config, FinalStage, HostUser, OrderedExtension, Plan, Snippet, TemplateKind } from './types.js';

/** The builder base's apt set when the config does not give one. It never depends on the extensions. */
export const DEFAULT_BUILDER_APT: readonly string[] = ['build-essential', 'ca-certificates', 'cmake', 'curl', 'git'];

export interface PlanInput {
  readonly config: Config;
  readonly extensions: readonly OrderedExtension[];
  readonly rocktsVersion: string;
  /** The host user templates see as `user`; required when an extension switches to it. */
  readonly hostUser: HostUser | undefined;
  /** The default builder base image (config builder.baseImage or the rockts default). */
  readonly defaultBuilderBaseImage: string;
}

export function outDirFor(extension: string): string {
  return `/opt/rockts/${extension}`;
}

/** Where an extension's files/ folder sits in the build context. */
export function filesDirFor(extension: string): string {
  return `files/${extension}`;
}

export function buildPlan(input: PlanInput): Plan {
  const { config, extensions, hostUser } = input;
  const problems: RocktsError[] = [];
  const image = config.image.value;

  const switching = extensions.filter((e) => e.extension.manifest.final.switchUser);
  if (switching.length > 1) {
    problems.push(new RocktsError('COMPOSITION_CONFLICT', `extensions ${switching.map((e) => `'${e.name}'`).join(' and ')} both switch the user (final.switchUser); enable only one`));
  }
  if (switching.length > 0 && hostUser === undefined) {
    problems.push(new RocktsError('COMPOSITION_CONFLICT', `extension '${switching[0]!.name}' switches to the host user, but the host user is not known`));
  }
  if (hostUser !== undefined && !USER_NAME.test(hostUser.name)) {
    problems.push(new RocktsError('COMPOSITION_CONFLICT', `the host user name ${JSON.stringify(hostUser.name)} is not a valid Linux user name (expected ${USER_NAME.source})`));
  }
  // Templates see the home as user.home: it must not be able to add Dockerfile text.
  if (hostUser !== undefined && (!hostUser.home.startsWith('/') || CONTROL_CHARACTER.test(hostUser.home))) {
    problems.push(new RocktsError('COMPOSITION_CONFLICT', `the host user's home ${JSON.stringify(hostUser.home)} is not an absolute path without control characters`));
  }
  problems.push(...stageNameImages(config, extensions));
  throwIfAny(problems);

  const templateFile = (e: OrderedExtension, kind: TemplateKind) => e.extension.templates.find((t) => t.kind === kind)?.file ?? e.extension.manifestFile;
  const render = (e: OrderedExtension, kind: TemplateKind): string | undefined => {
    const template = e.extension.templates.find((t) => t.kind === kind);
    if (!template) return undefined;
    const context: TemplateContext = {
      name: e.name,
      version: e.extension.manifest.version,
      options: e.optionValues,
      outDir: outDirFor(e.name),
      stage: builderStageName(e.name),
      builderBaseImage: e.builderBaseImage,
      filesDir: filesDirFor(e.name),
      image,
      user: hostUser,
      mirrors: config.mirrors,
    };
    try {
      return renderTemplate(template, context);
    } catch (error) {
      if (error instanceof RocktsError) problems.push(error);
      else throw error;
      return undefined;
    }
  };

  const baseStages = new Map<string, BuilderBaseStage>();
  const builders: BuilderStage[] = [];
  const companyCa = config.ca !== undefined;
  const caApt = companyCa ? [CA_PACKAGE] : [];
  const builderApt = sortedUnique([...(config.builder.apt ?? DEFAULT_BUILDER_APT.map((value) => ({ value }))).map((a) => a.value), ...caApt]);
  for (const e of extensions) {
    const body = render(e, 'builder');
    if (body === undefined) continue;
    if (body === '') {
      problems.push(new RocktsError('TEMPLATE_INVALID', `extension '${e.name}': builder.Dockerfile.hbs rendered no instructions`, { location: { file: e.extension.templates.find((t) => t.kind === 'builder')!.file, line: 1, column: 1 } }));
      continue;
    }
    let base = baseStages.get(e.builderBaseImage);
    if (!base) {
      base = { stage: baseStageName(e.builderBaseImage, input.defaultBuilderBaseImage), image: e.builderBaseImage, apt: builderApt };
      baseStages.set(e.builderBaseImage, base);
    }
    builders.push({ stage: builderStageName(e.name), extension: e.name, file: templateFile(e, 'builder'), base: base.stage, apt: sortedUnique(e.extension.manifest.builder.apt), body });
  }

  // Builder stages are named rockts-builder-<name>; an extension called `base` (or
  // base-<image slug>) would take the name of a shared builder base stage.
  const baseStageNames = new Set([...baseStages.values()].map((b) => b.stage));
  for (const builder of builders) {
    if (baseStageNames.has(builder.stage)) {
      problems.push(
        new RocktsError('COMPOSITION_CONFLICT', `extension '${builder.extension}' would name its builder stage ${builder.stage}, which is the name of a shared builder base stage; rename the extension`, {
          location: { file: builder.file, line: 1, column: 1 },
        }),
      );
    }
  }
  const withBuilder = new Set(builders.map((b) => b.extension));
  const copies: FinalStage['copies'][number][] = [];
  for (const e of extensions) {
    if (!withBuilder.has(e.name)) continue;
    const copy = e.extension.manifest.final.copy;
    const stage = builderStageName(e.name);
    if (copy.kind === 'default') copies.push({ extension: e.name, stage, from: `${outDirFor(e.name)}/`, to: '/' });
    if (copy.kind === 'list') for (const entry of copy.entries) copies.push({ extension: e.name, stage, ...entry });
  }

  const env = composeEnv(extensions, problems);
  const snippets = (kind: TemplateKind): Snippet[] =>
    extensions.flatMap((e) => {
      const body = render(e, kind);
      return body ? [{ extension: e.name, body, file: templateFile(e, kind) }] : [];
    });
  const setup = snippets('setup');
  const userSnippets = snippets('user');
  throwIfAny(problems);

  const baseList = [...baseStages.values()];
  const final = {
    image,
    apt: sortedUnique([...extensions.flatMap(finalApt), ...caApt]),
    copies,
    env,
    setup,
    user: switching.length > 0 ? hostUser!.name : undefined,
    userSnippets,
  };
  // Template paths are for messages only: where rockts or the project is checked out
  // must not change the hash (it labels images and decides whether run rebuilds).
  const withoutFile = <T extends { file: string }>({ file: _file, ...rest }: T) => rest;
  const configHash = hashComposition({
    image,
    syntax: config.syntax?.value ?? null,
    // The CA's contents are not in the Dockerfile; a new CA must still mean a new composition.
    ...(companyCa ? { ca: config.ca!.sha256 ?? null } : {}),
    builderBases: baseList,
    builders: builders.map(withoutFile),
    final: { ...final, setup: final.setup.map(withoutFile), userSnippets: final.userSnippets.map(withoutFile) },
    extensions: extensions.map((e) => ({ name: e.name, version: e.extension.manifest.version, options: e.options.map((o) => [o.name, o.value]) })),
  });
  return {
    rocktsVersion: input.rocktsVersion,
    configName: config.file.split(/[\\/]/).pop() ?? config.file,
    syntax: config.syntax?.value,
    dockerfile: config.dockerfile && { file: relativeTo(config.file, config.dockerfile.value), tag: image },
    extensions,
    builderBases: baseList,
    builders,
    companyCa,
    final: {
      ...final,
      labels: [
        { name: 'rockts.extensions', value: extensions.map((e) => e.name).join(',') },
        { name: 'rockts.config', value: configHash },
      ],
    },
    configHash,
  };
}

/** `file` relative to the folder of `configFile` when inside it (both absolute, `/`-separated). */
function relativeTo(configFile: string, file: string): string {
  const dir = configFile.slice(0, configFile.lastIndexOf('/') + 1);
  return file.startsWith(dir) ? file.slice(dir.length) : file;
}

/**
 * An image spelled like one of rockts's own stage names would silently start FROM that
 * stage (BuildKit resolves a stage name before an image); refused wherever it is set.
 */
function stageNameImages(config: Config, extensions: readonly OrderedExtension[]): RocktsError[] {
  const refuse = (what: string, image: string, location: SourceLocation) =>
    new RocktsError('CONFIG_INVALID', `${what} ${JSON.stringify(image)} is spelled like a stage rockts writes (rockts-final, rockts-builder-<name>); BuildKit would start FROM that stage instead of an image; name the image differently (e.g. with a registry or a tag)`, { location });
  const problems: RocktsError[] = [];
  if (isOwnStageName(config.image.value)) problems.push(refuse('image', config.image.value, config.image.location));
  const reported = new Set<string>();
  const overrides = new Map(config.builder.images.map((i) => [i.extension.value, i.image.location]));
  for (const e of extensions) {
    if (!isOwnStageName(e.builderBaseImage) || reported.has(e.builderBaseImage)) continue;
    reported.add(e.builderBaseImage);
    const location = overrides.get(e.name) ?? config.builder.baseImage?.location ?? { file: e.extension.manifestFile, line: 1, column: 1 };
    problems.push(refuse(`the builder base image of '${e.name}'`, e.builderBaseImage, location));
  }
  return problems;
}

/**
 * The env group: every extension's final.env in order, then PATH with every
 * extension's final.path prepended (first extension first). Two extensions setting one
 * variable to different values is a conflict, never a silent override.
 */
function composeEnv(extensions: readonly OrderedExtension[], problems: RocktsError[]): { name: string; value: string }[] {
  // Keyed by variable name; a Map keeps the order in which variables were first set.
  const env = new Map<string, { name: string; value: string; owner: string; location: SourceLocation }>();
  const paths = new Set<string>();
  for (const e of extensions) {
    for (const declared of e.extension.manifest.final.env) {
      let variable = declared;
      try {
        variable = { ...declared, value: renderValue(declared.value, e.optionValues, e.name, declared.location) };
      } catch (error) {
        if (!(error instanceof RocktsError)) throw error;
        problems.push(error);
        continue;
      }
      const earlier = env.get(variable.name);
      if (!earlier) env.set(variable.name, { ...variable, owner: e.name });
      else if (earlier.value !== variable.value) {
        problems.push(
          new RocktsError('COMPOSITION_CONFLICT', `extensions '${earlier.owner}' and '${e.name}' both set ${variable.name}, to ${JSON.stringify(earlier.value)} and ${JSON.stringify(variable.value)}; enable only one of them`, {
            location: variable.location,
            notes: [{ message: `'${earlier.owner}' sets it here`, location: earlier.location }],
          }),
        );
      }
    }
    for (const dir of e.extension.manifest.final.path) paths.add(dir);
  }
  const result: { name: string; value: string }[] = [...env.values()].map(({ name, value }) => ({ name, value }));
  if (paths.size > 0) result.push({ name: 'PATH', value: [...paths].join(':') });
  return result;
}

function sortedUnique(items: readonly string[]): string[] {
  return [...new Set(items)].sort(compareCodePoints);
}

/** sha256 of the resolved composition as canonical JSON (arrays only where order matters). */
function hashComposition(composition: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(composition)).digest('hex')}`;
}

/** An extension's final apt packages: the fixed ones and those whose boolean option is on. */
function finalApt(e: OrderedExtension): string[] {
  const { apt, aptWhen } = e.extension.manifest.final;
  return [...apt, ...aptWhen.filter((w) => e.optionValues[w.option] === true).flatMap((w) => w.packages)];
}
