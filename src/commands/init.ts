import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { detectExtensions, type DetectedExtension } from '../config/detect-extensions.js';
import { CONFIG_FILE_NAME } from '../config/load-config.js';
import { RocktsError } from '../core/errors.js';
import { IMAGE_REFERENCE } from '../core/grammar.js';
import { CONFIG_SCHEMA_FILE, SCHEMAS_DIR, schemaComment } from '../config/json-schemas.js';
import { writeNewFile } from '../io/write-atomic.js';

export default class InitCommand extends BaseCommand {
  static override summary = 'Write a starter rockerc.yaml (never overwrites an existing file).';
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --detect',
    '<%= config.bin %> init --image debian:bookworm',
    '<%= config.bin %> init -c dev/rockerc.yaml',
  ];
  static override flags = {
    config: Flags.string({ char: 'c', description: 'file to write', helpValue: 'FILE', default: CONFIG_FILE_NAME }),
    image: Flags.string({ description: "the final stage's base image", default: 'ubuntu:24.04' }),
    detect: Flags.boolean({ description: "list the extensions the project's files call for (Cargo.toml → cargo, package.json → npm, pixi.toml or [tool.pixi] → pixi)" }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(InitCommand);
    if (!IMAGE_REFERENCE.test(flags.image)) {
      throw new RocktsError('USAGE', `--image: expected an image reference such as ubuntu:24.04, found ${JSON.stringify(flags.image)}`);
    }
    const target = path.resolve(flags.config);
    const detected = flags.detect ? await detectExtensions(path.dirname(target)) : undefined;
    for (const d of detected ?? []) process.stderr.write(`detected ${d.name}: ${d.reason}\n`);
    if (detected?.length === 0) process.stderr.write('detected nothing: no Cargo.toml, package.json, pixi.toml or [tool.pixi] in pyproject.toml\n');
    // Editors with yaml-language-server check and complete the file against rockts's own schema.
    const schema = path.relative(path.dirname(target), path.join(SCHEMAS_DIR, CONFIG_SCHEMA_FILE));
    await writeNewFile(target, `${schemaComment(schema)}\n${starterConfig(flags.image, detected)}`);
    process.stderr.write(`wrote ${this.displayPath(target)}; next: \`rockts dockerfile${flags.config === CONFIG_FILE_NAME ? '' : ` -c ${flags.config}`}\`\n`);
  }
}

function extensionLines(detected: readonly DetectedExtension[] | undefined): string {
  if (detected === undefined) {
    return `extensions:
  - cargo
  # - npm: { nodeVersion: "22.11.0" }
  # - pixi
  # - ./tools/my-extension`;
  }
  if (detected.length === 0) return 'extensions: []   # nothing detected; add names, or `extensions: auto` to detect on every run';
  return ['extensions:', ...detected.map((d) => `  - ${d.name}   # ${d.reason}`)].join('\n');
}

function starterConfig(image: string, detected: readonly DetectedExtension[] | undefined): string {
  return `# rockts configuration. The README's "Configuration" section describes every key.
# The final image's base. Builders never start from it, so changing it rebuilds no toolchain.
image: ${image}

# Extensions to compose, by name, as \`name: {option: value}\`, or as a folder path.
# Their order here does not matter: rockts orders them for the build cache.
# \`rockts extensions\` lists what is available; \`extensions: auto\` detects them from the project files.
${extensionLines(detected)}

# The shared builder base every builder stage starts from (optional).
# builder:
#   baseImage: ubuntu:22.04
#   apt: [build-essential, ca-certificates, cmake, curl, git]

# tag: myproject-dev
`;
}
