/**
 * Inlay hints, e.g. `→ 56×56×256 · 70.1k params` (the batch dim is always dropped in hints; hovers
 * show the full tfjs shape). They go:
 * - after each layer-constructing call, or the `.apply(...)` / `model.add(...)` around it;
 * - after each place a layer made elsewhere is used (`conv(64, 'block1_conv2')` in a layers list);
 * - after each helper call that builds layers (`x = inceptionBlock(x, ...)`): the block's output.
 * A site that stands for several instances (a loop, a helper called nine times) says how many and
 * the range of shapes; details are in the hover.
 */
import type { AnalysisResult, LayerReport, Position, Range } from '../engine';
import { newTally, tallyAdd, tallyMerge, type Tally } from '../engine/report/site_tallies';
import { human, shapeCompact, type ShownShape, withExprs } from '../engine/report/format';
import { cmpPos, PositionMap, RangeMap, rangeKey, sameRange } from './call_sites';

export interface HintOptions {
  shape: boolean;
  params: boolean;
  macs: boolean;
}

export interface Hint {
  position: Position;
  label: string;
  tooltip: string;
}

/**
 * What a site's hint says of its instances, gathered as they come (a Tally, as the report sums a
 * call site's): a call site in a loop stands for thousands of layers, and a viewport's first request
 * after an edit must not keep each one.
 */
class Totals {
  readonly tally = newTally();
  /** The first instance's layer (a single instance's hint shows its symbolic sizes). */
  first?: LayerReport;

  addLayer(l: LayerReport): void {
    if (this.tally.count === 0) this.first = l;
    tallyAdd(this.tally, l.outputShape, l.params ?? NaN, l.macs ?? NaN, !!l.error);
  }

  /** A call site's instances as the engine summed them, or another site's totals (their instances come after these). */
  addTally(t: Tally, first?: LayerReport): void {
    if (this.tally.count === 0) this.first = first;
    tallyMerge(this.tally, t);
  }
}

/** The symbolic forms of a layer's numbers, when the report has them (sizes the file leaves open). */
function symOf(l: LayerReport): { shape: ShownShape | null; params: string | undefined } | undefined {
  if (!l.outputShapeExpr && !l.paramsExpr) return undefined;
  return { shape: withExprs(l.outputShape, l.outputShapeExpr), params: l.params === null ? l.paramsExpr?.text : undefined };
}

interface Site {
  position: Position;
  totals: Totals;
  what: string;
  /** The last label made, and the options it was made for (scrolling asks again and again). */
  label?: { opts: string; text: string };
}

/** A layer-constructing call site: its instances share its range; the hint follows a shared `.apply(...)`. */
interface Call {
  range: Range;
  apply: Range | undefined;
  sameApply: boolean;
  what: string;
  totals: Totals;
}

export function inlayHints(result: AnalysisResult, opts: HintOptions, range?: Range): Hint[] {
  const sites = sitesOf(result, range);
  // Sites are sorted by position: the viewport is one slice of them, found by binary search.
  let i = 0;
  if (range) {
    let hi = sites.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (cmpPos(sites[mid]!.position, range.start) < 0) i = mid + 1;
      else hi = mid;
    }
  }
  const out: Hint[] = [];
  for (; i < sites.length; i++) {
    const s = sites[i]!;
    if (range && cmpPos(s.position, range.end) > 0) break;
    const key = `${opts.shape}${opts.params}${opts.macs}`;
    if (s.label?.opts !== key) s.label = { opts: key, text: labelOf(s.totals, opts) };
    const label = s.label.text;
    const n = s.totals.tally.count;
    if (label) out.push({ position: s.position, label, tooltip: n > 1 ? `${s.what}: ${n} instances — hover for each` : s.what });
  }
  return out;
}

/** Every hint site of an analysis, sorted by position; built once per analysis, when all are asked for. */
const siteCache = new WeakMap<AnalysisResult, Site[]>();
/** The sites of the last viewport asked for (VS Code asks for the same range again and again). */
const viewCache = new WeakMap<AnalysisResult, { key: string; sites: Site[] }>();

/**
 * The sites of a viewport are built from the layers whose hints can fall in it: the first request
 * after an edit of a 20,000-layer file does not build 20,000 sites to show 60 (`npm run bench --
 * scale:hints`, load 7: 76 ms → 3.2 ms of CPU), and scrolling builds each new viewport's.
 */
function sitesOf(result: AnalysisResult, range?: Range): Site[] {
  const all = siteCache.get(result);
  if (all) return all;
  if (!range) {
    const sites = buildSites(result);
    siteCache.set(result, sites);
    return sites;
  }
  const key = rangeKey(range);
  const last = viewCache.get(result);
  if (last?.key === key) return last.sites;
  const sites = buildSites(result, range);
  viewCache.set(result, { key, sites });
  return sites;
}

/** The hint sites, sorted by position: all, or (a superset of) those in `range`. */
function buildSites(result: AnalysisResult, range?: Range): Site[] {
  const inView = range ? (p: Position) => cmpPos(p, range.start) >= 0 && cmpPos(p, range.end) <= 0 : undefined;
  const sites = new PositionMap<Site>();
  const list: Site[] = [];
  const at = (p: Position, what: string) => {
    let s = sites.get(p);
    if (!s) {
      sites.set(p, (s = { position: p, totals: new Totals(), what }));
      list.push(s);
    }
    return s;
  };
  // 1. Layer-constructing calls: the report sums each call's instances (layerSites; none where every
  // call constructs one layer). A call's hint goes after the call or after its `.apply(...)`; the
  // same call seen by several models (variants) is one hint.
  const calls = new RangeMap<Call>();
  const callList: Call[] = [];
  const callAt = (range: Range, apply: Range | undefined, sameApply: boolean, first: LayerReport): Call | undefined => {
    if (first.file !== result.file || (inView && !inView(range.end) && !(apply && inView(apply.end)))) return undefined;
    let c = calls.get(range);
    if (!c) {
      c = { range, apply, sameApply, what: `${first.className} ${first.label}`, totals: new Totals() };
      calls.set(range, c);
      callList.push(c);
    } else if (c.sameApply && !(sameApply && sameRange(apply!, c.apply!))) c.sameApply = false;
    return c;
  };
  for (const m of result.models) {
    if (m.layerSites) for (const ls of m.layerSites) callAt(ls.range, ls.apply, ls.sameApply, ls.first)?.totals.addTally(ls, ls.first);
    else {
      // Rows are built as they are read: a viewport's hints build its own, not the table's thousands.
      const [from, to] = range ? inOrderSpan(m.layerAt, m.layerCount, m.layerLines.endLine!, range) : [0, m.layerCount];
      for (let i = from; i < to; i++) {
        const l = m.layerAt(i);
        callAt(l.range, l.applyRange, !!l.applyRange, l)?.totals.addLayer(l);
      }
    }
  }
  callList.sort((a, b) => cmpPos(a.range.start, b.range.start));
  for (const c of callList) at(c.sameApply ? c.apply!.end : c.range.end, c.what).totals.addTally(c.totals.tally, c.totals.first);
  // 2. Helper calls that build layers: the block's output at its call site, its groups summed.
  const groupRanges = new RangeMap<true>();
  for (const m of result.models) {
    if (!m.hasGroups) continue;
    for (const gs of m.groupTotals.sites) {
      const { range, file } = gs.site;
      if (file !== result.file || (inView && !inView(range.end))) continue;
      groupRanges.set(range, true);
      at(range.end, `${gs.label}(...)`).totals.addTally(gs);
    }
  }
  // 3. Uses of layers made elsewhere (a list entry calling a layer factory helper, `conv.apply(x)`).
  for (const m of result.models) {
    for (const i of m.layerLines.unapplied) {
      const l = m.layerAt(i);
      if (l.useFile !== result.file || (inView && !inView(l.useRange.end))) continue;
      if (groupRanges.has(l.useRange)) continue;
      if (l.file === result.file && sameRange(l.useRange, l.range)) continue;
      if (calls.has(l.useRange)) continue;
      at(l.useRange.end, `${l.className} ${l.label}`).totals.addLayer(l);
    }
  }
  return list.sort((a, b) => cmpPos(a.position, b.position));
}

/**
 * The layers whose hints can fall in `range`, when the layers come in source order: those after
 * the last whose ends (its call's, its `.apply`'s, and all before it: `endLine`) lie above the range,
 * and before the first that starts below it (its call and `.apply` end later still).
 */
function inOrderSpan(layerAt: (i: number) => LayerReport, count: number, endLine: Int32Array, range: Range): [number, number] {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endLine[mid]! < range.start.line) lo = mid + 1;
    else hi = mid;
  }
  const from = lo;
  hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmpPos(layerAt(mid).range.start, range.end) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return [from, lo];
}

/** VS Code cuts inlay hints longer than this (editor.inlayHints.maximumLength's default). */
export const MAX_HINT = 43;

/**
 * `→ 56×56×256 · 70.1k params`, or for several instances `→ 224×224×64…14×14×512 (×12) · 1.79k–2.36M params`.
 * The richest form that fits in MAX_HINT characters wins; the hover has the rest. A count is never
 * shown without its unit: the shape range shortens first (`→ …14×14×512 (×12) · 36.9k–2.36M params`),
 * then the params go, never just the word (a bare `· 256–8.19k` followed by the code's
 * `as tf.SymbolicTensor` read as part of it).
 */
function labelOf(totals: Totals, opts: HintOptions): string {
  const t = totals.tally;
  const n = t.count;
  const sym = n === 1 && totals.first ? symOf(totals.first) : undefined;
  // The distinct shapes in order of first appearance (a tally keeps runs).
  const shapes = sym ? [shapeCompact(sym.shape)] : [...new Set(t.shapes.map(shapeCompact))];
  const warn = t.error ? ' ⚠' : '';
  const count = n > 1 ? ` (×${n})` : '';
  const shapeRange = shapes.length === 1 ? shapes[0]! : `${shapes[0]}…${shapes[shapes.length - 1]}`;
  const shapePart = opts.shape ? `→ ${shapeRange}${warn}${count}` : n > 1 ? `×${n}` : '';
  // The last shape of a range keeps its ellipsis: '→ 14×14×512 (×12)' would claim all twelve are 14×14×512.
  const lastShape = opts.shape ? `→ ${shapes.length > 1 ? '…' : ''}${shapes[shapes.length - 1]}${warn}${count}` : shapePart;
  let paramPart = '';
  if (opts.params) {
    if (sym?.params) paramPart = `${sym.params} params`;
    else if (t.paramsUnknown) paramPart = '? params';
    else if (t.paramsHi > 0) paramPart = t.paramsLo === t.paramsHi ? `${human(t.paramsLo)} params` : `${human(t.paramsLo)}–${human(t.paramsHi)} params`;
  }
  const macPart = opts.macs && !Number.isNaN(t.macs) && t.macs > 0 ? `${human(t.macs)} MACs` : '';
  const join = (...parts: string[]) => parts.filter(Boolean).join(' · ');
  const candidates = [
    join(shapePart, paramPart, macPart),
    join(shapePart, paramPart),
    join(lastShape, paramPart, macPart),
    join(lastShape, paramPart),
    shapePart,
    lastShape,
  ];
  return candidates.find((c) => c.length <= MAX_HINT) ?? candidates[candidates.length - 1]!;
}
