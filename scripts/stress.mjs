// `npm run test:stress [-- N] [suite...]`: runs the timing- and randomness-sensitive suites
// (default: runtime lsp webview) N times (default 10), one after another, and reports every
// failure with its run number. A test that fails once in N runs is a broken test.
//   npm run test:stress            10 runs of runtime, lsp, webview
//   npm run test:stress -- 20 lsp  20 runs of the lsp suite
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A cap on each test (node's --test-timeout): a hang fails with its name instead of stalling the run (an LSP test once waited forever). Ten minutes: the slowest test takes about one on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 600_000;
/** Where a failing suite's output is kept (one file per failing suite run). */
const LOGS = join('artifacts', 'stress');
import { loadavg } from 'node:os';

const args = process.argv.slice(2);
const n = /^\d+$/.test(args[0] ?? '') ? Number(args.shift()) : 10;
const suites = args.length ? args : ['runtime', 'lsp', 'webview'];

function testFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'data') out = out.concat(testFiles(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const failures = []; // { run, suite, test }
const started = Date.now();
for (let run = 1; run <= n; run++) {
  for (const suite of suites) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-concurrency=1', `--test-timeout=${TEST_TIMEOUT_MS}`, ...testFiles(join('test', suite))], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    // TAP: "not ok N - name" for each failing test (suites report their failing children too).
    const failed = [...(r.stdout ?? '').matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1].trim());
    const leaves = failed.filter((name, i) => failed.indexOf(name) === i);
    if (r.status !== 0 && !leaves.length) leaves.push(`the suite exited ${r.status ?? r.signal} without a failing test (a crash?)`);
    for (const test of leaves) failures.push({ run, suite, test });
    // Keep what a failing suite printed (TAP, stderr): a hang killed by hand names only its file otherwise.
    if (leaves.length) {
      mkdirSync(LOGS, { recursive: true });
      writeFileSync(join(LOGS, `run${run}-${suite}.log`), `${r.stdout ?? ''}\n--- stderr ---\n${r.stderr ?? ''}`);
    }
    const load = loadavg().map((x) => x.toFixed(1)).join(' ');
    console.log(`run ${run}/${n} ${suite}: ${leaves.length ? `${leaves.length} FAILED` : 'ok'} in ${((Date.now() - t0) / 1000).toFixed(0)} s (load ${load})`);
    for (const t of leaves) console.log(`    ✖ ${t}`);
  }
}
console.log(`\n${n} runs of ${suites.join(', ')} in ${((Date.now() - started) / 60000).toFixed(1)} min: ${failures.length} failure(s)${failures.length ? `; their output is in ${LOGS}/` : ''}`);
const byTest = new Map();
for (const f of failures) byTest.set(`${f.suite}: ${f.test}`, [...(byTest.get(`${f.suite}: ${f.test}`) ?? []), f.run]);
for (const [t, runs] of byTest) console.log(`  ${t}: failed in run(s) ${runs.join(', ')} of ${n}`);
process.exit(failures.length ? 1 : 0);
