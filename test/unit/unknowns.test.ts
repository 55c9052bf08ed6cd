/**
 * Real-world code the engine cannot fully see: what it does not know stays null (never 0, never a
 * guess), conditions it cannot decide become variants, and nothing that runs in tfjs gets an error.
 * Every number the engine states is checked against tfjs building the same code (with concrete
 * values for the unknowns, several of them where the number must hold for any).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfns from '@tensorflow/tfjs';
import { analyzeSource, type ModelReport } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const analyze = (code: string, file = '/virtual/case.ts') => analyzeSource(code, file);
const errors = (r: ReturnType<typeof analyze>) => r.diagnostics.filter((d) => d.severity === 'error');

/** Build export `name` of `code` in tfjs with `args`, check every number the report states, dispose. */
async function agrees(code: string, report: ModelReport, name: string, ...args: unknown[]): Promise<void> {
  const tf = await tfjs();
  const mod = loadModuleFromText(code);
  const model = (await (mod[name] as (...a: unknown[]) => unknown)(...args)) as tfns.LayersModel;
  try {
    assert.deepEqual(statedMismatches(report, model), [], `${report.name}${report.variant ? ` [${report.variant.label}]` : ''} with ${JSON.stringify(args)}`);
  } finally {
    model.dispose();
    tf.disposeVariables();
  }
}

const model = (r: ReturnType<typeof analyze>, name: string, variant?: string): ModelReport => {
  const m = r.models.find((x) => x.report.name === name && (variant === undefined || x.report.variant?.label === variant));
  assert.ok(m, `model ${name}${variant ? ` [${variant}]` : ''} in ${r.models.map((x) => `${x.report.name} [${x.report.variant?.label ?? ''}]`).join(', ')}`);
  return m.report;
};

test('item 1: a model cut from a loaded model has unknown totals, not 0', () => {
  const r = analyze(`import * as tf from '@tensorflow/tfjs';
export async function features(url: string) {
  const base = await tf.loadLayersModel(url);
  const layer = base.getLayer('conv_pw_13_relu');
  return tf.model({ inputs: base.inputs, outputs: layer.output });
}`);
  const m = model(r, 'features');
  assert.equal(m.totalParams, null);
  assert.equal(m.macs, null);
  assert.ok(m.incomplete?.length, 'says why');
  assert.deepEqual(errors(r), []);
});

test('item 1: a model built from models passed in as parameters has unknown totals; its own layers stay connected', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function vae(encoder: tf.LayersModel, decoder: tf.LayersModel) {
  const inputs = tf.input({ shape: [784] });
  const h = tf.layers.dense({ units: 64, name: 'pre' }).apply(inputs) as tf.SymbolicTensor;
  const z = encoder.apply(h) as tf.SymbolicTensor;
  const out = decoder.apply(z);
  return tf.model({ inputs, outputs: out as tf.SymbolicTensor });
}
export function parts() {
  const enc = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [64] })] });
  const dec = tf.sequential({ layers: [tf.layers.dense({ units: 784, inputShape: [8] })] });
  return [enc, dec];
}`;
  const r = analyze(code);
  const m = model(r, 'vae');
  assert.equal(m.totalParams, null);
  assert.deepEqual(m.layers.map((l) => [l.className, l.outputShape, l.params]), [['Dense', [null, 64], 50240]]);
  assert.deepEqual(errors(r), []);
  const mod = loadModuleFromText(code);
  const [enc, dec] = (mod.parts as () => unknown[])();
  await agrees(code, m, 'vae', enc, dec);
});

test('item 1: a loop whose bound is a parameter leaves the totals unknown; the body is analysed once and a shape it keeps stays known', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function mlp(numLayers: number) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, inputShape: [10] }));
  for (let i = 0; i < numLayers; i++) model.add(tf.layers.dense({ units: 32 }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
export function down(n: number) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 8, kernelSize: 3, padding: 'same' }));
  for (let i = 0; i < n; i++) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}`;
  const r = analyze(code);
  const mlp = model(r, 'mlp');
  assert.equal(mlp.totalParams, null);
  assert.deepEqual(mlp.outputShapes, [[null, 1]], 'a dense stack keeps its width: the output is known');
  const down = model(r, 'down');
  assert.equal(down.totalParams, null);
  assert.equal(down.layers.find((l) => l.className === 'Dense')!.params, null, 'the flattened size depends on the loop count');
  assert.deepEqual(errors(r), []);
  // The layers stated must hold whatever the count (the body's layers: for its first run).
  for (const k of [1, 2, 3]) await agrees(code, { ...down, layers: down.layers.slice(0, 2) }, 'down', k);
  for (const k of [1, 4]) await agrees(code, { ...mlp, layers: mlp.layers.slice(0, 2) }, 'mlp', k);
});

test('item 2: an unknown input shape is not taken for rank 4, nor an unknown targetShape for rank 2', () => {
  const r = analyze(`import * as tf from '@tensorflow/tfjs';
export function head(base: tf.LayersModel) {
  const x = tf.input({ shape: [16] });
  const y = base.apply(x) as tf.SymbolicTensor;
  const d = tf.layers.dense({ units: 10 }).apply(y) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(y) as tf.SymbolicTensor;
  const f = tf.layers.flatten().apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: [d, c, f] });
}
export function reshaped(targetShape: number[]) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 12, inputShape: [4] }));
  model.add(tf.layers.reshape({ targetShape }));
  return model;
}`);
  const head = model(r, 'head');
  const byClass = (c: string) => head.layers.find((l) => l.className === c)!;
  assert.equal(byClass('Dense').outputShape, null, 'Dense keeps its input rank, which is unknown');
  assert.deepEqual(byClass('Conv2D').outputShape, [null, null, null, 4], 'Conv2D only takes 4-D input');
  assert.deepEqual(byClass('Flatten').outputShape, [null, null], 'Flatten always gives 2-D');
  assert.equal(model(r, 'reshaped').layers[1]!.outputShape, null);
  assert.deepEqual(errors(r), []);
});

test('item 2: an if on an unknown value does not take the then-branch as fact: each branch is a variant, checked in tfjs', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function createModel(modelType: string) {
  const model = tf.sequential();
  if (modelType === 'cnn') {
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3 }));
    model.add(tf.layers.flatten());
  } else {
    model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  }
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}`;
  const r = analyze(code);
  const cnn = model(r, 'createModel', "modelType = 'cnn'");
  const other = model(r, 'createModel', "modelType ≠ 'cnn'");
  assert.equal(cnn.variant?.default, undefined, 'no default decides an unknown parameter');
  await agrees(code, cnn, 'createModel', 'cnn');
  await agrees(code, other, 'createModel', 'mlp');
});

test('item 3: a guard that throws on an unknown value does not make the model vanish', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function build(n: number) {
  if (!(Number.isInteger(n) && n > 0)) throw new Error('n must be a positive integer');
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [n] }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
export class Net {
  kind: string;
  constructor(kind: string) { this.kind = kind; }
  build() {
    const model = tf.sequential();
    if (this.kind === 'classifier') model.add(tf.layers.dense({ units: 3, inputShape: [5], activation: 'softmax' }));
    else model.add(tf.layers.dense({ units: 1, inputShape: [5] }));
    return model;
  }
}`;
  const r = analyze(code);
  const m = model(r, 'build');
  assert.equal(m.layers.length, 2);
  assert.equal(m.layers[1]!.params, 17);
  assert.equal(r.models.filter((x) => x.report.name === 'Net.build').length, 2, 'one variant per kind');
  assert.deepEqual(errors(r), []);
  for (const n of [3, 8]) await agrees(code, m, 'build', n);
});

test('item 3: code run later is analysed: effects, handlers, timers, promise chains, dynamic import, the global tf', () => {
  const r = analyze(`import * as tf from '@tensorflow/tfjs';
import { useEffect } from 'react';
export function App() {
  useEffect(() => {
    const effectModel = tf.sequential();
    effectModel.add(tf.layers.dense({ units: 3, inputShape: [4] }));
  }, []);
  return null;
}
document.getElementById('go')!.addEventListener('click', async () => {
  const clickModel = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
});
setTimeout(() => { const timerModel = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [1] })] }); }, 10);
fetch('/data.json').then((r) => r.json()).then((data) => {
  const fetched = tf.sequential();
  fetched.add(tf.layers.dense({ units: 4, inputShape: [data.features] }));
});
import('./other.js').then(() => { const lazy = tf.sequential({ layers: [tf.layers.dense({ units: 7, inputShape: [2] })] }); });`);
  const names = r.models.map((m) => m.report.name).sort();
  assert.deepEqual(names, ['clickModel', 'effectModel', 'fetched', 'lazy', 'timerModel']);
  assert.equal(model(r, 'fetched').totalParams, null);
  const umd = analyze(`const net = tf.sequential();\nnet.add(tf.layers.dense({ units: 4, inputShape: [3] }));`, '/virtual/page.js');
  assert.equal(model(umd, 'net').totalParams, 16, 'a <script> page uses the global tf');
});

test('item 4: no error on code that runs: an inputShape parameter, tf.layers.input, Dense on 3-D input, an unknown layer added', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function fromShape(inputShape: number[]) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape, filters: 8, kernelSize: 3 }));
  return model;
}
export function aliasInput() {
  const inp = tf.layers.input({ shape: [10] });
  const out = tf.layers.dense({ units: 3 }).apply(inp) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}
export function dense3d() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [5, 7] }));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
export function addUnknown(extra: tf.layers.Layer) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  model.add(extra);
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  await agrees(code, model(r, 'aliasInput'), 'aliasInput');
  await agrees(code, model(r, 'dense3d'), 'dense3d');
  await agrees(code, model(r, 'fromShape'), 'fromShape', [12, 12, 3]);
  const add = model(r, 'addUnknown');
  assert.equal(add.totalParams, null);
  assert.equal(add.layers[0]!.params, 40);
});

test('item 6: a long data loop that builds nothing does not starve the builder called after it', () => {
  const r = analyze(`import * as tf from '@tensorflow/tfjs';
export function main() {
  const rows: { x: number; y: number }[] = [];
  for (let i = 0; i < 100000; i++) rows.push({ x: i % 7, y: i % 3 });
  let sum = 0;
  for (const row of rows) sum += row.x * row.y;
  return build(4);
}
function build(units: number) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units, inputShape: [2] }));
  return m;
}`);
  assert.equal(model(r, 'main').totalParams, 12);
  assert.deepEqual(r.diagnostics.filter((d) => d.code === 'analysis-budget'), []);
});

test('item 7: after an Add of 32 and 64 channels every dim the error does not touch is kept', () => {
  const r = analyze(`import * as tf from '@tensorflow/tfjs';
export function bad() {
  const x = tf.input({ shape: [8, 8, 3] });
  const a = tf.layers.conv2d({ filters: 32, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 64, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const s = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 16, kernelSize: 3 }).apply(s) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: c });
}`);
  const m = model(r, 'bad');
  assert.deepEqual(m.layers.map((l) => l.outputShape), [[null, 8, 8, 32], [null, 8, 8, 64], [null, 8, 8, null], [null, 6, 6, 16]]);
  assert.equal(errors(r).length, 1);
});
