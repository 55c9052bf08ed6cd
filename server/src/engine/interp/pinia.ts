/**
 * Pinia's `defineStore`, the store Vue apps keep their sizes and model in. An options store
 * (`defineStore('model', { state: () => ({...}), getters: {...}, actions: { build() {...} } })`)
 * is one object: state() 's fields, the getters as getters on it (called with the store as `this`
 * and as their argument) and the actions, which run with the store as `this`. A setup store
 * (`defineStore('model', () => { const units = ref(32); function build() {...}; return {...} })`)
 * is what its setup function returns. The store is made when defineStore runs; the `useStore` it
 * returns gives it. The actions are called later by the UI: each is queued to run once the code
 * running now is done, on the store (and its refs) as defineStore left it.
 */
import { Unknown } from '../unknown';
import { Closure, HostObject, JsObject, NativeFunction, spreadInto, type Value } from './values';
import type { Interp } from './api';

export class PiniaModule extends HostObject {
  readonly typeName = 'pinia';
  private readonly defineStore = new NativeFunction('defineStore', (i, _t, args) => this.define(i, args));

  getProperty(_i: Interp, key: string): Value {
    if (key === 'defineStore') return this.defineStore;
    return new Unknown(`pinia's ${key} is not modelled`);
  }

  private define(ip: Interp, args: Value[]): Value {
    const spec = typeof args[0] === 'string' ? args[1] : args[0];
    let store = new JsObject();
    if (spec instanceof Closure) {
      const r = ip.callFunction(spec, undefined, [], undefined);
      if (!(r instanceof JsObject)) return new Unknown("what a pinia setup store's function returned");
      store = r;
    } else if (spec instanceof JsObject) {
      const state = spec.get('state');
      const fields = state instanceof Closure ? ip.callFunction(state, undefined, [], undefined) : undefined;
      if (fields instanceof JsObject) spreadInto(ip, store, fields);
      const getters = spec.get('getters');
      if (getters instanceof JsObject)
        for (const [k, g] of getters.props) if (g instanceof Closure) store.defineAccessor(k, 'get', new NativeFunction(k, (i, self) => i.callFunction(g, self, [self], undefined)));
      const actions = spec.get('actions');
      if (actions instanceof JsObject) for (const [k, a] of actions.props) store.set(k, a);
    } else return new Unknown('defineStore() of something that is neither options nor a setup function');
    // What the actions may change: the store's own fields and the refs it holds, put back before each.
    const saved = [...store.props].map(([k, v]) => [k, v, v instanceof JsObject && !v.accessors ? new Map(v.props) : undefined] as const);
    const reset = () => {
      for (const [k, v, inner] of saved) {
        if (!store.accessors?.has(k)) store.props.set(k, v);
        if (inner && v instanceof JsObject) for (const [ik, iv] of inner) v.props.set(ik, iv);
      }
    };
    for (const [, v] of store.props) if (v instanceof Closure) ip.defer(v, 'a pinia store action', reset, store);
    return new NativeFunction('useStore', () => store);
  }
}

export function isPiniaPackage(spec: string): boolean {
  return spec === 'pinia';
}
