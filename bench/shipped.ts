/**
 * Modules as they ship: bundled by esbuild (as scripts/build.mjs does), not run from the sources
 * through tsx, whose transform adds per-function helpers that slow hot loops down by about a third.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { resolve } from 'node:path';

// Inside the project, so the externals (typescript, tfjs) resolve from its node_modules.
const cache = resolve(__dirname, '../node_modules/.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(resolve(cache, 'convlens-shipped-'));
let n = 0;

export function shipped<T>(entry: string): T {
  const outfile = resolve(dir, `m${n++}.js`);
  buildSync({ entryPoints: [resolve(__dirname, '..', entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['typescript', '@tensorflow/*'], logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}
