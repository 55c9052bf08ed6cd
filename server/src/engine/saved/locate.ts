/**
 * Where things sit in a saved model's JSON text, without a second parse: layer names are searched for
 * in file order from a moving cursor (JSON.parse keeps key order, and a model lists its layers in
 * file order), so locating every layer of a 5,000-layer file is one pass over the text.
 */
import type { Position, Range } from '../source';

export class Locator {
  private cursor = 0;
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  /** Offset of the next `"name": "<name>"` after the cursor; -1 (cursor kept) when not found. */
  find(name: string): number {
    const needle = JSON.stringify(name);
    let i = this.text.indexOf(needle, this.cursor);
    while (i >= 0) {
      if (/"name"\s*:\s*$/.test(this.text.slice(Math.max(0, i - 24), i))) {
        this.cursor = i + needle.length;
        return i;
      }
      i = this.text.indexOf(needle, i + needle.length);
    }
    return -1;
  }

  /** The offset of `"key"` after the cursor (without moving it), or -1. */
  peekKey(key: string): number {
    return this.text.indexOf(`"${key}"`, this.cursor);
  }

  position(offset: number): Position {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - starts[lo]! };
  }

  range(start: number, end: number): Range {
    if (start < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { start: this.position(start), end: this.position(end) };
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}
