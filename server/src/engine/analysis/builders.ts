/**
 * Finding and running a file's builders. The module's top level runs first; then the callbacks it
 * handed to unknown APIs (event handlers, timers, effects, promise callbacks), then every top-level
 * function, arrow and class method — entry points first, so a helper is analysed through its real
 * call — each as an entry point whose undecidable conditions are explored (variants.ts). A function
 * that was called and returned a model is also run on its own, with its own parameters, so every
 * builder is reported under its own name.
 */
import ts from 'typescript';
import { Unknown } from '../unknown';
import type { InterpDriver } from '../interp/api';
import type { BudgetLimits } from '../interp/budget';
import type { ModuleRecord } from '../interp/modules';
import { ClassValue, Closure, JsObject, type Value } from '../interp/values';
import { type TfSession, modelNodes } from '../tfjs/session';
import type { ModelValue } from '../tfjs/values';
import { explore } from './variants';
import { VUE_OPTIONS, componentLiterals, handlers, instantiate, mount, vueComponents } from './components';
import { propertyNameText } from '../syntax/parse';
import { isModuleExports } from '../interp/syntax';

/** What the call observer learned: functions that ran, and those that returned a model they built. */
export interface CallRecord {
  called: Set<ts.Node>;
  builtModel: Set<ts.Node>;
}

export function runBuilders(interp: InterpDriver, session: TfSession, main: ModuleRecord, record: CallRecord, limits: BudgetLimits): void {
  const run = (at: ts.Node, body: () => Value) => runStandalone(interp, session, main, at, body, limits);
  // The page's event handlers, timers and promise callbacks run after the module's own code.
  for (const d of interp.takeDeferred()) run(d.fn.node, () => interp.callDeferred(d));

  const sf = main.sourceFile;
  // Call sites are needed only for functions nobody called yet, and their arguments only for
  // parameters without defaults: ordering uses a text scan, the AST walk happens at most once.
  let sites: Map<string, ts.NodeArray<ts.Expression>[]> | undefined;
  const calls = (key: string) => (sites ??= callSites(sf)).get(key);
  const called = (key: string) => mentionsCall(sf.text, key);
  const ran = new Set<ts.Node>();
  // Not called yet; or called, it built and returned a model, and that model is reported under a
  // caller's name: it is a builder in its own right, run with its own parameters.
  const named = (n: ts.Node) => session.models.some((m) => m.returnedBy?.node === n);
  const exported = exportedNodes(main);
  const wanted = (n: ts.Node) => !ran.has(n) && (!record.called.has(n) || (record.builtModel.has(n) && exported.has(n) && !named(n)));

  // Vue components: the lifecycle on a new instance, then the methods and watchers it did not call.
  const components = vueComponents(interp, main);
  for (const c of components) run(c.node, () => mount(interp, c));
  for (const c of components)
    for (const f of handlers(c)) {
      if (!wanted(f.node)) continue;
      ran.add(f.node);
      const args = argumentsFor(interp, main, f, () => calls(`.${short(f.name)}`));
      run(f.node, () => interp.callEntry(f, instantiate(interp, c), args));
    }

  const functions = topLevelFunctions(main).sort((a, b) => Number(called(a.name)) - Number(called(b.name)));
  // A second pass picks up builders the first one found called (by a builder run after them).
  for (let pass = 0; pass < 2; pass++) {
    for (const c of functions) {
      if (!wanted(c.closure.node)) continue;
      ran.add(c.closure.node);
      const args = argumentsFor(interp, main, c.closure, () => calls(c.name));
      run(c.closure.node, () => {
        const v = callThrough(interp, main, record, c.closure, interp.callEntry(c.closure, undefined, args));
        // A factory's API (`module.exports = function createPlugin(opts) { ...; return { buildX, register } }`):
        // the functions of the object it returns are builders too, run on that object in the same path.
        if (v instanceof JsObject && !v.cls)
          for (const [, fn] of v.props)
            if (fn instanceof Closure && !record.called.has(fn.node) && !ran.has(fn.node)) interp.callEntry(fn, v, argumentsFor(interp, main, fn, () => calls(`.${short(fn.name)}`)));
        return v;
      });
    }
    for (const cls of topLevelClasses(main)) {
      let instance: Value;
      if (!ran.has(cls.node)) {
        ran.add(cls.node);
        run(cls.node, () => {
          const ctorArgs = cls.ctor ? argumentsFor(interp, main, cls.ctor, () => calls(`new ${cls.name}`), injector(interp, main, new Set([cls]))) : [];
          instance = interp.construct(cls, ctorArgs, undefined);
          return instance;
        });
      } else instance = cls.lastInstance;
      cls.lastInstance = instance!;
      const methods = [...cls.methods.values()].sort((a, b) => Number(called(`.${short(a.name)}`)) - Number(called(`.${short(b.name)}`)));
      for (const m of methods) {
        if (!wanted(m.node) || !(instance! instanceof JsObject) || ts.isGetAccessorDeclaration(m.node)) continue;
        ran.add(m.node);
        const args = argumentsFor(interp, main, m, () => calls(`.${short(m.name)}`));
        // Each method runs on the instance as the constructor left it (and each explored path
        // anew): a counter on `this` (`this.layerCount += 1` naming layers) must not carry over
        // from the helper methods run before it, as it does not in `new Net().build()`.
        const pristine = instance;
        run(m.node, () => interp.callEntry(m, freshCopy(pristine), args));
      }
      for (const [, v] of cls.statics.props) {
        if (!(v instanceof Closure) || !wanted(v.node)) continue;
        ran.add(v.node);
        const args = argumentsFor(interp, main, v, () => calls(`.${short(v.name)}`));
        run(v.node, () => interp.callEntry(v, cls, args));
      }
    }
  }
  // A builder run on its own with unknown parameters, that some caller also built with its real
  // arguments (run later): the caller's model is the builder's report, with its concrete numbers.
  // One whose run on its own could not see the model at all (its inputs were models passed in) adds
  // nothing to what its callers built.
  // The same for a builder that hands its models back inside an object (`return { model,
  // encoderModel, decoderModel }`): they are named after the function that made them, not returned it.
  const maker = (m: ModelValue) => m.returnedBy?.node ?? m.frame?.closure?.node;
  const fromCalls = new Set<object>(session.models.filter((m) => maker(m) && m.entry !== maker(m)).map((m) => maker(m)!));
  for (let i = session.models.length - 1; i >= 0; i--) {
    const m = session.models[i]!;
    if (!m.entry || maker(m) !== m.entry) continue;
    if (fromCalls.has(m.entry) || (record.called.has(m.entry as ts.Node) && (incomplete(m) || layerless(m)))) session.models.splice(i, 1);
  }
}

/**
 * A function an entry point returned that the file never calls (a Redux thunk, `(cfg) => async
 * (dispatch, getState) => {...}`; a curried builder) runs too, with unknown arguments, as whoever
 * it is handed to calls it; an anonymous one goes by the name of the function that made it.
 */
function callThrough(interp: InterpDriver, main: ModuleRecord, record: CallRecord, maker: Closure, result: Value): Value {
  for (let depth = 0; depth < 3 && result instanceof Closure && !record.called.has(result.node); depth++) {
    const f = result.name === 'anonymous function' ? new Closure(result.node, result.scope, result.module, maker.name, result.lexicalThis, result.homeClass, result.isStatic) : result;
    result = interp.callEntry(f, undefined, argumentsFor(interp, main, f, () => undefined));
  }
  return result;
}

/**
 * A model with no layer of its own (an empty Sequential, a functional model whose output is its
 * input): what a fluent builder's `build()` makes on a fresh instance, before the chain that the
 * file's real calls run (`.conv(32).pool()...`) has pushed anything. Not a model the file builds.
 */
function layerless(m: ModelValue): boolean {
  return modelNodes(m).every((n) => n.layer.className === 'InputLayer');
}

function incomplete(m: ModelValue): boolean {
  return m.incomplete.length > 0 || modelNodes(m).some((n) => n.layer.opaque);
}

/** The function and method nodes the module exports (directly, or through an exported class). */
function exportedNodes(main: ModuleRecord): Set<ts.Node> {
  const out = new Set<ts.Node>();
  const namespaces = new Set<Value>();
  for (const s of main.sourceFile.statements) if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) namespaces.add(main.scope.lookup(s.name.text)?.value);
  const add = (v: Value | undefined) => {
    if (v instanceof Closure) out.add(v.node);
    else if (namespaces.has(v)) {
      for (const m of namespaceMembers(main, v as JsObject)) add(m);
    }
    else if (v instanceof ClassValue) {
      for (const m of v.methods.values()) out.add(m.node);
      for (const [, s] of v.statics.props) if (s instanceof Closure) out.add(s.node);
    }
  };
  for (const [, b] of main.exports) {
    if (b.kind === 'local') add(main.scope.lookup(b.local)?.value);
    else if (b.kind === 'value') add(b.value);
  }
  // CommonJS has no export records: `module.exports = { buildFromConfig, main: run }` names them.
  for (const s of main.sourceFile.statements)
    for (const obj of exportedObjects(s))
      for (const p of obj.properties) {
        if (ts.isShorthandPropertyAssignment(p)) add(main.scope.lookup(p.name.text)?.value);
        else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer)) add(main.scope.lookup(p.initializer.text)?.value);
      }
  return out;
}

/**
 * One standalone evaluation, its paths explored. Diagnostics raised while running a helper out of
 * context (unknown arguments, no model produced) are noise and dropped; budget overruns are kept,
 * they are real.
 */
function runStandalone(interp: InterpDriver, session: TfSession, main: ModuleRecord, at: ts.Node, run: () => Value, limits: BudgetLimits): void {
  const modelsBefore = session.models.length;
  const diagsBefore = interp.diagnostics.length;
  explore(interp, session, main, at, run, limits);
  for (let i = modelsBefore; i < session.models.length; i++) session.models[i]!.entry ??= at;
  // A layer config that tfjs rejects whatever the arguments (a literal '64' for filters) is kept.
  if (session.models.length === modelsBefore) interp.dropDiagnosticsSince(diagsBefore, (d) => d.code === 'analysis-budget' || (d.code === 'layer-config' && d.severity === 'error'));
}

/** A shallow copy of an instance: its own fields reset to what they were, nested objects shared. */
function freshCopy(o: JsObject): JsObject {
  const c = new JsObject(o.cls);
  c.origin = o.origin;
  c.open = o.open;
  for (const [k, v] of o.props) c.props.set(k, v);
  if (o.accessors) c.accessors = new Map(o.accessors);
  return c;
}

function short(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

interface Candidate {
  name: string;
  closure: Closure;
}

function topLevelFunctions(main: ModuleRecord): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<ts.Node>();
  const push = (name: string, v: Value | undefined) => {
    if (v instanceof Closure && !seen.has(v.node)) {
      seen.add(v.node);
      out.push({ name, closure: v });
    }
  };
  for (const s of main.sourceFile.statements) {
    if (ts.isFunctionDeclaration(s) && s.body) push(s.name?.text ?? 'default', main.scope.lookup(s.name?.text ?? '%default')?.value);
    else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer && isFunctionExpr(d.initializer)) push(d.name.text, main.scope.lookup(d.name.text)?.value);
    } else if (isModuleExportsOf(s) && isFunctionExpr(s.expression.right)) {
      // `module.exports = function createPlugin(opts) {...}`: the module's one export, named by itself.
      const fn = unwrap(s.expression.right) as ts.FunctionExpression | ts.ArrowFunction;
      const name = ts.isFunctionExpression(fn) && fn.name ? fn.name.text : 'default';
      push(name, new Closure(fn, main.scope, main, name));
    } else if (ts.isExportAssignment(s) && isFunctionExpr(s.expression)) {
      const b = main.exports.get('default');
      if (b?.kind === 'value') push('default', b.value);
    } else if (ts.isModuleDeclaration(s)) {
      for (const v of namespaceMembers(main, s)) if (v instanceof Closure) push(v.name, v);
    }
    // A component's data, setup and hooks are Vue's to call (on its instance); anything else in it is a function like any other.
    const components = new Set(componentLiterals(s));
    for (const obj of exportedObjects(s))
      for (const [name, fn] of memberFunctions(obj)) if (!components.has(obj) || !VUE_OPTIONS.has(name)) push(name, new Closure(fn, main.scope, main, name));
  }
  return out;
}

/**
 * The object literals a statement exports: `module.exports = { ... }`, `export default { ... }`,
 * `export const zoo = { ... }`. The functions written in them are a library's API as much as its
 * top-level functions (`module.exports = { smallCnn: () => build('cnn', SMALL) }`).
 */
function exportedObjects(s: ts.Statement): ts.ObjectLiteralExpression[] {
  const literal = (e: ts.Expression | undefined) => {
    while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))) e = e.expression;
    return e && ts.isObjectLiteralExpression(e) ? [e] : [];
  };
  if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExports(s.expression.left))
    return literal(s.expression.right);
  if (ts.isExportAssignment(s)) return literal(s.expression);
  if (ts.isVariableStatement(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    return s.declarationList.declarations.flatMap((d) => literal(d.initializer));
  return [];
}

/** The named functions an object literal defines: `key: () => ...`, `key: function () {}`, `key() {}`. */
function memberFunctions(obj: ts.ObjectLiteralExpression): [string, ts.FunctionLikeDeclaration][] {
  const out: [string, ts.FunctionLikeDeclaration][] = [];
  for (const p of obj.properties) {
    const name = propertyNameText(p.name);
    if (name === undefined) continue;
    if (ts.isMethodDeclaration(p) && p.body) out.push([name, p]);
    else if (ts.isPropertyAssignment(p)) {
      let e = p.initializer;
      while (ts.isParenthesizedExpression(e)) e = e.expression;
      if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) out.push([name, e]);
    }
  }
  return out;
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function isFunctionExpr(e: ts.Expression): boolean {
  e = unwrap(e);
  return ts.isArrowFunction(e) || ts.isFunctionExpression(e);
}

/** `module.exports = <expression>;` */
function isModuleExportsOf(s: ts.Statement): s is ts.ExpressionStatement & { expression: ts.BinaryExpression } {
  return ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && isModuleExports(s.expression.left);
}

/**
 * What a top-level `namespace` exports, its nested namespaces' too: a library's API as much as its
 * top-level functions (the interpreter named each function by its path, `Zoo.Vision.tinyConvNet`).
 */
function namespaceMembers(main: ModuleRecord, s: ts.ModuleDeclaration | JsObject): Value[] {
  const ns = s instanceof JsObject ? s : ts.isIdentifier(s.name) ? main.scope.lookup(s.name.text)?.value : undefined;
  const out: Value[] = [];
  const visit = (o: JsObject, depth: number) => {
    for (const [, v] of o.props) {
      if (v instanceof JsObject && !v.cls && depth < 4) visit(v, depth + 1);
      else out.push(v);
    }
  };
  if (ns instanceof JsObject) visit(ns, 0);
  return out;
}

function topLevelClasses(main: ModuleRecord): ClassValue[] {
  const out: ClassValue[] = [];
  for (const s of main.sourceFile.statements) {
    if (ts.isModuleDeclaration(s)) for (const v of namespaceMembers(main, s)) if (v instanceof ClassValue) out.push(v);
    if (!ts.isClassDeclaration(s)) continue;
    const v = s.name ? main.scope.lookup(s.name.text)?.value : main.exports.get('default')?.kind === 'value' ? (main.exports.get('default') as { value: Value }).value : undefined;
    if (v instanceof ClassValue) out.push(v);
  }
  return out;
}

/** Whether the text calls `name(`, `.name(` or `new Name(` anywhere other than in a declaration. */
function mentionsCall(text: string, key: string): boolean {
  const esc = (x: string) => x.replace(/[$]/g, '\\$&');
  const re = key.startsWith('.')
    ? new RegExp(`\\.${esc(key.slice(1))}\\s*\\(`, 'g')
    : key.startsWith('new ')
      ? new RegExp(`\\bnew\\s+${esc(key.slice(4))}\\s*\\(`, 'g')
      : new RegExp(`(?<![\\w$.])${esc(key)}\\s*\\(`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 9), m.index);
    if (!/function\s*$/.test(before)) return true;
  }
  return false;
}

/** Call expressions of the file by callee: 'build' for build(...), '.build' for x.build(...), 'new Net' for new Net(...). */
function callSites(sf: ts.SourceFile): Map<string, ts.NodeArray<ts.Expression>[]> {
  const map = new Map<string, ts.NodeArray<ts.Expression>[]>();
  const add = (k: string, args: ts.NodeArray<ts.Expression> | undefined) => {
    let l = map.get(k);
    if (!l) map.set(k, (l = []));
    l.push(args ?? ts.factory.createNodeArray());
  };
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const c = n.expression;
      if (ts.isIdentifier(c)) add(c.text, n.arguments);
      else if (ts.isPropertyAccessExpression(c)) add(`.${c.name.text}`, n.arguments);
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) add(`new ${n.expression.text}`, n.arguments);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return map;
}

/**
 * Arguments for a standalone call: defaults apply on their own (undefined); a parameter without a
 * default takes the argument of the single call site in this file, evaluated in module scope, or
 * becomes Unknown with the reason kept for hovers.
 */
function argumentsFor(interp: InterpDriver, main: ModuleRecord, fn: Closure, sitesOf: () => ts.NodeArray<ts.Expression>[] | undefined, inject?: (p: ts.ParameterDeclaration, fn: Closure) => Value): Value[] {
  const params = fn.node.parameters;
  if (params.every((p) => p.initializer || p.questionToken || p.dotDotDotToken)) return [];
  const sites = sitesOf();
  const single = sites && sites.length === 1 ? sites[0] : undefined;
  const args: Value[] = [];
  params.forEach((p, i) => {
    if (p.dotDotDotToken) return;
    if (p.initializer || p.questionToken) {
      args.push(single && single[i] ? interp.evaluateQuietly(single[i]!, main) : undefined);
      return;
    }
    const pname = ts.isIdentifier(p.name) ? p.name.text : `#${i + 1}`;
    const injected = single && single[i] ? undefined : inject?.(p, fn);
    if (injected !== undefined) {
      args.push(injected);
      return;
    }
    if (single && single[i]) {
      const v = interp.evaluateQuietly(single[i]!, main);
      // An argument the module scope cannot evaluate (the caller's locals) is the parameter itself, unknown: named by it.
      args.push(v instanceof Unknown && v.key === undefined && !v.dflt ? new Unknown(v.reason, pname) : v);
      return;
    }
    const why = sites && sites.length > 1 ? `called ${sites.length} times in this file` : 'never called in this file';
    args.push(new Unknown(`parameter '${pname}' of ${fn.name} has no default value and ${fn.name} is ${why}`, pname));
  });
  return args;
}

/**
 * Dependency injection (Angular's, and any container that builds a class from its constructor's
 * types): a constructor parameter typed by a class of the program, that no call in the file
 * passes, is an instance of that class, built the same way from its own constructor (a parameter
 * with a default takes it; any other is unknown). A class that needs itself is not built.
 */
function injector(interp: InterpDriver, main: ModuleRecord, building: Set<ClassValue>): (p: ts.ParameterDeclaration, fn: Closure) => Value {
  return (p, fn) => {
    const t = p.type;
    if (!t || !ts.isTypeReferenceNode(t) || !ts.isIdentifier(t.typeName) || t.typeArguments) return undefined;
    const cls = fn.scope.lookup(t.typeName.text)?.value;
    if (!(cls instanceof ClassValue) || building.has(cls)) return undefined;
    const inner = new Set(building).add(cls);
    const args = cls.ctor ? argumentsFor(interp, main, cls.ctor, () => undefined, injector(interp, main, inner)) : [];
    return interp.construct(cls, args, undefined);
  };
}
