/**
 * A builder that hands its models back inside an object (tfjs-examples translation:
 * `return { model, encoderModel, decoderModel }`) and a caller that builds them with its real
 * arguments: each model is reported once, as the caller built it, the way a builder returning its
 * model is (analysis/builders.ts). Before, the builder's own run with unknown parameters was kept
 * too, and the file's two models were reported four times ('build › model#2'). Numbers against tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';
import type * as TF from '@tensorflow/tfjs';

const SRC = `import * as tf from '@tensorflow/tfjs';
export function build(n: number, units: number) {
  const x = tf.input({ shape: [n] });
  const h = tf.layers.dense({ units }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1 }).apply(h) as tf.SymbolicTensor });
  const encoder = tf.model({ inputs: x, outputs: h });
  return { model, encoder };
}
export async function main() {
  const res = await fetch('./config.json');
  if (!res.ok) throw new Error('no config');
  const cfg = await res.json();
  const { model, encoder } = build(cfg.numFeatures, 32);
  model.summary();
  return encoder.countParams();
}
main();
`;

test('models a builder returns inside an object are reported once, as its caller built them', async () => {
  await tfjs();
  const r = analyzeSource(SRC, '/virtual/obj.ts');
  assert.deepEqual(r.models.map((m) => m.report.name).sort(), ['build › encoder', 'build › model']);
  // What the caller's arguments leave open stays open; the rest is tfjs's, for any numFeatures
  // (tfjs runs the builder alone: its main() would fetch).
  const built = (loadModuleFromText(SRC.replace('\nmain();\n', '\n')).build as (n: number, u: number) => { model: TF.LayersModel; encoder: TF.LayersModel })(7, 32);
  for (const key of ['model', 'encoder'] as const) {
    const report = r.models.find((m) => m.report.name === `build › ${key}`)!.report;
    assert.equal(report.totalParams, null);
    assert.deepEqual(report.outputShapes, built[key].outputs.map((t) => t.shape));
    const stated = { ...report, layers: report.layers.map((l) => ({ ...l, params: l.className === 'Dense' && l.outputShape?.[1] === 32 ? null : l.params })) };
    assert.deepEqual(statedMismatches(stated, built[key]), []);
  }
});
