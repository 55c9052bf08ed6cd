/**
 * dist/worker.js for the tests, built from the current sources with the options of
 * scripts/build.mjs (so a test run alone, or before `npm run build`, still tests the real bundle).
 * Written under node_modules/.cache so '@tensorflow/*' and esbuild resolve as they do from dist/.
 */
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let built: string | undefined;

export function workerBundle(): string {
  if (built) return built;
  const dir = join(root, 'node_modules', '.cache', 'convlens-runtime-test');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'worker.js');
  buildSync({
    entryPoints: [join(root, 'server/src/runtime/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { __VERSION__: '"test"' },
    external: ['vscode', '@tensorflow/*'],
  });
  built = outfile;
  return outfile;
}

export const repoRoot = root;
