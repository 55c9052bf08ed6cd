/** Expressions: literals, names, operators, member access, calls and `new`. */
import ts from 'typescript';
import { Unknown, defaulted, derived, isUnknown } from '../unknown';
import { decideCondition, decideTest } from './conditions';
import { resolveSoft } from './paths';
import { propertyNameText } from '../syntax/parse';
import type { Scope } from './scope';
import type { ModuleRecord } from './modules';
import { ClassValue, Closure, HostObject, JsObject, NativeFunction, type Value, inherited, spreadInto, toNumber, toStr, truthy, typeOf } from './values';
import type { Interpreter } from './interpreter';
import {
  SK_AmpersandAmpersandEqualsToken, SK_AmpersandAmpersandToken, SK_ArrayLiteralExpression, SK_ArrowFunction,
  SK_AsExpression, SK_AwaitExpression, SK_BarBarEqualsToken, SK_BarBarToken, SK_BigIntLiteral, SK_BinaryExpression,
  SK_CallExpression, SK_ClassExpression, SK_CommaListExpression, SK_CommaToken, SK_ConditionalExpression,
  SK_DeleteExpression, SK_ElementAccessExpression, SK_EqualsToken, SK_ExclamationToken, SK_FalseKeyword,
  SK_FunctionExpression, SK_Identifier, SK_InKeyword, SK_InstanceOfKeyword, SK_MinusMinusToken, SK_MinusToken,
  SK_NewExpression, SK_NoSubstitutionTemplateLiteral, SK_NonNullExpression, SK_NullKeyword, SK_NumericLiteral,
  SK_ObjectLiteralExpression, SK_ParenthesizedExpression, SK_PartiallyEmittedExpression, SK_PlusPlusToken,
  SK_PlusToken, SK_PostfixUnaryExpression, SK_PrefixUnaryExpression, SK_PropertyAccessExpression,
  SK_QuestionQuestionEqualsToken, SK_QuestionQuestionToken, SK_SatisfiesExpression, SK_SpreadElement,
  SK_StringLiteral, SK_SuperKeyword, SK_TemplateExpression, SK_ThisKeyword, SK_TildeToken, SK_TrueKeyword,
  SK_TypeAssertionExpression, SK_TypeOfExpression, SK_VoidExpression, SK_ImportKeyword, SK_EqualsEqualsEqualsToken,
  SK_ExclamationEqualsEqualsToken, SK_EqualsEqualsToken, SK_ExclamationEqualsToken, SK_YieldExpression, dummyNode, skipOuterExpressions,
} from './syntax';
import { COMPOUND, binaryOp } from './operators';
import { assignTo } from './patterns';
import { getProperty, softStringCall } from './properties';
import { callClosure, callFunction, construct, constructFunction, evalSuperCall, makeClass } from './functions';
import { iterate, repeatsUnknown } from './statements';
import { requireModule } from './module_loader';

/**
 * Evaluate an expression. `hint` is the name it is being bound to, used to name anonymous
 * functions (`const block = (x) => ...` is called 'block' in call chains).
 */
export function evalExpr(ip: Interpreter, e: ts.Expression, scope: Scope, rec: ModuleRecord, hint?: string): Value {
  switch (e.kind) {
    case SK_NumericLiteral:
      return Number((e as ts.NumericLiteral).text);
    case SK_StringLiteral:
    case SK_NoSubstitutionTemplateLiteral:
      return (e as ts.StringLiteral).text;
    case SK_BigIntLiteral:
      return BigInt((e as ts.BigIntLiteral).text.slice(0, -1));
    case SK_TrueKeyword:
      return true;
    case SK_FalseKeyword:
      return false;
    case SK_NullKeyword:
      return null;
    case SK_Identifier: {
      const v = evalIdentifier(e as ts.Identifier, scope, ip, rec);
      return v instanceof Unknown && v.key !== undefined ? ip.path().refine(v) : v;
    }
    case SK_ThisKeyword:
      return scope.context()?.thisValue;
    case SK_TemplateExpression:
      return evalTemplate(ip, e as ts.TemplateExpression, scope, rec);
    case SK_ParenthesizedExpression:
    case SK_AsExpression:
    case SK_TypeAssertionExpression:
    case SK_NonNullExpression:
    case SK_SatisfiesExpression:
    case SK_PartiallyEmittedExpression:
      return evalExpr(ip, (e as ts.ParenthesizedExpression).expression, scope, rec, hint);
    case SK_AwaitExpression:
      return awaitValue(ip, evalExpr(ip, (e as ts.AwaitExpression).expression, scope, rec));
    case SK_ArrayLiteralExpression:
      return evalArray(ip, e as ts.ArrayLiteralExpression, scope, rec);
    case SK_ObjectLiteralExpression:
      return evalObject(ip, e as ts.ObjectLiteralExpression, scope, rec);
    case SK_PropertyAccessExpression:
      return evalPropertyAccess(ip, e as ts.PropertyAccessExpression, scope, rec);
    case SK_ElementAccessExpression:
      return evalElementAccess(ip, e as ts.ElementAccessExpression, scope, rec);
    case SK_CallExpression:
      return evalCall(ip, e as ts.CallExpression, scope, rec);
    case SK_NewExpression:
      return evalNew(ip, e as ts.NewExpression, scope, rec);
    case SK_BinaryExpression:
      return evalBinary(ip, e as ts.BinaryExpression, scope, rec);
    case SK_PrefixUnaryExpression:
      return evalPrefix(ip, e as ts.PrefixUnaryExpression, scope, rec);
    case SK_PostfixUnaryExpression:
      return evalPostfix(ip, e as ts.PostfixUnaryExpression, scope, rec);
    case SK_ConditionalExpression: {
      const c = e as ts.ConditionalExpression;
      let t = truthy(evalExpr(ip, c.condition, scope, rec));
      if (isUnknown(t)) t = decideCondition(ip, c.condition, t, scope, rec, 'ternary');
      return evalExpr(ip, t ? c.whenTrue : c.whenFalse, scope, rec, hint);
    }
    case SK_ArrowFunction:
    case SK_FunctionExpression: {
      const f = e as ts.ArrowFunction | ts.FunctionExpression;
      const name = (ts.isFunctionExpression(f) && f.name?.text) || hint || 'anonymous function';
      return new Closure(f, scope, rec, name);
    }
    case SK_ClassExpression:
      return makeClass(ip, e as ts.ClassExpression, scope, rec, hint);
    case SK_TypeOfExpression: {
      // `typeof name` of an undeclared name is 'undefined' in JavaScript, not a ReferenceError.
      const operand = (e as ts.TypeOfExpression).expression;
      const v = ts.isIdentifier(operand) ? evalIdentifier(operand, scope) : evalExpr(ip, operand, scope, rec);
      return isUnknown(v) ? new Unknown(`typeof ${v.reason}`) : typeOf(v);
    }
    case SK_VoidExpression:
      evalExpr(ip, (e as ts.VoidExpression).expression, scope, rec);
      return undefined;
    case SK_DeleteExpression: {
      const t = skipOuterExpressions((e as ts.DeleteExpression).expression);
      if (ts.isPropertyAccessExpression(t)) {
        const o = evalExpr(ip, t.expression, scope, rec);
        if (o instanceof JsObject) o.delete(t.name.text);
      }
      return true;
    }
    case SK_SpreadElement:
      return evalExpr(ip, (e as ts.SpreadElement).expression, scope, rec);
    case SK_CommaListExpression:
      return undefined;
    case SK_SuperKeyword:
      return scope.context()?.home;
    case SK_YieldExpression:
      return evalYield(ip, e as ts.YieldExpression, scope, rec);
    default:
      // Regex, tagged templates, JSX, missing nodes of half-typed code: unknown.
      return new Unknown(e.pos < 0 || e.end <= e.pos ? 'incomplete code' : `${ts.SyntaxKind[e.kind]} is not analysed`);
  }
}

/** `yield x` / `yield* xs` in a generator: recorded on its call (see callClosure); the `next()` argument is undefined. */
function evalYield(ip: Interpreter, e: ts.YieldExpression, scope: Scope, rec: ModuleRecord): Value {
  const v = e.expression ? evalExpr(ip, e.expression, scope, rec) : undefined;
  const ctx = scope.context();
  if (!ctx?.yields) return new Unknown('yield outside a generator');
  if (!e.asteriskToken) ctx.yields.push(v);
  else {
    const items = iterate(ip, v);
    if (isUnknown(items)) ctx.yieldsLost ??= items.reason;
    else ctx.yields.push(...items);
  }
  return undefined;
}

function awaitValue(ip: Interpreter, v: Value): Value {
  if (v instanceof HostObject) {
    const resolved = v.getProperty(ip, '%await', dummyNode);
    if (resolved !== undefined) return resolved;
  }
  return v;
}

/** `ip` and `rec`: report a name declared nowhere to the interpreter's observer (no closure per read: this is the hottest path). */
export function evalIdentifier(id: ts.Identifier, scope: Scope, ip?: Interpreter, rec?: ModuleRecord): Value {
  const name = id.text;
  if (name === 'undefined') return undefined;
  const b = scope.lookup(name);
  if (b) return b.value;
  if (name === 'arguments') return scope.context()?.args;
  if (name === '') return new Unknown('incomplete code');
  if (ip?.undeclaredObserver && rec) ip.undeclaredObserver(id, rec);
  return new Unknown(`'${name}' is not defined here`);
}

function evalTemplate(ip: Interpreter, t: ts.TemplateExpression, scope: Scope, rec: ModuleRecord): Value {
  let s = t.head.text;
  for (const span of t.templateSpans) {
    const v = resolveSoft(evalExpr(ip, span.expression, scope, rec));
    if (isUnknown(v)) return derived(v);
    s += toStr(v) + span.literal.text;
  }
  return s;
}

function evalArray(ip: Interpreter, a: ts.ArrayLiteralExpression, scope: Scope, rec: ModuleRecord): Value {
  const out: Value[] = [];
  for (const el of a.elements) {
    if (ts.isSpreadElement(el)) {
      const v = iterate(ip, evalExpr(ip, el.expression, scope, rec));
      if (isUnknown(v)) return v; // unknown length: the whole array is unknown
      for (const x of v) out.push(x);
    } else if (ts.isOmittedExpression(el)) out.push(undefined);
    else out.push(evalExpr(ip, el, scope, rec));
  }
  return out;
}

function evalObject(ip: Interpreter, o: ts.ObjectLiteralExpression, scope: Scope, rec: ModuleRecord): Value {
  const obj = new JsObject();
  for (const p of o.properties) {
    if (ts.isPropertyAssignment(p)) {
      const key = propertyKey(ip, p.name, scope, rec);
      if (key !== undefined) obj.set(key, evalExpr(ip, p.initializer, scope, rec, key));
    } else if (ts.isShorthandPropertyAssignment(p)) {
      obj.set(p.name.text, evalIdentifier(p.name, scope, ip, rec));
    } else if (ts.isSpreadAssignment(p)) {
      // Spread reads getters: the copy has their values as data properties.
      spreadInto(ip, obj, evalExpr(ip, p.expression, scope, rec));
    } else if (ts.isMethodDeclaration(p)) {
      const key = propertyKey(ip, p.name, scope, rec);
      if (key !== undefined) obj.set(key, new Closure(p, scope, rec, key));
    } else if (ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
      // `get doubled() { return this.base * 2; }`: run on each read, with `this` the object.
      const key = propertyKey(ip, p.name, scope, rec);
      if (key !== undefined && p.body) obj.defineAccessor(key, ts.isGetAccessorDeclaration(p) ? 'get' : 'set', new Closure(p, scope, rec, key));
    }
  }
  return obj;
}

function propertyKey(ip: Interpreter, name: ts.PropertyName, scope: Scope, rec: ModuleRecord): string | undefined {
  if (ts.isComputedPropertyName(name)) {
    const v = evalExpr(ip, name.expression, scope, rec);
    return isUnknown(v) ? undefined : toStr(v);
  }
  return propertyNameText(name);
}

/**
 * `super.name`: in a static method or accessor (`this` is a class), the parent's static member, its
 * getter run with `this` the class read through (`static get width() { return super.width * 4; }`);
 * in an instance method, the parent's method, or its getter run on `this`.
 */
function superMember(ip: Interpreter, parent: ClassValue, thisValue: Value, name: string): Value {
  if (thisValue instanceof ClassValue) {
    for (let c: ClassValue | undefined = parent; c; c = c.superClass) {
      if (!c.statics.props.has(name)) continue;
      const a = c.statics.accessors?.get(name);
      return a ? (a.get ? callFunction(ip, a.get, thisValue, [], undefined) : undefined) : c.statics.get(name);
    }
    return undefined;
  }
  const m = parent.findMethod(name);
  if (m) return m;
  const g = parent.findGetter(name);
  return g ? callClosure(ip, g, thisValue, [], undefined) : undefined;
}

function evalPropertyAccess(ip: Interpreter, e: ts.PropertyAccessExpression, scope: Scope, rec: ModuleRecord): Value {
  if (e.expression.kind === SK_SuperKeyword) {
    const ctx = scope.context();
    if (ctx?.home?.superClass) return superMember(ip, ctx.home.superClass, ctx.thisValue, e.name.text);
    return new Unknown('super outside a class');
  }
  const obj = evalExpr(ip, e.expression, scope, rec);
  if (e.questionDotToken && (obj === null || obj === undefined)) return undefined;
  return getProperty(ip, obj, e.name.text, e);
}

function evalElementAccess(ip: Interpreter, e: ts.ElementAccessExpression, scope: Scope, rec: ModuleRecord): Value {
  const obj = evalExpr(ip, e.expression, scope, rec);
  if (e.questionDotToken && (obj === null || obj === undefined)) return undefined;
  const key = resolveSoft(evalExpr(ip, e.argumentExpression, scope, rec));
  if (isUnknown(key)) return new Unknown(`element at an unknown index (${key.reason})`);
  if (Array.isArray(obj) && typeof key === 'number') {
    // Negative or out-of-range indexes read undefined, as in JS.
    return obj[key];
  }
  return getProperty(ip, obj, typeof key === 'number' ? key : toStr(key), e);
}

export function evalArgs(ip: Interpreter, args: ts.NodeArray<ts.Expression> | undefined, scope: Scope, rec: ModuleRecord): Value[] | Unknown {
  const out: Value[] = [];
  if (!args) return out;
  for (const a of args) {
    if (ts.isSpreadElement(a)) {
      const v = iterate(ip, evalExpr(ip, a.expression, scope, rec));
      if (isUnknown(v)) return v;
      for (const x of v) out.push(x);
    } else out.push(evalExpr(ip, a, scope, rec));
  }
  return out;
}

function evalCall(ip: Interpreter, e: ts.CallExpression, scope: Scope, rec: ModuleRecord): Value {
  const callee = skipOuterExpressions(e.expression);
  // super(...) inside a constructor
  if (callee.kind === SK_SuperKeyword) return evalSuperCall(ip, scope.context()?.ctor, evalArgs(ip, e.arguments, scope, rec), e);
  // require('x'), and import('x') (a promise of the module: the module itself, as promises are their values here)
  if (((ts.isIdentifier(callee) && callee.text === 'require' && !scope.lookup('require')) || callee.kind === SK_ImportKeyword) && e.arguments.length >= 1) {
    const a = e.arguments[0]!;
    if (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) return requireModule(ip, a.text, rec, e);
  }
  let fn: Value;
  let thisArg: Value = undefined;
  let calleeName: string | undefined;
  let early: Value[] | Unknown | undefined; // arguments already evaluated
  if (ts.isPropertyAccessExpression(callee)) {
    calleeName = callee.name.text;
    if (callee.expression.kind === SK_SuperKeyword) {
      const ctx = scope.context();
      fn = ctx?.home?.superClass ? superMember(ip, ctx.home.superClass, ctx.thisValue, calleeName) : undefined;
      thisArg = ctx?.thisValue;
    } else {
      thisArg = evalExpr(ip, callee.expression, scope, rec);
      if (callee.questionDotToken && (thisArg === null || thisArg === undefined)) return undefined;
      if (isUnknown(thisArg) && thisArg.dflt) {
        // A string option at its default (`arch.split('-')`): see softStringCall.
        early = evalArgs(ip, e.arguments, scope, rec);
        const r = isUnknown(early) ? undefined : softStringCall(ip, thisArg, calleeName, early.map((a) => (isUnknown(a) ? resolveSoft(a) : a)), e);
        if (r !== undefined) return r;
      }
      fn = getProperty(ip, thisArg, calleeName, callee);
      if ((fn === undefined || isUnknown(fn)) && PROMISE_METHODS.has(calleeName)) return promiseMethod(ip, calleeName, thisArg, e, scope, rec);
      if (fn === undefined && !callee.questionDotToken && !e.questionDotToken && thisArg instanceof HostObject && thisArg.exactMembers) {
        const what = `${thisArg.typeName === 'Layer' ? 'layer' : thisArg.typeName === 'tf.layers' ? 'tf.layers' : 'model'}.${calleeName}`;
        ip.report({ loc: ip.locOf(e), severity: 'warning', code: 'runtime-error', message: `${what} does not exist in tfjs 4.22: running this throws TypeError: ${what} is not a function` });
        return new Unknown(`${what} is not a function`);
      }
    }
  } else if (ts.isElementAccessExpression(callee)) {
    thisArg = evalExpr(ip, callee.expression, scope, rec);
    const key = evalExpr(ip, callee.argumentExpression, scope, rec);
    fn = isUnknown(key) ? key : getProperty(ip, thisArg, typeof key === 'number' ? key : toStr(key), callee);
    calleeName = isUnknown(key) ? undefined : toStr(key);
  } else {
    fn = evalExpr(ip, callee, scope, rec);
    if (ts.isIdentifier(callee)) calleeName = callee.text;
  }
  if (e.questionDotToken && (fn === null || fn === undefined)) return undefined;
  const args = early ?? evalArgs(ip, e.arguments, scope, rec);
  if (isUnknown(args)) return derived(args);
  // `items.forEach(f)` over unknown items is a loop of unknown length, not an API call: f runs once.
  if (isUnknown(thisArg) && calleeName && ITERATING.has(calleeName) && args[0] instanceof Closure) return iterateUnknown(ip, thisArg, args[0], e);
  if (isUnknown(fn)) return callUnknown(ip, fn, args, calleeName);
  if (fn instanceof NativeFunction) for (let i = 0; i < args.length; i++) if (isUnknown(args[i])) args[i] = resolveSoft(args[i]!);
  const r = callFunction(ip, fn, thisArg, args, e, calleeName);
  // What a call returns is a new quantity, even when it is an argument passed through.
  return r instanceof Unknown ? derived(r) : r;
}

function evalNew(ip: Interpreter, e: ts.NewExpression, scope: Scope, rec: ModuleRecord): Value {
  const ctor = evalExpr(ip, e.expression, scope, rec);
  const args = evalArgs(ip, e.arguments, scope, rec);
  if (isUnknown(args)) return args;
  if (ctor instanceof ClassValue) {
    ip.charge(e);
    return construct(ip, ctor, args, e);
  }
  if (ctor instanceof NativeFunction) {
    if (ctor.construct) return ctor.construct(ip, undefined, args, e);
    return ctor.impl(ip, undefined, args, e);
  }
  if (ctor instanceof Closure && !ts.isArrowFunction(ctor.node)) return constructFunction(ip, ctor, args, e);
  if (ctor instanceof HostObject) {
    // A host value that is also a constructor (`new Promise(executor)`) says so under '%construct'.
    const c = ctor.getProperty(ip, '%construct', e);
    if (c instanceof NativeFunction) return c.impl(ip, undefined, args, e);
  }
  if (isUnknown(ctor)) return derived(ctor);
  return new Unknown(`cannot construct ${typeOf(ctor)}`);
}

function evalPrefix(ip: Interpreter, e: ts.PrefixUnaryExpression, scope: Scope, rec: ModuleRecord): Value {
  const op = e.operator;
  if (op === SK_PlusPlusToken || op === SK_MinusMinusToken) {
    const old = toNumber(evalExpr(ip, e.operand, scope, rec));
    const nv = isUnknown(old) ? derived(old) : old + (op === SK_PlusPlusToken ? 1 : -1);
    assignTo(ip, e.operand, nv, scope, rec);
    return nv;
  }
  const v = evalExpr(ip, e.operand, scope, rec);
  switch (op) {
    case SK_ExclamationToken: {
      const t = truthy(v);
      if (!isUnknown(t)) return !t;
      const u = new Unknown(t.reason);
      if (t.dflt) u.dflt = { value: !t.dflt.value };
      // `!flag` on a value read from a variable or field is a boolean of two possible values: each is a path.
      return testable(e.operand) ? decideTest(ip, e, u, scope, rec) : u;
    }
    case SK_MinusToken: {
      const n = toNumber(v);
      return isUnknown(n) ? derived(n) : -n;
    }
    case SK_PlusToken: {
      const n = toNumber(v);
      return isUnknown(n) ? derived(n) : n;
    }
    case SK_TildeToken: {
      const n = toNumber(v);
      return isUnknown(n) ? derived(n) : ~n;
    }
  }
  return new Unknown('unsupported operator');
}

function evalPostfix(ip: Interpreter, e: ts.PostfixUnaryExpression, scope: Scope, rec: ModuleRecord): Value {
  const old = toNumber(evalExpr(ip, e.operand, scope, rec));
  const nv = isUnknown(old) ? derived(old) : old + (e.operator === SK_PlusPlusToken ? 1 : -1);
  assignTo(ip, e.operand, nv, scope, rec);
  return isUnknown(old) ? derived(old) : old;
}

function evalBinary(ip: Interpreter, e: ts.BinaryExpression, scope: Scope, rec: ModuleRecord): Value {
  const op = e.operatorToken.kind;
  switch (op) {
    case SK_EqualsToken: {
      const v = evalExpr(ip, e.right, scope, rec, ts.isIdentifier(e.left) ? e.left.text : undefined);
      assignTo(ip, e.left, v, scope, rec);
      return v;
    }
    case SK_AmpersandAmpersandToken: {
      const l = evalExpr(ip, e.left, scope, rec);
      const t = truthy(l);
      if (isUnknown(t)) return derived(t);
      return t ? evalExpr(ip, e.right, scope, rec) : l;
    }
    case SK_BarBarToken: {
      const l = evalExpr(ip, e.left, scope, rec);
      const t = truthy(l);
      if (isUnknown(t)) return defaulted(l as Unknown, evalExpr(ip, e.right, scope, rec));
      return t ? l : evalExpr(ip, e.right, scope, rec);
    }
    case SK_QuestionQuestionToken: {
      const l = evalExpr(ip, e.left, scope, rec);
      if (isUnknown(l) && !l.dflt) return defaulted(l, evalExpr(ip, e.right, scope, rec));
      return l === null || l === undefined ? evalExpr(ip, e.right, scope, rec) : l;
    }
    case SK_AmpersandAmpersandEqualsToken:
    case SK_BarBarEqualsToken:
    case SK_QuestionQuestionEqualsToken: {
      const l = evalExpr(ip, e.left, scope, rec);
      const t = truthy(l);
      const assign =
        op === SK_QuestionQuestionEqualsToken ? l === null || l === undefined : op === SK_BarBarEqualsToken ? t === false : t === true;
      if (!assign) return l;
      const v = evalExpr(ip, e.right, scope, rec);
      assignTo(ip, e.left, v, scope, rec);
      return v;
    }
    case SK_CommaToken:
      evalExpr(ip, e.left, scope, rec);
      return evalExpr(ip, e.right, scope, rec);
  }
  const compound = COMPOUND[op];
  if (compound !== undefined) {
    const v = binaryOp(compound, evalExpr(ip, e.left, scope, rec), evalExpr(ip, e.right, scope, rec));
    assignTo(ip, e.left, v, scope, rec);
    return v;
  }
  const l = evalExpr(ip, e.left, scope, rec);
  const r = evalExpr(ip, e.right, scope, rec);
  if (op === SK_InstanceOfKeyword) {
    if (l instanceof JsObject && l.cls && r instanceof ClassValue) return l.cls.isSubclassOf(r);
    if (isUnknown(l) || isUnknown(r)) return new Unknown('instanceof on an unknown value');
    if (r instanceof NativeFunction && r.name === 'Array') return Array.isArray(l);
    return false;
  }
  if (op === SK_EqualsEqualsEqualsToken || op === SK_ExclamationEqualsEqualsToken || op === SK_EqualsEqualsToken || op === SK_ExclamationEqualsToken) {
    const r2 = binaryOp(op, l, r);
    // `kind === 'cnn'` on a value read from a variable or field: true on one path, false on the other.
    if (isUnknown(r2) && ((isUnknown(l) && testable(e.left)) || (isUnknown(r) && testable(e.right)))) return decideTest(ip, e, r2, scope, rec);
    return r2;
  }
  if (op === SK_InKeyword) {
    if (r instanceof JsObject) {
      const k = toStr(l);
      if (r.props.has(k) || r.cls?.findMethod(k) || r.cls?.findGetter(k) || (r.proto && inherited(r, k))) return true;
      // An object an unknown one was spread into may hold the key.
      return r.mayHold(k) ? new Unknown(`'${k}' in an object an unknown object was spread into`) : false;
    }
    if (Array.isArray(r)) return toStr(l) === 'length' || Number(l) < r.length;
    return new Unknown("'in' on a non-object");
  }
  return binaryOp(op, l, r);
}

/**
 * Calling something unknown yields an Unknown. Symbolic tensors among the arguments are kept on it,
 * so a layer applied to the result stays connected to them.
 */
function callUnknown(ip: Interpreter, fn: Unknown, args: Value[], calleeName: string | undefined): Value {
  let tensors: HostObject[] | undefined;
  const visit = (a: Value) => {
    if (a instanceof HostObject && a.tensorLike) (tensors ??= []).push(a);
    else if (a instanceof Unknown && a.tensors) (tensors ??= []).push(...(a.tensors as HostObject[]));
    else if (Array.isArray(a)) for (const x of a) visit(x);
    // A function handed to an unknown API (useEffect, addEventListener, setTimeout, a library's
    // callback) runs later: it is analysed when the code running now is done.
    else if (a instanceof Closure) ip.defer(a, calleeName);
  };
  for (const a of args) visit(a);
  if (!tensors) return derived(fn);
  const u = new Unknown(fn.reason);
  u.tensors = tensors;
  return u;
}


const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * `p.then(f)` where `p` is not a modelled thenable: promises are their values here (await unwraps
 * nothing), so `then` calls `f` with the value at once — an unknown value when `p` is unknown (a
 * fetch, a loaded model); `catch` passes the value on; `finally` runs its callback.
 */
function promiseMethod(ip: Interpreter, method: string, value: Value, e: ts.CallExpression, scope: Scope, rec: ModuleRecord): Value {
  const args = evalArgs(ip, e.arguments, scope, rec);
  if (isUnknown(args)) return derived(args);
  const cb = args[0];
  if (method === 'catch' || !(cb instanceof Closure || cb instanceof NativeFunction)) return value;
  if (method === 'finally') {
    callFunction(ip, cb, undefined, [], e);
    return value;
  }
  const arg = isUnknown(value) ? new Unknown(`the value a promise resolves to (${value.reason})`) : value;
  const r = callFunction(ip, cb, undefined, [arg], e);
  return r instanceof Unknown ? derived(r) : r;
}

/** Array methods that call their callback once per element. */
const ITERATING = new Set(['forEach', 'map', 'flatMap', 'filter', 'find', 'findIndex', 'some', 'every', 'reduce', 'reduceRight']);

/**
 * `items.forEach(f)` (map, reduce...) over unknown items: like a for-of over them, `f` runs once
 * with an unknown element and index, then what it writes becomes unknown; the result is unknown.
 */
function iterateUnknown(ip: Interpreter, items: Unknown, f: Closure, call: ts.CallExpression): Value {
  const body = f.node.body;
  if (body) {
    const params = f.node.parameters.map((p, i) => new Unknown(i === 0 ? `an element of ${items.reason}` : `the index into ${items.reason}`));
    repeatsUnknown(ip, body, call, items, f.scope, f.module, undefined, () => {
      callFunction(ip, f, undefined, params, call);
      return undefined;
    });
  }
  return new Unknown(`the result of iterating over ${items.reason}`);
}

/** A plain read (`x`, `this.kind`, `opts.type`): a test on what it yields can be a decision. */
function testable(e: ts.Expression): boolean {
  e = skipOuterExpressions(e);
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(e) && testable(e.expression);
}
