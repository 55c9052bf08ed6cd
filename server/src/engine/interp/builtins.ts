/**
 * The JavaScript standard library the interpreter models: what model-building code uses to compute
 * configs (Math, Array methods, string helpers, Object.keys ...). Anything else is Unknown.
 */
import type ts from 'typescript';
import { OPEN_KEYS, Unknown, isUnknown } from '../unknown';
import { Scope } from './scope';
import { symbolicRound } from '../symbolic/arith';
import type { Interp } from './api';
import {
  ClassValue,
  Closure,
  HostObject,
  JsObject,
  NativeFunction,
  type NativeImpl,
  type Value,
  HIDDEN_KEYS,
  fromPlain,
  spreadInto,
  isCallable,
  ownEntries,
  ownValue,
  strictEquals,
  toNumber,
  toPlain,
  toStr,
  truthy,
} from './values';
import { noteStackOverflow } from '../stack_overflow';
import { UserThrow } from './completion';
import { iterate } from './statements';

const fn = (name: string, impl: NativeImpl, construct?: NativeImpl) => new NativeFunction(name, impl, construct);

function numArgs(args: Value[]): number[] | Unknown {
  const out: number[] = [];
  for (const a of args) {
    const n = toNumber(a);
    if (isUnknown(n)) return n;
    out.push(n);
  }
  return out;
}

function mathFn(name: string, f: (...xs: number[]) => number): NativeFunction {
  return fn(`Math.${name}`, (_i, _t, args) => {
    const xs = numArgs(args);
    return isUnknown(xs) ? xs : f(...xs);
  });
}

function makeMath(): JsObject {
  const m = new JsObject();
  for (const k of ['PI', 'E', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2'] as const) m.set(k, Math[k]);
  const fns = ['abs', 'ceil', 'floor', 'round', 'trunc', 'sign', 'sqrt', 'cbrt', 'exp', 'expm1', 'log', 'log2', 'log10', 'log1p',
    'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'pow', 'max', 'min', 'hypot', 'fround', 'clz32'] as const;
  for (const k of fns) m.set(k, mathFn(k, Math[k] as (...xs: number[]) => number));
  // ⌊lookBack / 6⌋ on an unknown lookBack: the size keeps its expression (symbolic/arith.ts).
  for (const k of ['floor', 'ceil'] as const) {
    const plain = mathFn(k, Math[k]);
    m.set(k, fn(`Math.${k}`, (i, t, args, call) => symbolicRound(k, args[0]) ?? plain.impl(i, t, args, call)));
  }
  m.set('random', fn('Math.random', () => new Unknown('Math.random()')));
  return m;
}

function callback(interp: Interp, f: Value, args: Value[], call: ts.Node): Value {
  return interp.callFunction(f, undefined, args, call);
}

function arrayFrom(interp: Interp, args: Value[], call: ts.Node): Value {
  const src = args[0];
  const mapFn = args[1];
  let items: Value[];
  if (Array.isArray(src)) items = src.slice();
  else if (typeof src === 'string') items = [...src];
  else if (src instanceof JsObject) {
    const len = toNumber(ownValue(interp, src, 'length'));
    if (isUnknown(len)) return len;
    if (!(len >= 0) || len > 1e6) return new Unknown('Array.from with an unreasonable length');
    items = [];
    for (let i = 0; i < len; i++) items.push(ownValue(interp, src, String(i)));
  } else if (isUnknown(src)) return src;
  else items = [];
  if (mapFn !== undefined) {
    const out: Value[] = [];
    for (let i = 0; i < items.length; i++) {
      interp.charge(call);
      out.push(callback(interp, mapFn, [items[i], i], call));
    }
    return out;
  }
  return items;
}

function makeArrayCtor(): NativeFunction {
  const make: NativeImpl = (_i, _t, args) => {
    if (args.length === 1 && typeof args[0] === 'number') {
      if (!(args[0] >= 0) || args[0] > 1e6) return new Unknown('array length out of range');
      return new Array<Value>(args[0]).fill(undefined);
    }
    if (args.length === 1 && isUnknown(args[0])) return args[0];
    return args.slice();
  };
  const a = fn('Array', make, make);
  return a;
}

const ARRAY_STATICS: Record<string, NativeFunction> = {
  from: fn('Array.from', (i, _t, args, call) => arrayFrom(i, args, call)),
  // An unknown value may be an array (a builder's `sizes: number | number[]`), unless it is a size.
  isArray: fn('Array.isArray', (_i, _t, [v]) => (isUnknown(v) && !v.expr ? new Unknown(`Array.isArray(${v.reason})`) : Array.isArray(v))),
  of: fn('Array.of', (_i, _t, args) => args.slice()),
};

/** Whether `v` has the own property `k`: unknown for an unknown object or key, or a key an unknown spread may have set. */
function hasOwn(v: Value, k: Value): Value {
  if (isUnknown(k)) return new Unknown(`an own property at an unknown key (${k.reason})`);
  if (v instanceof JsObject) {
    const name = toStr(k);
    if (v.props.has(name)) return true;
    return v.mayHold(name) ? new Unknown(`hasOwnProperty('${name}') of an object an unknown object was spread into`) : false;
  }
  if (Array.isArray(v)) return toStr(k) === 'length' || (Number.isInteger(Number(k)) && Number(k) >= 0 && Number(k) < v.length);
  if (isUnknown(v)) return new Unknown(`an own property of ${v.reason}`);
  return false;
}
const HAS_OWN_PROPERTY = fn('hasOwnProperty', (_i, self, [k]) => hasOwn(self, k));

/**
 * `Object.defineProperty(o, key, { get, set } | { value, writable, enumerable })` on an object the
 * file made. A descriptor the analysis cannot read leaves the key unknown; a property that is not
 * `enumerable: true` is hidden from spread, Object.keys and for...in, as in JS (its default).
 */
function defineOwn(i: Interp, target: Value, key: Value, desc: Value): void {
  if (!(target instanceof JsObject)) return;
  if (isUnknown(key)) {
    target.open = { from: [new Unknown('Object.defineProperty at an unknown key')] };
    return;
  }
  const k = toStr(key);
  if (target.frozen || target.readonlyKeys?.has(k)) return; // tfjs code would throw TypeError here
  if (!(desc instanceof JsObject) || desc.open) {
    target.set(k, new Unknown(`property '${k}' defined by a descriptor the analysis cannot see`));
    return;
  }
  // Redefining a key keeps what the descriptor does not say (its value, writable, enumerable).
  const existed = target.props.has(k);
  const field = (f: string) => (desc.props.has(f) ? ownValue(i, desc, f) : undefined);
  const get = field('get');
  const set = field('set');
  if (get !== undefined || set !== undefined) {
    target.props.delete(k);
    target.accessors?.delete(k);
    for (const [kind, f] of [['get', get], ['set', set]] as const) {
      if (f instanceof Closure) target.defineAccessor(k, kind, f);
      else if (f !== undefined) {
        target.set(k, new Unknown(`property '${k}' has an accessor the analysis cannot run`));
        break;
      }
    }
  } else {
    if (desc.props.has('value') || !existed) target.set(k, field('value'));
    if (desc.props.has('writable') || !existed) {
      if (truthy(field('writable')) === true) target.readonlyKeys?.delete(k);
      else (target.readonlyKeys ??= new Set()).add(k);
    }
  }
  if (desc.props.has('enumerable') || !existed) {
    if (truthy(field('enumerable')) === true) target.hiddenKeys?.delete(k);
    else (target.hiddenKeys ??= new Set()).add(k);
  }
}

function objectStatics(): JsObject {
  const o = new JsObject();
  const entriesOf = (i: Interp, v: Value): [string, Value][] | Unknown => {
    if (v instanceof JsObject) return v.open ? new Unknown('the keys of an object an unknown object was spread into') : ownEntries(i, v);
    if (Array.isArray(v)) return v.map((x, i) => [String(i), x] as [string, Value]);
    if (isUnknown(v)) return v;
    return [];
  };
  o.set('keys', fn('Object.keys', (i, _t, [v]) => {
    if (v instanceof JsObject && !v.open) return v.enumerableKeys(); // no getter runs
    const e = entriesOf(i, v);
    return isUnknown(e) ? e : e.map(([k]) => k);
  }));
  o.set('values', fn('Object.values', (i, _t, [v]) => {
    const e = entriesOf(i, v);
    return isUnknown(e) ? e : e.map(([, x]) => x);
  }));
  o.set('entries', fn('Object.entries', (i, _t, [v]) => {
    const e = entriesOf(i, v);
    return isUnknown(e) ? e : e.map(([k, x]) => [k, x]);
  }));
  // Reads the sources' getters, and assigns through the target's setters.
  o.set('assign', fn('Object.assign', (i, _t, [target, ...srcs]) => {
    if (!(target instanceof JsObject)) return target;
    for (const s of srcs) spreadInto(i, target, s, true);
    return target;
  }));
  // Of any iterable of pairs (an array, a Map's entries, a Map itself); unknown when its entries are.
  o.set('fromEntries', fn('Object.fromEntries', (i, _t, [v]) => {
    const pairs = iterate(i as never, v);
    if (isUnknown(pairs)) return new Unknown(`Object.fromEntries of ${pairs.reason}`);
    const out = new JsObject();
    for (const pair of pairs) {
      if (!Array.isArray(pair)) return new Unknown('Object.fromEntries of entries that are not pairs');
      if (isUnknown(pair[0])) return new Unknown('Object.fromEntries with an unknown key');
      out.set(toStr(pair[0]), pair[1]);
    }
    return out;
  }));
  const identity = (name: string) => fn(name, (_i, _t, [v]) => v);
  // `Object.prototype.hasOwnProperty.call(cfg, key)` and `Object.hasOwn(cfg, key)`: the guard of a for...in over a config.
  const prototype = new JsObject();
  prototype.set('hasOwnProperty', HAS_OWN_PROPERTY);
  o.set('prototype', prototype);
  o.set('hasOwn', fn('Object.hasOwn', (_i, _t, [v, k]) => hasOwn(v, k)));
  o.set('create', fn('Object.create', (i, _t, [p, descs]) => {
    const out = new JsObject();
    if (p instanceof JsObject) out.proto = p;
    else if (p !== null) return new Unknown('Object.create of a prototype the analysis cannot see');
    if (descs instanceof JsObject) for (const [k, d] of ownEntries(i, descs)) defineOwn(i, out, k, d);
    return out;
  }));
  o.set('getPrototypeOf', fn('Object.getPrototypeOf', (_i, _t, [v]) => (v instanceof JsObject && v.proto ? v.proto : new Unknown('a prototype the analysis does not model'))));
  // Frozen presets keep their values: a later write is ignored (or throws, in strict code).
  o.set('freeze', fn('Object.freeze', (_i, _t, [v]) => {
    if (v instanceof JsObject) v.frozen = true;
    return v;
  }));
  o.set('isFrozen', fn('Object.isFrozen', (_i, _t, [v]) => (v instanceof JsObject ? !!v.frozen : isUnknown(v) ? v : !(Array.isArray(v)))));
  o.set('seal', identity('Object.seal'));
  o.set('defineProperty', fn('Object.defineProperty', (i, _t, [target, key, desc]) => {
    defineOwn(i, target, key, desc);
    return target;
  }));
  o.set('defineProperties', fn('Object.defineProperties', (i, _t, [target, descs]) => {
    if (descs instanceof JsObject && !descs.open) for (const [k, d] of ownEntries(i, descs)) defineOwn(i, target, k, d);
    else if (target instanceof JsObject) target.open = { from: [new Unknown('Object.defineProperties with descriptors the analysis cannot see')] };
    return target;
  }));
  return o;
}

const NUMBER_STATICS: Record<string, Value> = {
  isInteger: fn('Number.isInteger', (_i, _t, [v]) => (isUnknown(v) ? v : Number.isInteger(v))),
  isFinite: fn('Number.isFinite', (_i, _t, [v]) => (isUnknown(v) ? v : Number.isFinite(v))),
  isNaN: fn('Number.isNaN', (_i, _t, [v]) => (isUnknown(v) ? v : Number.isNaN(v))),
  isSafeInteger: fn('Number.isSafeInteger', (_i, _t, [v]) => (isUnknown(v) ? v : Number.isSafeInteger(v))),
  parseInt: fn('Number.parseInt', (_i, _t, [v, r]) => (isUnknown(v) ? v : parseInt(toStr(v), typeof r === 'number' ? r : undefined))),
  parseFloat: fn('Number.parseFloat', (_i, _t, [v]) => (isUnknown(v) ? v : parseFloat(toStr(v)))),
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  EPSILON: Number.EPSILON,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  MAX_VALUE: Number.MAX_VALUE,
};

/** Named host objects whose properties are a fixed table (Array, Number, JSON, console). */
class StaticTable extends HostObject {
  constructor(
    readonly typeName: string,
    private readonly table: Record<string, Value>,
  ) {
    super();
  }
  getProperty(_i: Interp, key: string): Value {
    return key in this.table ? this.table[key] : undefined;
  }
}

/**
 * `new Promise(executor)`. The executor runs at once, as in JavaScript; a promise is its value here,
 * so the value is what the executor resolves it with. Callbacks it hands to timers or events
 * (`setTimeout(() => resolve(cfg))`, `img.onload = () => resolve(img)`) run at once too: the code
 * that awaits the promise waits for them. Unknown when nothing resolves it, or it is rejected.
 */
const newPromise: NativeImpl = (ip, _t, [executor], call) => {
  let settled: { value: Value } | undefined;
  const resolve = fn('resolve', (_i, _t2, [v]) => {
    settled ??= { value: v };
    return undefined;
  });
  const reject = fn('reject', () => {
    settled ??= { value: new Unknown('a rejected promise') };
    return undefined;
  });
  const mark = ip.deferredMark();
  try {
    ip.callFunction(executor, undefined, [resolve, reject], call);
  } catch (e) {
    // An executor that throws rejects its promise.
    if (!(e instanceof UserThrow)) throw e;
    settled ??= { value: new Unknown('a rejected promise') };
  }
  ip.runDeferredSince(mark, () => settled !== undefined);
  return settled ? settled.value : new Unknown('a promise nothing resolves');
};

export function makeGlobals(): Scope {
  const g = new Scope(undefined, true);
  g.declare('Math', makeMath());
  const arrayCtor = makeArrayCtor();
  for (const [k, v] of Object.entries(ARRAY_STATICS)) arrayStaticsOf.set(k, v);
  g.declare('Array', arrayCtor);
  g.declare('Object', objectStatics());
  g.declare('Number', fn('Number', (_i, _t, [v]) => toNumber(v)));
  g.declare('String', fn('String', (_i, _t, [v]) => (isUnknown(v) ? v : toStr(v))));
  g.declare('Boolean', fn('Boolean', (_i, _t, [v]) => truthy(v)));
  g.declare('parseInt', NUMBER_STATICS.parseInt);
  g.declare('parseFloat', NUMBER_STATICS.parseFloat);
  g.declare('isNaN', fn('isNaN', (_i, _t, [v]) => {
    const n = toNumber(v);
    return isUnknown(n) ? n : isNaN(n);
  }));
  g.declare('isFinite', fn('isFinite', (_i, _t, [v]) => {
    const n = toNumber(v);
    return isUnknown(n) ? n : isFinite(n);
  }));
  g.declare('Infinity', Infinity);
  g.declare('NaN', NaN);
  g.declare('globalThis', new JsObject());
  g.declare('JSON', new StaticTable('JSON', {
    stringify: fn('JSON.stringify', (i, _t, [v]) => {
      try {
        let open = false;
        const text = JSON.stringify(toPlain(v, i), (_k, x: unknown) => {
          if (typeof x === 'object' && x !== null && (OPEN_KEYS in x || HIDDEN_KEYS in x)) open = true;
          return isUnknown(x) ? null : x;
        });
        return open ? new Unknown('JSON.stringify of an object an unknown object was spread into') : text;
      } catch (e) {
        noteStackOverflow(e);
        return new Unknown('JSON.stringify of a complex value');
      }
    }),
    parse: fn('JSON.parse', (_i, _t, [v]) => {
      try {
        return typeof v === 'string' ? fromPlain(JSON.parse(v)) : new Unknown('JSON.parse of an unknown string');
      } catch (e) {
        noteStackOverflow(e);
        return new Unknown('invalid JSON');
      }
    }),
  }));
  g.declare('structuredClone', fn('structuredClone', (i, _t, [v]) => structuredCopy(i, v, new Map(), 0)));
  const noop = fn('console.log', () => undefined);
  g.declare('console', new StaticTable('console', { log: noop, info: noop, warn: noop, error: noop, debug: noop, table: noop, time: noop, timeEnd: noop }));
  // Promises: async code is analysed as if it were synchronous, so a promise is its value.
  g.declare('Promise', new StaticTable('Promise', {
    '%construct': fn('Promise', newPromise),
    resolve: fn('Promise.resolve', (_i, _t, [v]) => v),
    all: fn('Promise.all', (_i, _t, [v]) => v),
  }));
  // A symbol is a key no other is equal to (symbol-keyed private state: `this[LAYERS] = []`).
  let symbols = 0;
  g.declare('Symbol', fn('Symbol', (_i, _t, [d]) => `@@Symbol(${d === undefined || isUnknown(d) ? '' : toStr(d)})#${++symbols}`));
  g.declare('Map', fn('Map', () => new Unknown('Map called without new'), (i, _t, [init]) => new MapValue(i, init, false)));
  g.declare('Set', fn('Set', () => new Unknown('Set called without new'), (i, _t, [init]) => new MapValue(i, init, true)));
  g.declare('Error', errorCtor('Error'));
  g.declare('TypeError', errorCtor('TypeError'));
  g.declare('RangeError', errorCtor('RangeError'));
  return g;
}

/**
 * `structuredClone(v)`: a deep copy of plain data (own enumerable keys, getters read, cycles kept);
 * a class instance becomes a plain object, as in JS. Unknown where JS throws DataCloneError (a
 * function inside) or where the analysis cannot copy (host objects, Maps).
 */
function structuredCopy(i: Interp, v: Value, seen: Map<object, Value>, depth: number): Value {
  if (depth > 20 || (typeof v === 'object' && v !== null && seen.has(v))) return depth > 20 ? new Unknown('structuredClone of a value nested too deeply') : seen.get(v as object);
  if (Array.isArray(v)) {
    const out: Value[] = [];
    seen.set(v, out);
    for (const x of v) {
      const c = structuredCopy(i, x, seen, depth + 1);
      if (isUnknown(c) && !isUnknown(x)) return c;
      out.push(c);
    }
    return out;
  }
  if (v instanceof JsObject) {
    const out = new JsObject();
    seen.set(v, out);
    if (v.open) out.open = v.open;
    for (const [k, x] of ownEntries(i, v)) {
      const c = structuredCopy(i, x, seen, depth + 1);
      if (isUnknown(c) && !isUnknown(x)) return c;
      out.set(k, c);
    }
    return out;
  }
  if (isCallable(v) || v instanceof ClassValue) return new Unknown('structuredClone of a function throws DataCloneError');
  if (typeof v === 'object' && v !== null && !isUnknown(v)) return new Unknown('structuredClone of an object the analysis cannot copy');
  return v;
}

/** The key `Symbol.iterator` stands for (no string a file writes as a key looks like it). */
export const SYMBOL_ITERATOR = '@@Symbol.iterator';

/** Array.from / Array.isArray / Array.of, read through the Array constructor. */
const arrayStaticsOf = new Map<string, NativeFunction>();

function errorCtor(name: string): NativeFunction {
  const make: NativeImpl = (_i, _t, [msg]) => {
    const e = new JsObject();
    e.set('name', name);
    e.set('message', msg === undefined ? '' : isUnknown(msg) ? msg : toStr(msg));
    return e;
  };
  return fn(name, make, make);
}

// ------------------------------------------------------------------ methods on values

export function getBuiltinProperty(obj: Value, key: string): Value {
  if (Array.isArray(obj)) {
    const m = ARRAY_METHODS[key];
    return m ?? undefined;
  }
  if (typeof obj === 'string') {
    if (key === 'length') return obj.length;
    const idx = Number(key);
    if (Number.isInteger(idx)) return obj[idx];
    return STRING_METHODS[key];
  }
  if (typeof obj === 'number') return NUMBER_METHODS[key];
  if (obj instanceof NativeFunction) {
    if (obj.statics?.has(key)) return obj.statics.get(key);
    if (obj.name === 'Array') return arrayStaticsOf.get(key);
    if (obj.name === 'Number') return NUMBER_STATICS[key];
    if (obj.name === 'String') return STRING_STATICS[key];
    // Well-known symbols are keys of their own (`[Symbol.iterator]() { ... }` in a class or literal).
    if (obj.name === 'Symbol' && key === 'iterator') return SYMBOL_ITERATOR;
    // The registry's symbols: one per key, equal wherever `Symbol.for(key)` is called.
    if (obj.name === 'Symbol' && key === 'for') return fn('Symbol.for', (_i, _t, [k]) => (isUnknown(k) ? new Unknown(`Symbol.for of ${k.reason}`) : `@@Symbol.for(${toStr(k)})`));
    if (key === 'name') return obj.name;
    if (key === 'call') return fn('call', (i, self, [thisArg, ...rest], call) => i.callFunction(self, thisArg, rest, call));
    if (key === 'apply') return fn('apply', (i, self, [thisArg, arr], call) => i.callFunction(self, thisArg, Array.isArray(arr) ? arr : [], call));
    return undefined;
  }
  if (obj instanceof Closure) {
    if (key === 'name') return obj.name;
    if (key === 'length') return obj.node.parameters.length;
    if (key === 'call') return fn('call', (i, self, [thisArg, ...rest], call) => i.callFunction(self, thisArg, rest, call));
    if (key === 'apply') return fn('apply', (i, self, [thisArg, arr], call) => i.callFunction(self, thisArg, Array.isArray(arr) ? arr : [], call));
    if (key === 'bind') return fn('bind', (_i, self, [thisArg, ...bound]) =>
      fn(`bound ${obj.name}`, (i2, _t2, args, call) => i2.callFunction(self, thisArg, [...bound, ...args], call)));
    return undefined;
  }
  if (obj instanceof JsObject) {
    if (key === 'hasOwnProperty') return HAS_OWN_PROPERTY;
    if (key === 'toString') return fn('toString', () => '[object Object]');
    return undefined;
  }
  if (obj instanceof ClassValue) return undefined;
  return undefined;
}

/**
 * find / findIndex / findLast / findLastIndex: the first (or last) element whose test is true;
 * unknown when a test before it is unknown (that element may be the one).
 */
function searchArray(i: Interp, self: Value[], f: Value, call: ts.Node, fromEnd: boolean, want: 'value' | 'index'): Value {
  if (!isCallable(f)) return want === 'index' ? -1 : undefined;
  for (let n = 0; n < self.length; n++) {
    const k = fromEnd ? self.length - 1 - n : n;
    i.charge(call);
    const t = truthy(i.callFunction(f, undefined, [self[k], k, self], call));
    if (isUnknown(t)) return new Unknown(`a search whose test the analysis cannot decide (${t.reason})`);
    if (t) return want === 'index' ? k : self[k];
  }
  return want === 'index' ? -1 : undefined;
}

/** Array methods. `self` is the array the method was read from (the call's this). */
function arrayMethod(name: string, impl: (i: Interp, self: Value[], args: Value[], call: ts.Node) => Value): NativeFunction {
  return fn(name, (i, self, args, call) => (Array.isArray(self) ? impl(i, self, args, call) : new Unknown(`${name} on a non-array`)));
}

function iterCb(i: Interp, self: Value[], f: Value, call: ts.Node, each: (r: Value, x: Value, k: number) => boolean | void): void {
  if (!isCallable(f)) return;
  for (let k = 0; k < self.length; k++) {
    i.charge(call);
    if (each(i.callFunction(f, undefined, [self[k], k, self], call), self[k], k) === false) return;
  }
}

function relIndex(v: Value, len: number, dflt: number): number {
  const n = v === undefined ? dflt : Number(toNumber(v));
  if (isNaN(n)) return 0;
  const t = Math.trunc(n);
  return t < 0 ? Math.max(len + t, 0) : Math.min(t, len);
}

const ARRAY_METHODS: Record<string, NativeFunction> = {
  push: arrayMethod('push', (_i, self, args) => {
    self.push(...args);
    return self.length;
  }),
  pop: arrayMethod('pop', (_i, self) => self.pop()),
  shift: arrayMethod('shift', (_i, self) => self.shift()),
  unshift: arrayMethod('unshift', (_i, self, args) => self.unshift(...args)),
  slice: arrayMethod('slice', (_i, self, [a, b]) => self.slice(relIndex(a, self.length, 0), relIndex(b, self.length, self.length))),
  splice: arrayMethod('splice', (_i, self, [a, n, ...items]) => {
    const start = relIndex(a, self.length, 0);
    const count = n === undefined ? self.length - start : Math.max(0, Number(toNumber(n)) || 0);
    return self.splice(start, count, ...items);
  }),
  concat: arrayMethod('concat', (_i, self, args) => {
    const out = self.slice();
    for (const a of args) if (Array.isArray(a)) out.push(...a);
    else out.push(a);
    return out;
  }),
  fill: arrayMethod('fill', (_i, self, [v, a, b]) => self.fill(v, relIndex(a, self.length, 0), relIndex(b, self.length, self.length))),
  join: arrayMethod('join', (_i, self, [sep]) => {
    if (self.some(isUnknown)) return new Unknown('join of unknown values');
    return self.map((x) => (x === null || x === undefined ? '' : toStr(x))).join(sep === undefined ? ',' : toStr(sep));
  }),
  reverse: arrayMethod('reverse', (_i, self) => self.reverse()),
  indexOf: arrayMethod('indexOf', (_i, self, [v]) => self.findIndex((x) => strictEquals(x, v) === true)),
  lastIndexOf: arrayMethod('lastIndexOf', (_i, self, [v]) => {
    for (let k = self.length - 1; k >= 0; k--) if (strictEquals(self[k], v) === true) return k;
    return -1;
  }),
  includes: arrayMethod('includes', (_i, self, [v]) => self.some((x) => strictEquals(x, v) === true)),
  at: arrayMethod('at', (_i, self, [k]) => {
    const n = toNumber(k);
    return isUnknown(n) ? n : self.at(n);
  }),
  map: arrayMethod('map', (i, self, [f], call) => {
    const out: Value[] = [];
    iterCb(i, self, f, call, (r) => {
      out.push(r);
    });
    return out;
  }),
  forEach: arrayMethod('forEach', (i, self, [f], call) => {
    iterCb(i, self, f, call, () => undefined);
    return undefined;
  }),
  // A predicate whose result is unknown for an element decides nothing: the result is unknown, never
  // the element silently dropped (filter) or skipped (find, some, every).
  filter: arrayMethod('filter', (i, self, [f], call) => {
    const out: Value[] = [];
    let unsure: Unknown | undefined;
    iterCb(i, self, f, call, (r, x) => {
      const t = truthy(r);
      if (isUnknown(t)) unsure ??= new Unknown(`filter with a test the analysis cannot decide (${t.reason})`);
      else if (t) out.push(x);
    });
    return unsure ?? out;
  }),
  find: arrayMethod('find', (i, self, [f], call) => searchArray(i, self, f, call, false, 'value')),
  findIndex: arrayMethod('findIndex', (i, self, [f], call) => searchArray(i, self, f, call, false, 'index')),
  findLast: arrayMethod('findLast', (i, self, [f], call) => searchArray(i, self, f, call, true, 'value')),
  findLastIndex: arrayMethod('findLastIndex', (i, self, [f], call) => searchArray(i, self, f, call, true, 'index')),
  some: arrayMethod('some', (i, self, [f], call) => {
    const k = searchArray(i, self, f, call, false, 'index');
    return isUnknown(k) ? k : k !== -1;
  }),
  every: arrayMethod('every', (i, self, [f], call) => {
    if (!isCallable(f)) return true;
    const k = searchArray(i, self, fn('every', (i2, _t, args, c) => {
      const t = truthy(i2.callFunction(f, undefined, args, c));
      return isUnknown(t) ? t : !t;
    }), call, false, 'index');
    return isUnknown(k) ? k : k === -1;
  }),
  // ES2023's copying forms: the array itself is unchanged.
  toSorted: arrayMethod('toSorted', (i, self, args, call) => (ARRAY_METHODS.sort!.impl(i, self.slice(), args, call))),
  toReversed: arrayMethod('toReversed', (_i, self) => self.slice().reverse()),
  toSpliced: arrayMethod('toSpliced', (i, self, args, call) => {
    const copy = self.slice();
    ARRAY_METHODS.splice!.impl(i, copy, args, call);
    return copy;
  }),
  with: arrayMethod('with', (_i, self, [k, v]) => {
    const n = toNumber(k);
    if (isUnknown(n)) return new Unknown(`an array with an element at an unknown index (${n.reason})`);
    const at = Math.trunc(n) < 0 ? self.length + Math.trunc(n) : Math.trunc(n);
    if (!(at >= 0 && at < self.length)) return new Unknown('Array.prototype.with out of range: running this throws RangeError');
    const copy = self.slice();
    copy[at] = v;
    return copy;
  }),
  reduce: arrayMethod('reduce', (i, self, args, call) => reduce(i, self, args, call, false)),
  reduceRight: arrayMethod('reduceRight', (i, self, args, call) => reduce(i, self, args, call, true)),
  flat: arrayMethod('flat', (_i, self) => self.flatMap((x) => (Array.isArray(x) ? x : [x]))),
  flatMap: arrayMethod('flatMap', (i, self, [f], call) => {
    const out: Value[] = [];
    iterCb(i, self, f, call, (r) => {
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    });
    return out;
  }),
  sort: arrayMethod('sort', (i, self, [f], call) => {
    if (self.some(isUnknown)) return self;
    if (isCallable(f))
      return self.sort((a, b) => {
        const r = toNumber(i.callFunction(f, undefined, [a, b], call));
        return isUnknown(r) ? 0 : r;
      });
    return self.sort((a, b) => (toStr(a) < toStr(b) ? -1 : toStr(a) > toStr(b) ? 1 : 0));
  }),
  keys: arrayMethod('keys', (_i, self) => self.map((_x, k) => k)),
  values: arrayMethod('values', (_i, self) => self.slice()),
  entries: arrayMethod('entries', (_i, self) => self.map((x, k) => [k, x])),
  toString: arrayMethod('toString', (_i, self) => toStr(self)),
};

function reduce(i: Interp, self: Value[], args: Value[], call: ts.Node, right: boolean): Value {
  const [f, init] = args;
  const items = right ? self.slice().reverse() : self;
  let k = 0;
  let acc: Value;
  if (args.length >= 2) acc = init;
  else {
    if (!items.length) return new Unknown('reduce of an empty array with no initial value');
    acc = items[0];
    k = 1;
  }
  for (; k < items.length; k++) {
    i.charge(call);
    acc = i.callFunction(f, undefined, [acc, items[k], right ? self.length - 1 - k : k, self], call);
  }
  return acc;
}

function strMethod(name: string, impl: (self: string, args: Value[]) => Value): NativeFunction {
  return fn(name, (_i, self, args) => {
    if (typeof self !== 'string') return new Unknown(`${name} on a non-string`);
    if (args.some(isUnknown)) return new Unknown(`${name} with unknown arguments`);
    return impl(self, args);
  });
}

const STRING_STATICS: Record<string, NativeFunction> = {
  fromCharCode: fn('String.fromCharCode', (_i, _t, args) => {
    const xs = numArgs(args);
    return isUnknown(xs) ? xs : String.fromCharCode(...xs);
  }),
  fromCodePoint: fn('String.fromCodePoint', (_i, _t, args) => {
    const xs = numArgs(args);
    if (isUnknown(xs)) return xs;
    try {
      return String.fromCodePoint(...xs);
    } catch {
      return new Unknown('invalid code point');
    }
  }),
};

const STRING_METHODS: Record<string, NativeFunction> = {
  charCodeAt: strMethod('charCodeAt', (s, [n]) => s.charCodeAt(Number(n ?? 0))),
  codePointAt: strMethod('codePointAt', (s, [n]) => s.codePointAt(Number(n ?? 0))),
  at: strMethod('at', (s, [n]) => s.at(Number(n ?? 0))),
  lastIndexOf: strMethod('lastIndexOf', (s, [p]) => s.lastIndexOf(toStr(p))),
  trimStart: strMethod('trimStart', (s) => s.trimStart()),
  trimEnd: strMethod('trimEnd', (s) => s.trimEnd()),
  replaceAll: strMethod('replaceAll', (s, [a, b]) => (typeof a === 'string' && typeof b === 'string' ? s.split(a).join(b) : s)),
  localeCompare: strMethod('localeCompare', (s, [o]) => s.localeCompare(toStr(o))),
  toUpperCase: strMethod('toUpperCase', (s) => s.toUpperCase()),
  toLowerCase: strMethod('toLowerCase', (s) => s.toLowerCase()),
  trim: strMethod('trim', (s) => s.trim()),
  startsWith: strMethod('startsWith', (s, [p]) => s.startsWith(toStr(p))),
  endsWith: strMethod('endsWith', (s, [p]) => s.endsWith(toStr(p))),
  includes: strMethod('includes', (s, [p]) => s.includes(toStr(p))),
  indexOf: strMethod('indexOf', (s, [p]) => s.indexOf(toStr(p))),
  split: strMethod('split', (s, [p]) => (typeof p === 'string' ? s.split(p) : [s])),
  slice: strMethod('slice', (s, [a, b]) => s.slice(Number(a ?? 0), b === undefined ? undefined : Number(b))),
  substring: strMethod('substring', (s, [a, b]) => s.substring(Number(a ?? 0), b === undefined ? undefined : Number(b))),
  replace: strMethod('replace', (s, [a, b]) => (typeof a === 'string' && typeof b === 'string' ? s.replace(a, b) : s)),
  padStart: strMethod('padStart', (s, [n, p]) => s.padStart(Number(n), p === undefined ? ' ' : toStr(p))),
  padEnd: strMethod('padEnd', (s, [n, p]) => s.padEnd(Number(n), p === undefined ? ' ' : toStr(p))),
  repeat: strMethod('repeat', (s, [n]) => (Number(n) >= 0 && Number(n) < 1e4 ? s.repeat(Number(n)) : new Unknown('repeat count'))),
  charAt: strMethod('charAt', (s, [n]) => s.charAt(Number(n))),
  concat: strMethod('concat', (s, args) => s + args.map(toStr).join('')),
  toString: strMethod('toString', (s) => s),
};

const NUMBER_METHODS: Record<string, NativeFunction> = {
  toFixed: fn('toFixed', (_i, self, [d]) => (typeof self === 'number' ? self.toFixed(Number(d ?? 0)) : new Unknown('toFixed'))),
  toString: fn('toString', (_i, self, [r]) => (typeof self === 'number' ? self.toString(typeof r === 'number' ? r : 10) : new Unknown('toString'))),
};

/**
 * Map and Set (vocabularies, caches, lookup tables). Keys are compared as JS does (primitives by
 * value, objects by identity); an unknown key makes a lookup unknown and a write forget everything.
 */
class MapValue extends HostObject {
  readonly typeName: string;
  private readonly m = new Map<Value, Value>();
  private unknownWrite: Unknown | undefined;
  constructor(i: Interp, init: Value, private readonly isSet: boolean) {
    super();
    this.typeName = isSet ? 'Set' : 'Map';
    if (init === undefined || init === null) return;
    const items = Array.isArray(init) ? init : init instanceof MapValue ? init.entries() : undefined;
    if (!items) this.unknownWrite = new Unknown(`a ${this.typeName} made from ${isUnknown(init) ? init.reason : 'an unknown value'}`);
    else for (const it of items) {
      i.charge(dummy);
      if (isSet) this.m.set(it, it);
      else if (Array.isArray(it)) this.write(it[0], it[1]);
    }
  }
  private write(k: Value, v: Value): void {
    if (isUnknown(k)) this.unknownWrite ??= new Unknown(`a key of the ${this.typeName} is unknown (${k.reason})`);
    else this.m.set(k, v);
  }
  entries(): Value[] {
    return [...this.m].map(([k, v]) => (this.isSet ? k : [k, v]));
  }
  getProperty(i: Interp, key: string): Value {
    const u = this.unknownWrite;
    switch (key) {
      case 'size':
        return u ? new Unknown(u.reason) : this.m.size;
      case '%iterate':
        return u ? u : this.entries();
      case 'get':
        return fn('get', (_i, _t, [k]) => (isUnknown(k) || (u && !this.m.has(k)) ? new Unknown(u?.reason ?? 'a lookup with an unknown key') : this.m.get(k)));
      case 'has':
        return fn('has', (_i, _t, [k]) => (isUnknown(k) || (u && !this.m.has(k)) ? new Unknown(u?.reason ?? 'a lookup with an unknown key') : this.m.has(k)));
      case 'set':
        return fn('set', (_i, self, [k, v]) => (this.write(k, v), self));
      case 'add':
        return fn('add', (_i, self, [k]) => (this.write(k, k), self));
      case 'delete':
        return fn('delete', (_i, _t, [k]) => (isUnknown(k) ? (this.unknownWrite ??= new Unknown('a key deleted from it is unknown'), true) : this.m.delete(k)));
      case 'clear':
        return fn('clear', () => (this.m.clear(), (this.unknownWrite = undefined), undefined));
      case 'keys':
        return fn('keys', () => (u ? u : [...this.m.keys()]));
      case 'values':
        return fn('values', () => (u ? u : [...this.m.values()]));
      case 'entries':
        return fn('entries', () => (u ? u : this.entries()));
      case 'forEach':
        return fn('forEach', (i2, _t, [f], call) => {
          if (u) return u;
          for (const [k, v] of [...this.m]) {
            i2.charge(call);
            i2.callFunction(f, undefined, [v, k, this], call);
          }
          return undefined;
        });
      default:
        void i;
        return undefined;
    }
  }
}

const dummy = { pos: -1, end: -1 } as unknown as ts.Node;
