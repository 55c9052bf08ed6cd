/**
 * Object plumbing library code uses around layer configs: static getters and setters of a class
 * (read on each access, with `this` the class), Object.defineProperty / defineProperties (accessors,
 * read-only and non-enumerable keys), Object.freeze (a later write keeps the old value) and
 * structuredClone (a deep copy). Each model is built by real tfjs from the same source; the engine
 * must state every total and agree with it. No expected number is typed in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

async function sameAsTfjs(src: string, names: string[]): Promise<void> {
  const r = analyzeSource(HEAD + src, '/virtual/m.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  await tfjs();
  const mod = loadModuleFromText(HEAD + src);
  for (const name of names) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
    assert.notEqual(report.totalParams, null, `${name}: the total is stated`);
    const truth = (mod[name] as () => Model)();
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
}

test('a static getter is read at each access (a counter it reads changes between builds), a static setter runs', async () => {
  await sameAsTfjs(`
export class Stage {
  static #built = 0;
  static #scale = 1;
  static get width() { return 8 * 2 ** Stage.#built * Stage.#scale; }
  static set scale(s: number) { Stage.#scale = s; }
  static make() {
    const w = this.width;
    Stage.#built += 1;
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [4], units: w }));
    return m;
  }
}
export function second() {
  Stage.scale = 3;
  Stage.make();
  return Stage.make();
}`, ['second']);
});

test('Object.defineProperty getters and defineProperties values are read as JS reads them', async () => {
  await sameAsTfjs(`
export function described() {
  const cfg: any = { base: 4 };
  Object.defineProperty(cfg, 'filters', { get() { return this.base * 3; }, enumerable: true });
  Object.defineProperties(cfg, { kernelSize: { value: 5, writable: false } });
  cfg.base = 6;
  try { cfg.kernelSize = 1; } catch {} // read-only: ignored, or TypeError in strict code
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [16, 16, 2], filters: cfg.filters, kernelSize: cfg.kernelSize }));
  return m;
}`, ['described']);
});

test('a key Object.defineProperty leaves non-enumerable is not copied by a spread', async () => {
  await sameAsTfjs(`
export function hidden() {
  const cfg: any = { units: 7 };
  Object.defineProperty(cfg, 'useBias', { value: false });
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], ...cfg }));
  m.add(tf.layers.dense({ units: Object.keys(cfg).length + 1 }));
  return m;
}`, ['hidden']);
});

test('a write to a frozen preset keeps its value', async () => {
  await sameAsTfjs(`
const PRESET = Object.freeze({ units: 12, nested: Object.freeze({ units: 5 }) });
export function frozen() {
  try { (PRESET as any).units = 99; } catch {}
  try { (PRESET.nested as any).units = 99; } catch {}
  try { delete (PRESET as any).units; } catch {}
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: PRESET.units }));
  m.add(tf.layers.dense({ units: PRESET.nested.units }));
  return m;
}`, ['frozen']);
});

test('structuredClone copies deeply: editing the clone leaves the original, the clone reads its own values', async () => {
  await sameAsTfjs(`
const DEFAULTS = { head: { units: '6' }, tower: [{ filters: 4 }] };
export function cloned() {
  const cfg = structuredClone(DEFAULTS);
  cfg.tower[0].filters = 10;
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [3], units: cfg.tower[0].filters }));
  m.add(tf.layers.dense({ units: DEFAULTS.tower[0].filters + Number(cfg.head?.units ?? '2') }));
  return m;
}`, ['cloned']);
});

test('super.x in a static getter reads the parent\'s static getter with this = the subclass; this.constructor is the class', async () => {
  await sameAsTfjs(`
class Base {
  static get width() { return 6; }
  static get depth() { return 1; }
  static stack(x: any) {
    for (let i = 0; i < this.depth; i++) x = tf.layers.dense({ units: this.width }).apply(x);
    return x;
  }
  build() {
    const input = tf.input({ shape: [4] });
    return tf.model({ inputs: input, outputs: (this.constructor as typeof Base).stack(input) });
  }
}
class Wide extends Base {
  static override get width() { return super.width * 3; }
  static override get depth() { return super.depth + 1; }
  static head() {
    const input = tf.input({ shape: [2] });
    return tf.model({ inputs: input, outputs: super.stack(input) });
  }
}
export function wideInstance() { return new Wide().build(); }
export function wideStatic() { return Wide.head(); }`, ['wideInstance', 'wideStatic']);
});
