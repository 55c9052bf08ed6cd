/**
 * Groups the layer instances of a document by the call that constructs them: one call site in a
 * helper called nine times is one site with nine instances (possibly across several models).
 */
import type { AnalysisResult, LayerReport, ModelReport, Position, Range } from '../engine';
import { sameRange } from '../engine/source';

export interface Instance {
  model: ModelReport;
  layer: LayerReport;
  layerIndex: number;
}

export interface CallSiteGroup {
  range: Range;
  instances: Instance[];
}

/** `keep`: only the layers it accepts (hints for a viewport group the call sites in view). */
export function callSiteGroups(result: AnalysisResult, keep?: (layer: LayerReport) => boolean): CallSiteGroup[] {
  const map = new RangeMap<CallSiteGroup>();
  const groups: CallSiteGroup[] = [];
  for (const { report: model } of result.models) {
    model.layers.forEach((layer, layerIndex) => {
      if (layer.file !== result.file || (keep && !keep(layer))) return;
      let g = map.get(layer.range);
      if (!g) {
        map.set(layer.range, (g = { range: layer.range, instances: [] }));
        groups.push(g);
      }
      g.instances.push({ model, layer, layerIndex });
    });
  }
  return groups.sort((a, b) => cmpPos(a.range.start, b.range.start));
}

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export { sameRange };

/**
 * A Map key for a position: a small integer, because V8 keeps integers below 2^30 unboxed and
 * hashes them fast (larger numbers made the lookups 6× slower, string keys 10×). Not unique past
 * column 4095 or line 262,143: the maps below compare the full position within a key.
 */
function bucket(p: Position): number {
  return p.line * 4096 + Math.min(p.character, 4095);
}

interface Entry<K, T> {
  key: K;
  value: T;
  next?: Entry<K, T>;
}

/** A map keyed by value with small-integer buckets (see bucket()): no string keys in loops over every layer. */
abstract class ValueMap<K, T> {
  private readonly buckets = new Map<number, Entry<K, T>>();
  protected abstract bucketOf(key: K): number;
  protected abstract same(a: K, b: K): boolean;

  get(key: K): T | undefined {
    for (let e = this.buckets.get(this.bucketOf(key)); e; e = e.next) if (this.same(e.key, key)) return e.value;
    return undefined;
  }

  has(key: K): boolean {
    for (let e = this.buckets.get(this.bucketOf(key)); e; e = e.next) if (this.same(e.key, key)) return true;
    return false;
  }

  set(key: K, value: T): this {
    const b = this.bucketOf(key);
    const head = this.buckets.get(b);
    for (let e = head; e; e = e.next)
      if (this.same(e.key, key)) {
        e.value = value;
        return this;
      }
    this.buckets.set(b, head ? { key, value, next: head } : { key, value });
    return this;
  }
}

export class RangeMap<T> extends ValueMap<Range, T> {
  protected bucketOf(r: Range): number {
    return bucket(r.start);
  }
  protected same(a: Range, b: Range): boolean {
    return sameRange(a, b);
  }
}

export class PositionMap<T> extends ValueMap<Position, T> {
  protected bucketOf(p: Position): number {
    return bucket(p);
  }
  protected same(a: Position, b: Position): boolean {
    return a.line === b.line && a.character === b.character;
  }
}

export function cmpPos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

export function contains(r: Range, p: { line: number; character: number }): boolean {
  return cmpPos(r.start, p) <= 0 && cmpPos(p, r.end) <= 0;
}

/** The innermost call-site group whose range holds the position. */
export function groupAt(groups: CallSiteGroup[], p: { line: number; character: number }): CallSiteGroup | undefined {
  let best: CallSiteGroup | undefined;
  for (const g of groups) {
    if (!contains(g.range, p)) continue;
    if (!best || cmpPos(g.range.start, best.range.start) >= 0) best = g;
  }
  return best;
}
