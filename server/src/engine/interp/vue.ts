/**
 * Vue 3's reactivity API as model-building components use it (`ref(32).value`, `computed(() => …)`,
 * `reactive({...})`, `onMounted(build)`): a ref is a plain object with a `value` field, a computed
 * one reads its getter on each `.value`, reactive() is its argument, and the lifecycle hooks,
 * watchers and nextTick hand their callback on to run once the code running now is done (as an
 * unknown API's callbacks do). defineComponent() is its options object; the component itself is
 * instantiated by the builder driver (analysis/components.ts). Anything else is unknown.
 */
import { Unknown } from '../unknown';
import { Closure, HostObject, JsObject, NativeFunction, ownValue, type NativeImpl, type Value } from './values';
import type { Interp } from './api';

/** The callback-taking functions whose callback runs later (mount, watch, tick). */
const LATER = new Set(['onBeforeMount', 'onMounted', 'onBeforeUpdate', 'onUpdated', 'onActivated', 'watch', 'watchEffect', 'watchPostEffect', 'nextTick']);

export class VueModule extends HostObject {
  readonly typeName = 'vue';
  private readonly fns = new Map<string, NativeFunction>();
  /** The refs made here: unref/isRef tell them apart from other objects. */
  private readonly refs = new WeakSet<JsObject>();

  getProperty(_i: Interp, key: string): Value {
    if (key === 'default') return this;
    let f = this.fns.get(key);
    if (f) return f;
    const impl = this.impl(key);
    if (!impl) return new Unknown(`vue's ${key} is not modelled`);
    this.fns.set(key, (f = new NativeFunction(key, impl)));
    return f;
  }

  private impl(key: string): NativeImpl | undefined {
    const makeRef = (value: Value) => {
      const r = new JsObject();
      r.set('value', value);
      this.refs.add(r);
      return r;
    };
    switch (key) {
      case 'ref':
      case 'shallowRef':
      case 'customRef':
        return (_i, _t, [v]) => (v instanceof JsObject && this.refs.has(v) ? v : makeRef(v));
      case 'reactive':
      case 'shallowReactive':
      case 'readonly':
      case 'shallowReadonly':
      case 'markRaw':
      case 'toRaw':
      case 'defineComponent':
        return (_i, _t, [v]) => v;
      case 'computed':
        return (_i, _t, [g]) => {
          const r = new JsObject();
          if (g instanceof Closure) r.defineAccessor('value', 'get', g);
          else if (g instanceof JsObject && g.get('get') instanceof Closure) {
            r.defineAccessor('value', 'get', g.get('get') as Closure);
            if (g.get('set') instanceof Closure) r.defineAccessor('value', 'set', g.get('set') as Closure);
          } else return new Unknown('computed() of something that is not a function');
          this.refs.add(r);
          return r;
        };
      case 'unref':
        return (i, _t, [v]) => (v instanceof JsObject && this.refs.has(v) ? ownValue(i, v, 'value') : v);
      case 'isRef':
        return (_i, _t, [v]) => v instanceof JsObject && this.refs.has(v);
    }
    if (LATER.has(key))
      return (i, _t, args) => {
        for (const a of args) if (a instanceof Closure) i.defer(a, key);
        return new Unknown(`what vue's ${key} returns`);
      };
    return undefined;
  }
}

export function isVuePackage(spec: string): boolean {
  return spec === 'vue' || spec === '@vue/runtime-core' || spec === '@vue/reactivity' || spec === '@vue/composition-api';
}
