/** Binding patterns (declarations, parameters) and assignment targets, destructuring included. */
import ts from 'typescript';
import { Unknown, isUnknown, soft } from '../unknown';
import { propertyNameText } from '../syntax/parse';
import type { Scope } from './scope';
import type { ModuleRecord } from './modules';
import { Closure, HostObject, JsObject, type Value, ownEntries, spreadInto, toStr, typeOf } from './values';
import { conditionText } from './conditions';
import type { Interpreter } from './interpreter';
import { SK_EqualsToken, isExportsObject, nameHint, skipOuterExpressions } from './syntax';
import { evalExpr } from './expressions';
import { getProperty, setProperty } from './properties';

/**
 * Bind a declaration, parameter or destructuring pattern. `softDefaults`: the engine called this
 * function itself, so a string or boolean default that applies is the file's default, not a fact.
 */
export function bindPattern(ip: Interpreter, name: ts.BindingName, value: Value, scope: Scope, rec: ModuleRecord, kind: 'var' | 'let' | 'const', softDefaults = false): void {
  if (ts.isIdentifier(name)) {
    // An unknown bound to a name is that quantity from now on: what a path learns about it sticks.
    if (value instanceof Unknown && value.key === undefined) value = keyed(value, name.text);
    else if (value instanceof HostObject) value.bound(name.text);
    if (kind === 'var') scope.declareVar(name.text, value);
    else scope.declare(name.text, value, kind === 'const');
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    const used: string[] = [];
    for (const el of name.elements) {
      if (el.dotDotDotToken) {
        const rest = new JsObject();
        if (value instanceof JsObject) for (const [k, v] of ownEntries(ip, value)) if (!used.includes(k)) rest.set(k, v);
        // The rest of an object with keys the analysis cannot see (an unknown one) may hold any
        // other key, and surely not those the pattern took.
        const open = value instanceof JsObject ? value.open : isUnknown(value) ? { from: [value.dflt ? new Unknown(value.reason, value.key) : value] } : undefined;
        if (open) rest.open = { from: open.from, without: new Set([...(open.without ?? []), ...used]) };
        bindPattern(ip, el.name, rest, scope, rec, kind);
        continue;
      }
      const keyNode = el.propertyName ?? el.name;
      let key: string | undefined;
      if (ts.isComputedPropertyName(keyNode)) key = toStr(evalExpr(ip, keyNode.expression, scope, rec));
      else key = propertyNameText(keyNode as ts.PropertyName);
      if (key === undefined) continue;
      used.push(key);
      let v = getProperty(ip, value, key, el);
      if (el.initializer && (v === undefined || isUnknown(v))) v = withDefault(ip, v, el.initializer, scope, rec, nameHint(el.name), softDefaults);
      bindPattern(ip, el.name, v, scope, rec, kind, softDefaults);
    }
    return;
  }
  // Array pattern: `const [, h, w, c] = x.shape`
  const items = Array.isArray(value) ? value : undefined;
  // Not for the engine's own calls of an entry point: it passes undefined for what it does not know.
  if (!softDefaults && (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean'))
    ip.report({ loc: ip.locOf(name), severity: 'warning', code: 'runtime-error',
      message: `destructuring ${value === undefined || value === null ? String(value) : `the ${typeof value} ${String(value)}`} as an array: running this throws TypeError (not iterable)` });
  name.elements.forEach((el, i) => {
    if (ts.isOmittedExpression(el)) return;
    let v: Value;
    if (el.dotDotDotToken) v = items ? items.slice(i) : new Unknown('rest of an unknown array');
    else v = items ? items[i] : isUnknown(value) ? value : new Unknown(`cannot destructure ${typeOf(value)}`);
    if (el.initializer && (v === undefined || isUnknown(v))) v = withDefault(ip, v, el.initializer, scope, rec, nameHint(el.name), softDefaults);
    bindPattern(ip, el.name, v, scope, rec, kind, softDefaults);
  });
}

/**
 * A destructuring or parameter default. Applied when the value is missing; when it is unknown (or
 * the engine made the call), a string or boolean default makes the value soft: the default where
 * the file's defaults decide, unknown otherwise.
 */
export function withDefault(ip: Interpreter, v: Value, init: ts.Expression, scope: Scope, rec: ModuleRecord, hint: string | undefined, softDefaults: boolean): Value {
  if (v !== undefined && !isUnknown(v)) return v;
  if (isUnknown(v) && v.dflt) return v;
  const d = evalExpr(ip, init, scope, rec, hint);
  // A size the engine's own call leaves to the file's default (`{ imageSize = 64 }` of a component
  // nobody renders in this file) is that default, as for `units = 64`.
  if (typeof d !== 'string' && typeof d !== 'boolean') return v === undefined || softDefaults ? d : v;
  if (isUnknown(v)) return soft(v.reason, v.key ?? `${hint ?? 'default'}#${++seq}`, d);
  if (softDefaults) return soft(`${hint ?? 'the value'} is ${JSON.stringify(d)} by default and may be given otherwise`, `${hint ?? 'default'}#${++seq}`, d);
  return d;
}
let seq = 0;

/** The unknown under a name of its own (a variable declared from an unknown call result). */
function keyed(u: Unknown, name: string): Unknown {
  const k = new Unknown(u.reason, `${name}#${++seq}`);
  if (u.tensors) k.tensors = u.tensors;
  if (u.dflt) k.dflt = u.dflt;
  return k;
}

export function assignName(ip: Interpreter, name: string, value: Value, scope: Scope): void {
  if (value instanceof HostObject) value.bound(name);
  const b = scope.lookup(name);
  if (b) {
    if (!b.constant) b.value = value;
  } else ip.globals.declare(name, value); // sloppy-mode global
}

/** Assignment to an expression target (identifier, member, or destructuring literal). */
export function assignTo(ip: Interpreter, target: ts.Expression, value: Value, scope: Scope, rec: ModuleRecord): void {
  target = skipOuterExpressions(target);
  if (ts.isIdentifier(target)) return assignName(ip, target.text, value, scope);
  if (ts.isPropertyAccessExpression(target)) {
    const obj = evalExpr(ip, target.expression, scope, rec);
    if (value instanceof HostObject) value.bound(target.name.text);
    // A field holding an unknown holds that quantity: tests on `this.kind` agree with each other.
    else if (value instanceof Unknown && value.key === undefined && obj instanceof JsObject) value = keyed(value, target.name.text);
    // `exports.small = () => build(3)` (CommonJS, one export at a time): the function is the
    // module's `small`, and the model it returns is reported under that name.
    if (value instanceof Closure && value.name === 'anonymous function' && isExportsObject(skipOuterExpressions(target.expression)))
      value = new Closure(value.node, value.scope, value.module, target.name.text, value.lexicalThis, value.homeClass, value.isStatic);
    // `button.onclick = () => ...` on an unknown element: a handler that runs later.
    if (isUnknown(obj) && value instanceof Closure) ip.defer(value, target.name.text);
    return setProperty(ip, obj, target.name.text, value);
  }
  if (ts.isElementAccessExpression(target)) {
    const obj = evalExpr(ip, target.expression, scope, rec);
    const key = evalExpr(ip, target.argumentExpression, scope, rec);
    if (isUnknown(key)) {
      // `o[k] = v` with `k` unknown: any key of `o` may now hold `v`, and a key it lacked may now
      // exist (as after spreading an unknown object into it). Dropping the write kept `o.units` at
      // its old value, a number tfjs does not have when `k` is 'units'.
      if (obj instanceof JsObject) spreadInto(ip, obj, new Unknown(`a key of ${conditionText(target.expression, rec)} written by ${conditionText(target, rec)} = … with an unknown key (${key.reason})`));
      return;
    }
    return setProperty(ip, obj, typeof key === 'number' ? key : toStr(key), value);
  }
  if (ts.isArrayLiteralExpression(target)) {
    const items = Array.isArray(value) ? value.slice() : undefined;
    target.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (ts.isSpreadElement(el)) return assignTo(ip, el.expression, items ? items.slice(i) : new Unknown('rest'), scope, rec);
      let t: ts.Expression = el;
      let def: ts.Expression | undefined;
      if (ts.isBinaryExpression(el) && el.operatorToken.kind === SK_EqualsToken) {
        t = el.left;
        def = el.right;
      }
      let v: Value = items ? items[i] : isUnknown(value) ? value : new Unknown('not an array');
      if (v === undefined && def) v = evalExpr(ip, def, scope, rec);
      assignTo(ip, t, v, scope, rec);
    });
    return;
  }
  if (ts.isObjectLiteralExpression(target)) {
    for (const p of target.properties) {
      if (ts.isShorthandPropertyAssignment(p)) {
        let v = getProperty(ip, value, p.name.text, p);
        if (v === undefined && p.objectAssignmentInitializer) v = evalExpr(ip, p.objectAssignmentInitializer, scope, rec);
        assignName(ip, p.name.text, v, scope);
      } else if (ts.isPropertyAssignment(p)) {
        const key = propertyNameText(p.name);
        if (key === undefined) continue;
        let t: ts.Expression = p.initializer;
        let def: ts.Expression | undefined;
        if (ts.isBinaryExpression(t) && t.operatorToken.kind === SK_EqualsToken) {
          def = t.right;
          t = t.left;
        }
        let v = getProperty(ip, value, key, p);
        if (v === undefined && def) v = evalExpr(ip, def, scope, rec);
        assignTo(ip, t, v, scope, rec);
      }
    }
  }
}
