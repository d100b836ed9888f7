// What `npm run build` makes after tsc (and so `prepare`, `npm ci` and `npm test`), so a
// run reads a few ready files instead of loading and parsing everything:
//  - oclif.manifest.json, what `oclif manifest` writes: every command's id, flags, args
//    and descriptions, so the CLI finds a command without importing all of them (made
//    here with the @oclif/core the CLI runs on, the same calls `oclif manifest` makes);
//  - dist/builtin-extensions.json, the built-in extensions as loaded from extensions/
//    (src/extensions/builtin-index.ts);
//  - dist/cli/quick-start.bundle.cjs, src/cli/quick-start.ts and everything it loads in
//    one file, so `rockts dockerfile` and `rockts plan` start without resolving and
//    reading some 300 modules; dist/cli/quick-start.bundle.json, the dist/ files it was
//    made from (src/cli/load-quick.ts uses it only while none is newer); and
//    dist/cli/quick-start.bundle.cache, V8's code cache for it after running both
//    commands on rockerc.example.yaml, so a run compiles almost nothing.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { build } from 'esbuild';
import { writeBuiltinIndex } from '../dist/extensions/builtin-index.js';
import { BUNDLE, BUNDLE_CACHE, BUNDLE_INPUTS, runBundle } from '../dist/cli/load-quick.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
await writeFile(path.join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n');
await writeBuiltinIndex();

// Two libraries the quick path never uses, left out of the bundle (a quarter of its size,
// read and compiled on every run): zod's messages in other languages (zod sets English
// itself, from locales/en.js, and rockts never changes it) and source-map, which
// handlebars only needs to precompile templates with a source name (without it,
// handlebars builds the same template code with its own string builder).
const unused = {
  name: 'rockts-unused',
  setup(bundle) {
    const stub = (contents) => (args) => ({ path: args.path, namespace: 'rockts-unused', pluginData: contents });
    bundle.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? stub('export {};')(args) : undefined,
    );
    bundle.onResolve({ filter: /^source-map$/ }, (args) =>
      args.importer.includes(`${path.sep}handlebars${path.sep}`) ? stub('module.exports = {};')(args) : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'rockts-unused' }, (args) => ({ contents: args.pluginData, loader: 'js' }));
  },
};

// The bundle sits in dist/cli/ like the modules it replaces, so their paths relative to
// import.meta.url (../../extensions/, ../builtin-extensions.json) still hold; in CommonJS
// import.meta.url is the bundle's own URL, from __filename.
await rm(path.join(root, BUNDLE_CACHE), { force: true });
const { metafile } = await build({
  entryPoints: [path.join(root, 'dist/cli/quick-start.js')],
  outfile: path.join(root, BUNDLE),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { 'import.meta.url': 'rocktsBundleUrl' },
  banner: { js: "const rocktsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [unused],
  metafile: true,
  logLevel: 'warning',
});
const inputs = Object.keys(metafile.inputs)
  .map((input) => path.relative(root, path.resolve(root, input)))
  .filter((input) => input.startsWith(`dist${path.sep}`))
  .sort();
// The V8 the cache below is for; another one would refuse it.
await writeFile(path.join(root, BUNDLE_INPUTS), JSON.stringify({ v8: process.versions.v8, inputs }, null, 2) + '\n');

// Warm up: both quick commands on the example, their output dropped, then V8's code
// cache of everything that ran.
const { exports: quick, script } = runBundle(root);
const write = process.stdout.write;
process.stdout.write = () => true;
try {
  for (const command of ['dockerfile', 'plan']) await quick.startQuick([command, '-c', path.join(root, 'rockerc.example.yaml')], root);
} finally {
  process.stdout.write = write;
}
await writeFile(path.join(root, BUNDLE_CACHE), script.createCachedData());
