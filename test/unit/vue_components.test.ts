/**
 * Vue components: the Options API's `this` (props, data(), computed getters and methods merged on
 * one instance; created/mounted run on it) and Vue 3's refs (`ref(32).value`, computed, onMounted).
 * The engine must report the model the mounted hook builds, with tfjs's numbers: each case is also
 * run in Node with a few lines standing in for Vue's runtime, and the model compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

/** What Vue does with an options object, enough to mount it: props' defaults, setup, methods, data, computed, hooks. */
function mountLikeVue(o: Record<string, any>): Record<string, any> {
  const vm: Record<string, any> = {};
  for (const [k, p] of Object.entries(o.props ?? {})) vm[k] = (p as { default?: unknown }).default;
  Object.assign(vm, o.setup?.(vm, { emit: () => {} }) ?? {});
  for (const [k, f] of Object.entries(o.methods ?? {})) vm[k] = (f as () => unknown).bind(vm);
  Object.assign(vm, o.data?.call(vm, vm) ?? {});
  for (const [k, g] of Object.entries(o.computed ?? {})) Object.defineProperty(vm, k, { get: (typeof g === 'function' ? g : (g as { get: () => unknown }).get).bind(vm) });
  for (const h of ['created', 'beforeMount', 'mounted']) o[h]?.call(vm);
  return vm;
}

/** Vue 3's reactivity as the cases use it; mounted hooks are queued and run by flush(). */
const FAKE_VUE = `const __hooks = [];
const ref = (value) => ({ value }); const shallowRef = ref; const reactive = (o) => o;
const computed = (g) => ({ get value() { return g(); } });
const onMounted = (f) => { __hooks.push(f); }; const defineComponent = (o) => o;
export const __flush = () => { while (__hooks.length) __hooks.shift()(); };\n`;

async function compare(src: string, name: string, truth: (mod: Record<string, any>) => Model) {
  const r = analyzeSource(HEAD + src, '/virtual/component.js');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name === name)?.report;
  assert.ok(report, `no model '${name}' among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const model = truth(loadModuleFromText(HEAD + src.replace(/import \{[^}]*\} from 'vue';\n/, FAKE_VUE), undefined, 'js'));
  assert.ok(report.totalParams !== null, 'the file decides every size: the total is stated');
  assert.deepEqual(statedMismatches(report, model), []);
}

test("Options API: mounted() calls a method whose `this` has data(), props' defaults and computed values", async () => {
  const src = `export default {
    props: { hidden: { type: Number, default: 24 } },
    data() { return { inputSize: 12, labels: ['a', 'b', 'c'], model: null }; },
    computed: {
      numClasses() { return this.labels.length; },
      shape: { get() { return [this.inputSize]; } },
    },
    methods: {
      buildModel() {
        const model = tf.sequential();
        model.add(tf.layers.dense({ units: this.hidden, inputShape: this.shape, activation: 'relu' }));
        model.add(tf.layers.dense({ units: this.numClasses, activation: 'softmax' }));
        this.model = model;
      },
    },
    mounted() { this.buildModel(); },
  };`;
  await compare(src, 'buildModel › model', (mod) => mountLikeVue(mod.default).model);
});

test('Options API: new Vue({...}) and a method nobody calls, run on its own instance', async () => {
  const src = `const Vue = globalThis.Vue;
  export const options = {
    data: () => ({ frames: 10, features: 6 }),
    methods: {
      makeRnn() {
        const m = tf.sequential();
        m.add(tf.layers.simpleRNN({ units: 8, inputShape: [this.frames, this.features] }));
        return m;
      },
    },
  };
  if (Vue) new Vue({ el: '#app', ...options });`;
  await compare(src, 'makeRnn', (mod) => mountLikeVue(mod.options).makeRnn());
});

test("Vue 3: defineComponent's setup() with refs and a computed size, built in onMounted", async () => {
  const src = `import { computed, defineComponent, onMounted, ref, shallowRef } from 'vue';
  export default defineComponent({
    setup() {
      const width = ref(32);
      const classes = ref(['x', 'y']);
      const hidden = computed(() => width.value * 2);
      const model = shallowRef(null);
      function build() {
        const m = tf.sequential();
        m.add(tf.layers.dense({ units: hidden.value, inputShape: [width.value] }));
        m.add(tf.layers.dense({ units: classes.value.length }));
        model.value = m;
        return m;
      }
      onMounted(() => build());
      return { width, model, build };
    },
  });`;
  await compare(src, 'build', (mod) => {
    const vm = mod.default.setup({}, {});
    mod.__flush();
    return vm.model.value;
  });
});

test("an exported object with a 'data' key and no hook is not a component: its builders still run on their own", async () => {
  const src = `function loadData() { return [[1, 2, 3]]; }
  export default {
    data: loadData,
    buildModel() {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 5, inputShape: [3] }));
      return m;
    },
  };`;
  await compare(src, 'buildModel', (mod) => mod.default.buildModel());
});
