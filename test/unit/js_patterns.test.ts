/**
 * JavaScript patterns of application and library code around model building (the real-world
 * corpus found each of these): what the engine states against real tfjs, and plain JavaScript
 * against Node running the same code. No expected number is typed in.
 */
import { test } from 'node:test';
import ts from 'typescript';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { analyzeSource, type AnalysisResult } from '../../server/src/engine';
import { Interpreter } from '../../server/src/engine/interp/interpreter';
import { DEFAULT_LIMITS } from '../../server/src/engine/interp/budget';
import { JsObject, toPlain, type Value } from '../../server/src/engine/interp/values';
import { buildNamed, loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";

function analyze(body: string): AnalysisResult {
  return analyzeSource(HEAD + body, '/virtual/m.ts');
}

/** The engine's report of builder `name` and tfjs's model from the same source. */
async function both(src: string, name: string) {
  const r = analyze(src);
  const model = r.models.find((m) => m.report.name === name);
  assert.ok(model, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
  await tfjs();
  const truth = await buildNamed(loadModuleFromText(HEAD + src), name);
  return { r, report: model.report, truth };
}

/** `names` after running `code` in the interpreter, and in Node. */
function interpAndNode(code: string, names: string[]): { ours: unknown[]; node: unknown[] } {
  const ip = new Interpreter({ host: { readFile: () => undefined }, resolvePackage: () => undefined, limits: DEFAULT_LIMITS });
  const rec = ip.loadModule('/m/main.js', code);
  const ours = names.map((n) => {
    const v = rec.scope.lookup(n)?.value as Value;
    return v instanceof JsObject || Array.isArray(v) ? toPlain(v) : v;
  });
  const node = runInNewContext(`${code}\n;[${names.join(', ')}]`) as unknown[];
  return { ours, node: JSON.parse(JSON.stringify(node)) as unknown[] };
}

test('generators: yield, yield*, a return value, spread / for...of / Array.from over them, as Node runs them', () => {
  const { ours, node } = interpAndNode(`
    function* range(n) { for (let i = 0; i < n; i++) yield i * 10; return 'done'; }
    function* twice(xs) { for (const x of xs) { yield x; yield x + 1; } }
    function* all() { yield* range(3); yield* twice([7, 9]); yield* 'ab'; }
    const spread = [...all()];
    const fromArr = Array.from(range(4), (x) => x + 1);
    let sum = 0; for (const x of twice([1, 2])) sum += x;
    const obj = { *items() { yield this.k; yield this.k * 2; }, k: 5 };
    const viaMethod = [...obj.items()];
  `, ['spread', 'fromArr', 'sum', 'viaMethod']);
  assert.deepEqual(ours, node);
});

test('generators yielding layers: the Sequential and functional models they build are tfjs\'s', async () => {
  const src = `
const conv = (k) => (filters) => (opts = {}) => tf.layers.conv2d({ filters, kernelSize: k, padding: 'same', activation: 'relu', ...opts });
function* block(filters, repeats, first = false) {
  for (let i = 0; i < repeats; i++) yield conv(3)(filters)(first && i === 0 ? { inputShape: [16, 16, 3] } : {});
  yield tf.layers.maxPooling2d({ poolSize: 2 });
}
function* body(plan) { for (const [i, [f, r]] of plan.entries()) yield* block(f, r, i === 0); }
export function seq() {
  const m = tf.sequential();
  for (const layer of body([[4, 2], [8, 1]])) m.add(layer);
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3 }));
  return m;
}
export function fn() {
  const inp = tf.input({ shape: [16, 16, 3] });
  const out = [...block(4, 1), ...block(6, 2), tf.layers.flatten()].reduce((h, l) => l.apply(h), inp);
  return tf.model({ inputs: inp, outputs: out });
}`;
  for (const name of ['seq', 'fn']) {
    const { r, report, truth } = await both(src, name);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.notEqual(report.totalParams, null, `${name}: the file decides every size`);
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
});

test('a generator whose loop runs an unknown number of times yields an unknown list: the totals are unknown, never wrong', async () => {
  const src = `
function* denseStack(n, units) { for (let i = 0; i < n; i++) yield tf.layers.dense({ units, activation: 'relu' }); }
export function mlp(depth) {
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4] }), ...denseStack(depth, 8), tf.layers.dense({ units: 2 })] });
}`;
  const r = analyze(src);
  const report = r.models.find((m) => m.report.name === 'mlp')!.report;
  assert.equal(report.totalParams, null);
  await tfjs();
  const truth = (loadModuleFromText(HEAD + src).mlp as (d: number) => Parameters<typeof statedMismatches>[1])(3);
  assert.deepEqual(statedMismatches(report, truth), []);
});

test('a model used as a layer, fetched back with getLayer / layers[i]: it is the model (inputs, outputs, layers, getLayer), as in tfjs', async () => {
  const src = `
function encoder(name) {
  const inp = tf.layers.input({ shape: [12, 12, 1], name: name + '_in' });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: name + '_c1' }).apply(inp);
  const c2 = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, name: name + '_c2' }).apply(c1);
  const out = tf.layers.dense({ units: 5 }).apply(tf.layers.flatten().apply(c2));
  return tf.model({ inputs: inp, outputs: out, name });
}
function outer() {
  const enc = encoder('enc');
  const x = tf.input({ shape: [12, 12, 1] });
  return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(enc.apply(x)) });
}
export function probe() {
  const enc = outer().getLayer('enc');
  return tf.model({ inputs: enc.inputs, outputs: [enc.layers[1].output, enc.getLayer('enc_c2').output, enc.outputs[0]] });
}
export function viaIndex() {
  const m = outer();
  const enc = m.layers[1];
  return tf.model({ inputs: enc.inputs[0], outputs: enc.getLayer('enc_c1').output });
}`;
  for (const name of ['probe', 'viaIndex']) {
    const { report, truth } = await both(src, name);
    assert.notEqual(report.totalParams, null, `${name}: the file decides every size`);
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
});

test('new Promise(executor): the executor runs, and the value is what it resolves, also from a timer callback it sets', async () => {
  const src = `
const sizes = () => new Promise((resolve) => resolve({ units: 7, inputDim: 5 }));
const later = (v) => new Promise((resolve) => setTimeout(() => resolve(v), 10));
export async function fromSizes() {
  const { units, inputDim } = await sizes();
  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [inputDim] })] });
}
export async function fromTimer() {
  const filters = await later(6);
  return tf.sequential({ layers: [tf.layers.conv2d({ filters, kernelSize: 3, inputShape: [9, 9, 2] })] });
}
export function builtInExecutor() {
  return new Promise((resolve) => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [3] }));
    m.add(tf.layers.dense({ units: 2 }));
    resolve(m);
  });
}`;
  for (const name of ['fromSizes', 'fromTimer', 'builtInExecutor']) {
    const { report, truth } = await both(src, name);
    assert.notEqual(report.totalParams, null, `${name}: the file decides every size`);
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
});

test('new Promise(executor) resolved by the onload it sets on an image: the awaiting builder sees the value', async () => {
  const builder = `
export async function fromImage() {
  const { side } = await loadImage('cat.png');
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [side, side, 3] }), tf.layers.dense({ units: 2 })] });
}`;
  // The page's version (an Image and its onload) for the engine; Node has no Image, so tfjs builds
  // the same builder with a loader that resolves the same value at once.
  const page = `
function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ side: 12 });
    img.onerror = reject;
    img.src = src;
  });
}${builder}`;
  const node = `const loadImage = async (_src) => ({ side: 12 });${builder}`;
  const report = analyze(page).models.find((m) => m.report.name === 'fromImage')?.report;
  assert.ok(report);
  assert.notEqual(report.totalParams, null);
  await tfjs();
  assert.deepEqual(statedMismatches(report, await buildNamed(loadModuleFromText(HEAD + node), 'fromImage')), []);
});

test('a promise nothing resolves, or one rejected: its value is unknown, never a number', () => {
  const r = analyze(`
export async function never() {
  const units = await new Promise(() => {});
  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [3] })] });
}
export async function rejected() {
  const units = await new Promise((_resolve, reject) => reject(new Error('no')));
  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [3] })] });
}`);
  for (const name of ['never', 'rejected']) assert.equal(r.models.find((m) => m.report.name === name)?.report.totalParams, null, name);
});

test('functions written in an exported object (module.exports = { ... }, export default { ... }, export const zoo = { ... }) are builders, named by their keys', async () => {
  const cjs = `
const tf = require('@tensorflow/tfjs');
const build = (units, depth = 1) => tf.sequential({
  layers: Array.from({ length: depth }, (_, i) => tf.layers.dense(i === 0 ? { units, inputShape: [6] } : { units })),
});
module.exports = {
  small: () => build(3),
  deep: function () { return build(5, 3); },
  wide() { return build(40); },
};`;
  // CommonJS exporting one function at a time: each is named by its key, not by the helper it calls.
  const oneByOne = `
const tf = require('@tensorflow/tfjs');
function build(units) { const m = tf.sequential(); m.add(tf.layers.dense({ inputShape: [4], units })); return m; }
exports.small = () => build(3);
module.exports.large = function () { return build(8); };`;
  const esm = `
const build = (filters) => tf.sequential({ layers: [tf.layers.conv2d({ filters, kernelSize: 3, inputShape: [10, 10, 2] }), tf.layers.flatten()] });
export default { tiny: () => build(2), method() { return build(7); } };
export const zoo = { mid: () => build(4) };`;
  await tfjs();
  const cases: [AnalysisResult, Record<string, unknown>, string[]][] = [
    [analyzeSource(cjs, '/virtual/zoo.js'), loadModuleFromText(cjs, undefined, 'js'), ['small', 'deep', 'wide']],
    [analyze(esm), loadModuleFromText(HEAD + esm), ['tiny', 'method', 'mid']],
    [analyzeSource(oneByOne, '/virtual/one_by_one.js'), loadModuleFromText(oneByOne, undefined, 'js'), ['small', 'large']],
  ];
  for (const [r, mod, names] of cases) {
    const holders = [mod, mod.default, mod.zoo].filter(Boolean) as Record<string, () => Parameters<typeof statedMismatches>[1]>[];
    for (const name of names) {
      const report = r.models.find((m) => m.report.name === name)?.report;
      assert.ok(report, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
      assert.notEqual(report.totalParams, null, name);
      const holder = holders.find((h) => typeof h[name] === 'function')!;
      assert.deepEqual(statedMismatches(report, holder[name]!()), [], name);
    }
    assert.deepEqual(r.models.map((m) => m.report.name).sort(), [...names].sort(), 'no model under a helper\'s name as well');
  }
});

test('getters and setters in object literals: `this` is the object, read live on each access, through spread, Object.assign, Object.keys/values/entries, JSON.stringify, for...in and rest, as Node runs them', () => {
  const { ours, node } = interpAndNode(`
    const cfg = { base: 8, get doubled() { return this.base * 2; }, set doubled(v) { this.base = v / 2; }, get only() { return this.base + 1; } };
    const first = cfg.doubled;
    cfg.base = 5;
    const live = cfg.doubled;
    cfg.doubled = 30;
    const afterSet = [cfg.base, cfg.doubled];
    cfg.only = 99;
    const getterOnly = cfg.only;
    const spread = { ...cfg, extra: 1 };
    const spreadIsData = (() => { spread.base = 100; return spread.doubled; })();
    const assigned = Object.assign({}, cfg);
    const target = { base: 1, set doubled(v) { this.base = v + 1000; } };
    Object.assign(target, { doubled: 4 });
    const viaSetter = [target.base, Object.keys(target)];
    const keys = Object.keys(cfg);
    const values = Object.values(cfg);
    const entries = Object.entries(cfg);
    const json = JSON.stringify(cfg);
    const forIn = []; for (const k in cfg) forIn.push(k);
    const { base, ...rest } = cfg;
    const restJson = JSON.stringify(rest);
    const has = ['doubled' in cfg, cfg.hasOwnProperty('only')];
    const redefined = { a: 1, get a() { return 2; } }.a;
    const backToData = { get a() { return 2; }, a: 3 }.a;
    const computed = { ['g' + 1]: 0, get ['h' + 1]() { return 7; } };
    const computedRead = [computed.h1, Object.keys(computed)];
    const assignedJson = JSON.stringify(assigned);
    const del = (() => { const o = { get x() { return 1; } }; delete o.x; return [o.x === undefined, Object.keys(o)]; })();
    const arrayLike = Array.from({ get length() { return 3; }, 0: 'a', get 1() { return 'b'; }, 2: 'c' });
  `, ['first', 'live', 'afterSet', 'getterOnly', 'spreadIsData', 'viaSetter', 'keys', 'values', 'entries', 'json', 'forIn', 'base', 'restJson', 'has', 'redefined', 'backToData', 'computedRead', 'assignedJson', 'del', 'arrayLike']);
  assert.deepEqual(ours, node);
});

test('class setters run on assignment (also from the constructor), with `this` the instance, as Node runs them', () => {
  const { ours, node } = interpAndNode(`
    class Block {
      constructor(units) { this._units = 0; this.units = units; }
      get units() { return this._units; }
      set units(v) { this._units = v * 2; }
    }
    class Wide extends Block { get double() { return this.units * 2; } }
    const b = new Block(3);
    const w = new Wide(5);
    w.units = 7;
    const seen = [b.units, b._units, w.units, w.double];
  `, ['seen']);
  assert.deepEqual(ours, node);
});

test('a layer config read through getters (channel counts computed from a base), spread or passed directly: tfjs builds it, the engine states its numbers', async () => {
  const src = `
const cfg = {
  base: 8,
  get doubled() { return this.base * 2; },
  get head() { return { units: this.base + 2, activation: 'softmax' }; },
};
export function viaGetters() {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [12, 12, 3], filters: cfg.doubled, kernelSize: 3 }));
  m.add(tf.layers.conv2d({ filters: cfg.base, kernelSize: 3 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ ...cfg.head }));
  return m;
}
export function getterInConfig() {
  const width = { n: 6, set scale(k) { this.n = this.n * k; } };
  width.scale = 2;
  const inp = tf.input({ shape: [10] });
  const out = tf.layers.dense({ get units() { return width.n; }, useBias: false }).apply(inp);
  return tf.model({ get inputs() { return inp; }, outputs: out });
}`;
  for (const name of ['viaGetters', 'getterInConfig']) {
    const { r, report, truth } = await both(src, name);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], name);
    assert.notEqual(report.totalParams, null, `${name}: the file decides every size`);
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
});

test('class static blocks run at definition, in order with static fields, `this` the class, as Node runs them', () => {
  const { ours, node } = interpAndNode(`
    class Registry {
      static sizes;
      static first = 2;
      static { Registry.sizes = [4, 6]; this.total = this.first + Registry.sizes.length; var local = 1; this.local = local; }
      static later = Registry.total * 10;
      static { this.sizes.push(this.later); }
    }
    const seen = [Registry.sizes, Registry.total, Registry.later, Registry.local];
  `, ['seen']);
  assert.deepEqual(ours, node);
});

test('a model registry filled by a class static block: tfjs builds it, the engine states its numbers', async () => {
  const src = `
class Registry {
  static sizes: number[];
  static builders: Record<string, (units: number) => tf.layers.Layer> = {};
  static {
    Registry.sizes = [4, 6];
    this.builders.dense = (units) => tf.layers.dense({ units, activation: 'relu' });
  }
}
export function fromRegistry() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [5], units: Registry.sizes[0] }));
  for (const n of Registry.sizes) m.add(Registry.builders.dense(n));
  return m;
}`;
  const { r, report, truth } = await both(src, 'fromRegistry');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.notEqual(report.totalParams, null, 'the file decides every size');
  assert.deepEqual(statedMismatches(report, truth), []);
});

test('an unknown object spread into a literal or Object.assign may set any key: what it could set is unknown, never the literal\'s other value', () => {
  const src = `
function c(config: { units?: number }) {
  const input = tf.input({ shape: [8] });
  const out = tf.layers.dense({ units: config.units ?? 3 }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
export function viaSpread(msg: { config: { units: number } }) {
  return c({ ...msg.config });
}
export function viaAssign(opts: { units: number }) {
  return c(Object.assign({ units: 3 }, opts));
}
export function defaultsThenOptions(opts: { kind: string }) {
  const o = { kind: 'wide', units: 6, ...opts };
  const input = tf.input({ shape: [8] });
  const units = o.kind === 'wide' ? 32 : 4;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units }).apply(input) as tf.SymbolicTensor });
}`;
  const r = analyze(src);
  for (const name of ['viaSpread', 'viaAssign']) {
    const m = r.models.find((x) => x.report.name === name)!.report;
    assert.equal(m.totalParams, null, `${name}: tfjs gives 9·units+units for the caller's units, not 27`);
    assert.equal(m.layers[0]!.params, null, name);
  }
  // A string key the spread may override keeps the literal's value as the file's default (a variant).
  const variants = r.models.filter((x) => x.report.name === 'defaultsThenOptions').map((x) => x.report);
  assert.equal(variants.length, 2, JSON.stringify(variants.map((v) => v.variant)));
  assert.deepEqual(variants.map((v) => v.totalParams).sort((a, b) => a! - b!), [36, 288]);
  // Plain JS: spread and Object.assign of known objects are unchanged.
  const { ours, node } = interpAndNode(`
const d = { a: 1, b: 2 };
const s = { ...d, b: 3, ...{ c: 4 } };
const t = Object.assign({}, d, { a: 5 });
const keys = Object.keys(s);`, ['s', 't', 'keys']);
  assert.deepEqual(ours, node);
});

test('TypeScript namespaces: exported members are the namespace object\'s, nested and merged; exported functions are builders named by their path', async () => {
  const src = `
namespace Zoo {
  export const IN = 12;
  const hidden = 5;
  export namespace Dense {
    export function mlp(units = hidden) {
      return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [IN] }), tf.layers.dense({ units: 2 })] });
    }
  }
}
namespace Zoo {
  export function wide() { return Zoo.Dense.mlp(40); }
}
namespace A.B { export const depth = 3; }
export const depth = A.B.depth;
export const zoo = Zoo;`;
  await tfjs();
  const r = analyze(src);
  const mod = loadModuleFromText(HEAD + src) as { zoo: { Dense: { mlp: () => Parameters<typeof statedMismatches>[1] }; wide: () => Parameters<typeof statedMismatches>[1] }; depth: number };
  const report = (name: string) => {
    const m = r.models.find((x) => x.report.name === name)?.report;
    assert.ok(m, `no model '${name}' among ${r.models.map((x) => x.report.name).join(', ')}`);
    assert.notEqual(m.totalParams, null, name);
    return m;
  };
  assert.deepEqual(statedMismatches(report('Zoo.Dense.mlp'), mod.zoo.Dense.mlp()), []);
  assert.deepEqual(statedMismatches(report('Zoo.wide'), mod.zoo.wide()), []);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error' || d.code === 'undeclared-name').length, 0, JSON.stringify(r.diagnostics));
  assert.equal(mod.depth, 3);
});

test('enum members naming earlier members bare, Object.prototype.hasOwnProperty.call and Object.hasOwn: as TypeScript and Node compute them', () => {
  const src = `
enum Width { Base = 1 << 3, Wide = Base << 1, Widest = Wide * 2 + Base }
const enum Mode { A = 2, B = A + 1 }
const cfg = { units: 4, rate: 0.5 };
const own = [];
for (const k in cfg) if (Object.prototype.hasOwnProperty.call(cfg, k)) own.push(k);
const direct = [Object.hasOwn(cfg, 'units'), Object.hasOwn(cfg, 'x'), cfg.hasOwnProperty('rate'), Object.prototype.hasOwnProperty.call([1, 2], 1)];
const widths = [Width.Base, Width.Wide, Width.Widest, Width[16], Mode.B];`;
  const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, preserveConstEnums: true } }).outputText;
  const ip = new Interpreter({ host: { readFile: () => undefined }, resolvePackage: () => undefined, limits: DEFAULT_LIMITS });
  const rec = ip.loadModule('/m/main.ts', src);
  const ours = ['own', 'direct', 'widths'].map((n) => toPlain(rec.scope.lookup(n)!.value as Value));
  const node = JSON.parse(JSON.stringify(runInNewContext(`${js}\n;[own, direct, widths]`))) as unknown[];
  assert.deepEqual(ours, node);
});
