/**
 * Config objects that define `[Symbol.iterator]` (a generator method of a class, or a literal whose
 * iterator object has next()) and are walked by for...of or spread to add layers. The engine walks
 * them as JS does; every model is compared with real tfjs built from the same source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

const SRC = `
class Plan {
  constructor(private units: number[]) {}
  *[Symbol.iterator]() {
    for (const u of this.units) yield tf.layers.dense({ units: u, activation: 'relu' });
  }
}
const widths = {
  from: 3,
  [Symbol.iterator]() {
    let n = this.from;
    return { next: () => (n > 0 ? { value: 4 * n--, done: false } : { value: undefined, done: true }) };
  },
};
export function forOf() {
  const m = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [10] })] });
  for (const layer of new Plan([32, 8])) m.add(layer);
  return m;
}
export function spread() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [5], units: 2 }));
  for (const u of [...widths]) m.add(tf.layers.dense({ units: u }));
  return m;
}`;

test('for...of and spread over an object with [Symbol.iterator] (generator method, iterator object) build what tfjs builds', async () => {
  const r = analyzeSource(HEAD + SRC, '/virtual/m.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  await tfjs();
  const mod = loadModuleFromText(HEAD + SRC);
  for (const name of ['forOf', 'spread']) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, name);
    assert.notEqual(report.totalParams, null, `${name}: total stated`);
    assert.deepEqual(statedMismatches(report, (mod[name] as () => Model)()), [], name);
  }
});
