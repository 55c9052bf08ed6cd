// Bundles every output into dist/ with esbuild. Usage: node scripts/build.mjs [--watch] [--minify]
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify,
  logLevel: 'warning',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // tfjs is loaded at run time by the training worker only (it picks the backend package there).
  external: ['vscode', '@tensorflow/*'],
};

const outputs = [
  // The library and the CLI load typescript from node_modules (a dependency); the server bundles it for the .vsix.
  { entryPoints: ['server/src/engine/index.ts'], outfile: 'dist/engine.js', ...node, external: [...node.external, 'typescript'] },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, ...node, external: [...node.external, 'typescript'] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', ...node },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', ...node },
  { entryPoints: ['server/src/runtime/worker.ts'], outfile: 'dist/worker.js', ...node },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: 'linked', minify, logLevel: 'warning' },
  { entryPoints: ['webview/src/layout_worker.ts'], outfile: 'dist/layout_worker.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify, logLevel: 'warning' },
].filter((o) => existsSync(o.entryPoints[0]));

mkdirSync('dist', { recursive: true });
const t0 = Date.now();
if (watch) {
  for (const o of outputs) await (await esbuild.context(o)).watch();
  console.log(`watching ${outputs.length} bundles`);
} else {
  await Promise.all(outputs.map((o) => esbuild.build(o)));
  console.log(`built ${outputs.map((o) => o.outfile).join(', ')} in ${Date.now() - t0} ms`);
}
