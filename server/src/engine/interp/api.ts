/**
 * What code outside the interpreter may ask of it. Host libraries (the JS builtins, the tfjs model)
 * see `Interp`; the analysis driver (analyze.ts) sees `InterpDriver`. The interpreter's own state —
 * the call stack, the budget, the module table — stays behind these methods.
 */
import type ts from 'typescript';
import type { EngineDiagnostic, Loc } from '../source';
import type { BudgetLimits } from './budget';
import type { Frame } from './frame';
import type { AnalysisHost, ModuleRecord } from './modules';
import type { ClassValue, Closure, JsObject, Value } from './values';
import type { PathContext } from './paths';

export interface Interp {
  readonly limits: BudgetLimits;
  /** Where other files come from (local modules, saved models). */
  readonly host: AnalysisHost;
  /** Run `f` as if no user function were running (what it makes belongs to no builder's call). */
  outsideCalls<T>(f: () => T): T;
  /** A mark for runDeferredSince: how many callbacks are queued to run later. */
  deferredMark(): number;
  /** Run now, and unqueue, the callbacks queued since `mark`, until `done()` (a promise's executor waiting on them). */
  runDeferredSince(mark: number, done: () => boolean): void;
  /**
   * Queue a callback an API holds on to (an event, a timer, a lifecycle hook): it runs once the code
   * running now is done; `before` first, each time it runs (a store's state put back as it was queued).
   */
  defer(fn: Closure, api: string | undefined, before?: () => void, thisArg?: Value): void;
  /** Call any callable value (closure, native function); anything else yields Unknown. */
  callFunction(fn: Value, thisArg: Value, args: Value[], callNode: ts.Node | undefined, calleeName?: string): Value;
  /** Charge one unit of work; throws past the budget or when the analysis was cancelled. */
  charge(node: ts.Node): void;
  /** The user-function call running now (call chains, graph groups); undefined at an entry point's top. */
  currentFrame(): Frame | undefined;
  /** Where a node of the module running now is (file + offsets). */
  locOf(node: ts.Node): Loc;
  report(diagnostic: EngineDiagnostic): void;
  /** A host library tells the interpreter it built or changed a model (loops that never do can be cut short). */
  noteHostOp(): void;
  /** Counts noteHostOp calls: compare two readings to see whether code in between touched a model. */
  readonly hostOps: number;
  /** Set by the host library: code that ran since `sinceOp` repeats an unknown number of times. */
  onUnknownRepeat: ((sinceOp: number, reason: string) => void) | undefined;
  /**
   * Set by the host library: what a variable holding one of its values is after a loop that ran an
   * unknown number of times (`before` the loop, `after` one run of its body); undefined: unknown.
   */
  afterUnknownRepeat: ((before: Value, after: Value, reason: string) => Value | undefined) | undefined;
}

/** A callback queued to run later (Interp.defer). */
export interface Deferred {
  fn: Closure;
  api: string | undefined;
  before?: () => void;
  /** The `this` its API calls it with (a store's action: the store). */
  thisArg?: Value;
}

/** Called after every user-function call, so the analysis can see which calls produced models. */
export type CallObserver = (fn: Closure, args: Value[], result: Value, callNode: ts.Node | undefined) => void;

/** One run of an entry point along one path: how it ended, the decisions it took, the steps it cost. */
export interface EntryRun {
  outcome: EntryOutcome;
  path: PathContext;
  steps: number;
}

/** How one entry-point run ended. */
export type EntryOutcome =
  | { kind: 'done'; value: Value }
  /** The user code threw (a guard, or a real failure on this path). */
  | { kind: 'threw'; value: Value }
  /** A budget ran out (steps, call depth, layers): what was built so far may be incomplete. */
  | { kind: 'budget' };

export interface InterpDriver extends Interp {
  /** Parse and evaluate a module once (its top-level statements each get a fresh step budget). */
  loadModule(path: string, text: string): ModuleRecord;
  /** The module loaded from `path`, if any. */
  module(path: string): ModuleRecord | undefined;
  /**
   * Run one entry point (a builder the engine calls itself) with a fresh budget and an empty call
   * stack; an abort becomes a diagnostic at `at` and the outcome says how it ended.
   */
  runEntry(at: ts.Node, rec: ModuleRecord, run: () => Value, plan?: readonly number[]): EntryRun;
  /** Call a builder as an entry point: the defaults its parameters fall back to are the file's (soft). */
  callEntry(fn: Closure, thisArg: Value, args: Value[]): Value;
  /** The decisions the module's top level took. */
  readonly modulePath: PathContext;
  /** A top-level statement threw (a guard on this path): the path's models are not the module's. */
  readonly moduleThrew: boolean;
  /** Evaluate an expression in a module's scope, keeping no diagnostics (call-site arguments). */
  evaluateQuietly(e: ts.Expression, rec: ModuleRecord): Value;
  construct(cls: ClassValue, args: Value[], callNode: ts.Node | undefined): JsObject;
  onCall(observer: CallObserver): void;
  /** Told of each identifier read that no scope declares (evaluated, so on a path that runs). */
  onUndeclared(observer: (id: ts.Identifier, rec: ModuleRecord) => void): void;
  /** The callbacks the module's top level handed to unknown APIs: the driver runs each as an entry. */
  takeDeferred(): Deferred[];
  /** Call a deferred callback the way its API would: with unknown arguments. */
  callDeferred(d: Deferred): Value;
  /** A global the page provides (the `tf` a <script> tag defines). */
  declareGlobal(name: string, value: Value): void;
  readonly diagnostics: readonly EngineDiagnostic[];
  /** Drop the diagnostics raised since `mark` (diagnostics.length then), keeping those `keep` accepts. */
  dropDiagnosticsSince(mark: number, keep?: (d: EngineDiagnostic) => boolean): void;
}
