/**
 * RNN states (tfjs-examples translation: an encoder LSTM with returnState feeding the decoder's
 * initial state): `returnState` outputs of SimpleRNN / LSTM / GRU / ConvLSTM2D / Bidirectional, and
 * initial states passed in the input list or as `{initialState}`. Every model is built in real tfjs
 * and compared output by output; what tfjs refuses must be an error, and only that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { buildNamed, loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';
import type * as TF from '@tensorflow/tfjs';
import { evaluate } from '../realworld/harness/expr';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";

/** Each export builds one model in tfjs; the engine's model of that name must state all of it, right. */
async function agreesWithTfjs(body: string): Promise<void> {
  await tfjs();
  const r = analyzeSource(HEAD + body, '/virtual/rnn.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'information').map((d) => d.message), []);
  const mod = loadModuleFromText(HEAD + body);
  for (const name of Object.keys(mod)) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, `no model ${name}: ${r.models.map((m) => m.report.name).join(', ')}`);
    const model = await buildNamed(mod, name);
    assert.equal(report.totalParams, model.countParams(), `${name} totalParams`);
    assert.equal(report.outputShapes?.length, model.outputs.length, `${name}: ${model.outputs.length} outputs in tfjs`);
    assert.deepEqual(statedMismatches(report, model), [], name);
  }
}

test('returnState: SimpleRNN and GRU give [output, h], LSTM [output, h, c], with and without returnSequences', async () => {
  const builders = ['simpleRNN', 'gru', 'lstm'].flatMap((k) => [false, true].map((seq) => `
export function ${k}${seq ? 'Seq' : 'Last'}() {
  const x = tf.input({ shape: [7, 5] });
  const outs = tf.layers.${k}({ units: 4, returnState: true, returnSequences: ${seq} }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs });
}`));
  await agreesWithTfjs(builders.join('\n'));
});

test('returnState: the states are tensors like any other (destructured, concatenated, read from layer.output)', async () => {
  await agreesWithTfjs(`
export function statesConcat() {
  const x = tf.input({ shape: [null, 6] });
  const [, h, c] = tf.layers.lstm({ units: 8, returnState: true }).apply(x) as tf.SymbolicTensor[];
  const both = tf.layers.concatenate().apply([h, c]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(both) as tf.SymbolicTensor });
}
export function fromLayerOutput() {
  const x = tf.input({ shape: [5, 6] });
  const gru = tf.layers.gru({ units: 8, returnState: true, returnSequences: true });
  gru.apply(x);
  const outs = gru.output as tf.SymbolicTensor[];
  const last = gru.outputShape as number[][];
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: last[1][1] }).apply(outs[1]) as tf.SymbolicTensor });
}`);
});

test('initial states: in the input list and as {initialState}, from tf.input or from an encoder, for LSTM, GRU and SimpleRNN', async () => {
  await agreesWithTfjs(`
export function seq2seq() {
  const enc = tf.input({ shape: [null, 11] });
  const [, h, c] = tf.layers.lstm({ units: 16, returnState: true }).apply(enc) as tf.SymbolicTensor[];
  const dec = tf.input({ shape: [null, 13] });
  const [y] = tf.layers.lstm({ units: 16, returnSequences: true, returnState: true }).apply([dec, h, c]) as tf.SymbolicTensor[];
  return tf.model({ inputs: [enc, dec], outputs: tf.layers.dense({ units: 13, activation: 'softmax' }).apply(y) as tf.SymbolicTensor });
}
export function stepDecoder() {
  const dec = tf.input({ shape: [null, 13] });
  const hIn = tf.input({ shape: [16] });
  const cIn = tf.input({ shape: 16 });
  const [y, h, c] = tf.layers.lstm({ units: 16, returnSequences: true, returnState: true }).apply(dec, { initialState: [hIn, cIn] }) as tf.SymbolicTensor[];
  return tf.model({ inputs: [dec, hIn, cIn], outputs: [y, h, c] });
}
export function gruOneState() {
  const x = tf.input({ shape: [4, 3] });
  const s = tf.input({ shape: [6] });
  return tf.model({ inputs: [x, s], outputs: tf.layers.gru({ units: 6 }).apply(x, { initialState: s }) as tf.SymbolicTensor });
}
export function simpleRnnList() {
  const x = tf.input({ shape: [4, 3] });
  const s = tf.input({ shape: [6] });
  const outs = tf.layers.simpleRNN({ units: 6, returnState: true, returnSequences: true }).apply([x, s]) as tf.SymbolicTensor[];
  return tf.model({ inputs: [x, s], outputs: outs });
}`);
});

test('Bidirectional: returnState gives the merged output(s), then the forward states, then the backward ones; mergeMode null two outputs; initial states split in halves', async () => {
  await agreesWithTfjs(`
export function biLstmConcat() {
  const x = tf.input({ shape: [7, 5] });
  const outs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnState: true }), mergeMode: 'concat' }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs });
}
export function biGruSum() {
  const x = tf.input({ shape: [7, 5] });
  const outs = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, returnState: true, returnSequences: true }), mergeMode: 'sum' }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs });
}
export function biLstmNoMerge() {
  const x = tf.input({ shape: [7, 5] });
  const outs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnState: true, returnSequences: true }), mergeMode: null }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs });
}
export function biNoMergeNoState() {
  const x = tf.input({ shape: [7, 5] });
  const outs = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }), mergeMode: null }).apply(x) as tf.SymbolicTensor[];
  return tf.model({ inputs: x, outputs: outs });
}
export function biInitialState() {
  const x = tf.input({ shape: [7, 5] });
  const s = [0, 1, 2, 3].map(() => tf.input({ shape: [4] }));
  const y = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) }).apply(x, { initialState: s }) as tf.SymbolicTensor;
  return tf.model({ inputs: [x, ...s], outputs: y });
}`);
});

test('ConvLSTM2D: returnState gives [output, h, c], each state one output frame', async () => {
  await agreesWithTfjs(`
export function convLstmLast() {
  const v = tf.input({ shape: [3, 8, 8, 2] });
  const outs = tf.layers.convLstm2d({ filters: 3, kernelSize: 3, returnState: true }).apply(v) as tf.SymbolicTensor[];
  return tf.model({ inputs: v, outputs: outs });
}
export function convLstmSeq() {
  const v = tf.input({ shape: [3, 8, 8, 2] });
  const outs = tf.layers.convLstm2d({ filters: 3, kernelSize: 3, padding: 'same', returnState: true, returnSequences: true }).apply(v) as tf.SymbolicTensor[];
  return tf.model({ inputs: v, outputs: outs });
}`);
});

/** Code tfjs refuses: the engine must say so with an error, at the line that throws. */
async function refusedByTfjs(body: string, line: string): Promise<void> {
  await tfjs();
  const mod = loadModuleFromText(HEAD + body);
  assert.throws(() => (mod.build as () => TF.LayersModel)(), 'the premise: tfjs throws');
  const r = analyzeSource(HEAD + body, '/virtual/bad.ts');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(r.diagnostics.map((d) => d.message)));
  const at = (HEAD + body).split('\n').findIndex((l) => l.includes(line));
  assert.equal(errors[0]!.range.start.line, at, errors[0]!.message);
}

test('what tfjs refuses: states that do not fit the cell, an odd number for Bidirectional, both ways at once, returnState in a Sequential', async () => {
  await refusedByTfjs(`
export function build() {
  const x = tf.input({ shape: [7, 5] });
  const h = tf.input({ shape: [4] });
  return tf.model({ inputs: [x, h], outputs: tf.layers.lstm({ units: 4 }).apply([x, h]) as tf.SymbolicTensor });
}`, 'tf.layers.lstm');
  await refusedByTfjs(`
export function build() {
  const x = tf.input({ shape: [7, 5] });
  const h = tf.input({ shape: [5] });
  return tf.model({ inputs: [x, h], outputs: tf.layers.gru({ units: 4 }).apply(x, { initialState: [h] }) as tf.SymbolicTensor });
}`, 'tf.layers.gru');
  await refusedByTfjs(`
export function build() {
  const x = tf.input({ shape: [7, 5] });
  const s = [tf.input({ shape: [4] }), tf.input({ shape: [4] }), tf.input({ shape: [4] })];
  return tf.model({ inputs: [x, ...s], outputs: tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) }).apply(x, { initialState: s }) as tf.SymbolicTensor });
}`, 'tf.layers.bidirectional');
  await refusedByTfjs(`
export function build() {
  const x = tf.input({ shape: [7, 5] });
  const h = tf.input({ shape: [4] });
  const gru = tf.layers.gru({ units: 4 });
  return tf.model({ inputs: [x, h], outputs: gru.apply([x, h], { initialState: [h] }) as tf.SymbolicTensor });
}`, 'gru.apply');
  await refusedByTfjs(`
export function build() {
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units: 4, returnState: true, inputShape: [7, 5] }));
  return m;
}`, 'tf.layers.lstm');
});

test('returnState and initial states with sizes left to the caller: the totals and every output, states included, as expressions equal to tfjs', async () => {
  const body = `
export function seq2seq(numEncoderTokens: number, numDecoderTokens: number, latentDim: number) {
  const enc = tf.input({ shape: [null, numEncoderTokens] });
  const [, h, c] = tf.layers.lstm({ units: latentDim, returnState: true }).apply(enc) as tf.SymbolicTensor[];
  const dec = tf.input({ shape: [null, numDecoderTokens] });
  const [y, h2] = tf.layers.gru({ units: latentDim, returnSequences: true, returnState: true }).apply(dec, { initialState: [h] }) as tf.SymbolicTensor[];
  const probs = tf.layers.dense({ units: numDecoderTokens, activation: 'softmax' }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: [enc, dec], outputs: [probs, h2, c] });
}`;
  await tfjs();
  const r = analyzeSource(HEAD + body, '/virtual/sym.ts').models.find((m) => m.report.name === 'seq2seq')!.report;
  const mod = loadModuleFromText(HEAD + body);
  assert.equal(r.totalParams, null);
  for (const v of [{ numEncoderTokens: 11, numDecoderTokens: 17, latentDim: 8 }, { numEncoderTokens: 30, numDecoderTokens: 5, latentDim: 3 }]) {
    const real = (mod.seq2seq as (a: number, b: number, c: number) => TF.LayersModel)(v.numEncoderTokens, v.numDecoderTokens, v.latentDim);
    const ev = (e: unknown) => evaluate(typeof e === 'number' ? e : (e as { text: string }).text, (n) => v[n as keyof typeof v]);
    assert.equal(ev(r.totalParamsExpr), real.countParams(), r.totalParamsExpr?.text);
    assert.equal(r.outputShapes.length, 3);
    r.outputShapes.forEach((s, k) => assert.deepEqual(
      s!.map((d, i) => (d !== null || !r.outputShapesExpr![k]![i] ? d : ev(r.outputShapesExpr![k]![i]))), real.outputs[k]!.shape, `output ${k}`));
    real.dispose();
  }
});

test('ConvLSTM2D with initial states: tfjs 4.22 throws TypeError in both forms (a warning each), the outputs are unknown', async () => {
  const tf = await tfjs();
  const v = tf.input({ shape: [3, 8, 8, 2] });
  const s = [tf.input({ shape: [6, 6, 3] }), tf.input({ shape: [6, 6, 3] })];
  assert.throws(() => tf.layers.convLstm2d({ filters: 3, kernelSize: 3 }).apply([v, ...s]), TypeError);
  assert.throws(() => tf.layers.convLstm2d({ filters: 3, kernelSize: 3 }).apply(v, { initialState: s }), TypeError);
  const r = analyzeSource(`${HEAD}
export function listForm() {
  const v = tf.input({ shape: [3, 8, 8, 2] });
  const s = [tf.input({ shape: [6, 6, 3] }), tf.input({ shape: [6, 6, 3] })];
  return tf.model({ inputs: [v, ...s], outputs: tf.layers.convLstm2d({ filters: 3, kernelSize: 3 }).apply([v, ...s]) as tf.SymbolicTensor });
}
export function kwargsForm() {
  const v = tf.input({ shape: [3, 8, 8, 2] });
  const s = [tf.input({ shape: [6, 6, 3] }), tf.input({ shape: [6, 6, 3] })];
  return tf.model({ inputs: [v, ...s], outputs: tf.layers.convLstm2d({ filters: 3, kernelSize: 3 }).apply(v, { initialState: s }) as tf.SymbolicTensor });
}`, '/virtual/convlstm.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'information').map((d) => [d.severity, d.code, d.range.start.line]), [['warning', 'runtime-error', 5], ['warning', 'runtime-error', 10]]);
  for (const name of ['listForm', 'kwargsForm']) assert.deepEqual(r.models.find((m) => m.report.name === name)!.report.outputShapes, [null], name);
});
