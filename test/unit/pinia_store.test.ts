/**
 * Pinia stores: an options store's actions and getters run with the store (state, getters,
 * actions) as `this`, a getter also gets the state as its argument; a setup store is what its
 * function returns (refs, computed, functions). Each action runs later, on the store as
 * defineStore left it (a setter action must not leak its unknown argument). Compared with the
 * store run in Node with a few lines standing in for Pinia and Vue, and the model built in tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const FAKES = `const ref = (value) => ({ value });
const computed = (g) => ({ get value() { return g(); } });
const defineStore = (id, s) => {
  const st = {};
  if (typeof s === 'function') {
    for (const [k, v] of Object.entries(s())) {
      if (v && typeof v === 'object' && 'value' in v) Object.defineProperty(st, k, { get: () => v.value, set: (x) => { v.value = x; } });
      else st[k] = v;
    }
  } else {
    Object.assign(st, s.state());
    for (const [k, g] of Object.entries(s.getters ?? {})) Object.defineProperty(st, k, { get: () => g.call(st, st) });
    for (const [k, a] of Object.entries(s.actions ?? {})) st[k] = a.bind(st);
  }
  return () => st;
};\n`;

async function compare(src: string, name: string, truth: (mod: Record<string, any>) => any) {
  const head = "import * as tf from '@tensorflow/tfjs';\n";
  const imports = "import { defineStore } from 'pinia';\nimport { computed, ref } from 'vue';\n";
  const r = analyzeSource(head + imports + src, '/virtual/stores.js');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name === name)?.report;
  assert.ok(report, `no model '${name}' among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const mod = loadModuleFromText(head + FAKES + src, undefined, 'js');
  assert.ok(report.totalParams !== null, 'the store decides every size: the total is stated');
  assert.deepEqual(statedMismatches(report, truth(mod)), []);
}

test('options store: getters with this and with the state argument; the action builds with this', async () => {
  const src = `export const useStore = defineStore('m', {
    state: () => ({ inputDim: 10, labels: ['a', 'b', 'c'], hidden: 20, model: null }),
    getters: {
      numClasses: (state) => state.labels.length,
      widths() { return [this.hidden, this.hidden / 2]; },
    },
    actions: {
      setHidden(h) { this.hidden = h; },
      build() {
        const m = tf.sequential();
        m.add(tf.layers.dense({ units: this.widths[0], inputShape: [this.inputDim] }));
        m.add(tf.layers.dense({ units: this.widths[1] }));
        m.add(tf.layers.dense({ units: this.numClasses }));
        this.model = m;
        return m;
      },
    },
  });`;
  await compare(src, 'build', (mod) => mod.useStore().build());
});

test('setup store: refs and a computed size; a setter action queued first does not leak into build', async () => {
  const src = `export const useStore = defineStore('f', () => {
    const steps = ref(12);
    const features = ref(3);
    const units = computed(() => features.value * 4);
    function setSteps(n) { steps.value = n; }
    function build() {
      const m = tf.sequential();
      m.add(tf.layers.simpleRNN({ units: units.value, inputShape: [steps.value, features.value], returnSequences: true }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 1 }));
      return m;
    }
    return { steps, features, units, setSteps, build };
  });`;
  await compare(src, 'build', (mod) => mod.useStore().build());
});
