/**
 * A CommonJS builder a caller renames (`main()` returns `build(16)`'s model, reported as main) is
 * also reported under its own name, with its own defaults, as an ES module's exported one is: the
 * export list `module.exports = { build, main }` says it is API, not a helper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

test('module.exports = { build, main: run }: build is reported with its defaults, main with its call, both tfjs\'s numbers', async () => {
  const src = `const tf = require('@tensorflow/tfjs');
function build(units = 8) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units }));
  return m;
}
function run() {
  return build(16);
}
module.exports = { build, main: run };`;
  const r = analyzeSource(src, '/virtual/cjs_renamed.js');
  await tfjs();
  const mod = loadModuleFromText(src, undefined, 'js') as Record<string, () => never>;
  for (const [name, make] of [['build', () => mod.build!()], ['run', () => mod.main!()]] as const) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
    assert.deepEqual(statedMismatches(report, make()), [], name);
  }
});
