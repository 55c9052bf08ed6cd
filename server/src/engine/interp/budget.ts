/**
 * The analysis budget. User code is interpreted, so it can loop forever or recurse without end;
 * every loop iteration, call and statement is charged here and exceeding a limit aborts the current
 * evaluation with a diagnostic instead of hanging the editor.
 */
export interface BudgetLimits {
  /** Statements, expressions and calls charged per evaluation of one entry point (module body or builder). */
  maxSteps: number;
  /** Iterations of any single loop. */
  maxLoopIterations: number;
  /** Depth of nested user-function calls. */
  maxCallDepth: number;
  /** Layer applications per analysis (the largest real CNNs have a few thousand). */
  maxLayers: number;
  /** Paths explored per entry point, each a run along different answers to undecidable conditions. */
  maxPaths: number;
  /** Undecidable conditions per path whose other answers are explored; past these the default is taken. */
  maxDecisions: number;
}

export const DEFAULT_LIMITS: BudgetLimits = {
  maxSteps: 2_000_000,
  maxLoopIterations: 10_000,
  maxCallDepth: 200,
  maxLayers: 20_000,
  maxPaths: 16,
  maxDecisions: 12,
};

/** Thrown through the interpreter (user try/catch cannot catch it) when a limit is hit. */
export class BudgetExceeded extends Error {
  constructor(
    message: string,
    /** The loop or call that ran out of budget (a ts.Node, kept untyped to avoid a dependency here). */
    readonly at: unknown,
  ) {
    super(message);
  }
}

/** Lets a caller stop an analysis that is no longer wanted (the document changed again). */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

/** Thrown out of analyzeSource when its cancellation token fires. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}
