/**
 * Array and Object helpers of ES2019-2023 that library code sizes layers with: Object.fromEntries of
 * a Map, toSorted / toReversed / with / toSpliced (copies: the original is unchanged), findLast /
 * findLastIndex, Number.isSafeInteger; and array searches whose test the analysis cannot decide
 * (filter, find, some, every on an unknown threshold), which must leave the sizes unknown, never drop
 * the element. Every stated number is compared with real tfjs built from the same source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

test('Object.fromEntries(map), toSorted/toReversed/with/toSpliced, findLast/findLastIndex and isSafeInteger size layers as in tfjs', async () => {
  const src = `
const DEFAULTS = new Map([['depth', 3], ['width', 12]]);
const WIDTHS = [40, 8, 24, 16];
export function sized() {
  const opts = Object.fromEntries(DEFAULTS);
  const asc = WIDTHS.toSorted((a, b) => a - b);
  const edited = asc.toReversed().with(-1, 6).toSpliced(1, 1);
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [WIDTHS[0]], units: opts.width }));
  for (let i = 0; i < opts.depth; i++) m.add(tf.layers.dense({ units: edited[i] }));
  m.add(tf.layers.dense({ units: WIDTHS.findLast((w) => w < 20) + WIDTHS.findLastIndex((w) => w > 20) }));
  m.add(tf.layers.dense({ units: [3, 2.5, 7].filter(Number.isSafeInteger).length + asc[0] }));
  return m;
}`;
  const r = analyzeSource(HEAD + src, '/virtual/m.ts');
  const report = r.models.find((m) => m.report.name === 'sized')!.report;
  assert.notEqual(report.totalParams, null, 'the total is stated');
  await tfjs();
  const mod = loadModuleFromText(HEAD + src);
  assert.deepEqual(statedMismatches(report, (mod.sized as () => Model)()), []);
});

test('filter / find / some / every with a test on an unknown value: nothing stated that the value changes', async () => {
  const src = `
export function picked(min: number) {
  const kept = [4, 8, 16].filter((u) => u > min);
  const first = [4, 8, 16].find((u) => u > min) ?? 2;
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: first }));
  for (const u of kept) m.add(tf.layers.dense({ units: u }));
  m.add(tf.layers.dense({ units: [4, 8].some((u) => u > min) ? 5 : 3 }));
  m.add(tf.layers.dense({ units: [4, 8].every((u) => u > min) ? 7 : 9 }));
  return m;
}`;
  const r = analyzeSource(HEAD + src, '/virtual/m.ts');
  await tfjs();
  const mod = loadModuleFromText(HEAD + src);
  const truths = [0, 5, 10, 20].map((min) => (mod.picked as (m: number) => Model)(min));
  assert.ok(new Set(truths.map((t) => t.countParams())).size > 1, 'min changes the model in tfjs');
  const reports = r.models.filter((m) => m.report.name === 'picked').map((m) => m.report);
  assert.ok(reports.length > 0);
  for (const report of reports) {
    // Which of [4, 8, 16] are kept depends on min: no total is stated, on any path.
    assert.equal(report.totalParams, null);
    // A variant holds under its own conditions only; a report without one must fit every min.
    if (report.variant) continue;
    for (const t of truths) assert.deepEqual(statedMismatches(report, t), []);
  }
});
