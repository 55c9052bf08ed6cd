/**
 * zustand's `create((set, get) => ({ ...state, build() {...} }))`, the store model-building apps keep
 * their sizes and model in: the initializer runs at once with a real `set` (merges a partial state,
 * or what a function of the state returns, into a new state object) and `get` (the current state);
 * the hook it returns gives the state (or a selector of it) and carries getState / setState. The
 * store's actions are called later by the UI: each is queued to run, with unknown arguments, once
 * the code running now is done (as an event handler is). `create<State>()(init)` works too.
 */
import { Unknown } from '../unknown';
import { Closure, HostObject, JsObject, NativeFunction, spreadInto, type Value } from './values';
import type { Interp } from './api';

export class ZustandModule extends HostObject {
  readonly typeName = 'zustand';
  private readonly createFn: NativeFunction = new NativeFunction('create', (i, _t, [init]): Value => (init === undefined ? this.createFn : this.create(i, init)));

  getProperty(_i: Interp, key: string): Value {
    if (key === 'default' || key === 'create') return this.createFn;
    return new Unknown(`zustand's ${key} is not modelled`);
  }

  private create(ip: Interp, init: Value): Value {
    if (!(init instanceof Closure)) return new Unknown('zustand create() of something that is not a function');
    let state = new JsObject();
    const get = new NativeFunction('get', () => state);
    const set = new NativeFunction('set', (i, _t, [partial, replace]) => {
      const part = partial instanceof Closure || partial instanceof NativeFunction ? i.callFunction(partial, undefined, [state], undefined) : partial;
      // zustand's own merge: Object.assign({}, state, part) (part alone when replacing).
      const next = new JsObject();
      if (replace !== true) spreadInto(i, next, state);
      spreadInto(i, next, part);
      state = next;
      return undefined;
    });
    const api = new JsObject();
    api.set('getState', get);
    api.set('setState', set);
    const initial = ip.callFunction(init, undefined, [set, get, api], undefined);
    if (initial instanceof JsObject) {
      const merged = new JsObject();
      spreadInto(ip, merged, state);
      spreadInto(ip, merged, initial);
      state = merged;
    }
    // Each action runs on the store as create() left it, not as another action left it.
    const initialState = state;
    const reset = () => {
      state = initialState;
    };
    for (const [, v] of state.props) if (v instanceof Closure) ip.defer(v, 'a zustand store action', reset);
    const hook = new NativeFunction('useStore', (i, _t, [selector]) => (selector instanceof Closure ? i.callFunction(selector, undefined, [state], undefined) : state));
    hook.statics = new Map<string, Value>([['getState', get], ['setState', set], ['getInitialState', get]]);
    return hook;
  }
}

export function isZustandPackage(spec: string): boolean {
  return spec === 'zustand' || spec === 'zustand/vanilla';
}
