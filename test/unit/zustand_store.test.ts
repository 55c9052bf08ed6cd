/**
 * zustand stores: `create((set, get) => ({ sizes..., build() {...} }))`. The initializer runs with a
 * real set/get; each action runs later, on the store as create() left it (a setter action queued
 * before build must not leak its unknown argument into build's sizes). Compared with the store run
 * in Node with a few lines standing in for zustand, and the model built in tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const FAKE_ZUSTAND = `const create = (init) => {
  if (!init) return create;
  let state = {};
  const get = () => state;
  const set = (p) => { state = { ...state, ...(typeof p === 'function' ? p(state) : p) }; };
  state = init(set, get);
  return Object.assign((sel) => (sel ? sel(state) : state), { getState: get, setState: set });
};\n`;

async function compare(src: string, name: string, truth: (mod: Record<string, any>) => any) {
  const text = "import * as tf from '@tensorflow/tfjs';\nimport { create } from 'zustand';\n" + src;
  const r = analyzeSource(text, '/virtual/store.js');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name === name)?.report;
  assert.ok(report, `no model '${name}' among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const mod = loadModuleFromText(text.replace("import { create } from 'zustand';\n", FAKE_ZUSTAND), undefined, 'js');
  assert.ok(report.totalParams !== null, 'the store decides every size: the total is stated');
  assert.deepEqual(statedMismatches(report, truth(mod)), []);
}

test("an action reads the sizes with get(); a setter action does not change what build sees", async () => {
  const src = `export const useStore = create((set, get) => ({
    inputDim: 9,
    units: 14,
    model: null,
    setUnits: (units) => set({ units }),
    build() {
      const { inputDim, units } = get();
      const m = tf.sequential();
      m.add(tf.layers.dense({ units, inputShape: [inputDim], activation: 'relu' }));
      m.add(tf.layers.dense({ units: 3 }));
      set({ model: m });
      return m;
    },
  }));`;
  await compare(src, 'build', (mod) => mod.useStore.getState().build());
});

test('create<State>()(init) and an arrow action reading get() inline', async () => {
  const src = `export const useStore = create()((set, get) => ({
    classes: ['a', 'b', 'c', 'd'],
    filters: 6,
    model: null,
    addClass: (c) => set((s) => ({ classes: [...s.classes, c] })),
    makeModel: () => {
      const m = tf.sequential();
      m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: get().filters, kernelSize: 3 }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: get().classes.length }));
      set({ model: m });
      return m;
    },
  }));`;
  await compare(src, 'makeModel', (mod) => mod.useStore.getState().makeModel());
});
