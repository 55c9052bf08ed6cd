/** Reading and writing properties of interpreter values (objects, arrays, classes, host objects). */
import type ts from 'typescript';
import { Unknown, derived, isUnknown } from '../unknown';
import { ClassValue, Closure, HostObject, JsObject, NativeFunction, type Value, assignOwn, hostBaseOf, inherited, ownValue, prototypeOf, readOpenKey } from './values';
import { getBuiltinProperty } from './builtins';
import { SK_ArrowFunction, dummyNode } from './syntax';
import type { Interpreter } from './interpreter';
import { callClosure, callFunction } from './functions';

/** Whether a class member is running: on the call stack. */
function onStack(ip: Interpreter, member: ts.Node): boolean {
  for (let f = ip.currentFrame(); f; f = f.parent) if (f.closure?.node === member) return true;
  return false;
}

export function getProperty(ip: Interpreter, obj: Value, key: string | number, node: ts.Node | undefined, what?: string): Value {
  if (obj instanceof JsObject) {
    const k = String(key);
    if (obj.accessors?.has(k)) return ownValue(ip, obj, k);
    if (obj.props.has(k)) return obj.props.get(k);
    if (obj.cls) {
      const g = obj.cls.findGetter(k);
      if (g) return callClosure(ip, g, obj, [], undefined);
      const m = obj.cls.findMethod(k);
      if (m) return m;
      // `this.constructor` of an instance: its class (static factories read `this.constructor.depth`).
      if (k === 'constructor') return obj.cls;
      // Members inherited from a host class (`this.addWeight` in a tf.layers.Layer subclass).
      const fromHost = hostBaseOf(obj.cls)?.instanceProperty(ip, obj, k);
      if (fromHost !== undefined) return fromHost;
    }
    if (obj.proto) {
      const h = inherited(obj, k);
      // An inherited getter runs with `this` the object it was read from.
      if (h) return h.accessor ? (h.accessor.get ? callFunction(ip, h.accessor.get, obj, [], undefined) : undefined) : h.holder.props.get(k);
    }
    if (obj.open && k !== 'hasOwnProperty' && k !== 'toString') return readOpenKey(obj.open, k);
    // A field another method sets (`init()` before `build()`): the analysis did not run it first.
    if (obj.cls?.fieldSetElsewhere(k, (m) => onStack(ip, m))) return new Unknown(`this.${k} is set by a method that has not run here`);
    return getBuiltinProperty(obj, k);
  }
  if (Array.isArray(obj)) {
    if (typeof key === 'number') return obj[key];
    if (key === 'length') return obj.length;
    const idx = Number(key);
    if (Number.isInteger(idx) && idx >= 0 && String(idx) === key) return obj[idx];
    return getBuiltinProperty(obj, key);
  }
  if (obj instanceof HostObject) return obj.getProperty(ip, String(key), node ?? dummyNode);
  if (obj instanceof ClassValue) {
    const k = String(key);
    for (let c: ClassValue | undefined = obj; c; c = c.superClass) {
      if (!c.statics.props.has(k)) continue;
      // A static getter runs with `this` the class it was read through (a subclass inherits it).
      const a = c.statics.accessors?.get(k);
      return a ? (a.get ? callFunction(ip, a.get, obj, [], undefined) : undefined) : c.statics.get(k);
    }
    if (k === 'name') return obj.name;
    return undefined;
  }
  if (isUnknown(obj)) {
    // A string option left at the file's default (`arch = 'c32-p'` of a builder the engine calls):
    // reading `arch.length` or `arch[0]` uses the value, so the path commits to the default.
    if (typeof obj.dflt?.value === 'string') {
      const v = ip.path().valueOf(obj);
      if (!isUnknown(v)) return getProperty(ip, v, key, node, what);
      obj = v;
    }
    // A field of a known-by-name unknown is a quantity of its own (`opts.units`), read consistently.
    if (obj.key === undefined) return derived(obj);
    return ip.path().refine(new Unknown(obj.reason, `${obj.key}.${key}`));
  }
  if (obj === null || obj === undefined) return new Unknown(`cannot read '${key}' of ${obj}${what ? ` (${what})` : ''}`);
  if (obj instanceof Closure) {
    const k = String(key);
    if (k === 'prototype' && obj.node.kind !== SK_ArrowFunction && !obj.own?.props.has(k)) return prototypeOf(obj);
    if (obj.own?.props.has(k)) return ownValue(ip, obj.own, k);
  }
  return getBuiltinProperty(obj, String(key));
}

export function setProperty(ip: Interpreter, obj: Value, key: string | number, value: Value): void {
  if (obj instanceof JsObject) {
    const k = String(key);
    // A class's setter (`set units(v) { this._units = v; }`) runs instead of making a field.
    const s = obj.cls && !obj.props.has(k) ? obj.cls.findSetter(k) : undefined;
    // An inherited accessor (a prototype's `set depth(v)`) runs; a getter alone ignores the write.
    const h = !s && obj.proto && !obj.props.has(k) ? inherited(obj, k) : undefined;
    if (s) callClosure(ip, s, obj, [value], undefined);
    else if (h?.accessor) {
      if (h.accessor.set) callFunction(ip, h.accessor.set, obj, [value], undefined);
    } else assignOwn(ip, obj, k, value);
  }
  else if (obj instanceof Closure) assignOwn(ip, (obj.own ??= new JsObject()), String(key), value);
  else if (Array.isArray(obj)) {
    if (typeof key === 'number' || /^\d+$/.test(key)) {
      const i = Number(key);
      if (i < 1e6) obj[i] = value;
    } else if (key === 'length' && typeof value === 'number' && value >= 0 && value < 1e6) obj.length = value;
  } else if (obj instanceof ClassValue) {
    const k = String(key);
    // A static setter (own or inherited) runs with `this` the class; a static getter alone ignores the write.
    for (let c: ClassValue | undefined = obj; c; c = c.superClass) {
      const a = c.statics.accessors?.get(k);
      if (a) {
        if (a.set) callFunction(ip, a.set, obj, [value], undefined);
        return;
      }
      if (c.statics.props.has(k)) break;
    }
    obj.statics.set(k, value);
  }
  else if (obj instanceof HostObject) obj.setProperty(ip, String(key), value);
}

/**
 * `s.method(args)` on a string option left at the file's default. A string or boolean result
 * (`kind.startsWith('res')`, `arch.toLowerCase()`) stays unknown with its default outcome, so a
 * condition on it still forks and knows which fork the defaults take; any other result
 * (`arch.split('-')`, `arch.indexOf('p')`) is a value: the path commits to the default. Undefined
 * when `u` is not such a string or `name` is no string method.
 */
export function softStringCall(ip: Interpreter, u: Unknown, name: string, args: Value[], call: ts.Node): Value | undefined {
  const d = u.dflt?.value;
  if (typeof d !== 'string') return undefined;
  const method = getBuiltinProperty(d, name);
  if (!(method instanceof NativeFunction)) return undefined;
  const current = ip.path().refine(u);
  if (!isUnknown(current)) return ip.callFunction(method, current, args, call);
  if (!current.dflt) return undefined; // this path ruled the default out
  const r = ip.callFunction(method, d, args, call);
  if (typeof r !== 'string' && typeof r !== 'boolean') return ip.callFunction(method, ip.path().valueOf(u), args, call);
  const out = new Unknown(`${name}() of ${u.reason}`);
  out.dflt = { value: r };
  return out;
}
