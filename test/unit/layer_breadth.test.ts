/**
 * Layers and layer arguments the real-world corpus reaches beyond the common ones (pixel shuffle
 * custom layers, ConvLSTM2D, preprocessing layers, channels-first stacks): every number the engine
 * states is checked against tfjs 4.22 building the same code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfns from '@tensorflow/tfjs';
import { analyzeSource, type ModelReport } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const analyze = (code: string) => analyzeSource(code, '/virtual/breadth.ts');
const errors = (r: ReturnType<typeof analyze>) => r.diagnostics.filter((d) => d.severity === 'error');

function model(r: ReturnType<typeof analyze>, name: string): ModelReport {
  const m = r.models.find((x) => x.report.name === name);
  assert.ok(m, `model ${name} in ${r.models.map((x) => x.report.name).join(', ')}`);
  return m.report;
}

/** Build export `name` of `code` in tfjs with `args`; every number the report states must be tfjs's. */
async function agrees(code: string, report: ModelReport, name: string, ...args: unknown[]): Promise<tfns.LayersModel> {
  const tf = await tfjs();
  const mod = loadModuleFromText(code);
  const built = (await (mod[name] as (...a: unknown[]) => unknown)(...args)) as tfns.LayersModel;
  assert.deepEqual(statedMismatches(report, built), [], `${report.name} with ${JSON.stringify(args)}`);
  tf.disposeVariables();
  return built;
}

test('a custom layer computing on a size the analysis does not know gives an unknown size, not null arithmetic', async () => {
  // null * 2 is 0 in JS: handing user code null for an unknown height made a pixel shuffle 0 tall.
  const code = `import * as tf from '@tensorflow/tfjs';
class PixelShuffle extends tf.layers.Layer {
  static className = 'PixelShuffle';
  constructor(private readonly scale: number) { super({}); }
  build(inputShape: tf.Shape) {
    const s = inputShape as number[];
    this.addWeight('gain', [s[1] * 0 + 1, s[3] / (this.scale * this.scale)], 'float32', tf.initializers.ones());
  }
  computeOutputShape(inputShape: tf.Shape): tf.Shape {
    const [b, h, w, c] = inputShape as number[];
    return [b, h * this.scale, w * this.scale, c / (this.scale * this.scale)];
  }
}
export function shuffled(height: number) {
  const lr = tf.input({ shape: [height, 16, 3] });
  const x = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same' }).apply(lr) as tf.SymbolicTensor;
  return tf.model({ inputs: lr, outputs: new PixelShuffle(2).apply(x) as tf.SymbolicTensor });
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  const m = model(r, 'shuffled');
  assert.equal(m.outputShapes[0]![1], null);
  assert.equal(m.outputShapes[0]![2], 32);
  for (const h of [5, 9]) (await agrees(code, m, 'shuffled', h)).dispose();
});

test('a Sequential\'s model.layers and getLayer(name, index) index the added layers, as tfjs does (no InputLayer at 0)', async () => {
  // Sequential.add pushes the added layers only: index 0 is the first layer, not the InputLayer its
  // inputShape makes. The engine used to freeze the layer before the one the code named.
  const code = `import * as tf from '@tensorflow/tfjs';
function base() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 3 }));
  model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
export function sliced() {
  const model = base();
  for (const layer of model.layers.slice(0, 2)) layer.trainable = false;
  return model;
}
export function indexed() {
  const model = base();
  model.layers[1].trainable = false;
  return model;
}
export function byIndex() {
  const model = base();
  model.getLayer(undefined, 1).trainable = false;
  model.getLayer(2).trainable = false;
  return model;
}
export function explicitInput() {
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4] }), tf.layers.dense({ units: 3 }), tf.layers.dense({ units: 2 })] });
  model.layers[1].trainable = false;
  return model;
}
export function functional() {
  const input = tf.input({ shape: [4] });
  const h = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor });
  model.layers[1].trainable = false;
  return model;
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  for (const name of ['sliced', 'indexed', 'byIndex', 'explicitInput', 'functional']) {
    const m = model(r, name);
    assert.notEqual(m.trainableParams, null, name);
    (await agrees(code, m, name)).dispose();
  }
});

test('zeroPadding2d with negative padding that crops to exactly nothing builds and runs in tfjs: a warning, not an error', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function cropped() {
  return tf.sequential({ layers: [tf.layers.zeroPadding2d({ inputShape: [2, 12, 6], padding: -1 })] });
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  const m = model(r, 'cropped');
  assert.deepEqual(m.outputShapes[0], [null, 0, 10, 6]);
  const built = await agrees(code, m, 'cropped');
  const tf = await tfjs();
  const y = built.predict(tf.zeros([1, 2, 12, 6])) as tfns.Tensor;
  assert.deepEqual(y.shape, [1, 0, 10, 6], 'tfjs runs it on an empty tensor');
  built.dispose();
});

test('rescaling is catalogued: shape through, no weights, so a model that starts with it is known in full', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function normalized() {
  const raw = tf.input({ shape: [48, 64, 3] });
  let x = tf.layers.rescaling({ scale: 1 / 127.5, offset: -1 }).apply(raw) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: raw, outputs: x });
}
export function missingScale() {
  return tf.sequential({ layers: [tf.layers.rescaling({ inputShape: [4] } as never)] });
}`;
  const r = analyze(code);
  const m = model(r, 'normalized');
  assert.notEqual(m.totalParams, null);
  assert.deepEqual(m.outputShapes[0], [null, 23, 31, 8]);
  (await agrees(code, m, 'normalized')).dispose();
  // tfjs builds it but multiplies by undefined when it runs.
  const tf = await tfjs();
  const bad = loadModuleFromText(code).missingScale as () => tfns.Sequential;
  assert.throws(() => bad().predict(tf.zeros([1, 4])));
  assert.ok(errors(r).some((d) => /Rescaling.*'scale' is required/.test(d.message)), 'says so');
});

test('convLstm2d is catalogued: shapes, weights and params are tfjs\'s (strides, dilation, channelsFirst, returnSequences, trainable: false)', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function nowcaster() {
  const model = tf.sequential();
  model.add(tf.layers.convLstm2d({ inputShape: [4, 12, 12, 1], filters: 6, kernelSize: 3, padding: 'same', returnSequences: true }));
  model.add(tf.layers.convLstm2d({ filters: 4, kernelSize: [3, 2], strides: 2, returnSequences: true, unitForgetBias: true }));
  model.add(tf.layers.convLstm2d({ filters: 3, kernelSize: 1, useBias: false }));
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }));
  return model;
}
export function channelsFirst() {
  const x = tf.input({ shape: [3, 2, 10, 9] });
  const y = tf.layers.convLstm2d({ filters: 5, kernelSize: 3, dilationRate: [2, 1], dataFormat: 'channelsFirst', returnSequences: true }).apply(x) as tf.SymbolicTensor;
  const z = tf.layers.convLstm2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', trainable: false }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: z });
}
export function withState() {
  const x = tf.input({ shape: [2, 7, 7, 3] });
  const outs = tf.layers.convLstm2d({ filters: 4, kernelSize: 3, returnState: true }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs[0] });
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  const tf = await tfjs();
  // returnState gives [output, h, c] (test/unit/rnn_return_state.test.ts): the model on its first output is known.
  for (const [name, input] of [['nowcaster', [2, 4, 12, 12, 1]], ['channelsFirst', [2, 3, 2, 10, 9]], ['withState', [2, 2, 7, 7, 3]]] as const) {
    const m = model(r, name);
    assert.notEqual(m.totalParams, null, name);
    assert.ok(m.layers.every((l) => (l.outputShape ?? l.outputShapes) && l.params !== null), `${name}: every layer known`);
    const built = (loadModuleFromText(code)[name] as () => tfns.LayersModel)();
    assert.deepEqual(statedMismatches(m, built), [], name);
    // The forward pass computes the shape the report states.
    const y = built.predict(tf.zeros([...input])) as tfns.Tensor;
    assert.deepEqual(y.shape, m.outputShapes[0]!.map((d, i) => (i === 0 ? 2 : d)), name);
    built.dispose();
    tf.disposeVariables();
  }
  // MACs: the recurrent layers' convention (LSTM counts 0; conv/dense only), so only the conv2d head counts.
  const now = model(r, 'nowcaster');
  // The head's input is the last ConvLSTM2D's output, whose shape was checked against tfjs above.
  const [, h, w, c] = now.layers[2]!.outputShape as number[];
  assert.deepEqual(now.layers.map((l) => l.macs), [0, 0, 0, h! * w! * 3 * 3 * c! * 1]);
});

test('convLstm2d configs tfjs rejects are errors, each one checked against tfjs', async () => {
  const tf = await tfjs();
  const cases: [string, Record<string, unknown>, (number | null)[], RegExp][] = [
    ['4-D input (no time axis)', { filters: 2, kernelSize: 3 }, [null, 8, 8, 1], /expects a 5-D input/],
    ['unroll', { filters: 2, kernelSize: 3, unroll: true }, [null, 2, 8, 8, 1], /unroll/],
    ['missing filters', { kernelSize: 3 }, [null, 2, 8, 8, 1], /'filters' is required/],
    ['kernel of 3 entries', { filters: 2, kernelSize: [3, 3, 3] }, [null, 2, 8, 8, 1], /kernelSize/],
    ['causal padding (throws when run)', { filters: 2, kernelSize: 3, padding: 'causal' }, [null, 2, 8, 8, 1], /causal/],
    ['strides with dilation (throws when run)', { filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }, [null, 2, 12, 12, 1], /strides 2×2 together with dilationRate 2×2/],
    ['kernel bigger than the frame', { filters: 2, kernelSize: 5 }, [null, 2, 3, 8, 1], /does not fit the 3×8 input/],
    ['stateful without a batch size', { filters: 2, kernelSize: 3, stateful: true }, [null, 2, 8, 8, 1], /batch size/],
  ];
  for (const [what, cfg, shape, msg] of cases) {
    const code = `import * as tf from '@tensorflow/tfjs';
export function bad() {
  const x = tf.input({ shape: ${JSON.stringify(shape.slice(1))} });
  const y = tf.layers.convLstm2d(${JSON.stringify(cfg)}).apply(x) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: y });
  m.predict(tf.zeros(${JSON.stringify(shape.map((d) => d ?? 1))}));
  return m;
}`;
    const r = analyze(code);
    assert.ok(errors(r).some((d) => /ConvLSTM2D/.test(d.message) && msg.test(d.message)), `${what}: ${errors(r).map((d) => d.message).join(' | ') || 'no error'}`);
    // tfjs fails too: at construction, apply or predict; or gives a negative size.
    let failed = false;
    try {
      const m = (loadModuleFromText(code).bad as () => tfns.LayersModel)();
      failed = m.outputs[0]!.shape.some((d) => d !== null && d < 0);
    } catch {
      failed = true;
    }
    assert.ok(failed, `${what}: tfjs accepts it`);
    tf.disposeVariables();
  }
});

test('resizing, centerCrop and categoryEncoding are not catalogued: tfjs 4.22 cannot use them in a model, and the engine says why', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function resized() {
  const x = tf.input({ shape: [8, 6, 3] });
  const h = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.resizing({ height: 4, width: 4 }).apply(h) as tf.SymbolicTensor });
}
export function cropped() {
  const x = tf.input({ shape: [8, 6, 3] });
  return tf.model({ inputs: x, outputs: tf.layers.centerCrop({ height: 4, width: 4 }).apply(x) as tf.SymbolicTensor });
}
export function encoded() {
  const x = tf.input({ shape: [3] });
  return tf.model({ inputs: x, outputs: tf.layers.categoryEncoding({ numTokens: 5 }).apply(x) as tf.SymbolicTensor });
}`;
  const tf = await tfjs();
  const mod = loadModuleFromText(code);
  const inputs: Record<string, () => tfns.Tensor> = { resized: () => tf.zeros([2, 8, 6, 3]), cropped: () => tf.zeros([2, 8, 6, 3]), encoded: () => tf.tensor2d([[0, 1, 2], [4, 3, 1]]) };
  for (const name of Object.keys(inputs)) {
    const built = (mod[name] as () => tfns.LayersModel)();
    assert.throws(() => built.predict(inputs[name]!()), `${name}: tfjs predicts it`);
    built.dispose();
  }
  const r = analyze(code);
  for (const [name, factory] of [['resized', 'resizing'], ['cropped', 'centerCrop'], ['encoded', 'categoryEncoding']]) {
    const m = model(r, name!);
    assert.equal(m.outputShapes[0], null, `${name}: output unknown, not guessed`);
    assert.ok(r.notes.some((d) => d.message.includes(`tf.layers.${factory} is not modelled, on purpose: tfjs 4.22's`)), `${name}: a note says why`);
  }
  assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && /Resizing in a model: .*resizeBilinear throws/.test(d.message)), 'resizing in a model: a warning');
  assert.deepEqual(errors(r), []);
});

test('cropping2D that crops a spatial dim to exactly nothing builds and runs in tfjs: a warning, not an error; more than the input is still an error', async () => {
  const code = `import * as tf from '@tensorflow/tfjs';
export function cropped() {
  return tf.sequential({ layers: [tf.layers.cropping2D({ inputShape: [5, 9, 3], cropping: [[1, 1], [4, 5]] })] });
}
export function croppedRows() {
  return tf.sequential({ layers: [tf.layers.cropping2D({ inputShape: [4, 6, 2], cropping: [[2, 2], [0, 1]], dataFormat: 'channelsLast' })] });
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  const tf = await tfjs();
  for (const name of ['cropped', 'croppedRows']) {
    const m = model(r, name);
    assert.ok(m.outputShapes[0]?.includes(0), `${name}: the engine states the empty dim`);
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && /Cropping2D: .*removes all/.test(d.message)), `${name}: said as a warning`);
    const built = await agrees(code, m, name);
    const inShape = (built.inputs[0]!.shape as number[]).map((d) => d ?? 1);
    const y = built.predict(tf.zeros(inShape)) as tfns.Tensor;
    assert.deepEqual(y.shape.slice(1), m.outputShapes[0]!.slice(1), `${name}: tfjs runs it on an empty tensor`);
    built.dispose();
  }
  // One more column cropped than the input has: tfjs refuses to build it, so the error stays.
  const overCode = code.replace('[[1, 1], [4, 5]]', '[[1, 1], [5, 5]]');
  assert.ok(errors(analyze(overCode)).some((d) => /Cropping2D/.test(d.message)), 'a negative size is an error');
  assert.throws(() => (loadModuleFromText(overCode).cropped as () => unknown)(), /Negative dimension/);
});
