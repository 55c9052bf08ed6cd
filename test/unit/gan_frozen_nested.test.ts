/**
 * GAN code (tfjs-examples mnist-acgan) builds the discriminator around a local Sequential `cnn`,
 * returns it, and a caller freezes it (`discriminator.trainable = false`) for the combined model.
 * The builder's model is reported as returned; its local `cnn` (reported as `buildD › cnn`) must be
 * too, not as the caller's freeze left it. Checked against real tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs, truthLayers } from '../helpers/tfjs_oracle';
import type * as TF from '@tensorflow/tfjs';

const SRC = `import * as tf from '@tensorflow/tfjs';
export function buildD() {
  const cnn = tf.sequential();
  cnn.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 1] }));
  cnn.add(tf.layers.flatten());
  const image = tf.input({ shape: [8, 8, 1] });
  const features = cnn.apply(image);
  const real = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(features);
  const cls = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(features);
  return tf.model({ inputs: image, outputs: [real, cls] });
}
export function combine(d) {
  d.trainable = false;
  const x = tf.input({ shape: [8, 8, 1] });
  return tf.model({ inputs: x, outputs: d.apply(x) });
}
export function run() {
  const d = buildD();
  return combine(d);
}
run();
`;

test("a builder's local nested model is reported as the builder returned it, not frozen by a later caller", async () => {
  const tf = await tfjs();
  const r = analyzeSource(SRC, '/virtual/gan.js');
  const report = (name: string) => {
    const m = r.models.find((x) => x.report.name === name)?.report;
    assert.ok(m, `no model ${name}: ${r.models.map((x) => x.report.name).join(', ')}`);
    return m;
  };
  const mod = loadModuleFromText(SRC, undefined, 'js');
  // tfjs, as buildD returns them: the model and its nested Sequential.
  const d = (mod.buildD as () => TF.LayersModel)();
  const cnn = d.layers.find((l) => l instanceof tf.Sequential) as TF.Sequential;
  assert.deepEqual(statedMismatches(report('buildD'), d), []);
  assert.deepEqual(statedMismatches(report('buildD › cnn'), cnn), []);
  assert.ok(truthLayers(cnn).every((l) => l.trainable === l.params), 'the premise: tfjs trains all of cnn as built');
  // The combined model (named after run, the outermost function returning it) counts it frozen.
  const combined = (mod.run as () => TF.LayersModel)();
  assert.deepEqual(statedMismatches(report('run'), combined), []);
  assert.equal(report('run').trainableParams, 0);
});

test("the oracle's layer order: a Sequential built before the layers that feed it comes where it is applied, as in tfjs's model.layers", async () => {
  const tf = await tfjs();
  const cnn = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
  const latent = tf.input({ shape: [4] });
  const label = tf.input({ shape: [1] });
  const emb = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 10, outputDim: 4 }).apply(label)) as TF.SymbolicTensor;
  const h = tf.layers.multiply().apply([latent, emb]) as TF.SymbolicTensor;
  const g = tf.model({ inputs: [latent, label], outputs: cnn.apply(h) as TF.SymbolicTensor });
  const tfjsOrder = g.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.getClassName());
  assert.deepEqual(truthLayers(g).map((l) => l.className), tfjsOrder);
  const r = analyzeSource(`import * as tf from '@tensorflow/tfjs';
export function gen() {
  const cnn = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] });
  const latent = tf.input({ shape: [4] });
  const label = tf.input({ shape: [1] });
  const emb = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 10, outputDim: 4 }).apply(label));
  const h = tf.layers.multiply().apply([latent, emb]);
  return tf.model({ inputs: [latent, label], outputs: cnn.apply(h) });
}`, '/virtual/gen.js');
  const report = r.models.find((m) => m.report.name === 'gen')!.report;
  assert.deepEqual(statedMismatches(report, g), []);
  assert.deepEqual(report.layers.map((l) => l.className).filter((c) => c !== 'InputLayer'), tfjsOrder);
});
