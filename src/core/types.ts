/**
 * The data that moves through the pipeline, named for its stage:
 * Config → LoadedExtension → ResolvedExtension → OrderedExtension → Plan.
 * Everything here is plain, readonly data; order that reaches the output is kept in
 * arrays, never in object-key order.
 */
import type { SourceLocation } from './errors.js';
import type { Mirror } from './mirrors.js';

export type { SourceLocation } from './errors.js';

/** A value together with where the user wrote it. */
export interface Located<T> {
  readonly value: T;
  readonly location: SourceLocation;
}

export type Scalar = string | number | boolean;

// ---------------------------------------------------------------- configuration

/** The package name that stands for the built-in extensions in `rockts/NAME`. */
export const BUILTIN_PACKAGE = 'rockts';

/** How rockerc.yaml names an extension. */
export type ExtensionRef =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'path'; readonly path: string; readonly written: string }
  /** `PACKAGE/NAME`: extension NAME of one npm package; `rockts/NAME` is the built-in. */
  | { readonly kind: 'qualified'; readonly package: string; readonly name: string; readonly written: string }
  /** `package: NAME`: every extension an npm package lists. */
  | { readonly kind: 'package'; readonly package: string; readonly written: string };

export interface ConfigOption {
  readonly key: Located<string>;
  /** As parsed from YAML: checked against the option's type during resolution. */
  readonly value: Located<unknown>;
}

export interface ConfigExtensionEntry {
  readonly ref: ExtensionRef;
  readonly options: readonly ConfigOption[];
  readonly location: SourceLocation;
  /** Why `extensions: auto` proposed it (e.g. "Cargo.toml found"); undefined when listed. */
  readonly detected?: string;
  /**
   * What to say instead of "unknown extension" when no extension of this name is
   * available (e.g. which other project offers it and how to get it).
   */
  readonly unavailable?: string;
}

/**
 * A config entry with what the loader read for it: the extensions of the folder,
 * `PACKAGE/NAME` or `package:` it names. A bare name loads nothing: resolution looks
 * it up among the extensions on offer.
 */
export interface LoadedEntry extends ConfigExtensionEntry {
  readonly loaded: readonly LoadedExtension[];
}

/** How the config loader read an entry written in another spelling (rocker, rockerc, deps_rocker). */
export interface Reading {
  /** As written, e.g. `nvidia` or `shm-size: 2g`. */
  readonly written: string;
  /** What it became, e.g. `extension gpu (rocker name)` or `build setting pull`. */
  readonly readAs: string;
  readonly location: SourceLocation;
}

/** Settings for `rockts build` that a config may carry (rocker's --pull and --nocache). */
export interface BuildSettings {
  readonly pull: Located<boolean> | undefined;
  readonly noCache: Located<boolean> | undefined;
}

/**
 * The config's `docker run` settings (the native `run:` block and rockerc's scalar keys),
 * each checked against its grammar (core/run-settings.ts RUN_SETTINGS) and located.
 */
export interface RunConfig {
  /** HOST:CONTAINER[:OPTIONS]; HOST is an absolute path (resolved against the config file) or a named volume. */
  readonly volumes: readonly Located<string>[];
  /** NAME=VALUE, or NAME alone to pass the host's value. */
  readonly env: readonly Located<string>[];
  readonly ports: readonly Located<string>[];
  readonly expose: readonly Located<string>[];
  readonly devices: readonly Located<string>[];
  readonly ulimits: readonly Located<string>[];
  readonly groupAdd: readonly Located<string>[];
  readonly name: Located<string> | undefined;
  readonly hostname: Located<string> | undefined;
  readonly network: Located<string> | undefined;
  readonly ipc: Located<string> | undefined;
  readonly shmSize: Located<string> | undefined;
  readonly cpus: Located<string> | undefined;
  readonly memory: Located<string> | undefined;
  readonly runtime: Located<string> | undefined;
  readonly privileged: Located<boolean> | undefined;
  readonly detach: Located<boolean> | undefined;
  /** Keep the container after it stops (rocker's --nocleanup, `rockts run --keep`). */
  readonly keep: Located<boolean> | undefined;
}

/** The `cache:` block, merged over ~/.rockerc.yaml key by key, defaults applied. */
export interface CacheConfig {
  /** A repository without tag; each stage's cache is a tag in it. */
  readonly registry: Located<string>;
  /** Push the caches after a build (default true); false only imports. */
  readonly export: boolean;
  /** BuildKit's cache export mode (default max: every intermediate layer). */
  readonly mode: 'min' | 'max';
}

/** rockerc.yaml (merged over ~/.rockerc.yaml), validated but not yet resolved. */
export interface Config {
  /** The project config file, as given; used in messages and the generated header. */
  readonly file: string;
  readonly image: Located<string>;
  /**
   * `dockerfile:` (absolute): the final stage starts from the image this Dockerfile
   * builds, and `image` is the tag it is built to (set by the project loader).
   */
  readonly dockerfile: Located<string> | undefined;
  readonly syntax: Located<string> | undefined;
  readonly tag: Located<string> | undefined;
  /** The container engine for build and run; detected when not given. */
  readonly engine: Located<'docker' | 'podman'> | undefined;
  readonly extensions: readonly ConfigExtensionEntry[];
  readonly blacklist: readonly Located<string>[];
  readonly build: BuildSettings;
  readonly run: RunConfig;
  /** `cache:`: registry caches addressed by content; undefined without a registry. */
  readonly cache: CacheConfig | undefined;
  /** Entries read from rocker, rockerc or deps_rocker spellings, in file order (shown by `rockts plan`). */
  readonly readings: readonly Reading[];
  readonly builder: {
    readonly baseImage: Located<string> | undefined;
    /** Replaces the default builder-base apt set when given. */
    readonly apt: readonly Located<string>[] | undefined;
    /** Per-extension builder base images, overriding baseImage and the manifests. */
    readonly images: readonly { readonly extension: Located<string>; readonly image: Located<string> }[];
  };
  /** `mirrors:`: upstream URL prefix → mirror prefix, for the templates' `url` helper. */
  readonly mirrors: readonly Mirror[];
  /**
   * `ca:`: a PEM file of company CA certificates (absolute path), trusted in every
   * builder and the final image. `sha256` is that of its contents, set by the project
   * loader once it has read the file; it joins the composition hash.
   */
  readonly ca: { readonly file: Located<string>; readonly sha256: string | undefined } | undefined;
}

/** A Config whose entries carry what they loaded: what resolution starts from. */
export interface LoadedConfig extends Config {
  readonly extensions: readonly LoadedEntry[];
}

// ---------------------------------------------------------------- extensions

export type OptionSpec =
  | { readonly type: 'string'; readonly default: string; readonly pattern: string | undefined; readonly description: string | undefined }
  | {
      readonly type: 'number';
      readonly default: number;
      readonly minimum: number | undefined;
      readonly maximum: number | undefined;
      readonly integer: boolean;
      readonly description: string | undefined;
    }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description: string | undefined }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly default: string; readonly description: string | undefined };

export interface OptionDeclaration {
  readonly name: string;
  readonly spec: OptionSpec;
}

export type CopySpec =
  | { readonly kind: 'default' }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly entries: readonly { readonly from: string; readonly to: string }[] };

/** The version of the extension API that manifests' `rockts:` ranges (and packages' `rockts.api`) are checked against. */
export const EXTENSION_API_VERSION = '0.1.0';

/** extension.yaml, validated. */
export interface ExtensionManifest {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** Semver range of the rockts extension API this extension supports. */
  readonly rockts: Located<string>;
  readonly cachePriority: number;
  readonly builderBaseImage: string | undefined;
  readonly requires: readonly Located<string>[];
  readonly after: readonly Located<string>[];
  readonly options: readonly OptionDeclaration[];
  readonly builder: { readonly apt: readonly string[] };
  readonly final: {
    readonly apt: readonly string[];
    /** Packages installed only while a boolean option is true, by option name. */
    readonly aptWhen: readonly { readonly option: string; readonly packages: readonly string[] }[];
    readonly copy: CopySpec;
    readonly env: readonly { readonly name: string; readonly value: string; readonly location: SourceLocation }[];
    readonly path: readonly string[];
    /** This extension creates the host user; the final stage switches to it after root setup. */
    readonly switchUser: boolean;
  };
  /** What `rockts run` adds to `docker run`; values may use {{host.*}}, {{user.*}} and {{options.*}}. */
  readonly run: {
    readonly env: readonly { readonly name: string; readonly value: string; readonly location: SourceLocation }[];
    readonly volumes: readonly RunVolume[];
    readonly devices: readonly Located<string>[];
    /** `--gpus` (Docker) or the matching CDI device (Podman). */
    readonly gpus: Located<string> | undefined;
  };
}

/**
 * A mount for `rockts run`: a bind mount from the host (skipped, with a note, when its
 * source does not exist or names an unset host variable), or a `--volume` value as is.
 */
export type RunVolume =
  | {
      readonly kind: 'bind';
      readonly source: string;
      readonly target: string;
      readonly readonly: boolean;
      /** Set this variable to the target inside the container when the mount is made. */
      readonly env: string | undefined;
      readonly location: SourceLocation;
    }
  | { readonly kind: 'volume'; readonly value: string; readonly location: SourceLocation };

export type TemplateKind = 'builder' | 'setup' | 'user';

export interface TemplateSource {
  readonly kind: TemplateKind;
  /** Path used in messages. */
  readonly file: string;
  readonly text: string;
}

export type ExtensionSource =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'path'; readonly path: string }
  /** From an npm package: its name, version and folder. */
  | { readonly kind: 'package'; readonly package: string; readonly version: string; readonly root: string };

/** An extension folder as read from disk: manifest, templates and whether it ships files/. */
export interface LoadedExtension {
  readonly manifest: ExtensionManifest;
  readonly manifestFile: string;
  readonly dir: string;
  readonly source: ExtensionSource;
  readonly templates: readonly TemplateSource[];
  readonly hasFiles: boolean;
  /** sha256 of files/ (paths, executable bits, contents), when it has one: a COPY from it is cached while this holds. */
  readonly filesDigest?: string;
}

// ---------------------------------------------------------------- resolution

/** Why an extension is in the composition. */
export type Request =
  | { readonly kind: 'config'; readonly location: SourceLocation }
  | { readonly kind: 'detected'; readonly reason: string; readonly location: SourceLocation }
  | { readonly kind: 'required'; readonly by: readonly string[] };

/** An enabled extension with its options checked and defaults applied. */
export interface ResolvedExtension {
  readonly name: string;
  readonly extension: LoadedExtension;
  /** Every declared option, in declaration order, with the value in force. */
  readonly options: readonly { readonly name: string; readonly value: Scalar }[];
  /** The same values by name, as templates, final.env and run: values see them (`options.NAME`). */
  readonly optionValues: Readonly<Record<string, Scalar>>;
  readonly builderBaseImage: string;
  readonly request: Request;
}

/** A dependency edge: `from` must come before `to`, as `to` declared at `location`. */
export interface OrderEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'requires' | 'after';
  readonly location: SourceLocation;
}

export interface OrderedExtension extends ResolvedExtension {
  readonly effectivePriority: number;
  /** The extension whose priority this one inherits, when it is not its own. */
  readonly priorityFrom: string | undefined;
  /** The edges that place this extension after others. */
  readonly dependencies: readonly OrderEdge[];
}

/** The host user the dev container maps to; templates see it as `user`. */
export interface HostUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** The fields of HostUser, as templates and run: values may name them (`user.home`). */
export const HOST_USER_FIELDS: readonly (keyof HostUser)[] = ['name', 'uid', 'gid', 'home'];

// ---------------------------------------------------------------- plan

export interface BuilderBaseStage {
  readonly stage: string;
  readonly image: string;
  readonly apt: readonly string[];
}

export interface BuilderStage {
  readonly stage: string;
  readonly extension: string;
  /** The template the body was rendered from, for messages. */
  readonly file: string;
  readonly base: string;
  readonly apt: readonly string[];
  readonly body: string;
}

export interface Snippet {
  readonly extension: string;
  readonly body: string;
  /** The template the body was rendered from, for messages. */
  readonly file: string;
}

export interface FinalStage {
  readonly image: string;
  readonly apt: readonly string[];
  readonly copies: readonly { readonly extension: string; readonly stage: string; readonly from: string; readonly to: string }[];
  /** In order; PATH, when any extension adds to it, is last. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly setup: readonly Snippet[];
  readonly user: string | undefined;
  readonly userSnippets: readonly Snippet[];
  readonly labels: readonly { readonly name: string; readonly value: string }[];
}

/** Everything the Dockerfile says, as data. */
export interface Plan {
  readonly rocktsVersion: string;
  readonly configName: string;
  readonly syntax: string | undefined;
  /** `dockerfile:`: the final image is built from this Dockerfile (relative to the config's folder) to this tag. */
  readonly dockerfile: { readonly file: string; readonly tag: string } | undefined;
  readonly extensions: readonly OrderedExtension[];
  readonly builderBases: readonly BuilderBaseStage[];
  readonly builders: readonly BuilderStage[];
  readonly final: FinalStage;
  /** `ca:` is set: every builder base and the final stage trust the company CA (company-ca.ts). */
  readonly companyCa: boolean;
  readonly configHash: string;
}
