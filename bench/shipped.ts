/**
 * Modules as they ship: bundled by esbuild (as scripts/build.mjs does), not run from the sources
 * through tsx, whose transform adds per-function helpers that slow hot loops down by about a third.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

const dir = mkdtempSync(resolve(tmpdir(), 'convlens-shipped-'));
let n = 0;

export function shipped<T>(entry: string): T {
  const outfile = resolve(dir, `m${n++}.js`);
  buildSync({ entryPoints: [resolve(__dirname, '..', entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['typescript', '@tensorflow/*'], logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}
