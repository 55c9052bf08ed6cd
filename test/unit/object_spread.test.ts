/**
 * Options objects merged over defaults (`{ units: 32, ...opts }`, `Object.assign({}, DEFAULTS, opts)`,
 * `Object.assign(this, opts)`) when the engine cannot see the options: a key the unknown object may
 * set is unknown (a string or boolean one keeps the file's default as its default variant), a key
 * written after it is known. Checked against real tfjs built with different options: nothing the
 * engine states may differ from any of them. No expected number is typed in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource, type AnalysisResult } from '../../server/src/engine';
import { Interpreter } from '../../server/src/engine/interp/interpreter';
import { DEFAULT_LIMITS } from '../../server/src/engine/interp/budget';
import { JsObject, toPlain, type Value } from '../../server/src/engine/interp/values';
import { isUnknown, type Unknown } from '../../server/src/engine/unknown';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

function analyze(body: string): AnalysisResult {
  return analyzeSource(HEAD + body, '/virtual/m.ts');
}

/** The engine's reports of `name` (one per variant), and tfjs's model built by `build(mod)` for each options object. */
async function engineAndTfjs(src: string, name: string, optsList: unknown[], build: (mod: Record<string, unknown>, opts: unknown) => unknown = (mod, o) => (mod[name] as (o: unknown) => unknown)(o)) {
  const r = analyze(src);
  const reports = r.models.filter((m) => m.report.name === name).map((m) => m.report);
  assert.ok(reports.length > 0, `no model '${name}' among ${r.models.map((m) => m.report.name).join(', ')}`);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  await tfjs();
  const mod = loadModuleFromText(HEAD + src);
  const truths = optsList.map((o) => build(mod, o) as Model);
  return { r, reports, truths };
}

const OPTS = [undefined, {}, { units: 64 }, { units: 8, useBias: false }, { units: 16, activation: 'relu', kind: 'big', trainable: false }];

/** Total params differ between the options: the file does not decide them. */
function decidedByOptions(truths: Model[]): void {
  assert.ok(new Set(truths.map((t) => t.countParams())).size > 1, 'the options change the model in tfjs');
}

test('a key set before an unknown spread (or Object.assign source) is unknown: no number that the options change is stated', async () => {
  const cases: Record<string, string> = {
    spreadThenRead: `export function build(opts) {
      const cfg = { units: 32, ...opts };
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: cfg.units, inputShape: [4] }));
      return m;
    }`,
    assign: `export function build(opts) {
      const cfg = Object.assign({ units: 32 }, opts);
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: cfg.units, inputShape: [4] }));
      return m;
    }`,
    defaultsThenOpts: `const DEFAULTS = { units: 32, useBias: true };
    export function build(opts) {
      const cfg = { ...DEFAULTS, ...opts };
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: cfg.units, useBias: cfg.useBias, inputShape: [4] }));
      return m;
    }`,
    assignEmptyTarget: `const DEFAULTS = { units: 32 };
    export function build(opts) {
      const cfg = Object.assign({}, DEFAULTS, opts);
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: cfg.units, inputShape: [4] }));
      return m;
    }`,
    wholeConfig: `export function build(opts) {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 32, inputShape: [4], ...opts }));
      return m;
    }`,
    // The options may set useBias (or trainable): a layer config with unknown keys leaves them unknown.
    wholeConfigKeysAfter: `export function build(opts) {
      const m = tf.sequential();
      m.add(tf.layers.dense({ ...opts, units: 32, inputShape: [4] }));
      return m;
    }`,
    restOfOptions: `export function build(opts) {
      const { kind, ...layerOpts } = opts ?? {};
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 32, inputShape: [4], ...layerOpts }));
      return m;
    }`,
  };
  for (const [name, body] of Object.entries(cases)) {
    const { reports, truths } = await engineAndTfjs(body, 'build', OPTS);
    decidedByOptions(truths);
    for (const report of reports) {
      assert.equal(report.totalParams, null, `${name}: the options decide the total`);
      truths.forEach((t, i) => assert.deepEqual(statedMismatches(report, t), [], `${name} with ${JSON.stringify(OPTS[i])}`));
    }
  }
});

test('a class that Object.assign-s its options over defaults onto this: the fields the options may set are unknown', async () => {
  const src = `export class Net {
    constructor(opts) { Object.assign(this, { units: 32, hidden: 2 }, opts); }
    build() {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: this.units, inputShape: [4] }));
      m.add(tf.layers.dense({ units: this.hidden }));
      return m;
    }
  }`;
  const { reports, truths } = await engineAndTfjs(src, 'Net.build', [{}, { units: 3 }, { hidden: 5 }], (mod, o) => new (mod.Net as new (o: unknown) => { build(): unknown })(o).build());
  decidedByOptions(truths);
  for (const report of reports) {
    assert.equal(report.totalParams, null);
    for (const t of truths) assert.deepEqual(statedMismatches(report, t), []);
  }
});

test('a key written after the unknown spread is known whatever the options hold: the model stays exact', async () => {
  const src = `export function build(opts) {
    const cfg = { ...opts, units: 32 };
    const merged = Object.assign({}, opts, { filters: 8 });
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: cfg.units, inputShape: [4] }));
    m.add(tf.layers.dense({ units: merged.filters }));
    return m;
  }`;
  const { reports, truths } = await engineAndTfjs(src, 'build', OPTS);
  assert.equal(new Set(truths.map((t) => t.countParams())).size, 1, 'tfjs: the options change nothing');
  assert.equal(reports.length, 1);
  assert.notEqual(reports[0]!.totalParams, null, 'stated');
  for (const t of truths) assert.deepEqual(statedMismatches(reports[0]!, t), []);
});

test('a string option set before the spread is soft: a condition on it forks, the default variant is the file\'s, each right in tfjs', async () => {
  const src = `export function build(opts) {
    const cfg = { kind: 'small', ...opts };
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: cfg.kind === 'small' ? 8 : 64, inputShape: [4] }));
    return m;
  }`;
  const r = analyze(src);
  const reports = r.models.filter((m) => m.report.name === 'build').map((m) => m.report);
  assert.equal(reports.length, 2, 'one variant per outcome');
  const dflt = reports.find((x) => x.variant?.default);
  const other = reports.find((x) => !x.variant?.default);
  assert.ok(dflt && other, 'the file\'s default is marked');
  await tfjs();
  const mod = loadModuleFromText(HEAD + src) as { build(o?: unknown): Model };
  assert.deepEqual(statedMismatches(dflt, mod.build()), []);
  assert.deepEqual(statedMismatches(dflt, mod.build({})), []);
  assert.deepEqual(statedMismatches(other, mod.build({ kind: 'big' })), []);
  assert.notEqual(dflt.totalParams, null);
});

test('options with a default object, destructured defaults and known spreads stay exact (the engine calls the builder with its defaults)', async () => {
  const src = `const BASE = { units: 16, activation: 'relu' };
  export function withDefaultObject(opts = {}) {
    const cfg = { units: 32, ...opts };
    const m = tf.sequential();
    m.add(tf.layers.dense({ ...BASE, units: cfg.units, inputShape: [4] }));
    return m;
  }
  export function destructured({ units = 32, ...rest } = {}) {
    const m = tf.sequential();
    m.add(tf.layers.dense({ ...BASE, ...rest, units, inputShape: [4] }));
    return m;
  }
  export function knownOnly() {
    const cfg = Object.assign({}, BASE, { units: 8 });
    const m = tf.sequential();
    m.add(tf.layers.dense({ ...cfg, inputShape: [4] }));
    m.add(tf.layers.dense({ ...BASE }));
    return m;
  }`;
  const r = analyze(src);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  await tfjs();
  const mod = loadModuleFromText(HEAD + src) as Record<string, () => Model>;
  for (const name of ['withDefaultObject', 'destructured', 'knownOnly']) {
    const report = r.models.find((m) => m.report.name === name)?.report;
    assert.ok(report, name);
    assert.notEqual(report.totalParams, null, `${name}: stated`);
    assert.deepEqual(statedMismatches(report, mod[name]!()), [], name);
  }
});

test('a layer config with unknown keys: no false error for keys tfjs requires, and trainable (which the options may set) is unknown', async () => {
  const src = `export function whole(opts) {
    const m = tf.sequential();
    m.add(tf.layers.embedding(opts));
    m.add(tf.layers.flatten());
    return m;
  }
  export function frozenMaybe(opts) {
    const m = tf.sequential();
    m.add(tf.layers.embedding({ ...opts, inputDim: 10, outputDim: 4, inputLength: 3 }));
    return m;
  }`;
  const r = analyze(src);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  await tfjs();
  const mod = loadModuleFromText(HEAD + src) as Record<string, (o: unknown) => Model>;
  const frozen = r.models.find((m) => m.report.name === 'frozenMaybe')!.report;
  assert.notEqual(frozen.totalParams, null, 'the sizes are written after the spread');
  assert.equal(frozen.trainableParams, null, 'trainable may come from the options');
  const truths = [{}, { trainable: false }].map((o) => mod.frozenMaybe!(o));
  assert.notEqual(truths[0]!.trainableWeights.length, truths[1]!.trainableWeights.length);
  for (const t of truths) assert.deepEqual(statedMismatches(frozen, t), []);
  const whole = r.models.find((m) => m.report.name === 'whole')!.report;
  assert.equal(whole.totalParams, null);
  assert.deepEqual(statedMismatches(whole, mod.whole!({ inputDim: 10, outputDim: 4, inputLength: 3 })), []);
});

/** Values of `names` after the interpreter runs `code` at the top level (Unknown kept as it is). */
function interp(code: string, names: string[]): Record<string, unknown> {
  const ip = new Interpreter({ host: { readFile: () => undefined }, resolvePackage: () => undefined, limits: DEFAULT_LIMITS });
  const rec = ip.loadModule('/m/main.js', code);
  return Object.fromEntries(names.map((n) => {
    const v = rec.scope.lookup(n)?.value as Value;
    return [n, v instanceof JsObject || Array.isArray(v) ? toPlain(v) : v];
  }));
}

test('reading an object an unknown object was spread into: keys, entries, JSON, for...in, in, hasOwnProperty are unknown; a rest pattern leaves out what it took', () => {
  const v = interp(`
    const opts = JSON.parse(localStorage.getItem('opts'));
    const a = { units: 32, kind: 'cnn', ...opts };
    const units = a.units, kind = a.kind, other = a.other, direct = opts.other;
    const keys = Object.keys(a), entries = Object.entries(a), json = JSON.stringify({ nested: a });
    const has = 'zz' in a, own = a.hasOwnProperty('zz');
    let n = 0; for (const k in a) n++;
    const { units: u2, ...rest } = opts;
    const restUnits = rest.units, restOther = rest.other;
    const b = { ...opts, units: 32 };
    const bUnits = b.units, bHasUnits = 'units' in b;
    const known = { ...{ x: 1 }, y: 2 }, knownKeys = Object.keys(known);
  `, ['units', 'kind', 'other', 'direct', 'keys', 'entries', 'json', 'has', 'own', 'n', 'restUnits', 'restOther', 'bUnits', 'bHasUnits', 'knownKeys']);
  for (const k of ['units', 'kind', 'other', 'keys', 'entries', 'json', 'has', 'own', 'n', 'restOther']) assert.ok(isUnknown(v[k]), `${k} is unknown`);
  assert.equal((v.kind as Unknown).dflt?.value, 'cnn', 'a string set before the spread is its default');
  assert.equal((v.units as Unknown).dflt, undefined, 'a number set before the spread is plain unknown');
  assert.equal((v.other as Unknown).key, (v.direct as Unknown).key, 'a key only the unknown object can hold is its field, the same quantity');
  assert.equal(v.restUnits, undefined, 'the rest pattern took units out');
  assert.equal(v.bUnits, 32);
  assert.equal(v.bHasUnits, true);
  assert.deepEqual(v.knownKeys, ['x', 'y']);
});
