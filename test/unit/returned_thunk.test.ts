/**
 * A function an entry point returns and the file never calls (a Redux thunk: `(cfg) => async
 * (dispatch, getState) => {...}`) is run too, with unknown arguments, and its model is reported
 * under the name of the function that made it. What it reads from getState() is unknown; what the
 * file decides is stated and must be tfjs's (the thunk run in Node with a store's state).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const SRC = `import * as tf from '@tensorflow/tfjs';
export const buildModel = (cfg = {}) => async (dispatch, getState) => {
  const { inputDim = 12, units = [32, 16] } = cfg;
  const model = tf.sequential();
  units.forEach((u, i) => model.add(tf.layers.dense({ units: u, activation: 'relu', ...(i === 0 ? { inputShape: [inputDim] } : {}) })));
  model.add(tf.layers.dense({ units: getState().labels.length, activation: 'softmax' }));
  dispatch({ type: 'model/built', payload: model });
  return model;
};
`;

test("a thunk a builder returns is run, its model named by the builder; getState()'s sizes stay unknown", async () => {
  const r = analyzeSource(SRC, '/virtual/thunks.js');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name === 'buildModel')?.report;
  assert.ok(report, `no model 'buildModel' among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const mod = loadModuleFromText(SRC, undefined, 'js') as { buildModel: (c?: unknown) => (d: unknown, g: unknown) => Promise<any> };
  for (const labels of [['a', 'b'], ['a', 'b', 'c', 'd', 'e']]) {
    const model = await mod.buildModel()(() => {}, () => ({ labels }));
    assert.deepEqual(statedMismatches(report, model), [], `with ${labels.length} labels`);
  }
  assert.equal(report.totalParams, null, 'the head depends on the store: no total');
  assert.ok(report.layers[0]!.params !== null && report.layers[1]!.params !== null, 'the layers the file decides are stated');
});
