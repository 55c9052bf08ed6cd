/**
 * The engine turns a JavaScript stack overflow (code nested more deeply than the thread's stack
 * allows) into a diagnostic or a fallback value. Each one is counted here, so a caller running on a
 * small stack (the CLI's main thread) can tell that its answer depended on the stack size and redo
 * the work on a bigger one (cli/main.ts).
 */
let seen = 0;

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** Counts `e` when it is a stack overflow; true if it was. */
export function noteStackOverflow(e: unknown): boolean {
  if (!isStackOverflow(e)) return false;
  seen++;
  return true;
}

/** Stack overflows the engine absorbed in this thread so far. */
export function stackOverflowsSeen(): number {
  return seen;
}
