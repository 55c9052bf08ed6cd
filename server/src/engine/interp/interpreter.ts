/**
 * The abstract interpreter: runs model-building code over the TypeScript syntax tree without
 * executing anything real. Values the analysis cannot know become `Unknown` and flow on; every loop,
 * call and statement is charged to a budget so user code can never hang the editor.
 *
 * This class holds the state (call stack, budget, module table, diagnostics) behind the small
 * interfaces of api.ts; the language itself lives in satellite modules that take it as their first
 * argument: statements.ts, expressions.ts, functions.ts, patterns.ts, module_loader.ts.
 */
import ts from 'typescript';
import { Unknown } from '../unknown';
import { BudgetExceeded, type BudgetLimits, AnalysisCancelled, type CancellationToken, DEFAULT_LIMITS } from './budget';
import { Scope } from './scope';
import { type AnalysisHost, ModuleRecord, normalizePath } from './modules';
import { parseSource } from '../syntax/parse';
import { ClassValue, type Closure, JsObject, type Value, toStr } from './values';
import { makeGlobals } from './builtins';
import type { EngineDiagnostic, Loc } from '../source';
import type { CallObserver, Deferred, EntryOutcome, EntryRun, InterpDriver } from './api';
import { PathContext, setActivePath } from './paths';
import { Frame } from './frame';
import { UserThrow } from './completion';
import { collectExports } from './module_loader';
import { exec, hoist } from './statements';
import { evalExpr } from './expressions';
import { callFunction, construct } from './functions';
import { noteStackOverflow } from '../stack_overflow';

export { Frame } from './frame';
export { UserThrow } from './completion';
export { binaryOp } from './operators';
export { ModuleNamespace } from './module_loader';

/** Packages the host library model provides ('@tensorflow/tfjs' → the tf namespace). */
export type PackageResolver = (spec: string) => Value | undefined;

/** Parsed files by path (a tree is reused only while its text is the file's). */
export interface ParseCache {
  get(path: string): ts.SourceFile | undefined;
  set(path: string, sf: ts.SourceFile): void;
}

export interface InterpreterOptions {
  host: AnalysisHost;
  resolvePackage: PackageResolver;
  limits?: BudgetLimits;
  cancellation?: CancellationToken;
  /** Parsed files to reuse (an analysis that runs the same text several times parses it once). */
  parseCache?: ParseCache;
  /** The options the module's top level takes at its undecidable conditions (see paths.ts). */
  modulePlan?: readonly number[];
}

/**
 * One Loc per node of a tree (Locs are never mutated): a helper called 5,000 times makes one, not
 * 5,000 (getStart scans the trivia each time), and the report places each once. Kept with the tree,
 * across analyses: a tree's positions never move once parsed (an incremental re-parse makes a new
 * SourceFile; the literal patch, syntax/literal_edit.ts, keeps every position), so an edit inside a
 * number, and every unchanged import, finds its Locs made instead of making 15,000 new ones.
 */
const treeLocs = new WeakMap<ts.SourceFile, Map<ts.Node, Loc>>();

export class Interpreter implements InterpDriver {
  readonly diagnostics: EngineDiagnostic[] = [];
  readonly modules = new Map<string, ModuleRecord>();
  readonly globals: Scope;
  readonly host: AnalysisHost;
  readonly resolvePackage: PackageResolver;
  readonly limits: BudgetLimits;
  private readonly cancellation: CancellationToken | undefined;
  private readonly parseCache: ParseCache | undefined;

  // ---- call stack and budget (satellites go through enterCall/leaveCall)
  private frame: Frame | undefined;
  private nextFrameId = 1;
  private steps = 0;
  private depth = 0;
  /** The module whose code is running (for locating call sites). */
  currentModule: ModuleRecord | undefined;
  callObserver: CallObserver | undefined;
  /** Loops that already ran past the limit: a loop that ran away once (in a helper called 50 times) is not run to the limit again. */
  readonly runaway = new Set<ts.Node>();
  /** The path of the module's top level (its decisions are what the driver explores with modulePlan). */
  readonly modulePath: PathContext;
  moduleThrew = false;
  private currentPath: PathContext;
  private entryFn: Closure | undefined;
  private loadDepth = 0;
  /** Functions handed to unknown APIs (event handlers, timers, effects): run when the code running now is done. */
  private readonly deferred: Deferred[] = [];

  constructor(options: InterpreterOptions) {
    this.host = options.host;
    this.resolvePackage = options.resolvePackage;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.cancellation = options.cancellation;
    this.parseCache = options.parseCache;
    this.globals = makeGlobals();
    this.modulePath = new PathContext(options.modulePlan ?? [], this.limits.maxDecisions);
    this.currentPath = this.modulePath;
  }

  // ---------------------------------------------------------------- driver interface

  loadModule(path: string, text: string): ModuleRecord {
    path = normalizePath(path);
    let rec = this.modules.get(path);
    if (rec) return rec;
    let sf = this.parseCache?.get(path);
    if (!sf || sf.text !== text) {
      sf = parseSource(text, path);
      this.parseCache?.set(path, sf);
    }
    rec = new ModuleRecord(path, sf, this.globals);
    this.modules.set(path, rec);
    const savedPath = this.currentPath;
    this.usePath(this.modulePath);
    this.loadDepth++;
    try {
      this.evaluateModule(rec);
    } finally {
      this.loadDepth--;
      this.usePath(savedPath);
    }
    return rec;
  }

  /** Queue a function an unknown API was given: it runs once the code running now is done. */
  defer(fn: Closure, api: string | undefined, before?: () => void, thisArg?: Value): void {
    if (this.deferred.length < MAX_DEFERRED && !this.deferred.some((d) => d.fn === fn)) this.deferred.push({ fn, api, before, thisArg });
  }

  /** The callbacks the module's top level handed to unknown APIs (the driver runs each as an entry). */
  takeDeferred(): Deferred[] {
    return this.deferred.splice(0);
  }

  deferredMark(): number {
    return this.deferred.length;
  }

  runDeferredSince(mark: number, done: () => boolean): void {
    while (this.deferred.length > mark && !done()) {
      const d = this.deferred.splice(mark, 1)[0]!;
      try {
        this.callDeferred(d);
      } catch (e) {
        // A callback that throws does not throw into the code awaiting it.
        if (!(e instanceof UserThrow)) throw e;
      }
    }
  }

  /** Call a deferred callback the way its API would: with unknown arguments. */
  callDeferred({ fn, api, before, thisArg }: Deferred): Value {
    before?.();
    const args = fn.node.parameters.map((p, k) => new Unknown(`the ${ts.isIdentifier(p.name) ? `'${p.name.text}' ` : `${k + 1}. `}argument ${api ?? 'an unknown function'} passes to this callback`));
    return callFunction(this, fn, thisArg, args, undefined);
  }

  /**
   * Run the callbacks queued during an entry run, each with a fresh budget and an empty call stack,
   * on the entry's path; callbacks they queue run too, up to a limit.
   */
  private drainDeferred(at: ts.Node, rec: ModuleRecord): EntryOutcome | undefined {
    let thrown: EntryOutcome | undefined;
    for (let i = 0; i < this.deferred.length && i < MAX_DEFERRED; i++) {
      const d = this.deferred[i]!;
      const fn = d.fn;
      this.steps = 0;
      this.depth = 0;
      this.frame = undefined;
      this.currentModule = fn.module;
      try {
        this.callDeferred(d);
      } catch (e) {
        this.frame = undefined;
        this.depth = 0;
        const o = this.recordAbort(e, fn.node ?? at, fn.module ?? rec);
        if (o.kind === 'threw') thrown ??= o;
      }
    }
    this.deferred.length = 0;
    return thrown;
  }

  private usePath(p: PathContext): void {
    this.currentPath = p;
    setActivePath(p);
  }

  module(path: string): ModuleRecord | undefined {
    return this.modules.get(path);
  }

  private evaluateModule(rec: ModuleRecord): void {
    rec.status = 'evaluating';
    const scope = rec.scope;
    const stmts = rec.sourceFile.statements;
    collectExports(rec);
    hoist(this, stmts, scope, rec);
    const savedFrame = this.frame;
    const savedModule = this.currentModule;
    const savedSteps = this.steps;
    const savedDepth = this.depth;
    this.currentModule = rec;
    for (const stmt of stmts) {
      // Each top-level statement gets its own budget: one runaway loop must not cost the rest of the file.
      this.steps = 0;
      try {
        exec(this, stmt, scope, rec);
      } catch (e) {
        this.frame = savedFrame;
        this.depth = savedDepth;
        if (this.recordAbort(e, stmt, rec).kind === 'threw') this.moduleThrew = true;
      }
    }
    this.currentModule = savedModule;
    this.steps = savedSteps;
    rec.status = 'done';
  }

  runEntry(at: ts.Node, rec: ModuleRecord, run: () => Value, plan: readonly number[] = []): EntryRun {
    this.steps = 0;
    this.depth = 0;
    this.frame = undefined;
    this.currentModule = rec;
    const path = new PathContext(plan, this.limits.maxDecisions);
    const saved = this.currentPath;
    this.usePath(path);
    let outcome: EntryOutcome;
    try {
      outcome = { kind: 'done', value: run() };
    } catch (e) {
      this.frame = undefined;
      this.depth = 0;
      outcome = this.recordAbort(e, at, rec);
    }
    try {
      const steps = this.steps;
      // A callback that throws makes the path throw: its other paths (a guard's other side) stand.
      const thrown = this.drainDeferred(at, rec);
      if (thrown && outcome.kind === 'done') outcome = thrown;
      this.steps = steps;
    } finally {
      this.usePath(saved);
      this.entryFn = undefined;
    }
    return { outcome, path, steps: this.steps };
  }

  callEntry(fn: Closure, thisArg: Value, args: Value[]): Value {
    this.entryFn = fn;
    return callFunction(this, fn, thisArg, args, undefined);
  }

  /** True once, for the call the engine makes through callEntry. */
  takeEntryCall(fn: Closure): boolean {
    if (this.entryFn !== fn) return false;
    this.entryFn = undefined;
    return true;
  }

  /** The path the code running now is on. */
  path(): PathContext {
    return this.currentPath;
  }

  evaluateQuietly(e: ts.Expression, rec: ModuleRecord): Value {
    const before = this.diagnostics.length;
    const savedModule = this.currentModule;
    try {
      this.steps = 0;
      this.currentModule = rec;
      return evalExpr(this, e, rec.scope, rec);
    } catch (err) {
      if (err instanceof AnalysisCancelled) throw err;
      return new Unknown('argument could not be evaluated');
    } finally {
      this.currentModule = savedModule;
      this.diagnostics.length = before;
    }
  }

  construct(cls: ClassValue, args: Value[], callNode: ts.Node | undefined): JsObject {
    return construct(this, cls, args, callNode);
  }

  onCall(observer: CallObserver): void {
    this.callObserver = observer;
  }

  /** Who is told of identifiers no scope declares (analyze.ts decides which are errors). */
  undeclaredObserver: ((id: ts.Identifier, rec: ModuleRecord) => void) | undefined;

  onUndeclared(observer: (id: ts.Identifier, rec: ModuleRecord) => void): void {
    this.undeclaredObserver = observer;
  }

  declareGlobal(name: string, value: Value): void {
    this.globals.declare(name, value);
  }

  dropDiagnosticsSince(mark: number, keep?: (d: EngineDiagnostic) => boolean): void {
    const kept = keep ? this.diagnostics.slice(mark).filter(keep) : [];
    this.diagnostics.length = mark;
    this.diagnostics.push(...kept);
  }

  /** Turn an exception escaping an entry point into a diagnostic; rethrow real engine bugs. */
  private recordAbort(e: unknown, at: ts.Node, rec: ModuleRecord): EntryOutcome {
    if (e instanceof BudgetExceeded) {
      const node = (e.at as ts.Node | undefined) ?? at;
      this.reportAt(node, rec, 'warning', 'analysis-budget', e.message);
      return { kind: 'budget' };
    }
    if (e instanceof UserThrow) {
      // The model code throws on this path (often a deliberate guard); shapes past it are not analysed.
      const msg = e.value instanceof JsObject ? toStr(e.value.get('message')) : toStr(e.value);
      this.reportAt(at, rec, 'information', 'user-throw', `analysis stopped here: the code throws (${msg})`);
      return { kind: 'threw', value: e.value };
    }
    if (noteStackOverflow(e)) {
      this.reportAt(at, rec, 'warning', 'analysis-budget', 'analysis stopped: the code nests too deeply to analyse');
      return { kind: 'budget' };
    }
    throw e;
  }

  // ---------------------------------------------------------------- host-library interface

  callFunction(fn: Value, thisArg: Value, args: Value[], callNode: ts.Node | undefined, calleeName?: string): Value {
    return callFunction(this, fn, thisArg, args, callNode, calleeName);
  }

  /** Charge one unit of work; throws BudgetExceeded past the limit, AnalysisCancelled once cancelled. */
  charge(node: ts.Node): void {
    const n = ++this.steps;
    if (n > this.limits.maxSteps)
      throw new BudgetExceeded(`analysis stopped: the code did not finish within ${this.limits.maxSteps.toLocaleString('en-US')} steps`, node);
    // A superseded analysis must stop promptly. Steps are coarse (one layer call is one step and
    // ~0.1 ms), so the token is read every 16: a 5,000-layer file stopped after 580 ms at 1,024.
    if ((n & 15) === 0 && this.cancellation?.isCancellationRequested) throw new AnalysisCancelled();
  }

  currentFrame(): Frame | undefined {
    return this.frame;
  }

  outsideCalls<T>(f: () => T): T {
    const saved = this.frame;
    this.frame = undefined;
    try {
      return f();
    } finally {
      this.frame = saved;
    }
  }

  locOf(node: ts.Node): Loc {
    const rec = this.currentModule;
    if (!rec || node.pos < 0) return { file: rec?.path ?? '', start: 0, end: 0 };
    return this.loc(node, rec);
  }

  report(d: EngineDiagnostic): void {
    this.diagnostics.push(d);
  }

  hostOps = 0;
  onUnknownRepeat: ((sinceOp: number, reason: string) => void) | undefined;
  afterUnknownRepeat: ((before: Value, after: Value, reason: string) => Value | undefined) | undefined;

  noteHostOp(): void {
    this.hostOps++;
  }

  /** Steps charged so far in the entry running now. */
  stepCount(): number {
    return this.steps;
  }

  // ---------------------------------------------------------------- for the satellite modules

  reportAt(node: ts.Node, rec: ModuleRecord, severity: EngineDiagnostic['severity'], code: string, message: string, related?: EngineDiagnostic['related']): void {
    this.diagnostics.push({ loc: this.loc(node, rec), severity, code, message, related });
  }

  loc(node: ts.Node, rec: ModuleRecord): Loc {
    const sf = rec.sourceFile;
    let locs = this.lastLocs;
    if (this.lastTree !== sf) {
      locs = treeLocs.get(sf);
      if (!locs) treeLocs.set(sf, (locs = new Map()));
      this.lastTree = sf;
      this.lastLocs = locs;
    }
    let l = locs!.get(node);
    if (l === undefined || l.file !== rec.path) {
      l = { file: rec.path, start: node.pos >= 0 ? node.getStart(sf) : 0, end: Math.max(node.end, 0) };
      locs!.set(node, l);
    }
    return l;
  }

  /** The tree `loc` read last, and its Locs (most reads are of one tree in a row). */
  private lastTree: ts.SourceFile | undefined;
  private lastLocs: Map<ts.Node, Loc> | undefined;

  /** Push a frame for a user-function call; returns what leaveCall restores. */
  enterCall(name: string, closure: Frame['closure'], callNode: ts.Node | undefined, args: readonly Value[], module: ModuleRecord): CallState {
    if (++this.depth > this.limits.maxCallDepth) {
      this.depth--;
      throw new BudgetExceeded(`analysis stopped: calls nested deeper than ${this.limits.maxCallDepth} (unbounded recursion?)`, callNode ?? closure?.node);
    }
    const saved: CallState = { frame: this.frame, module: this.currentModule };
    this.frame = new Frame(this.nextFrameId++, this.frame, name, closure, callNode, this.currentModule, args);
    this.currentModule = module;
    return saved;
  }

  leaveCall(saved: CallState): void {
    this.frame = saved.frame;
    this.currentModule = saved.module;
    this.depth--;
  }

  /** Load another module from inside this one: its top level runs with its own budget and stack. */
  loadNested(path: string, text: string): ModuleRecord {
    const savedFrame = this.frame;
    const savedSteps = this.steps;
    const savedDepth = this.depth;
    this.loadDepth++;
    try {
      return this.loadModule(path, text);
    } finally {
      this.loadDepth--;
      this.frame = savedFrame;
      this.steps = savedSteps;
      this.depth = savedDepth;
    }
  }
}

/** Callbacks run per entry at most (a handler that registers handlers that register handlers...). */
const MAX_DEFERRED = 64;

export interface CallState {
  frame: Frame | undefined;
  module: ModuleRecord | undefined;
}
