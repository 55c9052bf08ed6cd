/**
 * The hot paths a user waits on stay linear (or n log n) in the size of the model: the time at 20k
 * layers over the time at 2k stays below 40, where quadratic is 100. Linear is 10 and n log n 13 on
 * paper, but a 20k model's maps miss the CPU's caches where 2k's fit: the loop-style hints measured
 * 14-30 on this 2-core machine at load averages of 5-9 (its group sites look up 20k nodes by id),
 * and a limit of 15 failed one run in three there. 40 keeps a wide margin on both sides.
 * A ratio measured in one run, never an absolute time: complexity_probe.ts measures, in a process
 * of its own, with GC on the main thread only (so CPU time is this code's and the GC it causes) and
 * a young generation large enough that no GC runs inside a timed run. A path over the limit is
 * measured again, up to twice: load on a shared machine can push a linear path's ratio up for a
 * while (see the probe), never a quadratic one's down to 15.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Ratio } from './complexity_probe';

const MAX_RATIO = 40;
const ATTEMPTS = 3;

function probe(only: string[]): Ratio[] {
  const flags = ['--expose-gc', '--single-threaded-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--import', 'tsx'];
  const out = execFileSync(process.execPath, [...flags, resolve(__dirname, 'complexity_probe.ts'), ...only], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Ratio[];
}

test('hot paths grow linearly with the model: time at 20k layers / time at 2k < 40 (quadratic: 100)', { timeout: 30 * 60_000 }, () => {
  const best = new Map<string, Ratio>();
  const lines: string[] = [];
  let todo: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS && (attempt === 1 || todo.length); attempt++) {
    for (const r of probe(todo)) {
      lines.push(`${attempt > 1 ? `(again, ${attempt}) ` : ''}${r.name}: ${r.big.toFixed(2)} ms / ${r.small.toFixed(3)} ms = ${r.ratio.toFixed(1)}`);
      if (!best.has(r.name) || r.ratio < best.get(r.name)!.ratio) best.set(r.name, r);
    }
    todo = [...best.values()].filter((r) => !(r.ratio < MAX_RATIO)).map((r) => r.name);
  }
  console.log(`  CPU time at 20k / at 2k (limit ${MAX_RATIO}):\n  ${lines.join('\n  ')}`);
  assert.ok(best.size >= 6, lines.join('\n'));
  assert.deepEqual(todo, [], `superlinear:\n${lines.join('\n')}`);
});
