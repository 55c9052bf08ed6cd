/**
 * `Array.isArray(x)` on a value the analysis does not know (tfjs-examples lstm-text-generation:
 * `if (!Array.isArray(lstmLayerSizes)) lstmLayerSizes = [lstmLayerSizes];`). It answered false, a
 * guess: the builder was reported as the one-number model only, with an expression in
 * `lstmLayerSizes` that means nothing when a caller passes a list. It is unknown now, so the two
 * paths are two variants; the number one is checked against tfjs, the list one states nothing wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';
import { evaluate } from '../realworld/harness/expr';
import type * as TF from '@tensorflow/tfjs';

const SRC = `import * as tf from '@tensorflow/tfjs';
export function createModel(lstmLayerSizes: number | number[], sampleLen: number, charSetSize: number) {
  if (!Array.isArray(lstmLayerSizes)) {
    lstmLayerSizes = [lstmLayerSizes];
  }
  const model = tf.sequential();
  for (let i = 0; i < lstmLayerSizes.length; ++i) {
    model.add(tf.layers.lstm({
      units: lstmLayerSizes[i],
      returnSequences: i < lstmLayerSizes.length - 1,
      inputShape: i === 0 ? [sampleLen, charSetSize] : undefined,
    }));
  }
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  return model;
}
`;

test('Array.isArray of an unknown value is unknown: one variant per answer, each true to tfjs', async () => {
  await tfjs();
  const r = analyzeSource(SRC, '/virtual/gen.ts');
  const variants = r.models.filter((m) => m.report.name === 'createModel').map((m) => m.report);
  const label = (v: (typeof variants)[number]) => (typeof v.variant === 'object' && v.variant ? v.variant.label : String(v.variant));
  assert.deepEqual(variants.map(label).sort(), ['!Array.isArray(lstmLayerSizes)', 'Array.isArray(lstmLayerSizes)']);
  const mod = loadModuleFromText(SRC);
  const build = mod.createModel as (s: number | number[], l: number, c: number) => TF.LayersModel;

  // One number: a single LSTM, sized by the parameters.
  const single = variants.find((v) => label(v).startsWith('!'))!;
  for (const [units, len, cs] of [[64, 10, 30], [7, 40, 57]] as const) {
    const real = build(units, len, cs);
    const values: Record<string, number> = { lstmLayerSizes: units, sampleLen: len, charSetSize: cs };
    assert.equal(evaluate(single.totalParamsExpr!.text, (n) => values[n]), real.countParams(), single.totalParamsExpr!.text);
    real.dispose();
  }
  // A list of unknown length: its layers are unknown (the list the engine shows is no claim, the
  // total is null); the input it states is tfjs's.
  const list = variants.find((v) => !label(v).startsWith('!'))!;
  const real = build([32, 16], 10, 30);
  assert.equal(list.totalParams, null);
  assert.deepEqual(statedMismatches({ ...list, layers: [] }, real), []);
  real.dispose();
});

test('Array.isArray of a known value, and of a size computed from symbols, is answered', () => {
  const r = analyzeSource(`import * as tf from '@tensorflow/tfjs';
export function f(n: number) {
  const a = Array.isArray([1]) ? 8 : 9;
  const b = Array.isArray(n * 2) ? 1 : 4;
  return tf.sequential({ layers: [tf.layers.dense({ units: a + b, inputShape: [3] })] });
}`, '/virtual/known.ts');
  const m = r.models.filter((x) => x.report.name === 'f');
  assert.equal(m.length, 1);
  assert.equal(m[0]!.report.variant, undefined);
  assert.deepEqual(m[0]!.report.outputShapes, [[null, 12]]);
});
