/**
 * Code tfjs refuses, or that cannot run at all, against what the engine says about it; and code
 * tfjs builds that the engine once called wrong (the "never wrong" fuzz found each of these).
 * Every expectation about tfjs is checked in real tfjs here, not typed in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfns from '@tensorflow/tfjs';
import { analyzeSource, type AnalysisResult } from '../../server/src/engine';
import { buildNamed, loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";

function analyze(body: string, file = '/virtual/m.ts'): AnalysisResult {
  return analyzeSource(HEAD + body, file);
}

/** What tfjs does with builder `name`: the model, or the message it throws (building, or counting params). */
async function inTfjs(body: string, name: string): Promise<tfns.LayersModel | string> {
  await tfjs();
  try {
    const m = await buildNamed(loadModuleFromText(HEAD + body), name);
    m.countParams();
    return m;
  } catch (e) {
    return (e as Error).message;
  }
}

const codes = (r: AnalysisResult, severity?: string) => r.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);

test('two layers of one model with the same name: an error, as tfjs refuses the model (Sequential and functional; a shared layer is one layer)', async () => {
  const src = `
export function seq() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [3], name: 'fc' }));
  m.add(tf.layers.dense({ units: 2, name: 'fc' }));
  return m;
}
export function fn() {
  const inp = tf.input({ shape: [3], name: 'x' });
  const y = tf.layers.dense({ units: 3, name: 'x' }).apply(inp) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: y });
}
export function shared() {
  const inp = tf.input({ shape: [3] });
  const d = tf.layers.dense({ units: 3, name: 'same' });
  return tf.model({ inputs: inp, outputs: d.apply(d.apply(inp)) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  const dup = r.diagnostics.filter((d) => d.code === 'duplicate-name');
  assert.deepEqual(dup.map((d) => d.severity), ['error', 'error']);
  assert.match(dup[0]!.message, /"fc" is used 2 times/);
  assert.match(dup[1]!.message, /"x" is used 2 times/);
  for (const name of ['seq', 'fn']) assert.match(String(await inTfjs(src, name)), /is used 2 times in the model/);
  const ok = await inTfjs(src, 'shared');
  assert.equal(typeof ok, 'object', `tfjs builds a model that applies one named layer twice: ${String(ok)}`);
});

test('a counter on `this` names layers as `new Net().build()` does, whatever methods ran before', async () => {
  const src = `
export class Net {
  private n = 0;
  private next(p: string): string { this.n += 1; return p + '_' + this.n; }
  private block(x: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.dense({ units: 4, name: this.next('fc') }).apply(x) as tf.SymbolicTensor;
  }
  build(): tf.LayersModel {
    const inp = tf.input({ shape: [3] });
    return tf.model({ inputs: inp, outputs: this.block(this.block(inp)) });
  }
}
// Used as new Net().build(): the text mentions .build( so build() is analysed after the helpers it
// calls (and, before the fix, after they had bumped the counter).`;
  const r = analyze(src);
  const model = r.models.find((m) => m.report.name === 'Net.build')!;
  assert.ok(model, r.models.map((m) => m.report.name).join(', '));
  const tf = await inTfjs(src, 'Net.build');
  assert.ok(typeof tf === 'object', String(tf));
  assert.deepEqual(statedMismatches(model.report, tf), []);
  assert.deepEqual(model.report.layers.map((l) => l.name), ['fc_1', 'fc_2']);
});

test('a name declared in no scope around it: a warning that running throws (tfjs cannot build it); a global or a name declared further out is no warning', async () => {
  const src = `
export function broken() {
  const inp = tf.input({ shape: [8] });
  const y = tf.layers.dense({ units: 4 }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: y });
}
const width = 4;
export function fine() {
  const inp = tf.input({ shape: [8] });
  if (typeof notDeclaredEither === 'undefined') console.log(Math.max(1, 2));
  if (typeof window !== 'undefined') console.log(width);
  return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: width }).apply(inp) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  const warned = r.diagnostics.filter((d) => d.code === 'undeclared-name');
  assert.equal(warned.length, 1, JSON.stringify(r.diagnostics));
  assert.equal(warned[0]!.severity, 'warning');
  assert.match(warned[0]!.message, /'hidden' is declared in no scope .* ReferenceError: hidden is not defined/);
  assert.match(String(await inTfjs(src, 'broken')), /hidden is not defined/);
  assert.equal(typeof (await inTfjs(src, 'fine')), 'object');
  // A plain script (no import, no require) may use globals another <script> defines: only a note.
  const script = analyzeSource(`function f() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 2, inputShape: [vocab] })); return m; }`, '/virtual/page.js');
  assert.deepEqual(codes(script).filter((c) => c === 'undeclared-name'), []);
  assert.ok(script.notes.some((n) => /'vocab' is declared in no scope/.test(n.message)));
});

test("a let/const declared twice in one scope: a syntax error (the file does not compile); the same name in another scope is fine", () => {
  const r = analyze(`
export function f(units: number) {
  const inp = tf.input({ shape: [8] });
  let out = tf.layers.dense({ units }).apply(inp) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2 }).apply(out) as tf.SymbolicTensor;
  { const inp = 3; void inp; }
  var a = 1; var a = 2;
  return tf.model({ inputs: inp, outputs: out });
}
export function g(x: number) { let x2 = x; const units = 1; return x2 + units; }
export function h(x: number) { let x = 2; return x; }`);
  const errs = r.diagnostics.filter((d) => d.code === 'syntax-error');
  assert.deepEqual(errs.map((d) => d.message.match(/^'(\w+)'/)?.[1]), ['out', 'x']);
  assert.match(errs[0]!.message, /SyntaxError: Identifier 'out' has already been declared/);
});

test('a window one too big: tfjs builds an empty output, so a warning and the exact numbers; a negative size stays an error', async () => {
  const src = `
export function empty() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [2, 2, 1] }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
export function negative() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ filters: 4, kernelSize: 5, inputShape: [2, 2, 1] }));
  return m;
}`;
  const r = analyze(src);
  const empty = r.models.find((m) => m.report.name === 'empty')!;
  const tf = await inTfjs(src, 'empty');
  assert.ok(typeof tf === 'object', String(tf));
  assert.deepEqual(statedMismatches(empty.report, tf), []);
  assert.equal(empty.report.totalParams, tf.countParams());
  assert.deepEqual(codes(r, 'warning'), ['empty-output']);
  assert.deepEqual(codes(r, 'error'), ['shape-error']);
  assert.match(String(await inTfjs(src, 'negative')), /Negative dimension size/);
});

test('a Sequential applied at another size: tfjs re-runs its layers (no error) unless its weights were built for other sizes', async () => {
  const src = `
function encoder(): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 8, kernelSize: 3, padding: 'same' }), tf.layers.globalAveragePooling2d({})] });
}
export function resized() {
  const inp = tf.input({ shape: [64, 48, 3] });
  return tf.model({ inputs: inp, outputs: encoder().apply(inp) as tf.SymbolicTensor });
}
export function otherChannels() {
  const inp = tf.input({ shape: [32, 32, 1] });
  return tf.model({ inputs: inp, outputs: encoder().apply(inp) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  const resized = r.models.find((m) => m.report.name === 'resized')!;
  const tf = await inTfjs(src, 'resized');
  assert.ok(typeof tf === 'object', String(tf));
  assert.deepEqual(statedMismatches(resized.report, tf), []);
  assert.deepEqual(resized.report.diagnostics.filter((d) => d.severity === 'error'), []);
  // Other channels: tfjs builds it, and running it throws (the kernel is [3,3,3,8]).
  const other = r.models.find((m) => m.report.name === 'otherChannels')!;
  assert.match(other.report.diagnostics.map((d) => d.message).join('\n'), /kernel \[3, 3, 3, 8\] but this input needs \[3, 3, 1, 8\] \(running the model throws\)/);
  const built = await inTfjs(src, 'otherChannels');
  assert.ok(typeof built === 'object', String(built));
  const t = await tfjs();
  assert.throws(() => t.tidy(() => built.predict(t.zeros([1, 32, 32, 1]))));
});

test('x.shape read by code: an unknown dim is unknown, not null (null × null is 0 in JavaScript)', () => {
  const r = analyze(`
export function f(size: number) {
  const inp = tf.input({ shape: [size, size, 3] });
  const [, h, w, c] = inp.shape;
  const flat = tf.layers.reshape({ targetShape: [h! * w! * c!] }).apply(inp) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: flat });
}`);
  const m = r.models[0]!;
  const reshape = m.report.layers.find((l) => l.className === 'Reshape')!;
  assert.notDeepEqual(reshape.outputShape, [null, 0]);
  assert.deepEqual(codes(r, 'error'), []);
});

test('a helper that does not return its tensor, a number destructured as an array: warnings that running throws, as it does in tfjs', async () => {
  const src = `
function block(x: tf.SymbolicTensor) {
  tf.layers.dense({ units: 4 }).apply(x);
}
export function noReturn() {
  const inp = tf.input({ shape: [8] });
  const y = tf.layers.dense({ units: 2 }).apply(block(inp) as unknown as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: y });
}
const STAGES = [{ filters: 0 }];
export function notIterable() {
  const inp = tf.input({ shape: [8] });
  const [a, b] = STAGES[0]!.filters as unknown as number[];
  return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: a! + b! }).apply(inp) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  const warned = r.diagnostics.filter((d) => d.code === 'runtime-error');
  assert.equal(warned.length, 2, JSON.stringify(r.diagnostics));
  assert.ok(warned.every((d) => d.severity === 'warning'));
  assert.match(warned[0]!.message, /Dense\.apply is given undefined: running this throws TypeError/);
  assert.match(warned[1]!.message, /destructuring the number 0 as an array/);
  assert.match(String(await inTfjs(src, 'noReturn')), /Cannot read properties of undefined/);
  assert.match(String(await inTfjs(src, 'notIterable')), /not iterable/);
});

test('a field another method sets (init() before build()) is unknown where build() reads it, not undefined: no warning, totals unknown', async () => {
  const src = `
export class Net {
  private encoder: tf.Sequential | undefined;
  init(): void {
    this.encoder = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [8] })] });
  }
  build(): tf.LayersModel {
    const inp = tf.input({ shape: [8] });
    return tf.model({ inputs: inp, outputs: this.encoder!.apply(inp) as tf.SymbolicTensor });
  }
}`;
  const r = analyze(src);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity !== 'information'), []);
  const build = r.models.find((m) => m.report.name === 'Net.build');
  assert.ok(!build || build.report.totalParams === null, 'the encoder is not known where build() runs alone');
});

test("a tf.layers member tfjs does not have, a TypeScript file that never imports tf, a reshape of an empty tensor to [0]: what tfjs does", async () => {
  const src = `
export function typo() {
  const inp = tf.input({ shape: [8] });
  const y = (tf.layers as unknown as { apply: (c: object) => tf.layers.Layer }).apply({ units: 2 }).apply(inp) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: y });
}
export function emptyReshape() {
  const inp = tf.input({ shape: [2, 2, 1] });
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(inp) as tf.SymbolicTensor;
  const [, h, w, ch] = c.shape as number[];
  const flat = tf.layers.reshape({ targetShape: [h! * w! * ch!] }).apply(c) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  const typo = r.diagnostics.filter((d) => d.code === 'runtime-error');
  assert.equal(typo.length, 1, JSON.stringify(r.diagnostics));
  assert.match(typo[0]!.message, /tf\.layers\.apply is not a function/);
  assert.match(String(await inTfjs(src, 'typo')), /tf\.layers\.apply is not a function/);
  const empty = r.models.find((m) => m.report.name === 'emptyReshape')!;
  const built = await inTfjs(src, 'emptyReshape');
  assert.ok(typeof built === 'object', String(built));
  assert.deepEqual(codes(r, 'error'), []);
  assert.deepEqual(statedMismatches(empty.report, built), []);
  // No import of tf in a TypeScript file: a warning, and the page's global tf is analysed.
  const bare = analyzeSource(`export function m() { const s = tf.sequential(); s.add(tf.layers.dense({ units: 1, inputShape: [3] })); return s; }`, '/virtual/bare.ts');
  assert.deepEqual(bare.diagnostics.map((d) => [d.code, d.severity]), [['undeclared-name', 'warning']]);
  const declared = analyzeSource(`declare const tf: any;\nexport function m() { const s = tf.sequential(); s.add(tf.layers.dense({ units: 1, inputShape: [3] })); return s; }`, '/virtual/declared.ts');
  assert.deepEqual(declared.diagnostics, []);
  assert.ok(bare.models[0]!.report.totalParams !== null);
  assert.equal(bare.models[0]!.report.totalParams, declared.models[0]!.report.totalParams, 'the same model either way');
});

test('a method no tfjs layer or model has (a factory chained on a layer, a misspelt model method): a warning that running throws; real members and names the code set are no warning', async () => {
  const src = `
export function chained() {
  const m = tf.sequential();
  m.add((tf.layers.dense({ units: 4, inputShape: [8] }) as unknown as { dense: (c: object) => tf.layers.Layer }).dense({ units: 3 }));
  return m;
}
export function misspelt() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, inputShape: [8] }));
  (m as unknown as { addLayer: (l: tf.layers.Layer) => void }).addLayer(tf.layers.dense({ units: 1 }));
  return m;
}
export function fine() {
  const m = tf.sequential();
  const d = tf.layers.dense({ units: 4, inputShape: [8] });
  (d as unknown as { helper: () => number }).helper = () => 1;
  (d as unknown as { helper: () => number }).helper();
  m.add(d);
  m.add(tf.layers.dense({ units: 2 }));
  d.getWeights();
  m.getLayer(undefined, 0).countParams();
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  (m as unknown as { fooBar?: () => void }).fooBar?.();
  return m;
}`;
  const r = analyze(src);
  const warned = r.diagnostics.filter((d) => d.code === 'runtime-error');
  assert.deepEqual(warned.map((d) => d.message.split(':')[0]), ['layer.dense does not exist in tfjs 4.22', 'model.addLayer does not exist in tfjs 4.22'], JSON.stringify(r.diagnostics));
  assert.match(String(await inTfjs(src, 'chained')), /dense is not a function/);
  assert.match(String(await inTfjs(src, 'misspelt')), /addLayer is not a function/);
  const built = await inTfjs(src, 'fine');
  assert.ok(typeof built === 'object', String(built));
  assert.deepEqual(statedMismatches(r.models.find((m) => m.report.name === 'fine')!.report, built), []);
});

test('a tf.layers member tfjs 4.22 lacks is undefined, as in tfjs: feature tests take tfjs\'s branch, and calling one warns that running throws', async () => {
  const src = `
export function probed() {
  const L = tf.layers as unknown as Record<string, unknown>;
  const units = L.globalAveragePooling3d ? 3 : 5;
  const extra = typeof L.cropping2d === 'function' ? 1 : 2;
  const crop = (L.cropping2d || L.cropping2D) as (c: object) => tf.layers.Layer;
  const inp = tf.input({ shape: [8, 8, 2] });
  const c = crop({ cropping: [[1, 1], [2, 2]] }).apply(inp) as tf.SymbolicTensor;
  const f = tf.layers.flatten().apply(c) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: units + extra }).apply(f) as tf.SymbolicTensor });
}
export function called() {
  const inp = tf.input({ shape: [8, 8, 2] });
  const c = (tf.layers as unknown as { cropping2d: (c: object) => tf.layers.Layer }).cropping2d({ cropping: 1 }).apply(inp) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: c });
}`;
  const r = analyze(src);
  const built = await inTfjs(src, 'probed');
  assert.ok(typeof built === 'object', String(built));
  const probed = r.models.find((m) => m.report.name === 'probed')!;
  assert.deepEqual(statedMismatches(probed.report, built), []);
  assert.equal(probed.report.totalParams, built.countParams());
  const warned = r.diagnostics.filter((d) => d.code === 'runtime-error');
  assert.deepEqual(warned.map((d) => d.message.split(':')[0]), ['tf.layers.cropping2d does not exist in tfjs 4.22'], JSON.stringify(r.diagnostics));
  assert.match(String(await inTfjs(src, 'called')), /cropping2d is not a function/);
});

test('layer.output of a layer applied twice throws in tfjs: a warning and an unknown, not the last application; getOutputAt(i) is that application', async () => {
  const src = `
export function lastOutput() {
  const a = tf.input({ shape: [6] });
  const b = tf.input({ shape: [6] });
  const shared = tf.layers.dense({ units: 4 });
  shared.apply(a);
  shared.apply(b);
  const head = tf.layers.dense({ units: 2 }).apply(shared.output as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: head });
}
export function byIndex() {
  const a = tf.input({ shape: [6] });
  const b = tf.input({ shape: [5, 6] });
  const shared = tf.layers.dense({ units: 4 });
  shared.apply(a);
  shared.apply(b);
  const second = shared.getOutputAt(1) as tf.SymbolicTensor;
  const first = shared.getInputAt(0) as tf.SymbolicTensor;
  const f = tf.layers.flatten().apply(second) as tf.SymbolicTensor;
  const head = tf.layers.concatenate().apply([f, first]) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 3 }).apply(head) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  assert.match(String(await inTfjs(src, 'lastOutput')), /multiple inbound nodes/);
  const warned = r.diagnostics.filter((d) => d.code === 'runtime-error');
  assert.equal(warned.length, 1, JSON.stringify(r.diagnostics));
  assert.match(warned[0]!.message, /applied 2 times, so its output is ill-defined: running this throws AttributeError/);
  assert.equal(r.models.find((m) => m.report.name === 'lastOutput')?.report.totalParams ?? null, null);
  const built = await inTfjs(src, 'byIndex');
  assert.ok(typeof built === 'object', String(built));
  const byIndex = r.models.find((m) => m.report.name === 'byIndex')!;
  assert.deepEqual(statedMismatches(byIndex.report, built), []);
  assert.equal(byIndex.report.totalParams, built.countParams());
});
