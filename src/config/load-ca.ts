/**
 * Reads the company CA named by `ca:` (I/O): a PEM file of one or more X.509
 * certificates. Each certificate becomes its own .crt in the build context
 * (update-ca-certificates links one certificate per file), and the config learns the
 * sha256 of the file so a new CA makes a new composition.
 */
import { createHash, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { CA_CONTEXT_DIR } from '../core/company-ca.js';
import { RocktsError } from '../core/errors.js';
import type { Config } from '../core/types.js';
import type { ContextFile } from '../extensions/deps/compose-deps.js';
import { readRegularFile } from '../extensions/extension-files.js';

/** The largest CA file read (a bundle of every public root is about 200 KiB). */
const MAX_CA_BYTES = 1024 * 1024;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

export interface LoadedCa {
  readonly config: Config;
  readonly contextFiles: readonly ContextFile[];
}

/** The config with the CA's sha256 and the context files for it; problems are pushed, not thrown. */
export async function loadCompanyCa(config: Config, problems: RocktsError[]): Promise<LoadedCa> {
  if (config.ca === undefined) return { config, contextFiles: [] };
  const { value: file, location } = config.ca.file;
  const shown = path.relative(path.dirname(config.file), file) || file;
  const fail = (found: string) => {
    problems.push(new RocktsError('CONFIG_INVALID', `ca: expected a PEM file of CA certificates (-----BEGIN CERTIFICATE----- blocks), found ${found}`, { location }));
    return { config, contextFiles: [] };
  };
  let bytes: Buffer;
  try {
    // A regular file only: a FIFO or a device would hang or exhaust the read.
    bytes = await readRegularFile(file, MAX_CA_BYTES);
  } catch (error) {
    if (!(error instanceof RocktsError)) throw error;
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    return fail(code === 'ENOENT' ? `no file at ${shown}` : `${shown}, which cannot be read (${error.message.replace(file, shown)})`);
  }
  if (bytes.length > MAX_CA_BYTES) return fail(`${shown}, which is larger than 1 MiB (${MAX_CA_BYTES} bytes)`);
  const blocks = bytes.toString('utf8').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return fail(`${shown}, which holds no PEM certificate`);
  const contextFiles: ContextFile[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      // OpenSSL's reason varies between Node versions; the block number is what helps.
      return fail(`${shown}, whose certificate ${index + 1} is not a valid X.509 certificate`);
    }
    contextFiles.push({ path: `${CA_CONTEXT_DIR}/ca-${index + 1}.crt`, content: Buffer.from(`${block.replace(/\r/g, '')}\n`) });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { config: { ...config, ca: { file: config.ca.file, sha256 } }, contextFiles };
}
