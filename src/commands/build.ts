import { Flags } from '@oclif/core';
import { buildImage } from '../build/build-image.js';
import { BaseCommand, configFlag, engineFlag } from '../cli/base-command.js';

export default class BuildCommand extends BaseCommand {
  static override summary = 'Build the dev-container image with BuildKit (docker buildx build).';
  static override description =
    'Composes the Dockerfile, writes a private build context (the Dockerfile and every extension\'s files/), and runs `docker buildx build` (or `podman build`) with the build progress on stderr. The image ID is printed on stdout. When a step fails, the error names the extension whose lines failed.';
  static override examples = [
    '<%= config.bin %> build',
    '<%= config.bin %> build --tag myproject:dev --no-cache',
    '<%= config.bin %> build --network host --progress plain',
    '<%= config.bin %> build --dry-run',
    '<%= config.bin %> build --engine podman',
    '<%= config.bin %> build --frozen',
    '<%= config.bin %> build --builder ci --cache-from type=registry,ref=registry.example/p:cache --cache-to type=registry,ref=registry.example/p:cache,mode=max',
  ];
  static override flags = {
    config: configFlag,
    engine: engineFlag,
    tag: Flags.string({ char: 't', description: 'image tag (default: `tag:` in rockerc.yaml, else <folder>-dev)' }),
    'no-cache': Flags.boolean({ description: 'do not use the build cache' }),
    pull: Flags.boolean({ description: 'always pull newer versions of the base images' }),
    network: Flags.string({ description: 'network for RUN steps (default: the engine default; host when the engine has no bridge network)' }),
    'build-arg': Flags.string({ description: 'KEY=VALUE build argument (repeatable)', multiple: true, default: [] }),
    builder: Flags.string({ description: 'buildx builder instance to use' }),
    'cache-from': Flags.string({ description: 'external cache source, passed to buildx (repeatable)', multiple: true, default: [] }),
    'cache-to': Flags.string({ description: 'external cache destination, passed to buildx (repeatable)', multiple: true, default: [] }),
    platform: Flags.string({ description: 'target platform, e.g. linux/arm64' }),
    progress: Flags.string({ description: 'BuildKit progress output (Docker; default: live progress on a terminal, plain otherwise)', options: ['auto', 'plain', 'tty', 'quiet'] }),
    'dry-run': Flags.boolean({ description: 'print the docker command and the Dockerfile path; build nothing' }),
    frozen: Flags.boolean({ description: 'refuse to build when rockts.lock is missing or would change (for CI)' }),
    push: Flags.boolean({ description: 'also push the image to the registry its tag names (docker buildx; the tag must name a registry, e.g. --tag registry.example/team/dev:1)' }),
    bake: Flags.boolean({ description: 'build through docker buildx bake, one target per stage (in parallel); a build network (--network, or host on an engine without a bridge network) goes to bake in rockts-network.compose.yaml beside the bake file' }),
    json: Flags.boolean({ description: 'print {imageId, tag, durationMs, cacheHits} as JSON on stdout (errors as JSON on stderr)', exclusive: ['dry-run'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(BuildCommand);
    const result = await buildImage(
      this.projectOptions(flags.config),
      {
        tag: flags.tag,
        noCache: flags['no-cache'],
        pull: flags.pull,
        network: flags.network,
        buildArgs: flags['build-arg'],
        builder: flags.builder,
        cacheFrom: flags['cache-from'],
        cacheTo: flags['cache-to'],
        platform: flags.platform,
        progress: flags.progress as 'auto' | 'plain' | 'tty' | 'quiet' | undefined,
        dryRun: flags['dry-run'],
        engine: flags.engine as 'docker' | 'podman' | undefined,
        frozen: flags.frozen,
        bake: flags.bake,
        push: flags.push,
      },
      (message) => process.stderr.write(message + '\n'),
    );
    if (result.kind === 'dry-run') {
      process.stdout.write(result.commands.map((c) => `${c}\n`).join(''));
      return;
    }
    const { tag, imageId, durationMs, cacheHits } = result;
    process.stderr.write(`rockts: built ${tag}\n`);
    this.print({ tag, imageId, durationMs, cacheHits }, () => `${imageId}\n`);
  }
}
