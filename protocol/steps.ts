/**
 * Work in steps: a generator that yields between its steps and returns its result. The panel
 * drives one with frame pauses between steps (webview/src/slices.ts `drive`); everyone else runs
 * it to the end at once with `finish`.
 */

/** Items done so far, across the arrays of one piece of work, and how many make a step. */
export interface StepCounter {
  n: number;
  readonly every: number;
}

/** Runs stepped work to its end, synchronously. */
export function finish<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
