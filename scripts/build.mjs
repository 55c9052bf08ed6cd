// Bundles every output into dist/ with esbuild.
//   node scripts/build.mjs            development build (source maps; tfjs resolved from node_modules)
//   node scripts/build.mjs --vsix     what the .vsix ships: minified, tfjs and its wasm backend bundled
//                                     into the training worker, the .wasm binaries copied beside it
//   node scripts/build.mjs --watch
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');
const vsix = process.argv.includes('--vsix');
const minify = vsix || process.argv.includes('--minify');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: vsix ? false : 'linked',
  minify,
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  external: ['vscode'],
};
const browser = { bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: vsix ? false : 'linked', minify, logLevel: 'warning' };
// The native tfjs backends are never bundled: they are found at run time in the user's project.
const nativeTfjs = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

// The CLI's entry (dist/cli.js) answers --help and --version with nothing loaded; each command is
// a bundle of its own, required from it only when that command runs (see server/src/cli/main.ts).
const cliCommands = { './analysis_commands': './cli_analysis.js', './view': './cli_view.js', './check': './cli_check.js' };
const cliSplit = {
  name: 'cli-commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(analysis_commands|view|check)$/ }, (a) => (a.importer.endsWith('cli/main.ts') ? { path: cliCommands[a.path], external: true } : undefined));
  },
};

// The coordinator's bundle gets a stand-in for elkjs: it sends every ELK chunk to an ELK worker.
const noElk = {
  name: 'no-elk',
  setup(b) {
    b.onResolve({ filter: /^elkjs\/lib\/elk\.bundled\.js$/ }, () => ({ path: 'elk-stand-in', namespace: 'no-elk' }));
    b.onLoad({ filter: /.*/, namespace: 'no-elk' }, () => ({
      contents: "export default class { constructor() { throw new Error('ELK runs in the ELK workers, not in the layout coordinator'); } }",
      loader: 'js',
    }));
  },
};

// esbuild wraps a CommonJS module in __toESM once per importing file, and each wrap copies every
// export: typescript has thousands, imported by 22 engine files, which cost 77 ms of the CLI's
// 420 ms start (CPU profile of `convlens profile examples/vgg16.ts`). Every file gets typescript
// through one ESM module instead, which requires it once and wraps nothing.
const oneTypescript = {
  name: 'one-typescript',
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, (a) => (a.namespace === 'one-typescript' ? undefined : { path: 'typescript', namespace: 'one-typescript' }));
    b.onLoad({ filter: /.*/, namespace: 'one-typescript' }, () => ({ contents: "const ts = require('typescript');\nexport default ts;\n", loader: 'js', resolveDir: process.cwd() }));
  },
};
node.plugins = [oneTypescript];

const outputs = [
  // The library and the CLI load typescript and tfjs from node_modules (dependencies of the npm package).
  { entryPoints: ['server/src/engine/index.ts'], outfile: 'dist/engine.js', ...node, external: [...node.external, 'typescript', '@tensorflow/*'] },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...node, plugins: [oneTypescript, cliSplit] },
  { entryPoints: ['server/src/cli/analysis_commands.ts'], outfile: 'dist/cli_analysis.js', ...node, external: [...node.external, 'typescript', '@tensorflow/*'] },
  { entryPoints: ['server/src/cli/view.ts'], outfile: 'dist/cli_view.js', ...node, external: [...node.external, 'typescript', '@tensorflow/*'] },
  { entryPoints: ['server/src/cli/check.ts'], outfile: 'dist/cli_check.js', ...node, external: [...node.external, 'typescript', '@tensorflow/*'] },
  // The extension ships no node_modules: the server bundles typescript, the worker bundles tfjs.
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', ...node },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', ...node },
  { entryPoints: ['server/src/runtime/worker.ts'], outfile: 'dist/worker.js', ...node, external: [...node.external, ...(vsix ? nativeTfjs : ['@tensorflow/*'])] },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', ...browser },
  // The layout coordinator without ELK (it starts at once; chains never need ELK), and the ELK
  // worker. ELK arrives minified; re-printing it unminified would triple the worker (and every
  // standalone page).
  { entryPoints: ['webview/src/layout_worker.ts'], outfile: 'dist/layout_worker.js', ...browser, sourcemap: false, minify: true, plugins: [noElk] },
  { entryPoints: ['webview/src/elk_worker.ts'], outfile: 'dist/elk_worker.js', ...browser, sourcemap: false, minify: true },
  // The training check's browser host (the panel's GPU): tfjs with its webgl and webgpu backends, minified.
  { entryPoints: ['server/src/runtime/browser/training_worker.ts'], outfile: 'dist/training_worker.js', ...browser, sourcemap: false, minify: true },
].filter((o) => existsSync(o.entryPoints[0]));

mkdirSync('dist', { recursive: true });
const t0 = Date.now();
if (watch) {
  for (const o of outputs) await (await esbuild.context(o)).watch();
  console.log(`watching ${outputs.length} bundles`);
} else {
  await Promise.all(outputs.map((o) => esbuild.build(o)));
  if (vsix) {
    // The wasm backend loads its binaries from the worker's folder (setWasmPaths).
    const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
    for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) copyFileSync(join(wasmDir, f), join('dist', f));
  }
  console.log(`built ${outputs.map((o) => o.outfile).join(', ')}${vsix ? ' (vsix)' : ''} in ${Date.now() - t0} ms`);
}
