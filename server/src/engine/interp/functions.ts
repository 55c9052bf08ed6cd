/** Functions and classes: closures, calls (with frames for call chains), construction, `super`. */
import ts from 'typescript';
import { Unknown, isUnknown } from '../unknown';
import { propertyNameText } from '../syntax/parse';
import { Scope, type FunctionContext } from './scope';
import type { ModuleRecord } from './modules';
import { ClassValue, Closure, HostObject, JsObject, NativeFunction, type Value, prototypeOf } from './values';
import type { Interpreter } from './interpreter';
import { SK_ExtendsKeyword, SK_StaticKeyword, dummyNode, hasModifier, isParamPropertyModifier, nameHint } from './syntax';
import { evalExpr } from './expressions';
import { bindPattern, withDefault } from './patterns';
import { execBlock, hoist } from './statements';

export function makeClosure(node: ts.FunctionLikeDeclaration, scope: Scope, rec: ModuleRecord, name: string, homeClass?: ClassValue, isStatic = false): Closure {
  return new Closure(node, scope, rec, name, undefined, homeClass, isStatic);
}

/** An unnamed class a function returns (a mixin, `WithDropout(Base)`) reads as that function's result: `WithDropout(…)`. */
function madeBy(ip: Interpreter): string {
  const f = ip.currentFrame();
  return f && !/anonymous/.test(f.name) ? `${f.name}(…)` : 'anonymous class';
}

export function makeClass(ip: Interpreter, node: ts.ClassLikeDeclaration, scope: Scope, rec: ModuleRecord, hint?: string): ClassValue {
  const name = node.name?.text ?? hint ?? madeBy(ip);
  let superClass: ClassValue | undefined;
  let superValue: Value;
  const ext = node.heritageClauses?.find((h) => h.token === SK_ExtendsKeyword)?.types[0];
  if (ext) {
    superValue = evalExpr(ip, ext.expression, scope, rec);
    if (superValue instanceof ClassValue) superClass = superValue;
  }
  const classScope = new Scope(scope);
  const ctorNode = node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  const cls = new ClassValue(name, node, classScope, rec, superClass);
  if (ext && !superClass) cls.hostBase = superValue;
  if (ctorNode) cls.ctor = new Closure(ctorNode, classScope, rec, `${name}.constructor`, undefined, cls);
  if (node.name) classScope.declare(node.name.text, cls);
  for (const m of node.members) {
    // A computed method name (`*[Symbol.iterator]() {...}`, `['build' + kind]()`) is evaluated as the class is defined.
    const mname = m.name && ts.isComputedPropertyName(m.name) && ts.isMethodDeclaration(m) ? computedName(ip, m.name, classScope, rec) : propertyNameText(m.name as ts.PropertyName | undefined);
    if (mname === undefined) continue;
    const isStatic = hasModifier(m, SK_StaticKeyword);
    if (ts.isMethodDeclaration(m) && m.body) {
      const fn = new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls, isStatic);
      if (isStatic) cls.statics.set(mname, fn);
      else cls.methods.set(mname, fn);
    } else if (ts.isGetAccessorDeclaration(m) && m.body && !isStatic) {
      cls.getters.set(mname, new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls));
    } else if (ts.isSetAccessorDeclaration(m) && m.body && !isStatic) {
      cls.setters.set(mname, new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls));
    }
  }
  // Static getters and setters are accessors of the class (`static get width() { return 16 * 2 ** Stage.#built; }`):
  // each read runs the getter with `this` the class, so a getter over a static field that changes
  // between builds gives each build its own value, and `Stage.scale = 2` runs the setter.
  for (const m of node.members) {
    const mname = propertyNameText(m.name as ts.PropertyName | undefined);
    if (mname === undefined || !(ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) || !m.body || !hasModifier(m, SK_StaticKeyword)) continue;
    cls.statics.defineAccessor(mname, ts.isGetAccessorDeclaration(m) ? 'get' : 'set', new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls, true));
  }
  // Static fields and static blocks run at definition time, in source order, with `this` = the class.
  const staticScope = new Scope(classScope, true, { thisValue: cls, args: [], home: cls });
  for (const m of node.members) {
    if (ts.isClassStaticBlockDeclaration(m)) {
      // `static { Registry.sizes = [4, 6]; }`: a block of its own, its `var`s local to it.
      const blockScope = new Scope(staticScope, true);
      hoist(ip, m.body.statements, blockScope, rec);
      execBlock(ip, m.body.statements, blockScope, rec);
      continue;
    }
    if (!ts.isPropertyDeclaration(m)) continue;
    const mname = propertyNameText(m.name);
    if (!hasModifier(m, SK_StaticKeyword) || mname === undefined) continue;
    cls.statics.set(mname, m.initializer ? evalExpr(ip, m.initializer, staticScope, rec) : undefined);
  }
  return cls;
}

function computedName(ip: Interpreter, name: ts.ComputedPropertyName, scope: Scope, rec: ModuleRecord): string | undefined {
  const v = evalExpr(ip, name.expression, scope, rec);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** `new C(args)` for a user class: fields, then the constructor chain. */
export function construct(ip: Interpreter, cls: ClassValue, args: Value[], callNode: ts.Node | undefined): JsObject {
  const obj = new JsObject(cls);
  if (callNode) obj.origin = ip.locOf(callNode);
  initInstance(ip, cls, obj, args, callNode);
  return obj;
}

function initInstance(ip: Interpreter, cls: ClassValue, obj: JsObject, args: Value[], callNode: ts.Node | undefined): void {
  const initFields = (): void => {
    const fs = new Scope(cls.scope, true, { thisValue: obj, args: [], home: cls });
    for (const m of cls.node.members) {
      if (!ts.isPropertyDeclaration(m)) continue;
      if (hasModifier(m, SK_StaticKeyword)) continue;
      const name = propertyNameText(m.name);
      if (name === undefined) continue;
      obj.set(name, m.initializer ? evalExpr(ip, m.initializer, fs, cls.module) : undefined);
    }
  };
  if (!cls.ctor) {
    if (cls.superClass) initInstance(ip, cls.superClass, obj, args, callNode);
    else if (cls.hostBase instanceof HostObject) cls.hostBase.initInstance(ip, obj, args);
    initFields();
    return;
  }
  // Derived classes initialise fields when super() returns; base classes before the body runs.
  callClosure(ip, cls.ctor, obj, args, callNode, { cls, obj, initFields });
}

export function callFunction(ip: Interpreter, fn: Value, thisArg: Value, args: Value[], callNode: ts.Node | undefined, calleeName?: string): Value {
  if (fn instanceof Closure) return callClosure(ip, fn, thisArg, args, callNode);
  if (fn instanceof NativeFunction) return fn.impl(ip, thisArg, args, callNode ?? dummyNode);
  if (fn instanceof ClassValue) return new Unknown(`class ${fn.name} called without new`);
  if (isUnknown(fn)) return fn;
  return new Unknown(`${calleeName ?? 'value'} is not a function`);
}

interface CtorInfo {
  cls: ClassValue;
  obj: JsObject;
  initFields: () => void;
}

export function callClosure(ip: Interpreter, fn: Closure, thisArg: Value, args: Value[], callNode: ts.Node | undefined, ctorInfo?: CtorInfo): Value {
  if (callNode) ip.charge(callNode);
  const saved = ip.enterCall(fn.name, fn, callNode, args, fn.module);
  try {
    const node = fn.node;
    const rec = fn.module;
    const ctor = ctorInfo ? new CtorState(ctorInfo.cls, ctorInfo.obj, ctorInfo.initFields) : undefined;
    const yields = node.asteriskToken ? [] : undefined;
    const scope = ts.isArrowFunction(node)
      ? new Scope(fn.scope, true)
      : new Scope(fn.scope, true, { thisValue: thisArg, args, home: fn.homeClass, ctor, yields });
    if (ctorInfo && !ctorInfo.cls.superClass) ctorInfo.initFields();
    const params = node.parameters;
    // The engine calling a builder itself: the defaults that apply are the file's, not the caller's.
    const softDefaults = ip.takeEntryCall(fn);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let v: Value = p.dotDotDotToken ? args.slice(i) : args[i];
      if (p.initializer && (v === undefined || (softDefaults && isUnknown(v)))) v = withDefault(ip, v, p.initializer, scope, rec, nameHint(p.name), softDefaults);
      bindPattern(ip, p.name, v, scope, rec, 'let', softDefaults);
      // TS parameter properties: constructor(private filters = 64) assigns this.filters.
      if (ctorInfo && ts.isIdentifier(p.name) && ts.getModifiers(p)?.some((m) => isParamPropertyModifier(m.kind)))
        ctorInfo.obj.set(p.name.text, v);
    }
    const body = node.body;
    let result: Value;
    if (!body) result = new Unknown(`${fn.name} has no body`);
    else if (!ts.isBlock(body)) result = evalExpr(ip, body, scope, rec);
    else {
      hoist(ip, body.statements, scope, rec);
      const c = execBlock(ip, body.statements, scope, rec);
      result = c && c.kind === 'return' ? c.value : undefined;
    }
    if (yields) result = generated(fn, scope.context()!);
    if (ctor && !ctor.superCalled && ctor.cls.superClass) ctor.initFields();
    if (ip.callObserver && !ctorInfo) ip.callObserver(fn, args, result, callNode);
    return result;
  } finally {
    ip.leaveCall(saved);
  }
}

/**
 * A generator runs to its end when called, and its call is the array of what it yielded: model
 * code consumes generators whole (for...of, spread, Array.from), and async code is analysed as
 * synchronous too. Unknown when a loop around a yield ran an unknown number of times.
 */
function generated(fn: Closure, ctx: FunctionContext): Value {
  return ctx.yieldsLost ? new Unknown(`what ${fn.name} yields, after ${ctx.yieldsLost}`) : ctx.yields!;
}

/** `super(...)` inside a constructor: the parent constructor, then this class's field initialisers. */
export function evalSuperCall(ip: Interpreter, st: unknown, args: Value[] | Unknown, call: ts.Node): Value {
  if (!(st instanceof CtorState) || isUnknown(args)) return undefined;
  const sup = st.cls.superClass;
  if (sup) initInstance(ip, sup, st.obj, args, call);
  else if (st.cls.hostBase instanceof HostObject) st.cls.hostBase.initInstance(ip, st.obj, args);
  st.superCalled = true;
  st.initFields();
  return undefined;
}

/** `new F(args)` for a function that is not a class (old-style constructors). */
export function constructFunction(ip: Interpreter, fn: Closure, args: Value[], call: ts.Node): Value {
  const obj = new JsObject();
  // Methods put on `F.prototype` (by the file or a plugin's Object.assign) are the instance's.
  obj.proto = prototypeOf(fn);
  const r = callClosure(ip, fn, obj, args, call);
  return r instanceof JsObject ? r : obj;
}

/** State of a constructor call, so `super()` can run the parent constructor and field initialisers. */
class CtorState extends HostObject {
  readonly typeName = 'constructor state';
  superCalled = false;
  constructor(
    readonly cls: ClassValue,
    readonly obj: JsObject,
    readonly initFields: () => void,
  ) {
    super();
  }
  getProperty(): Value {
    return undefined;
  }
}
