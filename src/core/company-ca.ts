/**
 * The company CA (`ca:` in rockerc.yaml): its certificates travel in the build context
 * under rockts-ca/ and are added to the system store once in every builder base stage
 * and once in the final stage, right after that stage's apt install. The Dockerfile
 * text does not depend on the certificates, only on whether there are any; COPY keys
 * its cache on the file contents, so a new CA re-runs these lines and what follows.
 */

/** Where the certificates sit in the build context (one .crt per certificate). */
export const CA_CONTEXT_DIR = 'rockts-ca';
/** update-ca-certificates reads local certificates (*.crt, recursively) from here. */
const CA_TARGET_DIR = '/usr/local/share/ca-certificates/rockts';
/** The system bundle update-ca-certificates writes: the distribution's CAs plus the company's. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Tools that do not read the system store by default, pointed at the system bundle:
 * Node's own CA list (npm, npx), pip's vendored certifi and requests, cargo's HTTP
 * client, and rustls/OpenSSL programs that honour SSL_CERT_FILE (rustup, pixi, uv).
 * curl, git and apt read the system store already.
 */
const CA_ENV: readonly { readonly name: string; readonly value: string }[] = [
  { name: 'CARGO_HTTP_CAINFO', value: CA_BUNDLE },
  { name: 'NODE_EXTRA_CA_CERTS', value: CA_BUNDLE },
  { name: 'PIP_CERT', value: CA_BUNDLE },
  { name: 'REQUESTS_CA_BUNDLE', value: CA_BUNDLE },
  { name: 'SSL_CERT_FILE', value: CA_BUNDLE },
];

/** The package that provides update-ca-certificates; added to the apt set of a stage that trusts the CA. */
export const CA_PACKAGE = 'ca-certificates';

/** The lines that make a stage trust the CA (after its apt install, which brings CA_PACKAGE). */
export function trustCompanyCa(indent: string): string {
  return [
    `COPY ${CA_CONTEXT_DIR}/ ${CA_TARGET_DIR}/`,
    'RUN update-ca-certificates',
    CA_ENV.map((v, i) => `${i === 0 ? 'ENV ' : indent}${v.name}=${v.value}`).join(' \\\n'),
  ].join('\n');
}
