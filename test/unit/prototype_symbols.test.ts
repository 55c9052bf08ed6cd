/**
 * Pre-class library idioms: ES5 constructor functions whose methods live on `F.prototype` (set one
 * by one, or mixed in with Object.assign by a plugin), properties on the function itself
 * (`F.create = function () { return new this(...) }`), an inherited getter defined with
 * Object.defineProperty on the prototype, Object.create, and symbol-keyed private state
 * (`Symbol('layers')`, `Symbol.for(key)`), which Object.keys and spread skip. Compared with real tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "const tf = require('@tensorflow/tfjs');\n";
type Model = Parameters<typeof statedMismatches>[1];

const SRC = `
const STACK = Symbol('stack');
const IN = Symbol.for('lib.input');
function Net(units) { this[IN] = tf.input({ shape: [units] }); this[STACK] = []; this.x = this[IN]; }
Net.create = function (u) { return new this(u); };
Net.prototype.add = function (layer) { this[STACK].push(layer); this.x = layer.apply(this.x); return this; };
Object.assign(Net.prototype, { dense(u) { return this.add(tf.layers.dense({ units: u })); } });
Object.defineProperty(Net.prototype, 'depth', { get() { return this[STACK].length; } });
Net.prototype.build = function () { return tf.model({ inputs: this[IN], outputs: this.x }); };
const base = { width: 6 };
const derived = Object.create(base, { extra: { value: 2, enumerable: true } });
function chained() {
  const n = Net.create(5).dense(derived.width).dense(4);
  // depth counts the symbol-keyed stack; Object.keys sees 'x' only (symbol keys are skipped); 'in' sees inherited keys
  n.dense(n.depth * 10 + Object.keys(n).length + Object.keys(derived).length + ('dense' in n ? 100 : 0) + ('width' in derived ? 1000 : 0) + (typeof STACK === 'symbol' ? 7 : 0));
  return n.build();
}
module.exports = { chained };
`;

test('constructor functions with prototype methods, Object.create and symbol-keyed state build what tfjs builds', async () => {
  const r = analyzeSource(HEAD + SRC, '/virtual/m.js');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const report = r.models.find((m) => m.report.name === 'chained')?.report;
  assert.ok(report, `models: ${r.models.map((m) => m.report.name).join(', ')}`);
  assert.notEqual(report.totalParams, null);
  await tfjs();
  const mod = loadModuleFromText(HEAD + SRC, undefined, 'js');
  assert.deepEqual(statedMismatches(report, (mod.chained as () => Model)()), []);
});
