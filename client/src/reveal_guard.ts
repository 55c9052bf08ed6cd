/**
 * The webview may ask the host to open a file (`reveal`). A compromised or buggy page must not be
 * able to open any path on disk: only files the analysis itself reported (the document, the
 * modules its layers and diagnostics point into, the layers of a training run) are opened.
 * No vscode import: unit-tested on its own.
 */
import path from 'node:path';

const MAX_WALK = 2_000_000; // values visited per answer, at most: a bound on pathological data

export class RevealGuard {
  private files = new Set<string>();

  private static key(file: string): string {
    return path.resolve(file).replace(/\\/g, '/');
  }

  /** Forget everything (another document is shown). */
  reset(document?: string): void {
    this.files = new Set();
    if (document) this.files.add(RevealGuard.key(document));
  }

  /** Remember every `file` an analysis answer or a training event names. */
  learn(data: unknown): void {
    let budget = MAX_WALK;
    const stack: unknown[] = [data];
    while (stack.length && budget-- > 0) {
      const v = stack.pop();
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === 'file' && typeof x === 'string' && x) this.files.add(RevealGuard.key(x));
          else if (x && typeof x === 'object') stack.push(x);
        }
    }
  }

  allows(file: string): boolean {
    return this.files.has(RevealGuard.key(file));
  }
}
