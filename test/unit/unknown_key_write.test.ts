/**
 * `o[key] = v` with a key the analysis cannot know (a parsed config line, a request field): any key
 * of `o` may now hold `v`. The write used to be dropped, so `o.units` kept its old value and the
 * engine stated a total tfjs does not have when the key is 'units'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, tfjs } from '../helpers/tfjs_oracle';

const SRC = `const tf = require('@tensorflow/tfjs');
function build(key, value) {
  const o = { units: 4, activation: 'relu' };
  o[key] = value;
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: o.units, activation: o.activation }));
  return m;
}
function buildKnown() {
  const o = { units: 4 };
  o['un' + 'its'] = 6;
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: o.units })] });
}
module.exports = { build, buildKnown };`;

test('o[key] = v with an unknown key: o.units is unknown (tfjs\'s total depends on the key); a computed known key is still exact', async () => {
  const r = analyzeSource(SRC, '/virtual/unknown_key.js');
  await tfjs();
  const mod = loadModuleFromText(SRC, undefined, 'js') as Record<string, (...a: unknown[]) => { countParams(): number }>;
  const totals = [mod.build!('units', 8).countParams(), mod.build!('name', 'x').countParams()];
  assert.notEqual(totals[0], totals[1], 'tfjs: the total depends on the key');
  const report = r.models.find((m) => m.report.name === 'build')?.report;
  assert.ok(report);
  assert.equal(report.totalParams, null, `the engine states ${report.totalParams}; tfjs has ${totals.join(' or ')}`);
  const known = r.models.find((m) => m.report.name === 'buildKnown')!.report;
  assert.equal(known.totalParams, mod.buildKnown!().countParams());
});
