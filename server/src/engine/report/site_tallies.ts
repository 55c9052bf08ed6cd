/**
 * What the instances of one call site come to, summed as the report is built: a call in a loop, or
 * in a helper called 2,000 times, stands for thousands of layers, and its inlay hint says how many,
 * the range of their shapes and params, and their MACs. Summed here, while the report's objects are
 * in cache, the first hint request after an edit reads a few tallies instead of every layer
 * (`npm run bench -- scale:hints`).
 */
import type { Loc, Range } from '../source';
import type { Placer } from './model_report';
import type { Shape } from '../layers/types';
import type { LayerReport } from './types';

export interface Tally {
  count: number;
  /** The instances' output shapes in order, each different from the one before it. */
  shapes: (Shape | null)[];
  /** Over the instances whose params are known (Infinity / -Infinity: none). */
  paramsLo: number;
  paramsHi: number;
  paramsUnknown: boolean;
  /** The sum; NaN: some instance's MACs are unknown. */
  macs: number;
  error: boolean;
}

/** A call that constructs layers (`tf.layers.conv2d(...)`): its instances share its range. */
export interface LayerSite extends Tally {
  range: Range;
  file: string;
  /** The first instance's `.apply(...)` around the call (the hint goes after it when all share it). */
  apply: Range | undefined;
  sameApply: boolean;
  /** The first instance: its class and label name the site; a lone instance's hint shows its symbolic sizes. */
  first: LayerReport;
}

export function newTally(): Tally {
  return { count: 0, shapes: [], paramsLo: Infinity, paramsHi: -Infinity, paramsUnknown: false, macs: 0, error: false };
}

/** Adds one instance; `params` and `macs` NaN where unknown. */
export function tallyAdd(t: Tally, shape: Shape | null, params: number, macs: number, error: boolean): void {
  // Most instances repeat the previous shape: comparing dimensions is cheaper than keeping each.
  if (t.count++ === 0 || !sameShape(shape, t.shapes[t.shapes.length - 1])) t.shapes.push(shape);
  if (Number.isNaN(params)) t.paramsUnknown = true;
  else {
    if (params < t.paramsLo) t.paramsLo = params;
    if (params > t.paramsHi) t.paramsHi = params;
  }
  t.macs += macs;
  if (error) t.error = true;
}

/** Adds another tally's instances, which come after `t`'s. */
export function tallyMerge(t: Tally, o: Tally): void {
  for (const shape of o.shapes) if (t.shapes.length === 0 || !sameShape(shape, t.shapes[t.shapes.length - 1])) t.shapes.push(shape);
  t.count += o.count;
  if (o.paramsUnknown) t.paramsUnknown = true;
  t.paramsLo = Math.min(t.paramsLo, o.paramsLo);
  t.paramsHi = Math.max(t.paramsHi, o.paramsHi);
  t.macs += o.macs;
  if (o.error) t.error = true;
}

/** What a layer's tally and hint placement read of it: its numbers, and where its call and `.apply(...)` are. */
export interface TallyFacts {
  /** The layer-constructing call. */
  loc: Loc;
  /** The `.apply(...)` around the call (LayerReport.applyRange), if any. */
  apply: Loc | undefined;
  shape: Shape | null;
  params: number | null;
  macs: number | null;
  error: string | undefined;
}

/**
 * The model's layer-constructing calls, in order of first instance; undefined when every call
 * constructs one layer (a model written out line by line: its layers come in source order, which a
 * single comparison per layer shows, and 20,000 one-instance tallies would only cost the analysis
 * time and memory). The instances of one call share their Loc object (the interpreter makes one per
 * call node), and so their Range (the placer makes one per Loc): a Map by identity.
 */
export function layerSites(layers: TallyFacts[], placer: Placer, row: (i: number) => LayerReport): LayerSite[] | undefined {
  if (inSourceOrder(layers)) return undefined;
  const byLoc = new Map<Loc, LayerSite>();
  const firstApply = new Map<LayerSite, Loc | undefined>();
  const sites: LayerSite[] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    let s = byLoc.get(l.loc);
    if (!s) {
      // Written out, not spread from a fresh tally: V8 made spread objects slow to read (a 20,000-layer
      // file's sites: 10 ms instead of 2 for the hints' one pass over them).
      s = {
        range: placer.range(l.loc),
        file: l.loc.file,
        apply: l.apply && placer.range(l.apply),
        sameApply: !!l.apply,
        first: row(i),
        count: 0,
        shapes: [],
        paramsLo: Infinity,
        paramsHi: -Infinity,
        paramsUnknown: false,
        macs: 0,
        error: false,
      };
      byLoc.set(l.loc, s);
      firstApply.set(s, l.apply);
      sites.push(s);
    } else if (s.sameApply) {
      // An apply lies in its call's file: the same offsets are the same range.
      const a = firstApply.get(s)!;
      if (l.apply !== a && !(l.apply && l.apply.start === a.start && l.apply.end === a.end && l.apply.file === a.file)) s.sameApply = false;
    }
    tallyAdd(s, l.shape, l.params ?? NaN, l.macs ?? NaN, !!l.error);
  }
  return sites;
}

/** Where the layers' hints can fall, so that a viewport's hints need not read every layer. */
export interface LayerLines {
  /**
   * When the layers come in source order (layerSites undefined): per layer i, the last line any of
   * layers 0..i ends on (its call, or the `.apply(...)` around it). A viewport's layers are then
   * found by two binary searches.
   */
  endLine: Int32Array | undefined;
  /** The layers with no `.apply(...)` around their call (applied elsewhere, or listed): their indices. */
  unapplied: Int32Array;
}

export function layerLines(layers: TallyFacts[], inOrder: boolean, placer: Placer): LayerLines {
  const endLine = inOrder ? new Int32Array(layers.length) : undefined;
  const unapplied: number[] = [];
  let last = -1;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (!l.apply) unapplied.push(i);
    // The apply ends at or after its call (it contains it).
    if (endLine) endLine[i] = last = Math.max(last, placer.line(l.loc.file, (l.apply ?? l.loc).end));
  }
  return { endLine, unapplied: Int32Array.from(unapplied) };
}

/** Whether each layer's call comes after the one before it in one file: then no two layers share a call. */
function inSourceOrder(layers: TallyFacts[]): boolean {
  for (let i = 1; i < layers.length; i++) {
    const a = layers[i - 1]!.loc;
    const b = layers[i]!.loc;
    if (a.file !== b.file || b.start <= a.start) return false;
  }
  return true;
}

export function sameShape(a: Shape | null | undefined, b: Shape | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
