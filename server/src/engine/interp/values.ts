/**
 * Runtime values of the abstract interpreter.
 *
 * Primitives are plain JS primitives and arrays are plain JS arrays (fast, and `push` just works);
 * objects, functions and classes get small classes of their own. tfjs values (layers, symbolic
 * tensors, models) live in ../tfjs and plug in through `HostObject`.
 */
import ts from 'typescript';
import { OPEN_KEYS, Unknown, defaulted, derived, isUnknown } from '../unknown';
import { activePath, resolveSoft } from './paths';
import type { Scope } from './scope';
import type { Interp } from './api';
import type { ModuleRecord } from './modules';
import type { Loc } from '../source';

export type Value =
  | number
  | string
  | boolean
  | bigint
  | null
  | undefined
  | Unknown
  | Value[]
  | JsObject
  | Closure
  | NativeFunction
  | ClassValue
  | HostObject;

/** An accessor property of an object literal: `get doubled() { ... }` and/or `set doubled(v) { ... }`. */
export interface Accessor {
  get?: Closure | NativeFunction;
  set?: Closure | NativeFunction;
}

/**
 * The part of an object the analysis cannot see: objects it cannot know were spread (or
 * Object.assign-ed) into it, so it may hold any key its `props` do not list.
 */
export interface OpenKeys {
  /** The unknown objects spread into it; a key it does not list reads from them. */
  readonly from: readonly Unknown[];
  /** Keys it surely does not hold (the names a rest pattern took out, a `delete`). */
  readonly without?: ReadonlySet<string>;
}

/** A plain object or a class instance. */
export class JsObject {
  readonly props = new Map<string, Value>();
  /**
   * The accessor properties (from `get`/`set` in an object literal). Each key also sits in `props`,
   * holding undefined, so the object's keys keep JS's order; what it reads is its getter's value,
   * through ownValue / getProperty. Undefined on almost every object (no cost for plain ones).
   */
  accessors: Map<string, Accessor> | undefined;
  /** For a class instance: the `new` expression that made it. */
  origin: Loc | undefined;
  /**
   * Set when an unknown object was spread into it (`{ units: 32, ...opts }`, `Object.assign(this,
   * opts)`): a key it does not list may still be there (properties.ts readOpenKey). Undefined for
   * every object the file spells out, so those cost nothing.
   */
  open: OpenKeys | undefined = undefined;
  /**
   * Keys user code made read-only (`Object.freeze`, `writable: false` in Object.defineProperty) or
   * non-enumerable (a descriptor without `enumerable: true`); `frozen`: no key can be added or
   * changed. Undefined on every object no descriptor touched.
   */
  readonlyKeys: Set<string> | undefined;
  hiddenKeys: Set<string> | undefined;
  frozen: boolean | undefined;
  /** Set when a key is a symbol (`this[LAYERS] = []`): such keys are skipped by Object.keys, spread and for...in. */
  symbolKeys: boolean | undefined;
  /** The object it inherits from: `F.prototype` for `new F()` of a constructor function, `Object.create(p)`. */
  proto: JsObject | undefined;
  constructor(readonly cls?: ClassValue) {}
  /** Its own enumerable keys (what spread, Object.keys and for...in see). */
  enumerableKeys(): string[] {
    const keys = [...this.props.keys()];
    return this.hiddenKeys || this.symbolKeys ? keys.filter((k) => !this.hiddenKeys?.has(k) && !isSymbolKey(k)) : keys;
  }
  /** The stored value: for an accessor property, undefined (ownValue runs its getter). */
  get(key: string): Value {
    return this.props.get(key);
  }
  /** Defines `key` as a data property (an accessor of that name is replaced, as a later `key: v` in a literal does). */
  set(key: string, v: Value): void {
    if (this.accessors !== undefined) this.accessors.delete(key);
    if (key.charCodeAt(0) === 64 && isSymbolKey(key)) this.symbolKeys = true;
    this.props.set(key, v);
  }
  /** Defines (half of) an accessor property. */
  defineAccessor(key: string, kind: 'get' | 'set', f: Closure | NativeFunction): void {
    this.accessors ??= new Map();
    const a = this.accessors.get(key) ?? {};
    a[kind] = f;
    this.accessors.set(key, a);
    this.props.set(key, undefined);
  }
  /** `delete o.key`: on an open object the key is then surely absent, whatever the unknown held. */
  delete(key: string): void {
    if (this.frozen || this.readonlyKeys?.has(key)) return;
    this.props.delete(key);
    this.accessors?.delete(key);
    if (this.open) this.open = { from: this.open.from, without: new Set([...(this.open.without ?? []), key]) };
  }
  /** Whether an unknown object spread into this one may hold `key` (one it does not list itself). */
  mayHold(key: string): boolean {
    return this.open !== undefined && !this.open.without?.has(key);
  }
}

/**
 * Symbols are keys of their own here: `Symbol('layers')` is a string no file writes as a key
 * (builtins.ts), `Symbol.iterator` too. They are not enumerable, as symbol keys are not in JS.
 */
export function isSymbolKey(k: string): boolean {
  return k.startsWith('@@Symbol');
}

/** Marks a toPlain object that has non-enumerable keys (JSON.stringify of it is then unknown). */
export const HIDDEN_KEYS: unique symbol = Symbol('non-enumerable keys');

/** What reading own property `key` of `o` gives: its getter's value for an accessor (undefined with only a setter). */
export function ownValue(ip: Interp, o: JsObject, key: string): Value {
  const a = o.accessors?.get(key);
  if (a === undefined) return o.props.get(key);
  return a.get ? ip.callFunction(a.get, o, [], undefined) : undefined;
}

/** `o[key] = v` on an own property: an accessor's setter runs (with only a getter, nothing changes). */
export function assignOwn(ip: Interp, o: JsObject, key: string, v: Value): void {
  // A frozen object or a read-only key keeps its value (sloppy code ignores the write; strict code
  // throws TypeError, which a try/catch around it swallows: the value stays either way).
  if (o.frozen ? !o.accessors?.get(key)?.set : o.readonlyKeys?.has(key)) return;
  const a = o.accessors?.get(key);
  if (a === undefined) o.set(key, v);
  else if (a.set) ip.callFunction(a.set, o, [v], undefined);
}

/** The own enumerable entries of `o` in order, getters read (what spread, Object.entries and JSON.stringify see). */
export function ownEntries(ip: Interp, o: JsObject): [string, Value][] {
  if ((o.accessors === undefined || o.accessors.size === 0) && o.hiddenKeys === undefined && !o.symbolKeys) return [...o.props];
  return o.enumerableKeys().map((k) => [k, ownValue(ip, o, k)]);
}

/**
 * A key an object does not list, when unknown objects were spread into it: the key of the one
 * source (`{ ...opts }.units` is `opts.units`, the same quantity wherever it is read), unknown
 * when there are several, undefined when the key was surely taken out.
 */
export function readOpenKey(open: OpenKeys, k: string): Value {
  if (open.without?.has(k)) return undefined;
  if (open.from.length === 1) {
    // As properties.ts reads a field of an unknown: a keyed source names the field, and what this
    // path learned about it holds.
    const u = open.from[0]!;
    if (u.key === undefined) return derived(u);
    const f = new Unknown(u.reason, `${u.key}.${k}`);
    return activePath()?.refine(f) ?? f;
  }
  return new Unknown(`'${k}' may be set by one of the unknown objects spread into this one`);
}

/**
 * `{ ...target, ...src }` written into `target` (object spread; Object.assign with `assign`). A known object
 * copies its keys. An unknown one (or one with unknown keys) may set any key it does not list: a
 * key `target` had before then reads as what the source may hold, with the old value as its default
 * (`{ kind: 'cnn', ...opts }.kind` is `opts.kind`, 'cnn' by the file's default), and a key neither
 * lists reads from the source. A key written after the spread is known again.
 */
export function spreadInto(ip: Interp, target: JsObject, src: Value, assign = false): void {
  if (src instanceof JsObject) {
    if (src.open) openWith(target, src.open, (k) => src.props.has(k));
    // The source's getters are read; Object.assign writes through the target's setters, spread defines.
    for (const [k, x] of ownEntries(ip, src)) {
      if (assign) assignOwn(ip, target, k, x);
      else target.set(k, x);
    }
  } else if (Array.isArray(src)) src.forEach((x, i) => target.set(String(i), x));
  else if (typeof src === 'string') [...src].forEach((x, i) => target.set(String(i), x));
  else if (isUnknown(src)) {
    // The object itself is the quantity (its fields are `opts.units`); a default it had does not carry.
    const u = src.dflt ? new Unknown(src.reason, src.key) : src;
    openWith(target, { from: [u] }, () => false);
  }
}

function openWith(target: JsObject, open: OpenKeys, lists: (k: string) => boolean): void {
  for (const [k, before] of target.props) {
    if (lists(k) || open.without?.has(k)) continue;
    const from = readOpenKey(open, k);
    // A path that learned the source's value (`opts.kind === 'cnn'` taken) has it; otherwise the
    // old value is only the default.
    target.props.set(k, isUnknown(from) ? defaulted(from, before) : from === undefined ? new Unknown(`'${k}' may be set by an object spread over it`) : from);
  }
  const prev = target.open;
  if (!prev) target.open = open;
  else {
    // Several unknown sources: a key neither lists reads as unknown; only keys both lack are surely absent.
    const without = prev.without && open.without ? new Set([...prev.without].filter((k) => open.without!.has(k))) : undefined;
    target.open = { from: [...prev.from, ...open.from], without };
  }
}

/** A user function, arrow, method or getter, with the scope it closes over. */
export class Closure {
  constructor(
    readonly node: ts.FunctionLikeDeclaration,
    readonly scope: Scope,
    readonly module: ModuleRecord,
    readonly name: string,
    /** Arrows keep the `this` of their definition site. */
    readonly lexicalThis?: { value: Value },
    /** The class whose method this is (for `super`). */
    readonly homeClass?: ClassValue,
    readonly isStatic = false,
  ) {}
  /**
   * Properties code set on the function itself (`Builder.create = function () {...}`), and its
   * `prototype` once read (ES5 constructor functions: `Builder.prototype.conv = function () {...}`).
   * Undefined on almost every closure.
   */
  own: JsObject | undefined;
}

/** `F.prototype` of a constructor function, made on first use (its `constructor` is F, not enumerable). */
export function prototypeOf(f: Closure): JsObject {
  const own = (f.own ??= new JsObject());
  let p = own.props.get('prototype');
  if (!(p instanceof JsObject)) {
    p = new JsObject();
    p.set('constructor', f);
    (p.hiddenKeys ??= new Set()).add('constructor');
    own.set('prototype', p);
  }
  return p;
}

/** The accessor or value an object inherits through its prototype chain (ES5 constructors, Object.create). */
export function inherited(o: JsObject, key: string): { holder: JsObject; accessor?: Accessor } | undefined {
  for (let p = o.proto, depth = 0; p && depth < 64; p = p.proto, depth++) {
    const a = p.accessors?.get(key);
    if (a) return { holder: p, accessor: a };
    if (p.props.has(key)) return { holder: p };
  }
  return undefined;
}

export type NativeImpl = (interp: Interp, thisArg: Value, args: Value[], call: ts.Node) => Value;

/** A function implemented by the interpreter itself (Math.max, Array.from, tf.layers.conv2d, ...). */
export class NativeFunction {
  /** Properties a library function carries (a zustand hook's getState / setState). */
  statics: Map<string, Value> | undefined;
  constructor(
    readonly name: string,
    readonly impl: NativeImpl,
    /** Called with `new` (`new Map()` etc.). Without it `new` on this function yields Unknown. */
    readonly construct?: NativeImpl,
  ) {}
}

export class ClassValue {
  readonly methods = new Map<string, Closure>();
  readonly getters = new Map<string, Closure>();
  readonly setters = new Map<string, Closure>();
  readonly statics = new JsObject();
  constructor(
    readonly name: string,
    readonly node: ts.ClassLikeDeclaration,
    readonly scope: Scope,
    readonly module: ModuleRecord,
    readonly superClass: ClassValue | undefined,
  ) {}
  /** Set right after construction (the constructor closure needs the class as its home). */
  ctor: Closure | undefined;
  /** What `extends` names when it is not a user class (e.g. tf.layers.Layer). */
  hostBase: Value;
  /** The instance the analysis made to run its methods as entry points. */
  lastInstance: Value;
  /** Per field: the members of this class that assign it (`this.x = ...`), found once by a syntax scan. */
  private writers: Map<string, ts.Node[]> | undefined;
  /**
   * The members (of this class or a superclass) that assign `this.name`, other than those in
   * `running`: when one exists, a read of the missing field is unknown (`init()` may run before
   * `build()`), not undefined; a lazy initialisation in the running method itself stays undefined.
   */
  fieldSetElsewhere(name: string, running: (node: ts.Node) => boolean): boolean {
    if (!this.writers) {
      const writers = new Map<string, ts.Node[]>();
      // The constructor has run before any method: what it left unset is undefined.
      for (const member of this.node.members.filter((m) => !ts.isConstructorDeclaration(m))) {
        const visit = (n: ts.Node): void => {
          if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.expression.kind === ts.SyntaxKind.ThisKeyword) {
            const list = writers.get(n.left.name.text) ?? [];
            if (!list.includes(member)) list.push(member);
            writers.set(n.left.name.text, list);
          }
          ts.forEachChild(n, visit);
        };
        visit(member);
      }
      this.writers = writers;
    }
    return (this.writers.get(name) ?? []).some((m) => !running(m)) || !!this.superClass?.fieldSetElsewhere(name, running);
  }
  findMethod(name: string): Closure | undefined {
    for (let c: ClassValue | undefined = this; c; c = c.superClass) {
      const m = c.methods.get(name);
      if (m) return m;
    }
    return undefined;
  }
  findGetter(name: string): Closure | undefined {
    for (let c: ClassValue | undefined = this; c; c = c.superClass) {
      const g = c.getters.get(name);
      if (g) return g;
    }
    return undefined;
  }
  findSetter(name: string): Closure | undefined {
    for (let c: ClassValue | undefined = this; c; c = c.superClass) {
      const s = c.setters.get(name);
      if (s) return s;
    }
    return undefined;
  }
  isSubclassOf(other: ClassValue): boolean {
    for (let c: ClassValue | undefined = this; c; c = c.superClass) if (c === other) return true;
    return false;
  }
}

/**
 * A value owned by a host library model (tfjs layers, tensors, models, the `tf` namespace).
 * The interpreter asks it for properties; calls go through the NativeFunctions it returns.
 */
export abstract class HostObject {
  abstract readonly typeName: string;
  /** Symbolic tensors say so: an unknown function applied to them keeps them as its inputs. */
  get tensorLike(): boolean {
    return false;
  }
  abstract getProperty(interp: Interp, key: string, node: ts.Node): Value;
  /**
   * True when getProperty knows every member this object has in the library (tfjs layers and
   * models): then an undefined property is truly absent, and calling it throws TypeError.
   */
  get exactMembers(): boolean {
    return false;
  }
  setProperty(_interp: Interp, _key: string, _value: Value): void {
    /* most host objects are read-only; writes are ignored like on a frozen object */
  }
  /** Told the name of the variable (or field) it is first stored in: what reports call it by. */
  bound(_name: string): void {
    /* most host objects do not care */
  }
  /**
   * For a host class user classes extend (`class Foo extends tf.layers.Layer`): its constructor
   * run by `super(...)` (or implied when the subclass has none), and the members instances inherit.
   */
  initInstance(_interp: Interp, _instance: JsObject, _args: Value[]): void {
    /* not a base class */
  }
  instanceProperty(_interp: Interp, _instance: JsObject, _key: string): Value {
    return undefined;
  }
}

/** The host class a user class extends, through its user superclasses. */
export function hostBaseOf(cls: ClassValue | undefined): HostObject | undefined {
  for (let c = cls; c; c = c.superClass) if (c.hostBase instanceof HostObject) return c.hostBase;
  return undefined;
}

export function isObjectLike(v: Value): v is JsObject | Value[] | Closure | NativeFunction | ClassValue | HostObject {
  return typeof v === 'object' && v !== null && !isUnknown(v);
}

export function isCallable(v: Value): v is Closure | NativeFunction | ClassValue {
  return v instanceof Closure || v instanceof NativeFunction || v instanceof ClassValue;
}

export function typeOf(v: Value): string {
  if (v === null) return 'object';
  if (isUnknown(v)) return 'unknown';
  if (isCallable(v)) return 'function';
  if (Array.isArray(v) || v instanceof JsObject || v instanceof HostObject) return 'object';
  if (typeof v === 'string' && isSymbolKey(v)) return 'symbol';
  return typeof v;
}

/** JS truthiness; Unknown stays Unknown so callers can decide what an unknown condition means. */
export function truthy(v: Value): boolean | Unknown {
  if (isUnknown(v)) return v;
  if (typeof v === 'object' || typeof v === 'function') return v !== null;
  return Boolean(v);
}

export function toNumber(v: Value): number | Unknown {
  if (typeof v === 'number') return v;
  if (isUnknown(v)) {
    const r = resolveSoft(v);
    return isUnknown(r) ? r : toNumber(r);
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || v === undefined) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return 0;
    if (v.length === 1) return toNumber(v[0]);
    return NaN;
  }
  return NaN;
}

export function toStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (isUnknown(v)) {
    const r = resolveSoft(v);
    return isUnknown(r) ? '?' : toStr(r);
  }
  if (Array.isArray(v)) return v.map((e) => (e === null || e === undefined ? '' : toStr(e))).join(',');
  if (v instanceof JsObject) return '[object Object]';
  if (v instanceof HostObject) return `[${v.typeName}]`;
  if (v instanceof ClassValue) return `class ${v.name}`;
  return 'function';
}

/**
 * Turn an interpreter value into plain data (for layer configs). Functions and host objects stay as
 * they are. Getters are read through `ip`; without it a getter's value is unknown.
 */
export function toPlain(v: Value, ip?: Interp, depth = 0): unknown {
  if (depth > 20) return new Unknown('value nested too deeply');
  if (v instanceof Unknown && v.dflt) v = resolveSoft(v);
  if (Array.isArray(v)) return v.map((e) => toPlain(e, ip, depth + 1));
  if (v instanceof JsObject) {
    const o: Record<string | symbol, unknown> = {};
    if (v.accessors !== undefined && v.accessors.size > 0)
      for (const k of v.props.keys()) o[k] = toPlain(ip ? ownValue(ip, v, k) : v.accessors.has(k) ? new Unknown(`getter ${k}`) : v.props.get(k), ip, depth + 1);
    else for (const [k, e] of v.props) o[k] = toPlain(e, ip, depth + 1);
    // Keys it may hold beyond these read as unknown (layers/args.ts), never as absent.
    if (v.open) o[OPEN_KEYS] = new Unknown('it may be set by an object spread into this one that the analysis cannot see');
    // tfjs reads a config's keys by name, non-enumerable ones too; JSON.stringify would skip them.
    if (v.hiddenKeys) o[HIDDEN_KEYS] = true;
    return o;
  }
  return v;
}

/** The inverse of toPlain, for values handed back from host libraries. */
export function fromPlain(v: unknown): Value {
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = new JsObject();
    for (const [k, e] of Object.entries(v)) o.set(k, fromPlain(e));
    const open = (v as { [OPEN_KEYS]?: unknown })[OPEN_KEYS];
    if (open instanceof Unknown) o.open = { from: [open] };
    return o;
  }
  return v as Value;
}

export function strictEquals(a: Value, b: Value): boolean | Unknown {
  if (isUnknown(a) || isUnknown(b)) return unknownComparison(a, b, strictEquals);
  return a === b;
}

/**
 * `a === b` with an unknown side: unknown, as a new quantity. Under the file's defaults it has a
 * value (both sides' defaults compared), so a condition on it knows its default outcome.
 */
function unknownComparison(a: Value, b: Value, cmp: (x: Value, y: Value) => boolean | Unknown): boolean | Unknown {
  const ua = isUnknown(a) ? a : undefined;
  const ub = isUnknown(b) ? b : undefined;
  if (ua && ub && ua.key !== undefined && ua.key === ub.key) return true; // the same quantity
  const u = new Unknown((ua ?? ub)!.reason);
  if ((ua?.dflt || ub?.dflt) && (!ua || ua.dflt) && (!ub || ub.dflt)) {
    const r = cmp((ua ? ua.dflt!.value : a) as Value, (ub ? ub.dflt!.value : b) as Value);
    if (typeof r === 'boolean') u.dflt = { value: r };
  }
  return u;
}

export function looseEquals(a: Value, b: Value): boolean | Unknown {
  if (isUnknown(a) || isUnknown(b)) return unknownComparison(a, b, looseEquals);
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (typeof a === typeof b) return a === b;
  if (isObjectLike(a) || isObjectLike(b)) return a === b;
  return (a as unknown) == (b as unknown);
}

export function describeValue(v: Value): string {
  if (isUnknown(v)) return v.toString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.slice(0, 8).map(describeValue).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  if (v instanceof JsObject) return '{…}';
  if (v instanceof HostObject) return v.typeName;
  if (v instanceof Closure) return `function ${v.name}`;
  if (v instanceof NativeFunction) return `function ${v.name}`;
  if (v instanceof ClassValue) return `class ${v.name}`;
  return String(v);
}
