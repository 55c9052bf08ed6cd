/**
 * A CommonJS factory plugin, `module.exports = function createPlugin(opts = {}) { ...; return { buildX, ... } }`:
 * the module's one export is an entry point, and the functions of the object it returns are
 * builders too (nothing in the file calls them; the host application does). Checked against tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const SRC = `const tf = require('@tensorflow/tfjs');
const DEFAULTS = { inputs: 10, hidden: 24, classes: 4 };
module.exports = function createPlugin(opts = {}) {
  const o = Object.assign({}, DEFAULTS, opts);
  function buildClassifier() {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [o.inputs], units: o.hidden, activation: 'relu' }));
    m.add(tf.layers.dense({ units: o.classes, activation: 'softmax' }));
    return m;
  }
  const buildScorer = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [o.inputs], units: 1 })] });
  return { name: 'plugin', buildClassifier, buildScorer, register(host) { host.handle('build', () => buildClassifier().countParams()); } };
};`;

test('module.exports = function factory(opts = {}) returning { buildClassifier, buildScorer }: both reported, tfjs\'s numbers for the defaults', async () => {
  const r = analyzeSource(SRC, '/virtual/plugin.js');
  await tfjs();
  const plugin = (loadModuleFromText(SRC, undefined, 'js') as unknown as (o?: object) => Record<string, () => never>)({});
  for (const name of ['buildClassifier', 'buildScorer']) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
    assert.notEqual(report.totalParams, null, name);
    assert.deepEqual(statedMismatches(report, plugin[name]!()), [], name);
  }
});
