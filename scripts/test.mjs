// Runs every test suite that `npm test` covers, in order, with node's own test runner (TypeScript via tsx).
// Usage: node scripts/test.mjs [suite...]   suites: unit fixtures realworld fuzz lsp webview runtime (default: all)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A cap on each test (node's --test-timeout): a hang fails with its name instead of stalling the run (an LSP test once waited forever). Ten minutes: the slowest test takes about one on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 600_000;

const suites = ['unit', 'fixtures', 'realworld', 'fuzz', 'lsp', 'webview', 'runtime'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : suites;

function testFiles(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'fixtures' && name !== 'data') out = out.concat(testFiles(p)); }
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let failed = false;
for (const suite of wanted) {
  const files = testFiles(join('test', suite));
  if (!files.length) continue;
  console.log(`\n=== ${suite} (${files.length} files)`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
