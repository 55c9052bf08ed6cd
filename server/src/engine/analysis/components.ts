/**
 * Vue components written as an options object (Vue 2 and Vue 3's Options API): `export default {
 * data() {...}, computed: {...}, methods: {...}, mounted() {...} }`, or the same object handed to
 * `defineComponent(...)`, `Vue.component(name, ...)`, `Vue.extend(...)`, `new Vue(...)`,
 * `createApp(...)`. Vue runs the hooks and methods with `this` a proxy over the props, what
 * setup() and data() return, the computed getters and the methods; the driver builds that `this`
 * (`vm`) and runs the lifecycle (created, beforeMount, mounted) as one entry point, then every
 * method and watcher nobody called, each on a fresh vm.
 */
import ts from 'typescript';
import { soft, Unknown } from '../unknown';
import type { InterpDriver } from '../interp/api';
import type { ModuleRecord } from '../interp/modules';
import { Closure, JsObject, NativeFunction, ownValue, type Value } from '../interp/values';
import { propertyNameText } from '../syntax/parse';
import { isModuleExports } from '../interp/syntax';

/** Keys only a component's options object has (a plain exported object of builders has none). */
const COMPONENT_KEYS = new Set(['setup', 'methods', 'computed']);
const HOOKS = ['created', 'beforeMount', 'mounted'];
/** What Vue itself calls on an options object: the driver runs these, never as free functions. */
export const VUE_OPTIONS = new Set(['data', 'setup', 'render', 'beforeCreate', ...HOOKS, 'beforeUpdate', 'updated', 'activated', 'deactivated', 'beforeUnmount', 'unmounted', 'beforeDestroy', 'destroyed', 'errorCaptured']);
/** Calls that take a component's options object (the last object-literal argument). */
const WRAPPERS = new Set(['defineComponent', 'defineNuxtComponent', 'createApp', 'extend', 'component', 'Vue']);

export interface Component {
  node: ts.ObjectLiteralExpression;
  /** Its options object, evaluated once in module scope. */
  options: JsObject;
}

/** The options-object components a module's top level defines. */
export function vueComponents(interp: InterpDriver, main: ModuleRecord): Component[] {
  const out: Component[] = [];
  for (const s of main.sourceFile.statements)
    for (const node of componentLiterals(s)) {
      const v = interp.evaluateQuietly(node, main);
      if (v instanceof JsObject) out.push({ node, options: v });
    }
  return out;
}

/** The component object literals one top-level statement holds. */
export function componentLiterals(s: ts.Statement): ts.ObjectLiteralExpression[] {
  const exprs: ts.Expression[] = [];
  if (ts.isExportAssignment(s)) exprs.push(s.expression);
  else if (ts.isExpressionStatement(s)) {
    const e = s.expression;
    exprs.push(ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExports(e.left) ? e.right : e);
  } else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) if (d.initializer) exprs.push(d.initializer);
  const out: ts.ObjectLiteralExpression[] = [];
  for (const e of exprs) {
    const bare = strip(e);
    if (ts.isObjectLiteralExpression(bare)) {
      // `data` alone is a common key (`{ data: loadData, model: build }`): with a hook it is Vue's.
      if (hasKey(bare, COMPONENT_KEYS) || (hasKey(bare, new Set(['data'])) && hasKey(bare, new Set(HOOKS)))) out.push(bare);
      continue;
    }
    // defineComponent({...}), createApp({...}).mount('#app'), Vue.component('x', {...}), new Vue({...}).
    for (let c: ts.Expression = bare; ts.isCallExpression(c) || ts.isNewExpression(c) || ts.isPropertyAccessExpression(c); c = strip(c.expression)) {
      if (ts.isPropertyAccessExpression(c)) continue;
      const callee = strip(c.expression);
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (!name || !WRAPPERS.has(name)) continue;
      const lit = [...(c.arguments ?? [])].reverse().map(strip).find(ts.isObjectLiteralExpression);
      if (lit && hasKey(lit, new Set([...COMPONENT_KEYS, 'data', ...HOOKS]))) out.push(lit);
    }
  }
  return out;
}

function strip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function hasKey(o: ts.ObjectLiteralExpression, keys: Set<string>): boolean {
  return o.properties.some((p) => p.name !== undefined && keys.has(propertyNameText(p.name) ?? ''));
}

/**
 * A component instance as Vue makes one: props (a default, soft: a parent may pass another), what
 * setup() returns, the methods, what data() returns, and the computed properties as getters on it.
 */
export function instantiate(interp: InterpDriver, c: Component): JsObject {
  const o = c.options;
  const vm = new JsObject();
  const props = new JsObject();
  const decl = o.get('props');
  if (Array.isArray(decl)) for (const k of decl) if (typeof k === 'string') props.set(k, new Unknown(`prop '${k}' its parent passes`, k));
  if (decl instanceof JsObject)
    for (const [k, spec] of decl.props) {
      const d = spec instanceof JsObject && spec.props.has('default') ? ownValue(interp, spec, 'default') : undefined;
      const type = spec instanceof JsObject ? spec.get('type') : spec;
      // A default for an object or array prop is a factory (a function-typed prop's is the function).
      const value = d instanceof Closure && !(type instanceof NativeFunction && type.name === 'Function') ? interp.callFunction(d, vm, [], undefined) : d;
      if (d === undefined) props.set(k, new Unknown(`prop '${k}' its parent passes`, k));
      else props.set(k, typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? soft(`prop '${k}' is ${JSON.stringify(value)} unless its parent passes another`, k, value) : value);
    }
  for (const [k, v] of props.props) vm.set(k, v);
  vm.set('$props', props);
  const setup = o.get('setup');
  if (setup instanceof Closure) {
    const r = interp.callFunction(setup, undefined, [props, new Unknown("setup's context (emit, attrs, slots)")], undefined);
    if (r instanceof JsObject) for (const [k] of r.props) vm.set(k, ownValue(interp, r, k));
  }
  const methods = o.get('methods');
  if (methods instanceof JsObject) for (const [k, f] of methods.props) vm.set(k, f);
  const data = o.get('data');
  const fields = data instanceof Closure ? interp.callFunction(data, vm, [vm], undefined) : data;
  if (fields instanceof JsObject) for (const [k] of fields.props) vm.set(k, ownValue(interp, fields, k));
  const computed = o.get('computed');
  if (computed instanceof JsObject)
    for (const [k, g] of computed.props) {
      if (g instanceof Closure) vm.defineAccessor(k, 'get', g);
      else if (g instanceof JsObject) {
        const get = g.get('get');
        const set = g.get('set');
        if (get instanceof Closure) vm.defineAccessor(k, 'get', get);
        if (set instanceof Closure) vm.defineAccessor(k, 'set', set);
      }
    }
  return vm;
}

/** The lifecycle up to mounting, on a new instance. */
export function mount(interp: InterpDriver, c: Component): Value {
  const vm = instantiate(interp, c);
  for (const h of HOOKS) {
    const f = c.options.get(h);
    if (f instanceof Closure) interp.callFunction(f, vm, [], undefined);
  }
  return vm;
}

/** What else Vue may call on an instance: its methods and its watchers' handlers. */
export function handlers(c: Component): Closure[] {
  const out: Closure[] = [];
  const methods = c.options.get('methods');
  if (methods instanceof JsObject) for (const [, f] of methods.props) if (f instanceof Closure) out.push(f);
  const watch = c.options.get('watch');
  if (watch instanceof JsObject)
    for (const [, w] of watch.props) {
      const f = w instanceof JsObject ? w.get('handler') : w;
      if (f instanceof Closure) out.push(f);
    }
  return out;
}
