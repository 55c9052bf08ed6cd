/**
 * Engine bugs the real-world corpus's convolutional files found (test/realworld/fixtures), each as
 * the smallest code that shows it, checked against real tfjs (never typed-in numbers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { buildNamed, loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";

/** Each named builder: the engine's report must state every total and agree with tfjs on all of it. */
async function agreesWithTfjs(body: string, names: string[]): Promise<void> {
  await tfjs();
  const r = analyzeSource(HEAD + body, '/virtual/m.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const mod = loadModuleFromText(HEAD + body);
  for (const name of names) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, `no model ${name}: ${r.models.map((m) => m.report.name).join(', ')}`);
    for (const k of ['totalParams', 'trainableParams', 'nonTrainableParams'] as const) assert.notEqual(report[k], null, `${name} ${k} unknown`);
    assert.deepEqual(statedMismatches(report, await buildNamed(mod, name)), [], name);
  }
}

test("a Sequential's layers are the layers added: the InputLayer an inputShape makes is not one, an explicit inputLayer is", async () => {
  await agreesWithTfjs(`
export function firstFrozen() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 3 }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.dense({ units: 2 }));
  m.layers[1].trainable = false;
  return m;
}
export function sliceFrozen() {
  const base = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.batchNormalization()] });
  for (const l of base.layers.slice(0, 2)) l.trainable = false;
  base.add(tf.layers.dense({ units: base.layers.length }));
  return base;
}
export function explicitInput() {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [4] }));
  m.add(tf.layers.dense({ units: 3 }));
  m.add(tf.layers.dense({ units: 2 }));
  m.layers[1].trainable = false;
  return m;
}`, ['firstFrozen', 'sliceFrozen', 'explicitInput']);
});

test('getLayer(undefined, i) is the layer at index i (not the first layer the code left unnamed); getLayer(name) finds only a given name', async () => {
  await agreesWithTfjs(`
export function seqIndex() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 3 }));
  m.add(tf.layers.dense({ units: 5 }));
  m.getLayer(undefined, 1).trainable = false;
  return m;
}
export function funcIndex() {
  const inp = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 3 }).apply(inp) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 2, name: 'head' }).apply(h) as tf.SymbolicTensor });
  m.getLayer(undefined, 2).trainable = false;
  m.getLayer('head').trainable = m.getLayer(undefined, 1).trainable;
  return m;
}`, ['seqIndex', 'funcIndex']);
});

test("a builder's string option left at its default: reading it (split, length, [0]) uses the default, a string test on it forks with the default marked", async () => {
  await agreesWithTfjs(`
export function fromArch(arch = 'c8-p-c16-d10') {
  const m = tf.sequential();
  arch.split('-').forEach((tok, i) => {
    const n = parseInt(tok.slice(1), 10);
    const first = i === 0 ? { inputShape: [16, 16, arch.length % 3 + 1] } : {};
    if (tok[0] === 'c') m.add(tf.layers.conv2d({ ...first, filters: n, kernelSize: 3 }));
    else if (tok[0] === 'p') m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    else { m.add(tf.layers.flatten()); m.add(tf.layers.dense({ units: n })); }
  });
  return m;
}`, ['fromArch']);
  const src = `
export function byName(kind = 'resnet18') {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 2 }));
  if (kind.startsWith('res')) m.add(tf.layers.dense({ units: 3 }));
  return m;
}`;
  const r = analyzeSource(HEAD + src, '/virtual/m.ts');
  const variants = r.models.filter((m) => m.report.name === 'byName').map((m) => m.report as { variant?: { label: string; default?: boolean }; totalParams: number | null });
  assert.equal(variants.length, 2, 'both outcomes of the test stay variants');
  const dflt = variants.filter((v) => v.variant?.default);
  assert.equal(dflt.length, 1, 'the file default picks one');
  const truth = await buildNamed(loadModuleFromText(HEAD + src), 'byName');
  assert.equal(dflt[0]!.totalParams, truth.countParams());
});
