/**
 * The abstract interpreter: runs model-building code over the TypeScript syntax tree without
 * executing anything real. Values the analysis cannot know become `Unknown` and flow on; every loop,
 * call and statement is charged to a budget so user code can never hang the editor.
 */
import ts from 'typescript';
import { Unknown, isUnknown } from '../unknown';
import { BudgetExceeded, type BudgetLimits, DEFAULT_LIMITS } from './budget';
import { Scope } from './scope';
import { type AnalysisHost, ModuleRecord, isRelativeSpecifier, normalizePath, resolveRelative, unresolvedImportMessage } from './modules';
import { parseSource, propertyNameText } from '../syntax/parse';
import {
  ClassValue,
  Closure,
  HostObject,
  JsObject,
  NativeFunction,
  type Value,
  looseEquals,
  strictEquals,
  toNumber,
  toStr,
  truthy,
  typeOf,
} from './values';
import { getBuiltinProperty, makeGlobals } from './builtins';
import type { EngineDiagnostic, Loc } from '../source';

// ts.SyntaxKind is a large enum object: hoisting the kinds the interpreter switches on into
// constants keeps the hot switch statements cheap.
const SK_AmpersandAmpersandEqualsToken = ts.SyntaxKind.AmpersandAmpersandEqualsToken;
const SK_AmpersandAmpersandToken = ts.SyntaxKind.AmpersandAmpersandToken;
const SK_AmpersandEqualsToken = ts.SyntaxKind.AmpersandEqualsToken;
const SK_AmpersandToken = ts.SyntaxKind.AmpersandToken;
const SK_ArrayLiteralExpression = ts.SyntaxKind.ArrayLiteralExpression;
const SK_ArrowFunction = ts.SyntaxKind.ArrowFunction;
const SK_AsExpression = ts.SyntaxKind.AsExpression;
const SK_AsteriskAsteriskEqualsToken = ts.SyntaxKind.AsteriskAsteriskEqualsToken;
const SK_AsteriskAsteriskToken = ts.SyntaxKind.AsteriskAsteriskToken;
const SK_AsteriskEqualsToken = ts.SyntaxKind.AsteriskEqualsToken;
const SK_AsteriskToken = ts.SyntaxKind.AsteriskToken;
const SK_AwaitExpression = ts.SyntaxKind.AwaitExpression;
const SK_BarBarEqualsToken = ts.SyntaxKind.BarBarEqualsToken;
const SK_BarBarToken = ts.SyntaxKind.BarBarToken;
const SK_BarEqualsToken = ts.SyntaxKind.BarEqualsToken;
const SK_BarToken = ts.SyntaxKind.BarToken;
const SK_BigIntLiteral = ts.SyntaxKind.BigIntLiteral;
const SK_BinaryExpression = ts.SyntaxKind.BinaryExpression;
const SK_Block = ts.SyntaxKind.Block;
const SK_BreakStatement = ts.SyntaxKind.BreakStatement;
const SK_CallExpression = ts.SyntaxKind.CallExpression;
const SK_CaretEqualsToken = ts.SyntaxKind.CaretEqualsToken;
const SK_CaretToken = ts.SyntaxKind.CaretToken;
const SK_ClassDeclaration = ts.SyntaxKind.ClassDeclaration;
const SK_ClassExpression = ts.SyntaxKind.ClassExpression;
const SK_CommaListExpression = ts.SyntaxKind.CommaListExpression;
const SK_CommaToken = ts.SyntaxKind.CommaToken;
const SK_ConditionalExpression = ts.SyntaxKind.ConditionalExpression;
const SK_ContinueStatement = ts.SyntaxKind.ContinueStatement;
const SK_DefaultKeyword = ts.SyntaxKind.DefaultKeyword;
const SK_DeleteExpression = ts.SyntaxKind.DeleteExpression;
const SK_DoStatement = ts.SyntaxKind.DoStatement;
const SK_ElementAccessExpression = ts.SyntaxKind.ElementAccessExpression;
const SK_EnumDeclaration = ts.SyntaxKind.EnumDeclaration;
const SK_EqualsEqualsEqualsToken = ts.SyntaxKind.EqualsEqualsEqualsToken;
const SK_EqualsEqualsToken = ts.SyntaxKind.EqualsEqualsToken;
const SK_EqualsToken = ts.SyntaxKind.EqualsToken;
const SK_ExclamationEqualsEqualsToken = ts.SyntaxKind.ExclamationEqualsEqualsToken;
const SK_ExclamationEqualsToken = ts.SyntaxKind.ExclamationEqualsToken;
const SK_ExclamationToken = ts.SyntaxKind.ExclamationToken;
const SK_ExportAssignment = ts.SyntaxKind.ExportAssignment;
const SK_ExportDeclaration = ts.SyntaxKind.ExportDeclaration;
const SK_ExportKeyword = ts.SyntaxKind.ExportKeyword;
const SK_ExpressionStatement = ts.SyntaxKind.ExpressionStatement;
const SK_ExtendsKeyword = ts.SyntaxKind.ExtendsKeyword;
const SK_FalseKeyword = ts.SyntaxKind.FalseKeyword;
const SK_ForInStatement = ts.SyntaxKind.ForInStatement;
const SK_ForOfStatement = ts.SyntaxKind.ForOfStatement;
const SK_ForStatement = ts.SyntaxKind.ForStatement;
const SK_FunctionDeclaration = ts.SyntaxKind.FunctionDeclaration;
const SK_FunctionExpression = ts.SyntaxKind.FunctionExpression;
const SK_GreaterThanEqualsToken = ts.SyntaxKind.GreaterThanEqualsToken;
const SK_GreaterThanGreaterThanEqualsToken = ts.SyntaxKind.GreaterThanGreaterThanEqualsToken;
const SK_GreaterThanGreaterThanGreaterThanEqualsToken = ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken;
const SK_GreaterThanGreaterThanGreaterThanToken = ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken;
const SK_GreaterThanGreaterThanToken = ts.SyntaxKind.GreaterThanGreaterThanToken;
const SK_GreaterThanToken = ts.SyntaxKind.GreaterThanToken;
const SK_Identifier = ts.SyntaxKind.Identifier;
const SK_IfStatement = ts.SyntaxKind.IfStatement;
const SK_ImportDeclaration = ts.SyntaxKind.ImportDeclaration;
const SK_ImportEqualsDeclaration = ts.SyntaxKind.ImportEqualsDeclaration;
const SK_InKeyword = ts.SyntaxKind.InKeyword;
const SK_InstanceOfKeyword = ts.SyntaxKind.InstanceOfKeyword;
const SK_LabeledStatement = ts.SyntaxKind.LabeledStatement;
const SK_LessThanEqualsToken = ts.SyntaxKind.LessThanEqualsToken;
const SK_LessThanLessThanEqualsToken = ts.SyntaxKind.LessThanLessThanEqualsToken;
const SK_LessThanLessThanToken = ts.SyntaxKind.LessThanLessThanToken;
const SK_LessThanToken = ts.SyntaxKind.LessThanToken;
const SK_MinusEqualsToken = ts.SyntaxKind.MinusEqualsToken;
const SK_MinusMinusToken = ts.SyntaxKind.MinusMinusToken;
const SK_MinusToken = ts.SyntaxKind.MinusToken;
const SK_NewExpression = ts.SyntaxKind.NewExpression;
const SK_NoSubstitutionTemplateLiteral = ts.SyntaxKind.NoSubstitutionTemplateLiteral;
const SK_NonNullExpression = ts.SyntaxKind.NonNullExpression;
const SK_NullKeyword = ts.SyntaxKind.NullKeyword;
const SK_NumericLiteral = ts.SyntaxKind.NumericLiteral;
const SK_ObjectLiteralExpression = ts.SyntaxKind.ObjectLiteralExpression;
const SK_ParenthesizedExpression = ts.SyntaxKind.ParenthesizedExpression;
const SK_PartiallyEmittedExpression = ts.SyntaxKind.PartiallyEmittedExpression;
const SK_PercentEqualsToken = ts.SyntaxKind.PercentEqualsToken;
const SK_PercentToken = ts.SyntaxKind.PercentToken;
const SK_PlusEqualsToken = ts.SyntaxKind.PlusEqualsToken;
const SK_PlusPlusToken = ts.SyntaxKind.PlusPlusToken;
const SK_PlusToken = ts.SyntaxKind.PlusToken;
const SK_PostfixUnaryExpression = ts.SyntaxKind.PostfixUnaryExpression;
const SK_PrefixUnaryExpression = ts.SyntaxKind.PrefixUnaryExpression;
const SK_PrivateKeyword = ts.SyntaxKind.PrivateKeyword;
const SK_PropertyAccessExpression = ts.SyntaxKind.PropertyAccessExpression;
const SK_ProtectedKeyword = ts.SyntaxKind.ProtectedKeyword;
const SK_PublicKeyword = ts.SyntaxKind.PublicKeyword;
const SK_QuestionQuestionEqualsToken = ts.SyntaxKind.QuestionQuestionEqualsToken;
const SK_QuestionQuestionToken = ts.SyntaxKind.QuestionQuestionToken;
const SK_ReadonlyKeyword = ts.SyntaxKind.ReadonlyKeyword;
const SK_ReturnStatement = ts.SyntaxKind.ReturnStatement;
const SK_SatisfiesExpression = ts.SyntaxKind.SatisfiesExpression;
const SK_SlashEqualsToken = ts.SyntaxKind.SlashEqualsToken;
const SK_SlashToken = ts.SyntaxKind.SlashToken;
const SK_SpreadElement = ts.SyntaxKind.SpreadElement;
const SK_StaticKeyword = ts.SyntaxKind.StaticKeyword;
const SK_StringLiteral = ts.SyntaxKind.StringLiteral;
const SK_SuperKeyword = ts.SyntaxKind.SuperKeyword;
const SK_SwitchStatement = ts.SyntaxKind.SwitchStatement;
const SK_TemplateExpression = ts.SyntaxKind.TemplateExpression;
const SK_ThisKeyword = ts.SyntaxKind.ThisKeyword;
const SK_ThrowStatement = ts.SyntaxKind.ThrowStatement;
const SK_TildeToken = ts.SyntaxKind.TildeToken;
const SK_TrueKeyword = ts.SyntaxKind.TrueKeyword;
const SK_TryStatement = ts.SyntaxKind.TryStatement;
const SK_TypeAssertionExpression = ts.SyntaxKind.TypeAssertionExpression;
const SK_TypeOfExpression = ts.SyntaxKind.TypeOfExpression;
const SK_Unknown = ts.SyntaxKind.Unknown;
const SK_VariableStatement = ts.SyntaxKind.VariableStatement;
const SK_VoidExpression = ts.SyntaxKind.VoidExpression;
const SK_WhileStatement = ts.SyntaxKind.WhileStatement;

/** break / continue / return travelling up through statements. */
class Signal {
  constructor(
    readonly kind: 'break' | 'continue' | 'return',
    readonly label: string | undefined,
    readonly value: Value,
  ) {}
}
const BREAK = new Signal('break', undefined, undefined);
const CONTINUE = new Signal('continue', undefined, undefined);
type Completion = Signal | undefined;

/** A user-level `throw`, carried through JS exceptions so try/catch in user code can catch it. */
export class UserThrow extends Error {
  constructor(readonly value: Value) {
    super('user throw');
  }
}

/** One user-function call on the interpreter's stack: what call chains and graph groups are made of. */
export class Frame {
  private loc: Loc | undefined | null = null;
  constructor(
    readonly id: number,
    readonly parent: Frame | undefined,
    /** The function's name as the user sees it ('inceptionBlock', 'ResNet.build'). */
    readonly name: string,
    readonly closure: Closure | undefined,
    /** The call expression (in `callerModule`'s tree) and the argument values it passed. */
    readonly callNode: ts.Node | undefined,
    readonly callerModule: ModuleRecord | undefined,
    readonly args: readonly Value[] = [],
  ) {}
  /** The call expression that entered this frame (undefined for an entry point the engine calls); computed on demand. */
  get callLoc(): Loc | undefined {
    if (this.loc === null) {
      const n = this.callNode;
      const rec = this.callerModule;
      this.loc = n && rec && n.pos >= 0 ? { file: rec.path, start: n.getStart(rec.sourceFile), end: n.end } : undefined;
    }
    return this.loc;
  }
}

/** Packages the host library model provides ('@tensorflow/tfjs' → the tf namespace). */
export type PackageResolver = (spec: string) => Value | undefined;

/** Called after every user-function call, so the analysis can see which calls produced models. */
export type CallObserver = (fn: Closure, args: Value[], result: Value, callNode: ts.Node | undefined) => void;


export class Interpreter {
  readonly diagnostics: EngineDiagnostic[] = [];
  readonly modules = new Map<string, ModuleRecord>();
  readonly globals: Scope;
  frame: Frame | undefined;
  private nextFrameId = 1;
  private steps = 0;
  private depth = 0;
  callObserver: CallObserver | undefined;

  constructor(
    readonly host: AnalysisHost,
    readonly resolvePackage: PackageResolver,
    readonly limits: BudgetLimits = DEFAULT_LIMITS,
  ) {
    this.globals = makeGlobals();
  }

  // ---------------------------------------------------------------- entry points

  /** Load (parse + evaluate once) a module. */
  loadModule(path: string, text: string): ModuleRecord {
    path = normalizePath(path);
    let rec = this.modules.get(path);
    if (rec) return rec;
    rec = new ModuleRecord(path, parseSource(text, path), this.globals);
    this.modules.set(path, rec);
    this.evaluateModule(rec);
    return rec;
  }

  private evaluateModule(rec: ModuleRecord): void {
    rec.status = 'evaluating';
    const scope = rec.scope;
    const stmts = rec.sourceFile.statements;
    this.collectExports(rec);
    this.hoist(stmts, scope, rec);
    const savedFrame = this.frame;
    const savedModule = this.currentModule;
    this.currentModule = rec;
    for (const stmt of stmts) {
      // Each top-level statement gets its own budget: one runaway loop must not cost the rest of the file.
      this.resetBudget();
      try {
        this.exec(stmt, scope, rec);
      } catch (e) {
        this.frame = savedFrame;
        this.recordAbort(e, stmt, rec);
      }
    }
    this.currentModule = savedModule;
    rec.status = 'done';
  }

  /** Reset the per-entry step budget (the analysis driver calls this before each builder). */
  resetBudget(): void {
    this.steps = 0;
  }

  /** Turn an exception escaping an entry point into a diagnostic; rethrow real engine bugs. */
  recordAbort(e: unknown, at: ts.Node, rec: ModuleRecord): void {
    if (e instanceof BudgetExceeded) {
      const node = (e.at as ts.Node | undefined) ?? at;
      this.report(node, rec, 'warning', 'analysis-budget', e.message);
    } else if (e instanceof UserThrow) {
      // The model code throws on this path (often a deliberate guard); shapes past it are not analysed.
      const msg = e.value instanceof JsObject ? toStr(e.value.get('message')) : toStr(e.value);
      this.report(at, rec, 'information', 'user-throw', `analysis stopped here: the code throws (${msg})`);
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      this.report(at, rec, 'warning', 'analysis-budget', 'analysis stopped: the code nests too deeply to analyse');
    } else throw e;
  }

  report(node: ts.Node, rec: ModuleRecord, severity: EngineDiagnostic['severity'], code: string, message: string,
    related?: EngineDiagnostic['related']): void {
    this.diagnostics.push({ loc: this.loc(node, rec), severity, code, message, related });
  }

  loc(node: ts.Node, rec: ModuleRecord): Loc {
    const sf = rec.sourceFile;
    return { file: rec.path, start: node.pos >= 0 ? node.getStart(sf) : 0, end: Math.max(node.end, 0) };
  }

  /** Charge one unit of work; throws BudgetExceeded past the limit. */
  charge(node: ts.Node): void {
    if (++this.steps > this.limits.maxSteps)
      throw new BudgetExceeded(`analysis stopped: the code did not finish within ${this.limits.maxSteps.toLocaleString('en-US')} steps`, node);
  }

  // ---------------------------------------------------------------- hoisting

  private hoist(stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[], scope: Scope, rec: ModuleRecord): void {
    const h = hoistingOf(stmts);
    for (const f of h.functions) {
      // `export default function () {}` has no name; it is exported as '%default'.
      scope.declare(f.name?.text ?? '%default', this.makeClosure(f, scope, rec, f.name?.text ?? 'default'));
    }
    for (const v of h.vars) scope.declareVar(v, undefined);
    // Classes are not hoisted in JS, but hoisting a placeholder lets earlier functions refer to them.
    for (const c of h.classes) if (!scope.hasOwn(c)) scope.declare(c, undefined);
  }

  // ---------------------------------------------------------------- statements

  private execBlock(stmts: ts.NodeArray<ts.Statement>, scope: Scope, rec: ModuleRecord): Completion {
    for (const s of stmts) if (ts.isFunctionDeclaration(s) && s.name && s.body) scope.declare(s.name.text, this.makeClosure(s, scope, rec, s.name.text));
    for (const s of stmts) {
      const c = this.exec(s, scope, rec);
      if (c) return c;
    }
    return undefined;
  }

  exec(s: ts.Statement, scope: Scope, rec: ModuleRecord): Completion {
    this.charge(s);
    switch (s.kind) {
      case SK_ExpressionStatement:
        this.eval((s as ts.ExpressionStatement).expression, scope, rec);
        return undefined;
      case SK_VariableStatement:
        this.execVarList((s as ts.VariableStatement).declarationList, scope, rec);
        return undefined;
      case SK_ReturnStatement: {
        const e = (s as ts.ReturnStatement).expression;
        return new Signal('return', undefined, e ? this.eval(e, scope, rec) : undefined);
      }
      case SK_IfStatement: {
        const st = s as ts.IfStatement;
        const c = truthy(this.eval(st.expression, scope, rec));
        // An unknown condition takes the `then` branch: builders usually guard optional layers that way.
        if (c === true || isUnknown(c)) return this.exec(st.thenStatement, scope, rec);
        return st.elseStatement ? this.exec(st.elseStatement, scope, rec) : undefined;
      }
      case SK_Block: {
        const stmts = (s as ts.Block).statements;
        return this.execBlock(stmts, needsScope(stmts) ? new Scope(scope) : scope, rec);
      }
      case SK_ForStatement:
        return this.execFor(s as ts.ForStatement, scope, rec, undefined);
      case SK_ForOfStatement:
        return this.execForOf(s as ts.ForOfStatement, scope, rec, undefined);
      case SK_ForInStatement:
        return this.execForIn(s as ts.ForInStatement, scope, rec, undefined);
      case SK_WhileStatement:
        return this.execWhile(s as ts.WhileStatement, scope, rec, undefined);
      case SK_DoStatement:
        return this.execDo(s as ts.DoStatement, scope, rec, undefined);
      case SK_BreakStatement: {
        const l = (s as ts.BreakStatement).label;
        return l ? new Signal('break', l.text, undefined) : BREAK;
      }
      case SK_ContinueStatement: {
        const l = (s as ts.ContinueStatement).label;
        return l ? new Signal('continue', l.text, undefined) : CONTINUE;
      }
      case SK_LabeledStatement:
        return this.execLabeled(s as ts.LabeledStatement, scope, rec);
      case SK_SwitchStatement:
        return this.execSwitch(s as ts.SwitchStatement, scope, rec);
      case SK_ThrowStatement:
        throw new UserThrow(this.eval((s as ts.ThrowStatement).expression, scope, rec));
      case SK_TryStatement:
        return this.execTry(s as ts.TryStatement, scope, rec);
      case SK_FunctionDeclaration:
        return undefined; // hoisted
      case SK_ClassDeclaration: {
        const c = s as ts.ClassDeclaration;
        const cls = this.makeClass(c, scope, rec);
        if (c.name) {
          if (scope.hasOwn(c.name.text)) this.assignName(c.name.text, cls, scope);
          else scope.declare(c.name.text, cls);
        }
        this.exportDeclared(s, c.name?.text, cls, rec, scope);
        return undefined;
      }
      case SK_ImportDeclaration:
        this.execImport(s as ts.ImportDeclaration, scope, rec);
        return undefined;
      case SK_ExportDeclaration:
        this.execExportDeclaration(s as ts.ExportDeclaration, rec);
        return undefined;
      case SK_ExportAssignment: {
        const ea = s as ts.ExportAssignment;
        rec.exports.set(ea.isExportEquals ? '=' : 'default', { kind: 'value', value: this.eval(ea.expression, scope, rec) });
        return undefined;
      }
      case SK_ImportEqualsDeclaration: {
        const ie = s as ts.ImportEqualsDeclaration;
        if (ts.isExternalModuleReference(ie.moduleReference) && ts.isStringLiteral(ie.moduleReference.expression))
          scope.declare(ie.name.text, this.requireModule(ie.moduleReference.expression.text, rec, ie));
        return undefined;
      }
      case SK_EnumDeclaration:
        this.execEnum(s as ts.EnumDeclaration, scope, rec);
        return undefined;
      default:
        // Types, interfaces, empty statements, declarations: nothing to run.
        return undefined;
    }
  }

  private execVarList(list: ts.VariableDeclarationList, scope: Scope, rec: ModuleRecord): void {
    const blockScoped = (list.flags & ts.NodeFlags.BlockScoped) !== 0;
    const constant = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const value = d.initializer ? this.eval(d.initializer, scope, rec, nameHint(d.name)) : undefined;
      if (!blockScoped && !d.initializer) continue; // `var x;` keeps a hoisted value
      this.bindPattern(d.name, value, scope, rec, blockScoped ? (constant ? 'const' : 'let') : 'var');
    }
  }

  /** Loops that already ran past the limit: a loop that ran away once (in a helper called 50 times) is not run to the limit again. */
  private readonly runaway = new Set<ts.Node>();

  private loopGuard(iterations: number, node: ts.Node, rec: ModuleRecord): boolean {
    if (iterations <= this.limits.maxLoopIterations && !(this.runaway.has(node) && iterations > 1)) return true;
    if (this.runaway.has(node)) return false;
    this.runaway.add(node);
    this.report(node, rec, 'warning', 'analysis-budget',
      `analysis stopped: loop did not finish within ${this.limits.maxLoopIterations.toLocaleString('en-US')} iterations; shapes after it may be incomplete`);
    return false;
  }

  /** Handles a loop body's completion. Returns 'break' to leave the loop, a Signal to propagate, or undefined. */
  private loopCompletion(c: Completion, label: string | undefined): Completion | 'break' | 'continue' {
    if (!c) return undefined;
    if (c.kind === 'break' && (c.label === undefined || c.label === label)) return 'break';
    if (c.kind === 'continue' && (c.label === undefined || c.label === label)) return 'continue';
    return c;
  }

  private execFor(s: ts.ForStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    const scope = new Scope(outer);
    const init = s.initializer;
    let perIteration: string[] = [];
    if (init) {
      if (ts.isVariableDeclarationList(init)) {
        this.execVarList(init, scope, rec);
        if (init.flags & ts.NodeFlags.BlockScoped) perIteration = [...scope.ownNames()];
      } else this.eval(init, scope, rec);
    }
    let iterScope = scope;
    for (let i = 1; ; i++) {
      if (s.condition) {
        const c = truthy(this.eval(s.condition, iterScope, rec));
        if (c !== true) {
          if (isUnknown(c)) this.reportUnknownLoop(s.condition, rec, c);
          break;
        }
      }
      if (!this.loopGuard(i, s, rec)) break;
      this.charge(s);
      const r = this.loopCompletion(this.exec(s.statement, iterScope, rec), label);
      if (r === 'break') break;
      if (r && r !== 'continue') return r;
      // `let` in a for head gets a fresh binding per iteration (closures capture each one).
      if (perIteration.length) {
        const next = new Scope(outer);
        for (const n of perIteration) next.declare(n, iterScope.lookup(n)!.value);
        iterScope = next;
      }
      if (s.incrementor) this.eval(s.incrementor, iterScope, rec);
    }
    return undefined;
  }

  private reportUnknownLoop(cond: ts.Node, rec: ModuleRecord, u: Unknown): void {
    this.report(cond, rec, 'information', 'unknown-value', `loop condition is unknown (${u.reason}); the loop body was not analysed`);
  }

  private iterate(v: Value): Value[] | Unknown {
    if (Array.isArray(v)) return v.slice();
    if (typeof v === 'string') return [...v];
    if (isUnknown(v)) return v;
    if (v instanceof HostObject) {
      const it = v.getProperty(this, '%iterate', v as unknown as ts.Node);
      if (Array.isArray(it)) return it;
    }
    return new Unknown(`cannot iterate over ${typeOf(v)}`);
  }

  private execForOf(s: ts.ForOfStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    const items = this.iterate(this.eval(s.expression, outer, rec));
    if (isUnknown(items)) {
      this.reportUnknownLoop(s.expression, rec, items);
      return undefined;
    }
    return this.runEach(s, items, outer, rec, label);
  }

  private execForIn(s: ts.ForInStatement, outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    const obj = this.eval(s.expression, outer, rec);
    let keys: Value[];
    if (obj instanceof JsObject) keys = [...obj.props.keys()];
    else if (Array.isArray(obj)) keys = obj.map((_, i) => String(i));
    else if (isUnknown(obj)) {
      this.reportUnknownLoop(s.expression, rec, obj);
      return undefined;
    } else keys = [];
    return this.runEach(s, keys, outer, rec, label);
  }

  private runEach(s: ts.ForOfStatement | ts.ForInStatement, items: Value[], outer: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    let i = 0;
    for (const item of items) {
      if (!this.loopGuard(++i, s, rec)) break;
      this.charge(s);
      const scope = new Scope(outer);
      const init = s.initializer;
      if (ts.isVariableDeclarationList(init)) {
        const d = init.declarations[0];
        if (d) this.bindPattern(d.name, item, scope, rec, init.flags & ts.NodeFlags.BlockScoped ? 'let' : 'var');
      } else this.assignTo(init, item, scope, rec);
      const r = this.loopCompletion(this.exec(s.statement, scope, rec), label);
      if (r === 'break') break;
      if (r && r !== 'continue') return r;
    }
    return undefined;
  }

  private execWhile(s: ts.WhileStatement, scope: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    for (let i = 1; ; i++) {
      const c = truthy(this.eval(s.expression, scope, rec));
      if (c !== true) {
        if (isUnknown(c)) this.reportUnknownLoop(s.expression, rec, c);
        break;
      }
      if (!this.loopGuard(i, s, rec)) break;
      this.charge(s);
      const r = this.loopCompletion(this.exec(s.statement, scope, rec), label);
      if (r === 'break') break;
      if (r && r !== 'continue') return r;
    }
    return undefined;
  }

  private execDo(s: ts.DoStatement, scope: Scope, rec: ModuleRecord, label: string | undefined): Completion {
    for (let i = 1; ; i++) {
      if (!this.loopGuard(i, s, rec)) break;
      this.charge(s);
      const r = this.loopCompletion(this.exec(s.statement, scope, rec), label);
      if (r === 'break') break;
      if (r && r !== 'continue') return r;
      const c = truthy(this.eval(s.expression, scope, rec));
      if (c !== true) break;
    }
    return undefined;
  }

  private execLabeled(s: ts.LabeledStatement, scope: Scope, rec: ModuleRecord): Completion {
    const label = s.label.text;
    const body = s.statement;
    let c: Completion;
    if (ts.isForStatement(body)) c = this.execFor(body, scope, rec, label);
    else if (ts.isForOfStatement(body)) c = this.execForOf(body, scope, rec, label);
    else if (ts.isForInStatement(body)) c = this.execForIn(body, scope, rec, label);
    else if (ts.isWhileStatement(body)) c = this.execWhile(body, scope, rec, label);
    else if (ts.isDoStatement(body)) c = this.execDo(body, scope, rec, label);
    else c = this.exec(body, scope, rec);
    if (c && c.kind === 'break' && c.label === label) return undefined;
    return c;
  }

  private execSwitch(s: ts.SwitchStatement, outer: Scope, rec: ModuleRecord): Completion {
    const v = this.eval(s.expression, outer, rec);
    const scope = new Scope(outer);
    const clauses = s.caseBlock.clauses;
    let start = -1;
    for (let i = 0; i < clauses.length && start < 0; i++) {
      const cl = clauses[i]!;
      if (ts.isCaseClause(cl) && strictEquals(v, this.eval(cl.expression, scope, rec)) === true) start = i;
    }
    if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
    if (start < 0) return undefined;
    for (let i = start; i < clauses.length; i++) {
      for (const st of clauses[i]!.statements) {
        const c = this.exec(st, scope, rec);
        if (c) {
          if (c.kind === 'break' && c.label === undefined) return undefined;
          return c;
        }
      }
    }
    return undefined;
  }

  private execTry(s: ts.TryStatement, scope: Scope, rec: ModuleRecord): Completion {
    let c: Completion;
    try {
      c = this.execBlock(s.tryBlock.statements, new Scope(scope), rec);
    } catch (e) {
      if (!(e instanceof UserThrow) || !s.catchClause) {
        if (s.finallyBlock) this.execBlock(s.finallyBlock.statements, new Scope(scope), rec);
        throw e;
      }
      const cs = new Scope(scope);
      const decl = s.catchClause.variableDeclaration;
      if (decl) this.bindPattern(decl.name, e.value, cs, rec, 'let');
      c = this.execBlock(s.catchClause.block.statements, cs, rec);
    }
    if (s.finallyBlock) {
      const f = this.execBlock(s.finallyBlock.statements, new Scope(scope), rec);
      if (f) return f;
    }
    return c;
  }

  private execEnum(s: ts.EnumDeclaration, scope: Scope, rec: ModuleRecord): void {
    const obj = new JsObject();
    let next = 0;
    for (const m of s.members) {
      const name = propertyNameText(m.name);
      if (name === undefined) continue;
      let v: Value = next;
      if (m.initializer) v = this.eval(m.initializer, scope, rec);
      obj.set(name, v);
      if (typeof v === 'number') {
        obj.set(String(v), name);
        next = v + 1;
      }
    }
    scope.declare(s.name.text, obj);
    this.exportDeclared(s, s.name.text, obj, rec, scope);
  }

  // ---------------------------------------------------------------- modules

  private execImport(s: ts.ImportDeclaration, scope: Scope, rec: ModuleRecord): void {
    if (!ts.isStringLiteral(s.moduleSpecifier)) return;
    const spec = s.moduleSpecifier.text;
    const clause = s.importClause;
    if (!clause) {
      this.importTarget(spec, rec, s); // side-effect import
      return;
    }
    const target = this.importTarget(spec, rec, s);
    if (clause.name) scope.declare(clause.name.text, this.importedName(target, 'default', spec), true);
    const nb = clause.namedBindings;
    if (!nb) return;
    if (ts.isNamespaceImport(nb)) scope.declare(nb.name.text, this.namespaceOf(target, spec), true);
    else
      for (const el of nb.elements) {
        const imported = (el.propertyName ?? el.name).text;
        scope.declare(el.name.text, this.importedName(target, imported, spec), true);
      }
  }

  /** A package namespace value, a local module, or Unknown. */
  private importTarget(spec: string, rec: ModuleRecord, node: ts.Node): Value | ModuleRecord {
    if (isRelativeSpecifier(spec)) {
      const found = resolveRelative(rec.path, spec, this.host);
      if (!found) {
        this.report(node, rec, 'warning', 'unresolved-import', unresolvedImportMessage(rec.path, spec, this.host));
        return new Unknown(`module '${spec}' not found`);
      }
      const existing = this.modules.get(found.path);
      if (existing) return existing; // evaluating (cycle) or done
      const savedFrame = this.frame;
      const savedSteps = this.steps;
      const savedDepth = this.depth;
      try {
        return this.loadModule(found.path, found.text);
      } finally {
        this.frame = savedFrame;
        this.steps = savedSteps;
        this.depth = savedDepth;
      }
    }
    const pkg = this.resolvePackage(spec);
    return pkg !== undefined ? pkg : new Unknown(`package '${spec}' is not modelled`);
  }

  private importedName(target: Value | ModuleRecord, name: string, spec: string): Value {
    if (target instanceof ModuleRecord) return this.readExport(target, name, new Set());
    if (name === 'default') {
      // `import tf from '@tensorflow/tfjs'` works with esModuleInterop: the namespace itself.
      if (target instanceof HostObject) {
        const d = target.getProperty(this, 'default', undefined as unknown as ts.Node);
        return d === undefined || isUnknown(d) ? target : d;
      }
      return target;
    }
    return this.getProperty(target, name, undefined, `'${spec}'`);
  }

  private namespaceOf(target: Value | ModuleRecord, _spec: string): Value {
    if (!(target instanceof ModuleRecord)) return target;
    return new ModuleNamespace(this, target);
  }

  readExport(m: ModuleRecord, name: string, seen: Set<ModuleRecord>): Value {
    if (seen.has(m)) return undefined;
    seen.add(m);
    const b = m.exports.get(name);
    if (b) {
      if (b.kind === 'local') return m.scope.lookup(b.local)?.value;
      if (b.kind === 'value') return b.value;
      if (!b.from) return new Unknown(`re-export '${name}' not found`);
      if (b.name === '*') return new ModuleNamespace(this, b.from);
      return this.readExport(b.from, b.name, seen);
    }
    if (name !== 'default')
      for (const star of m.starExports) {
        const v = this.readExport(star, name, seen);
        if (v !== undefined) return v;
      }
    if (m.status === 'evaluating') return new Unknown(`'${name}' is read before its module finished loading (import cycle)`);
    return undefined;
  }

  private execExportDeclaration(s: ts.ExportDeclaration, rec: ModuleRecord): void {
    if (s.isTypeOnly) return;
    let from: ModuleRecord | undefined;
    if (s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const t = this.importTarget(s.moduleSpecifier.text, rec, s);
      if (t instanceof ModuleRecord) from = t;
      else {
        // Re-exporting a package (`export * from '@tensorflow/tfjs'`): expose its values directly.
        if (s.exportClause && ts.isNamedExports(s.exportClause))
          for (const el of s.exportClause.elements)
            rec.exports.set(el.name.text, { kind: 'value', value: this.getProperty(t, (el.propertyName ?? el.name).text, undefined) });
        else if (s.exportClause && ts.isNamespaceExport(s.exportClause)) rec.exports.set(s.exportClause.name.text, { kind: 'value', value: t });
        return;
      }
    }
    const clause = s.exportClause;
    if (!clause) {
      if (from) rec.starExports.push(from);
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      rec.exports.set(clause.name.text, { kind: 'reexport', from, name: '*' });
      return;
    }
    for (const el of clause.elements) {
      const local = (el.propertyName ?? el.name).text;
      if (s.moduleSpecifier) rec.exports.set(el.name.text, { kind: 'reexport', from, name: local });
      else rec.exports.set(el.name.text, { kind: 'local', local });
    }
  }

  /** Records `export` on a declaration statement. */
  private exportDeclared(s: ts.Node, name: string | undefined, value: Value, rec: ModuleRecord, scope: Scope): void {
    if (scope !== rec.scope) return;
    const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
    if (!mods?.some((m) => m.kind === SK_ExportKeyword)) return;
    const isDefault = mods.some((m) => m.kind === SK_DefaultKeyword);
    if (isDefault) rec.exports.set('default', { kind: 'value', value });
    if (name && !isDefault) rec.exports.set(name, { kind: 'local', local: name });
  }

  /** Collect `export` on hoisted declarations and variable statements of a module (done once). */
  collectExports(rec: ModuleRecord): void {
    for (const s of rec.sourceFile.statements) {
      const mods = ts.canHaveModifiers(s) ? ts.getModifiers(s) : undefined;
      if (!mods?.some((m) => m.kind === SK_ExportKeyword)) continue;
      const isDefault = mods.some((m) => m.kind === SK_DefaultKeyword);
      if (ts.isFunctionDeclaration(s)) {
        if (isDefault) rec.exports.set('default', { kind: 'local', local: s.name?.text ?? '%default' });
        if (s.name && !isDefault) rec.exports.set(s.name.text, { kind: 'local', local: s.name.text });
      } else if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) for (const n of bindingNames(d.name)) rec.exports.set(n, { kind: 'local', local: n });
      } else if (ts.isClassDeclaration(s) && s.name && !isDefault) {
        rec.exports.set(s.name.text, { kind: 'local', local: s.name.text });
      }
    }
  }

  /** `require('...')` */
  requireModule(spec: string, rec: ModuleRecord, node: ts.Node): Value {
    const t = this.importTarget(spec, rec, node);
    if (t instanceof ModuleRecord) {
      const eq = t.exports.get('=');
      if (eq && eq.kind === 'value') return eq.value;
      return new ModuleNamespace(this, t);
    }
    return t;
  }

  // ---------------------------------------------------------------- functions and classes

  makeClosure(node: ts.FunctionLikeDeclaration, scope: Scope, rec: ModuleRecord, name: string, homeClass?: ClassValue, isStatic = false): Closure {
    return new Closure(node, scope, rec, name, undefined, homeClass, isStatic);
  }

  private makeClass(node: ts.ClassLikeDeclaration, scope: Scope, rec: ModuleRecord): ClassValue {
    const name = node.name?.text ?? 'anonymous class';
    let superClass: ClassValue | undefined;
    const ext = node.heritageClauses?.find((h) => h.token === SK_ExtendsKeyword)?.types[0];
    if (ext) {
      const sc = this.eval(ext.expression, scope, rec);
      if (sc instanceof ClassValue) superClass = sc;
    }
    const classScope = new Scope(scope);
    const ctorNode = node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
    const cls = new ClassValue(name, node, classScope, rec, superClass);
    if (ctorNode) cls.ctor = new Closure(ctorNode, classScope, rec, `${name}.constructor`, undefined, cls);
    if (node.name) classScope.declare(node.name.text, cls);
    for (const m of node.members) {
      const mname = propertyNameText(m.name as ts.PropertyName | undefined);
      if (mname === undefined) continue;
      const isStatic = !!(ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === SK_StaticKeyword));
      if (ts.isMethodDeclaration(m) && m.body) {
        const fn = new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls, isStatic);
        if (isStatic) cls.statics.set(mname, fn);
        else cls.methods.set(mname, fn);
      } else if (ts.isGetAccessorDeclaration(m) && m.body && !isStatic) {
        cls.getters.set(mname, new Closure(m, classScope, rec, `${name}.${mname}`, undefined, cls));
      }
    }
    // Static fields run at definition time with `this` = the class.
    const staticScope = new Scope(classScope, true, { thisValue: cls, args: [], home: cls });
    for (const m of node.members) {
      if (!ts.isPropertyDeclaration(m)) continue;
      const isStatic = !!ts.getModifiers(m)?.some((x) => x.kind === SK_StaticKeyword);
      const mname = propertyNameText(m.name);
      if (!isStatic || mname === undefined) continue;
      cls.statics.set(mname, m.initializer ? this.eval(m.initializer, staticScope, rec) : undefined);
    }
    return cls;
  }

  /** `new C(args)` for a user class: fields, then the constructor chain. */
  construct(cls: ClassValue, args: Value[], callNode: ts.Node | undefined): JsObject {
    const obj = new JsObject(cls);
    this.initInstance(cls, obj, args, callNode);
    return obj;
  }

  private initInstance(cls: ClassValue, obj: JsObject, args: Value[], callNode: ts.Node | undefined): void {
    const initFields = (): void => {
      const fs = new Scope(cls.scope, true, { thisValue: obj, args: [], home: cls });
      for (const m of cls.node.members) {
        if (!ts.isPropertyDeclaration(m)) continue;
        if (ts.getModifiers(m)?.some((x) => x.kind === SK_StaticKeyword)) continue;
        const name = propertyNameText(m.name);
        if (name === undefined) continue;
        obj.set(name, m.initializer ? this.eval(m.initializer, fs, cls.module) : undefined);
      }
    };
    if (!cls.ctor) {
      if (cls.superClass) this.initInstance(cls.superClass, obj, args, callNode);
      initFields();
      return;
    }
    // Derived classes initialise fields when super() returns; base classes before the body runs.
    this.callClosure(cls.ctor, obj, args, callNode, { cls, obj, initFields });
  }

  callFunction(fn: Value, thisArg: Value, args: Value[], callNode: ts.Node | undefined, calleeName?: string): Value {
    if (fn instanceof Closure) return this.callClosure(fn, thisArg, args, callNode);
    if (fn instanceof NativeFunction) return fn.impl(this, thisArg, args, callNode ?? dummyNode);
    if (fn instanceof ClassValue) return new Unknown(`class ${fn.name} called without new`);
    if (isUnknown(fn)) return fn;
    return new Unknown(`${calleeName ?? 'value'} is not a function`);
  }

  private callClosure(fn: Closure, thisArg: Value, args: Value[], callNode: ts.Node | undefined,
    ctorInfo?: { cls: ClassValue; obj: JsObject; initFields: () => void }): Value {
    if (callNode) this.charge(callNode);
    if (++this.depth > this.limits.maxCallDepth) {
      this.depth--;
      throw new BudgetExceeded(`analysis stopped: calls nested deeper than ${this.limits.maxCallDepth} (unbounded recursion?)`, callNode ?? fn.node);
    }
    const parentFrame = this.frame;
    this.frame = new Frame(this.nextFrameId++, parentFrame, fn.name, fn, callNode, this.currentModule, args);
    const savedModule = this.currentModule;
    this.currentModule = fn.module;
    try {
      const node = fn.node;
      const rec = fn.module;
      const ctor = ctorInfo ? new CtorState(ctorInfo.cls, ctorInfo.obj, ctorInfo.initFields) : undefined;
      const scope = ts.isArrowFunction(node)
        ? new Scope(fn.scope, true)
        : new Scope(fn.scope, true, { thisValue: thisArg, args, home: fn.homeClass, ctor });
      if (ctorInfo && !ctorInfo.cls.superClass) ctorInfo.initFields();
      const params = node.parameters;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        let v: Value = p.dotDotDotToken ? args.slice(i) : args[i];
        if (v === undefined && p.initializer) v = this.eval(p.initializer, scope, rec, nameHint(p.name));
        this.bindPattern(p.name, v, scope, rec, 'let');
        // TS parameter properties: constructor(private filters = 64) assigns this.filters.
        if (ctorInfo && ts.isIdentifier(p.name) && ts.getModifiers(p)?.some((m) => isParamPropertyModifier(m.kind)))
          ctorInfo.obj.set(p.name.text, v);
      }
      const body = node.body;
      let result: Value;
      if (!body) result = new Unknown(`${fn.name} has no body`);
      else if (!ts.isBlock(body)) result = this.eval(body, scope, rec);
      else {
        this.hoist(body.statements, scope, rec);
        const c = this.execBlock(body.statements, scope, rec);
        result = c && c.kind === 'return' ? c.value : undefined;
      }
      if (ctor && !ctor.superCalled && ctor.cls.superClass) ctor.initFields();
      if (this.callObserver && !ctorInfo) this.callObserver(fn, args, result, callNode);
      return result;
    } finally {
      this.frame = parentFrame;
      this.currentModule = savedModule;
      this.depth--;
    }
  }

  /** The module whose code is running (for locating call sites). */
  currentModule: ModuleRecord | undefined;

  // ---------------------------------------------------------------- patterns and assignment

  bindPattern(name: ts.BindingName, value: Value, scope: Scope, rec: ModuleRecord, kind: 'var' | 'let' | 'const'): void {
    if (ts.isIdentifier(name)) {
      if (kind === 'var') scope.declareVar(name.text, value);
      else scope.declare(name.text, value, kind === 'const');
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      const used: string[] = [];
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          const rest = new JsObject();
          if (value instanceof JsObject) for (const [k, v] of value.props) if (!used.includes(k)) rest.set(k, v);
          this.bindPattern(el.name, rest, scope, rec, kind);
          continue;
        }
        const keyNode = el.propertyName ?? el.name;
        let key: string | undefined;
        if (ts.isComputedPropertyName(keyNode)) key = toStr(this.eval(keyNode.expression, scope, rec));
        else key = propertyNameText(keyNode as ts.PropertyName);
        if (key === undefined) continue;
        used.push(key);
        let v = this.getProperty(value, key, el);
        if (v === undefined && el.initializer) v = this.eval(el.initializer, scope, rec, nameHint(el.name));
        this.bindPattern(el.name, v, scope, rec, kind);
      }
      return;
    }
    // Array pattern: `const [, h, w, c] = x.shape`
    const items = Array.isArray(value) ? value : undefined;
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      let v: Value;
      if (el.dotDotDotToken) v = items ? items.slice(i) : new Unknown('rest of an unknown array');
      else v = items ? items[i] : isUnknown(value) ? value : new Unknown(`cannot destructure ${typeOf(value)}`);
      if (v === undefined && el.initializer) v = this.eval(el.initializer, scope, rec, nameHint(el.name));
      this.bindPattern(el.name, v, scope, rec, kind);
    });
  }

  private assignName(name: string, value: Value, scope: Scope): void {
    const b = scope.lookup(name);
    if (b) {
      if (!b.constant) b.value = value;
    } else this.globals.declare(name, value); // sloppy-mode global
  }

  /** Assignment to an expression target (identifier, member, or destructuring literal). */
  assignTo(target: ts.Expression, value: Value, scope: Scope, rec: ModuleRecord): void {
    target = skipOuterExpressions(target);
    if (ts.isIdentifier(target)) return this.assignName(target.text, value, scope);
    if (ts.isPropertyAccessExpression(target)) {
      const obj = this.eval(target.expression, scope, rec);
      return this.setProperty(obj, target.name.text, value);
    }
    if (ts.isElementAccessExpression(target)) {
      const obj = this.eval(target.expression, scope, rec);
      const key = this.eval(target.argumentExpression, scope, rec);
      if (isUnknown(key)) return;
      return this.setProperty(obj, typeof key === 'number' ? key : toStr(key), value);
    }
    if (ts.isArrayLiteralExpression(target)) {
      const items = Array.isArray(value) ? value.slice() : undefined;
      target.elements.forEach((el, i) => {
        if (ts.isOmittedExpression(el)) return;
        if (ts.isSpreadElement(el)) return this.assignTo(el.expression, items ? items.slice(i) : new Unknown('rest'), scope, rec);
        let t: ts.Expression = el;
        let def: ts.Expression | undefined;
        if (ts.isBinaryExpression(el) && el.operatorToken.kind === SK_EqualsToken) {
          t = el.left;
          def = el.right;
        }
        let v: Value = items ? items[i] : isUnknown(value) ? value : new Unknown('not an array');
        if (v === undefined && def) v = this.eval(def, scope, rec);
        this.assignTo(t, v, scope, rec);
      });
      return;
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) {
          let v = this.getProperty(value, p.name.text, p);
          if (v === undefined && p.objectAssignmentInitializer) v = this.eval(p.objectAssignmentInitializer, scope, rec);
          this.assignName(p.name.text, v, scope);
        } else if (ts.isPropertyAssignment(p)) {
          const key = propertyNameText(p.name);
          if (key === undefined) continue;
          let t: ts.Expression = p.initializer;
          let def: ts.Expression | undefined;
          if (ts.isBinaryExpression(t) && t.operatorToken.kind === SK_EqualsToken) {
            def = t.right;
            t = t.left;
          }
          let v = this.getProperty(value, key, p);
          if (v === undefined && def) v = this.eval(def, scope, rec);
          this.assignTo(t, v, scope, rec);
        }
      }
    }
  }

  // ---------------------------------------------------------------- properties

  getProperty(obj: Value, key: string | number, node: ts.Node | undefined, what?: string): Value {
    if (obj instanceof JsObject) {
      const k = String(key);
      if (obj.props.has(k)) return obj.props.get(k);
      if (obj.cls) {
        const g = obj.cls.findGetter(k);
        if (g) return this.callClosure(g, obj, [], undefined);
        const m = obj.cls.findMethod(k);
        if (m) return m;
      }
      return getBuiltinProperty(obj, k);
    }
    if (Array.isArray(obj)) {
      if (typeof key === 'number') return obj[key];
      if (key === 'length') return obj.length;
      const idx = Number(key);
      if (Number.isInteger(idx) && idx >= 0 && String(idx) === key) return obj[idx];
      return getBuiltinProperty(obj, key);
    }
    if (obj instanceof HostObject) return obj.getProperty(this, String(key), node ?? dummyNode);
    if (obj instanceof ClassValue) {
      const k = String(key);
      for (let c: ClassValue | undefined = obj; c; c = c.superClass) if (c.statics.props.has(k)) return c.statics.get(k);
      if (k === 'name') return obj.name;
      return undefined;
    }
    if (isUnknown(obj)) return obj;
    if (obj === null || obj === undefined) return new Unknown(`cannot read '${key}' of ${obj}${what ? ` (${what})` : ''}`);
    return getBuiltinProperty(obj, String(key));
  }

  setProperty(obj: Value, key: string | number, value: Value): void {
    if (obj instanceof JsObject) obj.set(String(key), value);
    else if (Array.isArray(obj)) {
      if (typeof key === 'number' || /^\d+$/.test(key)) {
        const i = Number(key);
        if (i < 1e6) obj[i] = value;
      } else if (key === 'length' && typeof value === 'number' && value >= 0 && value < 1e6) obj.length = value;
    } else if (obj instanceof ClassValue) obj.statics.set(String(key), value);
    else if (obj instanceof HostObject) obj.setProperty(this, String(key), value);
  }

  // ---------------------------------------------------------------- expressions

  /**
   * Evaluate an expression. `hint` is the name it is being bound to, used to name anonymous
   * functions (`const block = (x) => ...` is called 'block' in call chains).
   */
  eval(e: ts.Expression, scope: Scope, rec: ModuleRecord, hint?: string): Value {
    switch (e.kind) {
      case SK_NumericLiteral:
        return Number((e as ts.NumericLiteral).text);
      case SK_StringLiteral:
      case SK_NoSubstitutionTemplateLiteral:
        return (e as ts.StringLiteral).text;
      case SK_BigIntLiteral:
        return new Unknown('bigint');
      case SK_TrueKeyword:
        return true;
      case SK_FalseKeyword:
        return false;
      case SK_NullKeyword:
        return null;
      case SK_Identifier:
        return this.evalIdentifier(e as ts.Identifier, scope);
      case SK_ThisKeyword:
        return scope.context()?.thisValue;
      case SK_TemplateExpression:
        return this.evalTemplate(e as ts.TemplateExpression, scope, rec);
      case SK_ParenthesizedExpression:
      case SK_AsExpression:
      case SK_TypeAssertionExpression:
      case SK_NonNullExpression:
      case SK_SatisfiesExpression:
      case SK_PartiallyEmittedExpression:
        return this.eval((e as ts.ParenthesizedExpression).expression, scope, rec, hint);
      case SK_AwaitExpression:
        return this.awaitValue(this.eval((e as ts.AwaitExpression).expression, scope, rec));
      case SK_ArrayLiteralExpression:
        return this.evalArray(e as ts.ArrayLiteralExpression, scope, rec);
      case SK_ObjectLiteralExpression:
        return this.evalObject(e as ts.ObjectLiteralExpression, scope, rec);
      case SK_PropertyAccessExpression:
        return this.evalPropertyAccess(e as ts.PropertyAccessExpression, scope, rec);
      case SK_ElementAccessExpression:
        return this.evalElementAccess(e as ts.ElementAccessExpression, scope, rec);
      case SK_CallExpression:
        return this.evalCall(e as ts.CallExpression, scope, rec);
      case SK_NewExpression:
        return this.evalNew(e as ts.NewExpression, scope, rec);
      case SK_BinaryExpression:
        return this.evalBinary(e as ts.BinaryExpression, scope, rec);
      case SK_PrefixUnaryExpression:
        return this.evalPrefix(e as ts.PrefixUnaryExpression, scope, rec);
      case SK_PostfixUnaryExpression:
        return this.evalPostfix(e as ts.PostfixUnaryExpression, scope, rec);
      case SK_ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const t = truthy(this.eval(c.condition, scope, rec));
        if (isUnknown(t)) {
          const a = this.eval(c.whenTrue, scope, rec);
          const b = this.eval(c.whenFalse, scope, rec);
          return a === b ? a : t;
        }
        return this.eval(t ? c.whenTrue : c.whenFalse, scope, rec, hint);
      }
      case SK_ArrowFunction:
      case SK_FunctionExpression: {
        const f = e as ts.ArrowFunction | ts.FunctionExpression;
        const name = (ts.isFunctionExpression(f) && f.name?.text) || hint || 'anonymous function';
        return new Closure(f, scope, rec, name);
      }
      case SK_ClassExpression:
        return this.makeClass(e as ts.ClassExpression, scope, rec);
      case SK_TypeOfExpression: {
        const v = this.eval((e as ts.TypeOfExpression).expression, scope, rec);
        return isUnknown(v) ? v : typeOf(v);
      }
      case SK_VoidExpression:
        this.eval((e as ts.VoidExpression).expression, scope, rec);
        return undefined;
      case SK_DeleteExpression: {
        const t = skipOuterExpressions((e as ts.DeleteExpression).expression);
        if (ts.isPropertyAccessExpression(t)) {
          const o = this.eval(t.expression, scope, rec);
          if (o instanceof JsObject) o.props.delete(t.name.text);
        }
        return true;
      }
      case SK_SpreadElement:
        return this.eval((e as ts.SpreadElement).expression, scope, rec);
      case SK_CommaListExpression:
        return undefined;
      case SK_SuperKeyword:
        return scope.context()?.home;
      default:
        // Regex, tagged templates, yield, JSX, missing nodes of half-typed code: unknown.
        return new Unknown(e.pos < 0 || e.end <= e.pos ? 'incomplete code' : `${ts.SyntaxKind[e.kind]} is not analysed`);
    }
  }

  private awaitValue(v: Value): Value {
    if (v instanceof HostObject) {
      const resolved = v.getProperty(this, '%await', dummyNode);
      if (resolved !== undefined) return resolved;
    }
    return v;
  }

  private evalIdentifier(id: ts.Identifier, scope: Scope): Value {
    const name = id.text;
    if (name === 'undefined') return undefined;
    const b = scope.lookup(name);
    if (b) return b.value;
    if (name === 'arguments') return scope.context()?.args;
    if (name === '') return new Unknown('incomplete code');
    return new Unknown(`'${name}' is not defined here`);
  }

  private evalTemplate(t: ts.TemplateExpression, scope: Scope, rec: ModuleRecord): Value {
    let s = t.head.text;
    for (const span of t.templateSpans) {
      const v = this.eval(span.expression, scope, rec);
      if (isUnknown(v)) return v;
      s += toStr(v) + span.literal.text;
    }
    return s;
  }

  private evalArray(a: ts.ArrayLiteralExpression, scope: Scope, rec: ModuleRecord): Value {
    const out: Value[] = [];
    for (const el of a.elements) {
      if (ts.isSpreadElement(el)) {
        const v = this.iterate(this.eval(el.expression, scope, rec));
        if (isUnknown(v)) return v; // unknown length: the whole array is unknown
        for (const x of v) out.push(x);
      } else if (ts.isOmittedExpression(el)) out.push(undefined);
      else out.push(this.eval(el, scope, rec));
    }
    return out;
  }

  private evalObject(o: ts.ObjectLiteralExpression, scope: Scope, rec: ModuleRecord): Value {
    const obj = new JsObject();
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = this.propertyKey(p.name, scope, rec);
        if (key !== undefined) obj.set(key, this.eval(p.initializer, scope, rec, key));
      } else if (ts.isShorthandPropertyAssignment(p)) {
        obj.set(p.name.text, this.evalIdentifier(p.name, scope));
      } else if (ts.isSpreadAssignment(p)) {
        const v = this.eval(p.expression, scope, rec);
        if (v instanceof JsObject) for (const [k, x] of v.props) obj.set(k, x);
        else if (Array.isArray(v)) v.forEach((x, i) => obj.set(String(i), x));
      } else if (ts.isMethodDeclaration(p)) {
        const key = this.propertyKey(p.name, scope, rec);
        if (key !== undefined) obj.set(key, new Closure(p, scope, rec, key));
      }
    }
    return obj;
  }

  private propertyKey(name: ts.PropertyName, scope: Scope, rec: ModuleRecord): string | undefined {
    if (ts.isComputedPropertyName(name)) {
      const v = this.eval(name.expression, scope, rec);
      return isUnknown(v) ? undefined : toStr(v);
    }
    return propertyNameText(name);
  }

  private evalPropertyAccess(e: ts.PropertyAccessExpression, scope: Scope, rec: ModuleRecord): Value {
    if (e.expression.kind === SK_SuperKeyword) {
      const home = scope.context()?.home;
      if (home?.superClass) return home.superClass.findMethod(e.name.text);
      return new Unknown('super outside a class');
    }
    const obj = this.eval(e.expression, scope, rec);
    if (e.questionDotToken && (obj === null || obj === undefined)) return undefined;
    return this.getProperty(obj, e.name.text, e);
  }

  private evalElementAccess(e: ts.ElementAccessExpression, scope: Scope, rec: ModuleRecord): Value {
    const obj = this.eval(e.expression, scope, rec);
    if (e.questionDotToken && (obj === null || obj === undefined)) return undefined;
    const key = this.eval(e.argumentExpression, scope, rec);
    if (isUnknown(key)) return key;
    if (Array.isArray(obj) && typeof key === 'number') {
      // Negative or out-of-range indexes read undefined, as in JS.
      return obj[key];
    }
    return this.getProperty(obj, typeof key === 'number' ? key : toStr(key), e);
  }

  private evalArgs(args: ts.NodeArray<ts.Expression> | undefined, scope: Scope, rec: ModuleRecord): Value[] | Unknown {
    const out: Value[] = [];
    if (!args) return out;
    for (const a of args) {
      if (ts.isSpreadElement(a)) {
        const v = this.iterate(this.eval(a.expression, scope, rec));
        if (isUnknown(v)) return v;
        for (const x of v) out.push(x);
      } else out.push(this.eval(a, scope, rec));
    }
    return out;
  }

  private evalCall(e: ts.CallExpression, scope: Scope, rec: ModuleRecord): Value {
    const callee = skipOuterExpressions(e.expression);
    // super(...) inside a constructor
    if (callee.kind === SK_SuperKeyword) return this.evalSuperCall(e, scope, rec);
    // require('x')
    if (ts.isIdentifier(callee) && callee.text === 'require' && !scope.lookup('require') && e.arguments.length === 1) {
      const a = e.arguments[0]!;
      if (ts.isStringLiteral(a)) return this.requireModule(a.text, rec, e);
    }
    let fn: Value;
    let thisArg: Value = undefined;
    let calleeName: string | undefined;
    if (ts.isPropertyAccessExpression(callee)) {
      calleeName = callee.name.text;
      if (callee.expression.kind === SK_SuperKeyword) {
        const ctx = scope.context();
        fn = ctx?.home?.superClass ? ctx.home.superClass.findMethod(calleeName) : undefined;
        thisArg = ctx?.thisValue;
      } else {
        thisArg = this.eval(callee.expression, scope, rec);
        if (callee.questionDotToken && (thisArg === null || thisArg === undefined)) return undefined;
        fn = this.getProperty(thisArg, calleeName, callee);
      }
    } else if (ts.isElementAccessExpression(callee)) {
      thisArg = this.eval(callee.expression, scope, rec);
      const key = this.eval(callee.argumentExpression, scope, rec);
      fn = isUnknown(key) ? key : this.getProperty(thisArg, typeof key === 'number' ? key : toStr(key), callee);
      calleeName = isUnknown(key) ? undefined : toStr(key);
    } else {
      fn = this.eval(callee, scope, rec);
      if (ts.isIdentifier(callee)) calleeName = callee.text;
    }
    if (e.questionDotToken && (fn === null || fn === undefined)) return undefined;
    const args = this.evalArgs(e.arguments, scope, rec);
    if (isUnknown(args)) return args;
    // Calling something unknown yields its Unknown: callbacks passed to it are not run (we cannot
    // know whether or how often it would call them).
    if (isUnknown(fn)) return fn;
    return this.callFunction(fn, thisArg, args, e, calleeName);
  }

  private evalSuperCall(e: ts.CallExpression, scope: Scope, rec: ModuleRecord): Value {
    const st = scope.context()?.ctor;
    const args = this.evalArgs(e.arguments, scope, rec);
    if (!(st instanceof CtorState) || isUnknown(args)) return undefined;
    const sup = st.cls.superClass;
    if (sup) this.initInstance(sup, st.obj, args, e);
    st.superCalled = true;
    st.initFields();
    return undefined;
  }

  private evalNew(e: ts.NewExpression, scope: Scope, rec: ModuleRecord): Value {
    const ctor = this.eval(e.expression, scope, rec);
    const args = this.evalArgs(e.arguments, scope, rec);
    if (isUnknown(args)) return args;
    if (ctor instanceof ClassValue) {
      this.charge(e);
      return this.construct(ctor, args, e);
    }
    if (ctor instanceof NativeFunction) {
      if (ctor.construct) return ctor.construct(this, undefined, args, e);
      return ctor.impl(this, undefined, args, e);
    }
    if (ctor instanceof Closure && !ts.isArrowFunction(ctor.node)) {
      const obj = new JsObject();
      const r = this.callClosure(ctor, obj, args, e);
      return r instanceof JsObject ? r : obj;
    }
    if (isUnknown(ctor)) return ctor;
    return new Unknown(`cannot construct ${typeOf(ctor)}`);
  }

  private evalPrefix(e: ts.PrefixUnaryExpression, scope: Scope, rec: ModuleRecord): Value {
    const op = e.operator;
    if (op === SK_PlusPlusToken || op === SK_MinusMinusToken) {
      const old = toNumber(this.eval(e.operand, scope, rec));
      const nv = isUnknown(old) ? old : old + (op === SK_PlusPlusToken ? 1 : -1);
      this.assignTo(e.operand, nv, scope, rec);
      return nv;
    }
    const v = this.eval(e.operand, scope, rec);
    switch (op) {
      case SK_ExclamationToken: {
        const t = truthy(v);
        return isUnknown(t) ? t : !t;
      }
      case SK_MinusToken: {
        const n = toNumber(v);
        return isUnknown(n) ? n : -n;
      }
      case SK_PlusToken:
        return toNumber(v);
      case SK_TildeToken: {
        const n = toNumber(v);
        return isUnknown(n) ? n : ~n;
      }
    }
    return new Unknown('unsupported operator');
  }

  private evalPostfix(e: ts.PostfixUnaryExpression, scope: Scope, rec: ModuleRecord): Value {
    const old = toNumber(this.eval(e.operand, scope, rec));
    const nv = isUnknown(old) ? old : old + (e.operator === SK_PlusPlusToken ? 1 : -1);
    this.assignTo(e.operand, nv, scope, rec);
    return old;
  }

  private evalBinary(e: ts.BinaryExpression, scope: Scope, rec: ModuleRecord): Value {
    const op = e.operatorToken.kind;
    switch (op) {
      case SK_EqualsToken: {
        const v = this.eval(e.right, scope, rec, ts.isIdentifier(e.left) ? e.left.text : undefined);
        this.assignTo(e.left, v, scope, rec);
        return v;
      }
      case SK_AmpersandAmpersandToken: {
        const l = this.eval(e.left, scope, rec);
        const t = truthy(l);
        if (isUnknown(t)) return t;
        return t ? this.eval(e.right, scope, rec) : l;
      }
      case SK_BarBarToken: {
        const l = this.eval(e.left, scope, rec);
        const t = truthy(l);
        if (isUnknown(t)) return t;
        return t ? l : this.eval(e.right, scope, rec);
      }
      case SK_QuestionQuestionToken: {
        const l = this.eval(e.left, scope, rec);
        return l === null || l === undefined ? this.eval(e.right, scope, rec) : l;
      }
      case SK_AmpersandAmpersandEqualsToken:
      case SK_BarBarEqualsToken:
      case SK_QuestionQuestionEqualsToken: {
        const l = this.eval(e.left, scope, rec);
        const t = truthy(l);
        const assign =
          op === SK_QuestionQuestionEqualsToken ? l === null || l === undefined : op === SK_BarBarEqualsToken ? t === false : t === true;
        if (!assign) return l;
        const v = this.eval(e.right, scope, rec);
        this.assignTo(e.left, v, scope, rec);
        return v;
      }
      case SK_CommaToken:
        this.eval(e.left, scope, rec);
        return this.eval(e.right, scope, rec);
    }
    const compound = COMPOUND[op];
    if (compound !== undefined) {
      const v = binaryOp(compound, this.eval(e.left, scope, rec), this.eval(e.right, scope, rec));
      this.assignTo(e.left, v, scope, rec);
      return v;
    }
    const l = this.eval(e.left, scope, rec);
    const r = this.eval(e.right, scope, rec);
    if (op === SK_InstanceOfKeyword) {
      if (l instanceof JsObject && l.cls && r instanceof ClassValue) return l.cls.isSubclassOf(r);
      if (isUnknown(l) || isUnknown(r)) return new Unknown('instanceof on an unknown value');
      if (r instanceof NativeFunction && r.name === 'Array') return Array.isArray(l);
      return false;
    }
    if (op === SK_InKeyword) {
      if (r instanceof JsObject) return r.props.has(toStr(l)) || !!r.cls?.findMethod(toStr(l));
      if (Array.isArray(r)) return toStr(l) === 'length' || Number(l) < r.length;
      return new Unknown("'in' on a non-object");
    }
    return binaryOp(op, l, r);
  }
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

/** `import * as ns from './local'`: a live view of another module's exports. */
export class ModuleNamespace extends HostObject {
  readonly typeName = 'module';
  constructor(
    private readonly interp: Interpreter,
    readonly record: ModuleRecord,
  ) {
    super();
  }
  getProperty(_interp: Interpreter, key: string): Value {
    return this.interp.readExport(this.record, key, new Set());
  }
}

const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [SK_PlusEqualsToken]: SK_PlusToken,
  [SK_MinusEqualsToken]: SK_MinusToken,
  [SK_AsteriskEqualsToken]: SK_AsteriskToken,
  [SK_SlashEqualsToken]: SK_SlashToken,
  [SK_PercentEqualsToken]: SK_PercentToken,
  [SK_AsteriskAsteriskEqualsToken]: SK_AsteriskAsteriskToken,
  [SK_LessThanLessThanEqualsToken]: SK_LessThanLessThanToken,
  [SK_GreaterThanGreaterThanEqualsToken]: SK_GreaterThanGreaterThanToken,
  [SK_GreaterThanGreaterThanGreaterThanEqualsToken]: SK_GreaterThanGreaterThanGreaterThanToken,
  [SK_AmpersandEqualsToken]: SK_AmpersandToken,
  [SK_BarEqualsToken]: SK_BarToken,
  [SK_CaretEqualsToken]: SK_CaretToken,
};

export function binaryOp(op: ts.SyntaxKind, l: Value, r: Value): Value {
  switch (op) {
    case SK_EqualsEqualsEqualsToken:
      return strictEquals(l, r);
    case SK_ExclamationEqualsEqualsToken: {
      const x = strictEquals(l, r);
      return isUnknown(x) ? x : !x;
    }
    case SK_EqualsEqualsToken:
      return looseEquals(l, r);
    case SK_ExclamationEqualsToken: {
      const x = looseEquals(l, r);
      return isUnknown(x) ? x : !x;
    }
  }
  if (isUnknown(l)) return l;
  if (isUnknown(r)) return r;
  if (op === SK_PlusToken) {
    if (typeof l === 'string' || typeof r === 'string' || Array.isArray(l) || Array.isArray(r)) return toStr(l) + toStr(r);
    const a = toNumber(l);
    const b = toNumber(r);
    return isUnknown(a) ? a : isUnknown(b) ? b : a + b;
  }
  if (op === SK_LessThanToken || op === SK_GreaterThanToken || op === SK_LessThanEqualsToken || op === SK_GreaterThanEqualsToken) {
    if (typeof l === 'string' && typeof r === 'string') {
      return op === SK_LessThanToken ? l < r : op === SK_GreaterThanToken ? l > r : op === SK_LessThanEqualsToken ? l <= r : l >= r;
    }
  }
  const a = toNumber(l);
  const b = toNumber(r);
  if (isUnknown(a)) return a;
  if (isUnknown(b)) return b;
  switch (op) {
    case SK_MinusToken:
      return a - b;
    case SK_AsteriskToken:
      return a * b;
    case SK_SlashToken:
      return a / b;
    case SK_PercentToken:
      return a % b;
    case SK_AsteriskAsteriskToken:
      return a ** b;
    case SK_LessThanToken:
      return a < b;
    case SK_GreaterThanToken:
      return a > b;
    case SK_LessThanEqualsToken:
      return a <= b;
    case SK_GreaterThanEqualsToken:
      return a >= b;
    case SK_LessThanLessThanToken:
      return a << b;
    case SK_GreaterThanGreaterThanToken:
      return a >> b;
    case SK_GreaterThanGreaterThanGreaterThanToken:
      return a >>> b;
    case SK_AmpersandToken:
      return a & b;
    case SK_BarToken:
      return a | b;
    case SK_CaretToken:
      return a ^ b;
  }
  return new Unknown(`operator ${ts.tokenToString(op) ?? op} is not analysed`);
}

function isParamPropertyModifier(k: ts.SyntaxKind): boolean {
  return k === SK_PublicKeyword || k === SK_PrivateKeyword || k === SK_ProtectedKeyword || k === SK_ReadonlyKeyword;
}

export function skipOuterExpressions(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isSatisfiesExpression(e)
  )
    e = e.expression;
  return e;
}

function nameHint(n: ts.BindingName): string | undefined {
  return ts.isIdentifier(n) ? n.text : undefined;
}

export function bindingNames(n: ts.BindingName): string[] {
  if (ts.isIdentifier(n)) return [n.text];
  const out: string[] = [];
  for (const el of n.elements) if (!ts.isOmittedExpression(el)) out.push(...bindingNames(el.name));
  return out;
}

interface Hoisting {
  functions: ts.FunctionDeclaration[];
  vars: string[];
  classes: string[];
}

/** What a statement list hoists, computed once per list (a helper called 58 times is walked once). */
const hoistCache = new WeakMap<object, Hoisting>();

function hoistingOf(stmts: ts.NodeArray<ts.Statement> | readonly ts.Statement[]): Hoisting {
  let h = hoistCache.get(stmts);
  if (h) return h;
  h = { functions: [], vars: [], classes: [] };
  const out = h;
  const varNames = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) out.vars.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) varNames(el.name);
  };
  // `var` inside blocks and loops belongs to the function scope.
  const nested = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) for (const d of n.declarations) varNames(d.name);
    ts.forEachChild(n, nested);
  };
  for (const s of stmts) {
    if (ts.isFunctionDeclaration(s) && s.body) out.functions.push(s);
    else if (ts.isVariableStatement(s) && !(s.declarationList.flags & ts.NodeFlags.BlockScoped)) for (const d of s.declarationList.declarations) varNames(d.name);
    else if (ts.isClassDeclaration(s) && s.name) out.classes.push(s.name.text);
    if (ts.isBlock(s) || ts.isIfStatement(s) || ts.isIterationStatement(s, false) || ts.isTryStatement(s) || ts.isSwitchStatement(s) || ts.isLabeledStatement(s))
      ts.forEachChild(s, nested);
  }
  hoistCache.set(stmts, out);
  return out;
}

/** Whether a block declares anything of its own (let, const, class, function): only then does it need a scope. */
const blockScopeCache = new WeakMap<object, boolean>();
function needsScope(stmts: ts.NodeArray<ts.Statement>): boolean {
  let v = blockScopeCache.get(stmts);
  if (v === undefined) {
    v = stmts.some(
      (s) => ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s) || (ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.BlockScoped) !== 0),
    );
    blockScopeCache.set(stmts, v);
  }
  return v;
}

/** Stands in for a node where a native function is called by the engine itself. */
const dummyNode = { pos: -1, end: -1, kind: SK_Unknown } as unknown as ts.Node;
