/**
 * React's class components (`class Pad extends React.Component` with `static defaultProps`): the
 * base constructor sets `this.props` as React makes them, the props passed with `defaultProps`
 * filling the keys they lack — a default is soft (the component's own default, which a parent may
 * override), as a function component's destructuring default is — and `this.state`; `setState`
 * merges into the state. Everything else React has (hooks, createElement) stays unknown, so the
 * callbacks handed to hooks run later as an unknown API's do.
 */
import { Unknown, isUnknown, soft } from '../unknown';
import { ClassValue, Closure, HostObject, JsObject, NativeFunction, ownValue, spreadInto, type Value } from './values';
import type { Interp } from './api';

class ComponentBase extends HostObject {
  readonly typeName = 'React.Component';
  constructor(readonly name: string) {
    super();
  }
  getProperty(_i: Interp, key: string): Value {
    return key === 'name' ? this.name : undefined;
  }

  override initInstance(ip: Interp, instance: JsObject, [props]: Value[]): void {
    instance.set('props', withDefaults(ip, instance.cls, props));
    instance.set('state', new JsObject());
  }

  override instanceProperty(_i: Interp, instance: JsObject, key: string): Value {
    if (key === 'setState')
      return new NativeFunction('setState', (i, _t, [update]) => {
        const prev = instance.get('state');
        const part = update instanceof Closure ? i.callFunction(update, instance, [prev, instance.get('props')], undefined) : update;
        // React's merge: { ...prevState, ...partial }.
        const next = new JsObject();
        if (prev instanceof JsObject) spreadInto(i, next, prev);
        if (part instanceof JsObject || isUnknown(part)) spreadInto(i, next, part);
        instance.set('state', next);
        return undefined;
      });
    if (key === 'forceUpdate') return new NativeFunction('forceUpdate', () => undefined);
    return undefined;
  }
}

/** The props React hands a class component: the passed ones over its class's `defaultProps`. */
function withDefaults(ip: Interp, cls: ClassValue | undefined, props: Value): Value {
  let defaults: Value;
  for (let c = cls; c && defaults === undefined; c = c.superClass) defaults = c.statics.props.has('defaultProps') ? ownValue(ip, c.statics, 'defaultProps') : undefined;
  if (!(defaults instanceof JsObject)) return props;
  const out = new JsObject();
  if (props instanceof JsObject || isUnknown(props)) spreadInto(ip, out, props);
  for (const [k] of defaults.props) {
    if (out.props.has(k) && out.get(k) !== undefined) continue;
    const d = ownValue(ip, defaults, k);
    const primitive = typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean';
    out.set(k, isUnknown(props) && primitive ? soft(`prop '${k}' is ${JSON.stringify(d)} unless its parent passes another`, `props.${k}`, d) : d);
  }
  return out;
}

export class ReactModule extends HostObject {
  readonly typeName = 'react';
  private readonly bases = new Map<string, ComponentBase>();
  getProperty(_i: Interp, key: string): Value {
    if (key === 'default') return this;
    if (key === 'Component' || key === 'PureComponent') {
      let b = this.bases.get(key);
      if (!b) this.bases.set(key, (b = new ComponentBase(key)));
      return b;
    }
    if (key === 'createRef') return new NativeFunction('createRef', () => {
      const r = new JsObject();
      r.set('current', null);
      return r;
    });
    return new Unknown(`react's ${key} is not modelled`);
  }
}

export function isReactPackage(spec: string): boolean {
  return spec === 'react';
}
