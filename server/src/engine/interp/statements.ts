/** Statements: blocks, declarations, control flow and loops (each iteration charged to the budget). */
import ts from 'typescript';
import { Unknown, isUnknown } from '../unknown';
import { propertyNameText } from '../syntax/parse';
import { Scope } from './scope';
import { getProperty } from './properties';
import { SYMBOL_ITERATOR } from './builtins';
import type { ModuleRecord } from './modules';
import { HostObject, JsObject, type Value, spreadInto, strictEquals, truthy, typeOf } from './values';
import { BREAK, CONTINUE, type Completion, Signal, UserThrow } from './completion';
import type { Interpreter } from './interpreter';
import {
  SK_Block, SK_BreakStatement, SK_ClassDeclaration, SK_ContinueStatement, SK_DoStatement, SK_EnumDeclaration,
  SK_ExportAssignment, SK_ExportDeclaration, SK_ExpressionStatement, SK_ForInStatement, SK_ForOfStatement,
  SK_ForStatement, SK_FunctionDeclaration, SK_IfStatement, SK_ImportDeclaration, SK_ImportEqualsDeclaration,
  SK_LabeledStatement, SK_ModuleDeclaration, SK_ReturnStatement, SK_SwitchStatement, SK_ThrowStatement, SK_TryStatement,
  SK_VariableStatement, SK_WhileStatement, bindingNames, dummyNode, hoistingOf, isAmbient, loopWrites, nameHint, needsScope,
} from './syntax';
import { evalExpr } from './expressions';
import { assignName, assignTo, bindPattern } from './patterns';
import { makeClass, makeClosure } from './functions';
import { execExportDeclaration, execImport, exportDeclared, requireModule } from './module_loader';
import { DEFAULT, decideCondition, decideSwitch } from './conditions';

export function hoist(ip: Interpreter, stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[], scope: Scope, rec: ModuleRecord): void {
  const h = hoistingOf(stmts);
  for (const f of h.functions) {
    // `export default function () {}` has no name; it is exported as '%default'.
    scope.declare(f.name?.text ?? '%default', makeClosure(f, scope, rec, f.name?.text ?? 'default'));
  }
  for (const v of h.vars) scope.declareVar(v, undefined);
  // Classes are not hoisted in JS, but hoisting a placeholder lets earlier functions refer to them.
  for (const c of h.classes) if (!scope.hasOwn(c)) scope.declare(c, undefined);
}

export function execBlock(ip: Interpreter, stmts: ts.NodeArray<ts.Statement>, scope: Scope, rec: ModuleRecord): Completion {
  for (const s of stmts) if (ts.isFunctionDeclaration(s) && s.name && s.body) scope.declare(s.name.text, makeClosure(s, scope, rec, s.name.text));
  for (const s of stmts) {
    const c = exec(ip, s, scope, rec);
    if (c) return c;
  }
  return undefined;
}

export function exec(ip: Interpreter, s: ts.Statement, scope: Scope, rec: ModuleRecord): Completion {
  ip.charge(s);
  switch (s.kind) {
    case SK_ExpressionStatement:
      evalExpr(ip, (s as ts.ExpressionStatement).expression, scope, rec);
      return undefined;
    case SK_VariableStatement:
      if (!isAmbient(s)) execVarList(ip, (s as ts.VariableStatement).declarationList, scope, rec);
      return undefined;
    case SK_ReturnStatement: {
      const e = (s as ts.ReturnStatement).expression;
      return new Signal('return', undefined, e ? evalExpr(ip, e, scope, rec) : undefined);
    }
    case SK_IfStatement: {
      const st = s as ts.IfStatement;
      let c = truthy(evalExpr(ip, st.expression, scope, rec));
      // An unknown condition is a decision of this path: the driver explores the other side in another run.
      if (isUnknown(c)) c = decideCondition(ip, st.expression, c, scope, rec, 'if');
      if (c) return exec(ip, st.thenStatement, scope, rec);
      return st.elseStatement ? exec(ip, st.elseStatement, scope, rec) : undefined;
    }
    case SK_Block: {
      const stmts = (s as ts.Block).statements;
      return execBlock(ip, stmts, needsScope(stmts) ? new Scope(scope) : scope, rec);
    }
    case SK_ForStatement:
      return execFor(ip, s as ts.ForStatement, scope, rec, undefined);
    case SK_ForOfStatement:
      return execForOf(ip, s as ts.ForOfStatement, scope, rec, undefined);
    case SK_ForInStatement:
      return execForIn(ip, s as ts.ForInStatement, scope, rec, undefined);
    case SK_WhileStatement:
      return execWhile(ip, s as ts.WhileStatement, scope, rec, undefined);
    case SK_DoStatement:
      return execDo(ip, s as ts.DoStatement, scope, rec, undefined);
    case SK_BreakStatement: {
      const l = (s as ts.BreakStatement).label;
      return l ? new Signal('break', l.text, undefined) : BREAK;
    }
    case SK_ContinueStatement: {
      const l = (s as ts.ContinueStatement).label;
      return l ? new Signal('continue', l.text, undefined) : CONTINUE;
    }
    case SK_LabeledStatement:
      return execLabeled(ip, s as ts.LabeledStatement, scope, rec);
    case SK_SwitchStatement:
      return execSwitch(ip, s as ts.SwitchStatement, scope, rec);
    case SK_ThrowStatement:
      throw new UserThrow(evalExpr(ip, (s as ts.ThrowStatement).expression, scope, rec));
    case SK_TryStatement:
      return execTry(ip, s as ts.TryStatement, scope, rec);
    case SK_FunctionDeclaration:
      return undefined; // hoisted
    case SK_ClassDeclaration: {
      if (isAmbient(s)) return undefined;
      const c = s as ts.ClassDeclaration;
      const cls = makeClass(ip, c, scope, rec);
      if (c.name) {
        if (scope.hasOwn(c.name.text)) assignName(ip, c.name.text, cls, scope);
        else scope.declare(c.name.text, cls);
      }
      exportDeclared(s, c.name?.text, cls, rec, scope);
      return undefined;
    }
    case SK_ImportDeclaration:
      execImport(ip, s as ts.ImportDeclaration, scope, rec);
      return undefined;
    case SK_ExportDeclaration:
      execExportDeclaration(ip, s as ts.ExportDeclaration, rec);
      return undefined;
    case SK_ExportAssignment: {
      const ea = s as ts.ExportAssignment;
      rec.exports.set(ea.isExportEquals ? '=' : 'default', { kind: 'value', value: evalExpr(ip, ea.expression, scope, rec) });
      return undefined;
    }
    case SK_ImportEqualsDeclaration: {
      const ie = s as ts.ImportEqualsDeclaration;
      if (ts.isExternalModuleReference(ie.moduleReference) && ts.isStringLiteral(ie.moduleReference.expression))
        scope.declare(ie.name.text, requireModule(ip, ie.moduleReference.expression.text, rec, ie));
      return undefined;
    }
    case SK_EnumDeclaration:
      execEnum(ip, s as ts.EnumDeclaration, scope, rec);
      return undefined;
    case SK_ModuleDeclaration:
      execNamespace(ip, s as ts.ModuleDeclaration, scope, rec, '');
      return undefined;
    default:
      // Types, interfaces, empty statements, declarations: nothing to run.
      return undefined;
  }
}

export function execVarList(ip: Interpreter, list: ts.VariableDeclarationList, scope: Scope, rec: ModuleRecord): void {
  const blockScoped = (list.flags & ts.NodeFlags.BlockScoped) !== 0;
  const constant = (list.flags & ts.NodeFlags.Const) !== 0;
  for (const d of list.declarations) {
    const value = d.initializer ? evalExpr(ip, d.initializer, scope, rec, nameHint(d.name)) : undefined;
    if (!blockScoped && !d.initializer) continue; // `var x;` keeps a hoisted value
    bindPattern(ip, d.name, value, scope, rec, blockScoped ? (constant ? 'const' : 'let') : 'var');
  }
}

// ---------------------------------------------------------------- loops

function loopGuard(ip: Interpreter, iterations: number, node: ts.Node, rec: ModuleRecord): boolean {
  const runaway = ip.runaway;
  if (iterations <= ip.limits.maxLoopIterations && !(runaway.has(node) && iterations > 1)) return true;
  if (runaway.has(node)) return false;
  runaway.add(node);
  ip.reportAt(node, rec, 'warning', 'analysis-budget',
    `analysis stopped: loop did not finish within ${ip.limits.maxLoopIterations.toLocaleString('en-US')} iterations; shapes after it may be incomplete`);
  return false;
}

/** Handles a loop body's completion. Returns 'break' to leave the loop, a Signal to propagate, or undefined. */
function loopCompletion(c: Completion, label: string | undefined): Completion | 'break' | 'continue' {
  if (!c) return undefined;
  if (c.kind === 'break' && (c.label === undefined || c.label === label)) return 'break';
  if (c.kind === 'continue' && (c.label === undefined || c.label === label)) return 'continue';
  return c;
}

function execFor(ip: Interpreter, s: ts.ForStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  const scope = new Scope(outer);
  const init = s.initializer;
  let perIteration: string[] = [];
  if (init) {
    if (ts.isVariableDeclarationList(init)) {
      execVarList(ip, init, scope, rec);
      if (init.flags & ts.NodeFlags.BlockScoped) perIteration = [...scope.ownNames()];
    } else evalExpr(ip, init, scope, rec);
  }
  let iterScope = scope;
  const watch = watchLoop(ip);
  for (let i = 1; ; i++) {
    if (s.condition) {
      const c = truthy(evalExpr(ip, s.condition, iterScope, rec));
      if (c !== true) {
        if (isUnknown(c)) return repeatsUnknown(ip, s, s.condition, c, iterScope, rec, label, () => exec(ip, s.statement, iterScope, rec));
        break;
      }
    }
    if (cutDataLoop(ip, watch, i, s, iterScope, rec) || !loopGuard(ip, i, s, rec)) break;
    ip.charge(s);
    const r = loopCompletion(exec(ip, s.statement, iterScope, rec), label);
    if (r === 'break') break;
    if (r && r !== 'continue') return r;
    // `let` in a for head gets a fresh binding per iteration (closures capture each one).
    if (perIteration.length) {
      const next = new Scope(outer);
      for (const n of perIteration) next.declare(n, iterScope.lookup(n)!.value);
      iterScope = next;
    }
    if (s.incrementor) evalExpr(ip, s.incrementor, iterScope, rec);
  }
  return undefined;
}

/**
 * A loop whose (remaining) number of iterations is unknown. Its body runs once more, so the layers
 * it makes are analysed for the state it starts from; then everything the loop writes becomes
 * unknown, and models it changed are marked as repeated an unknown number of times (their totals
 * are unknown). A `return` in that run still returns.
 */
export function repeatsUnknown(ip: Interpreter, loop: ts.Node, at: ts.Node, u: Unknown, scope: Scope, rec: ModuleRecord, label: string | undefined, body: () => Completion): Completion {
  const line = rec.sourceFile.getLineAndCharacterOfPosition(loop.pos >= 0 ? loop.getStart(rec.sourceFile) : 0).line + 1;
  const reason = `the loop at line ${line} runs an unknown number of times (${u.reason})`;
  ip.reportAt(at, rec, 'information', 'unknown-value', `${reason}: its body is analysed once; what it changes is unknown after it`);
  const ops0 = ip.hostOps;
  const before = loopWrites(loop).names.map((n) => scope.lookup(n)?.value);
  const c = loopCompletion(body(), label);
  havoc(ip, loop, scope, reason, before);
  if (ip.hostOps > ops0) ip.onUnknownRepeat?.(ops0, reason);
  return c && c !== 'break' && c !== 'continue' ? c : undefined;
}

/** What a loop writes becomes unknown (it ran an unknown number of times, or was cut short). */
function havoc(ip: Interpreter, loop: ts.Node, scope: Scope, reason: string, before?: Value[]): void {
  const w = loopWrites(loop);
  w.names.forEach((name, i) => {
    const b = scope.lookup(name);
    if (!b) return;
    // A const object whose fields the loop writes (`opts.filters = parseInt(v)` in a flag loop):
    // any field may have been written by a repetition the analysis did not run.
    if (b.constant) {
      if (b.value instanceof JsObject) spreadInto(ip, b.value, new Unknown(`a field of ${name} after ${reason}`));
      return;
    }
    // A host value (a tensor) may keep what one repetition provably keeps (its shape, its graph).
    const kept = before && ip.afterUnknownRepeat?.(before[i], b.value, reason);
    b.value = kept ?? new Unknown(`${name} after ${reason}`);
  });
  const ctx = scope.context();
  if (w.yields && ctx?.yields) ctx.yieldsLost ??= reason;
  if (w.thisFields.length) {
    const self = ctx?.thisValue;
    if (self instanceof JsObject) for (const f of w.thisFields) self.set(f, new Unknown(`this.${f} after ${reason}`));
  }
}

function endless(loop: ts.Node): boolean {
  const cond = ts.isForStatement(loop) ? loop.condition : ts.isWhileStatement(loop) || ts.isDoStatement(loop) ? loop.expression : undefined;
  if (ts.isForStatement(loop) && !cond) return true;
  return !!cond && (cond.kind === ts.SyntaxKind.TrueKeyword || (ts.isNumericLiteral(cond) && Number(cond.text) !== 0));
}

interface LoopWatch {
  steps: number;
  ops: number;
}

function watchLoop(ip: Interpreter): LoopWatch {
  return { steps: ip.stepCount(), ops: ip.hostOps };
}

/** Steps a loop that touches no model may take before it is cut short (its results then unknown). */
const DATA_LOOP_STEPS = 50_000;

/**
 * A long loop that builds no layers (a data loop in main()) would spend the budget the builder after
 * it needs: past DATA_LOOP_STEPS with no model touched, it stops and what it writes becomes unknown.
 */
function cutDataLoop(ip: Interpreter, w: LoopWatch, i: number, loop: ts.Node, scope: Scope, rec: ModuleRecord): boolean {
  if (ip.hostOps !== w.ops) return false;
  if (i < ip.limits.maxLoopIterations && ((i & 63) !== 0 || ip.stepCount() - w.steps < DATA_LOOP_STEPS)) return false;
  // `while (true)` and `for (;;)` that touch no model are more likely endless than long: the budget says so.
  if (endless(loop)) return false;
  const line = rec.sourceFile.getLineAndCharacterOfPosition(loop.getStart(rec.sourceFile)).line + 1;
  havoc(ip, loop, scope, `the loop at line ${line}, which builds no layers, was cut short after ${i} iterations`);
  return true;
}

/** The items `for (... of v)` and spreads walk over; Unknown when they cannot be known. */
export function iterate(ip: Interpreter, v: Value): Value[] | Unknown {
  if (Array.isArray(v)) return v.slice();
  if (typeof v === 'string') return [...v];
  if (isUnknown(v)) return v;
  if (v instanceof HostObject) {
    const it = v.getProperty(ip, '%iterate', dummyNode);
    if (Array.isArray(it)) return it;
  }
  if (v instanceof JsObject) return iterateObject(ip, v);
  return new Unknown(`cannot iterate over ${typeOf(v)}`);
}

/**
 * An object with a `[Symbol.iterator]()` method (a config class whose generator yields layers): its
 * iterator's items. A generator method's call is already the array of what it yielded; an iterator
 * object is stepped with next() until done (within the loop budget).
 */
function iterateObject(ip: Interpreter, o: JsObject): Value[] | Unknown {
  const method = getProperty(ip, o, SYMBOL_ITERATOR, undefined);
  if (method === undefined) return new Unknown('iterating over an object with no [Symbol.iterator]: running this throws TypeError');
  const it = ip.callFunction(method, o, [], undefined);
  if (Array.isArray(it) || isUnknown(it)) return it;
  const next = getProperty(ip, it, 'next', undefined);
  if (next === undefined) return new Unknown('an iterator with no next()');
  const out: Value[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = ip.callFunction(next, it, [], undefined);
    if (!(r instanceof JsObject)) return new Unknown('an iterator whose next() returned no object');
    const done = truthy(getProperty(ip, r, 'done', undefined));
    if (isUnknown(done)) return done;
    if (done) return out;
    out.push(getProperty(ip, r, 'value', undefined));
  }
  return new Unknown('an iterator that ran for more than 10,000 steps');
}

function execForOf(ip: Interpreter, s: ts.ForOfStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  const items = iterate(ip, evalExpr(ip, s.expression, outer, rec));
  if (isUnknown(items)) return unknownItems(ip, s, items, outer, rec, label, `an element of ${items.reason}`);
  return runEach(ip, s, items, outer, rec, label);
}

function execForIn(ip: Interpreter, s: ts.ForInStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  const obj = evalExpr(ip, s.expression, outer, rec);
  let keys: Value[];
  if (obj instanceof JsObject && obj.open) return unknownItems(ip, s, new Unknown('the keys of an object an unknown object was spread into'), outer, rec, label, 'a key of an object an unknown object was spread into');
  if (obj instanceof JsObject) keys = obj.enumerableKeys();
  else if (Array.isArray(obj)) keys = obj.map((_, i) => String(i));
  else if (isUnknown(obj)) return unknownItems(ip, s, obj, outer, rec, label, `a key of ${obj.reason}`);
  else keys = [];
  return runEach(ip, s, keys, outer, rec, label);
}

/** `for (x of items)` over unknown items: the body once with an unknown `x`, then the loop's writes unknown. */
function unknownItems(ip: Interpreter, s: ts.ForOfStatement | ts.ForInStatement, items: Unknown, outer: Scope, rec: ModuleRecord, label: string | undefined, what: string): Completion {
  return repeatsUnknown(ip, s, s.expression, items, outer, rec, label, () => {
    const scope = new Scope(outer);
    bindItem(ip, s, new Unknown(what), scope, rec);
    return exec(ip, s.statement, scope, rec);
  });
}

function bindItem(ip: Interpreter, s: ts.ForOfStatement | ts.ForInStatement, item: Value, scope: Scope, rec: ModuleRecord): void {
  const init = s.initializer;
  if (ts.isVariableDeclarationList(init)) {
    const d = init.declarations[0];
    if (d) bindPattern(ip, d.name, item, scope, rec, init.flags & ts.NodeFlags.BlockScoped ? 'let' : 'var');
  } else assignTo(ip, init, item, scope, rec);
}

function runEach(ip: Interpreter, s: ts.ForOfStatement | ts.ForInStatement, items: Value[], outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  let i = 0;
  const watch = watchLoop(ip);
  for (const item of items) {
    if (cutDataLoop(ip, watch, ++i, s, outer, rec) || !loopGuard(ip, i, s, rec)) break;
    ip.charge(s);
    const scope = new Scope(outer);
    bindItem(ip, s, item, scope, rec);
    const r = loopCompletion(exec(ip, s.statement, scope, rec), label);
    if (r === 'break') break;
    if (r && r !== 'continue') return r;
  }
  return undefined;
}

function execWhile(ip: Interpreter, s: ts.WhileStatement, scope: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  const watch = watchLoop(ip);
  for (let i = 1; ; i++) {
    const c = truthy(evalExpr(ip, s.expression, scope, rec));
    if (c !== true) {
      if (isUnknown(c)) return repeatsUnknown(ip, s, s.expression, c, scope, rec, label, () => exec(ip, s.statement, scope, rec));
      break;
    }
    if (cutDataLoop(ip, watch, i, s, scope, rec) || !loopGuard(ip, i, s, rec)) break;
    ip.charge(s);
    const r = loopCompletion(exec(ip, s.statement, scope, rec), label);
    if (r === 'break') break;
    if (r && r !== 'continue') return r;
  }
  return undefined;
}

function execDo(ip: Interpreter, s: ts.DoStatement, scope: Scope, rec: ModuleRecord, label: string | undefined): Completion {
  const watch = watchLoop(ip);
  for (let i = 1; ; i++) {
    if (cutDataLoop(ip, watch, i, s, scope, rec) || !loopGuard(ip, i, s, rec)) break;
    ip.charge(s);
    const r = loopCompletion(exec(ip, s.statement, scope, rec), label);
    if (r === 'break') break;
    if (r && r !== 'continue') return r;
    const c = truthy(evalExpr(ip, s.expression, scope, rec));
    if (isUnknown(c)) return repeatsUnknown(ip, s, s.expression, c, scope, rec, label, () => exec(ip, s.statement, scope, rec));
    if (c !== true) break;
  }
  return undefined;
}

function execLabeled(ip: Interpreter, s: ts.LabeledStatement, scope: Scope, rec: ModuleRecord): Completion {
  const label = s.label.text;
  const body = s.statement;
  let c: Completion;
  if (ts.isForStatement(body)) c = execFor(ip, body, scope, rec, label);
  else if (ts.isForOfStatement(body)) c = execForOf(ip, body, scope, rec, label);
  else if (ts.isForInStatement(body)) c = execForIn(ip, body, scope, rec, label);
  else if (ts.isWhileStatement(body)) c = execWhile(ip, body, scope, rec, label);
  else if (ts.isDoStatement(body)) c = execDo(ip, body, scope, rec, label);
  else c = exec(ip, body, scope, rec);
  if (c && c.kind === 'break' && c.label === label) return undefined;
  return c;
}

// ---------------------------------------------------------------- switch, try, enum

function execSwitch(ip: Interpreter, s: ts.SwitchStatement, outer: Scope, rec: ModuleRecord): Completion {
  const v = evalExpr(ip, s.expression, outer, rec);
  const scope = new Scope(outer);
  const clauses = s.caseBlock.clauses;
  let start = -1;
  if (isUnknown(v)) {
    // One option per case (and one for none of them): each is a path of its own.
    const caseValues = clauses.map((cl) => (ts.isCaseClause(cl) ? evalExpr(ip, cl.expression, scope, rec) : DEFAULT));
    start = decideSwitch(ip, s, v, caseValues, rec, scope);
  } else {
    for (let i = 0; i < clauses.length && start < 0; i++) {
      const cl = clauses[i]!;
      if (ts.isCaseClause(cl) && strictEquals(v, evalExpr(ip, cl.expression, scope, rec)) === true) start = i;
    }
    if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
  }
  if (start < 0) return undefined;
  for (let i = start; i < clauses.length; i++) {
    for (const st of clauses[i]!.statements) {
      const c = exec(ip, st, scope, rec);
      if (c) {
        if (c.kind === 'break' && c.label === undefined) return undefined;
        return c;
      }
    }
  }
  return undefined;
}

function execTry(ip: Interpreter, s: ts.TryStatement, scope: Scope, rec: ModuleRecord): Completion {
  let c: Completion;
  try {
    c = execBlock(ip, s.tryBlock.statements, new Scope(scope), rec);
  } catch (e) {
    if (!(e instanceof UserThrow) || !s.catchClause) {
      if (s.finallyBlock) execBlock(ip, s.finallyBlock.statements, new Scope(scope), rec);
      throw e;
    }
    const cs = new Scope(scope);
    const decl = s.catchClause.variableDeclaration;
    if (decl) bindPattern(ip, decl.name, e.value, cs, rec, 'let');
    c = execBlock(ip, s.catchClause.block.statements, cs, rec);
  }
  if (s.finallyBlock) {
    const f = execBlock(ip, s.finallyBlock.statements, new Scope(scope), rec);
    if (f) return f;
  }
  return c;
}

function execEnum(ip: Interpreter, s: ts.EnumDeclaration, scope: Scope, rec: ModuleRecord): void {
  const obj = new JsObject();
  // An initializer may name earlier members bare (`Wide = Base << 1`), as TypeScript allows.
  const members = new Scope(scope);
  let next = 0;
  for (const m of s.members) {
    const name = propertyNameText(m.name);
    if (name === undefined) continue;
    let v: Value = next;
    if (m.initializer) v = evalExpr(ip, m.initializer, members, rec);
    obj.set(name, v);
    members.declare(name, v);
    if (typeof v === 'number') {
      obj.set(String(v), name);
      next = v + 1;
    }
  }
  scope.declare(s.name.text, obj);
  exportDeclared(s, s.name.text, obj, rec, scope);
}

/**
 * `namespace Zoo { export function f() {} }` (TypeScript compiles it to an IIFE filling an object):
 * the body runs in a scope of its own, and what it exports becomes a property of the namespace
 * object (one declared before under that name is merged into). Its exported functions are named by
 * their path (`Zoo.Vision.tinyConvNet`), as the models they return are.
 */
function execNamespace(ip: Interpreter, s: ts.ModuleDeclaration, scope: Scope, rec: ModuleRecord, prefix: string): JsObject | undefined {
  if (isAmbient(s) || !ts.isIdentifier(s.name) || !s.body) return undefined;
  const name = s.name.text;
  const path = prefix + name;
  const prev = scope.hasOwn(name) ? scope.lookup(name)!.value : undefined;
  const ns = prev instanceof JsObject ? prev : new JsObject();
  if (!(prev instanceof JsObject)) scope.declare(name, ns);
  const inner = new Scope(scope, true);
  if (ts.isModuleDeclaration(s.body)) {
    // `namespace A.B { ... }`: B is A's, exported.
    const child = execNamespace(ip, s.body, inner, rec, `${path}.`);
    if (child) ns.set((s.body.name as ts.Identifier).text, child);
  } else if (ts.isModuleBlock(s.body)) {
    const stmts = s.body.statements;
    hoist(ip, stmts, inner, rec);
    for (const st of stmts) {
      if (ts.isFunctionDeclaration(st) && st.name && st.body && isExported(st)) {
        const f = makeClosure(st, inner, rec, `${path}.${st.name.text}`);
        inner.declare(st.name.text, f);
        ns.set(st.name.text, f);
      }
    }
    for (const st of stmts) {
      if (ts.isModuleDeclaration(st)) {
        const child = execNamespace(ip, st, inner, rec, `${path}.`);
        if (child && isExported(st)) ns.set((st.name as ts.Identifier).text, child);
        continue;
      }
      if (exec(ip, st, inner, rec)) break;
      if (isExported(st)) for (const n of declaredNames(st)) ns.set(n, inner.lookup(n)?.value);
    }
  }
  exportDeclared(s, name, ns, rec, scope);
  return ns;
}

function isExported(s: ts.Statement): boolean {
  return ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function declaredNames(s: ts.Statement): string[] {
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  if ((ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) return [s.name.text];
  return [];
}
