/**
 * Inlay hints, e.g. `→ 56×56×256 · 70.1k params` (the batch dim is always dropped in hints; hovers
 * show the full tfjs shape). They go:
 * - after each layer-constructing call, or the `.apply(...)` / `model.add(...)` around it;
 * - after each place a layer made elsewhere is used (`conv(64, 'block1_conv2')` in a layers list);
 * - after each helper call that builds layers (`x = inceptionBlock(x, ...)`): the block's output.
 * A site that stands for several instances (a loop, a helper called nine times) says how many and
 * the range of shapes; details are in the hover.
 */
import type { AnalysisResult, LayerReport, Position, Range, Shape } from '../engine';
import { human, shapeCompact, type ShownShape, withExprs } from '../engine/report/format';
import { callSiteGroups, cmpPos, PositionMap, RangeMap, rangeKey, sameRange } from './call_sites';

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

interface Item {
  shape: Shape | null;
  params: number | null;
  macs: number | null;
  error: boolean;
  /** Where sizes are symbolic: the output shape with expression dims, and the params' expression. */
  sym?: { shape: ShownShape | null; params: string | undefined };
}

/** The symbolic forms of a layer's numbers, when the report has them (sizes the file leaves open). */
function symOf(l: LayerReport): Item['sym'] {
  if (!l.outputShapeExpr && !l.paramsExpr) return undefined;
  return { shape: withExprs(l.outputShape, l.outputShapeExpr), params: l.params === null ? l.paramsExpr?.text : undefined };
}

interface Site {
  position: Position;
  items: Item[];
  what: string;
  /** The last label made, and the options it was made for (scrolling asks again and again). */
  label?: { opts: string; text: string };
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
    if (s.label?.opts !== key) s.label = { opts: key, text: labelOf(s.items, opts) };
    const label = s.label.text;
    if (label) out.push({ position: s.position, label, tooltip: s.items.length > 1 ? `${s.what}: ${s.items.length} instances — hover for each` : s.what });
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
      sites.set(p, (s = { position: p, items: [], what }));
      list.push(s);
    }
    return s;
  };
  const constructEnds = new RangeMap<true>();
  // 1. Layer-constructing calls. A call site's hint goes after the call or after its `.apply(...)`:
  // in a viewport, every instance of a call site that has either end in view (all share its range).
  let keep: ((l: LayerReport) => boolean) | undefined;
  if (inView) {
    const marked = new RangeMap<true>();
    for (const { report } of result.models)
      for (const l of report.layers) if (l.file === result.file && (inView(l.range.end) || (l.applyRange && inView(l.applyRange.end)))) marked.set(l.range, true);
    keep = (l) => marked.has(l.range);
  }
  for (const g of callSiteGroups(result, keep)) {
    const first = g.instances[0]!.layer;
    const a = first.applyRange;
    const sameApply = a && g.instances.every((i) => i.layer.applyRange && sameRange(i.layer.applyRange, a));
    const site = at(sameApply ? a!.end : g.range.end, `${first.className} ${first.label}`);
    constructEnds.set(g.range, true);
    for (const { layer } of g.instances)
      site.items.push({ shape: layer.outputShape, params: layer.params, macs: layer.macs, error: !!layer.error, sym: symOf(layer) });
  }
  // 2. Helper calls that build layers: the block's output at its call site.
  const groupRanges = new RangeMap<true>();
  for (const m of result.models) {
    if (!m.hasGroups) continue;
    for (const gr of m.groups) {
      if (gr.file !== result.file || (inView && !inView(gr.range.end))) continue;
      groupRanges.set(gr.range, true);
      const site = at(gr.range.end, `${gr.label}(...)`);
      site.items.push({ shape: gr.outputShape, params: gr.params, macs: gr.macs, error: gr.error });
    }
  }
  // 3. Uses of layers made elsewhere (a list entry calling a layer factory helper, `conv.apply(x)`).
  for (const { report } of result.models) {
    for (const l of report.layers) {
      if (l.useFile !== result.file || l.applyRange || (inView && !inView(l.useRange.end))) continue;
      if (groupRanges.has(l.useRange)) continue;
      if (l.file === result.file && sameRange(l.useRange, l.range)) continue;
      if (constructEnds.has(l.useRange)) continue;
      at(l.useRange.end, `${l.className} ${l.label}`).items.push({ shape: l.outputShape, params: l.params, macs: l.macs, error: !!l.error, sym: symOf(l) });
    }
  }
  return list.sort((a, b) => cmpPos(a.position, b.position));
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
function labelOf(items: Item[], opts: HintOptions): string {
  const n = items.length;
  const sym = n === 1 ? items[0]!.sym : undefined;
  const shapes = sym ? [shapeCompact(sym.shape)] : distinctShapes(items);
  const warn = items.some((i) => i.error) ? ' ⚠' : '';
  const count = n > 1 ? ` (×${n})` : '';
  const shapeRange = shapes.length === 1 ? shapes[0]! : `${shapes[0]}…${shapes[shapes.length - 1]}`;
  const shapePart = opts.shape ? `→ ${shapeRange}${warn}${count}` : n > 1 ? `×${n}` : '';
  // The last shape of a range keeps its ellipsis: '→ 14×14×512 (×12)' would claim all twelve are 14×14×512.
  const lastShape = opts.shape ? `→ ${shapes.length > 1 ? '…' : ''}${shapes[shapes.length - 1]}${warn}${count}` : shapePart;
  let paramPart = '';
  if (opts.params) {
    const ps = items.map((i) => i.params);
    if (sym?.params) paramPart = `${sym.params} params`;
    else if (ps.some((p) => p === null)) paramPart = '? params';
    else {
      const nums = ps as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      if (hi > 0) paramPart = lo === hi ? `${human(lo)} params` : `${human(lo)}–${human(hi)} params`;
    }
  }
  let macPart = '';
  if (opts.macs) {
    const ms = items.map((i) => i.macs);
    if (!ms.some((m) => m === null)) {
      const total = (ms as number[]).reduce((a, b) => a + b, 0);
      if (total > 0) macPart = `${human(total)} MACs`;
    }
  }
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

/**
 * The distinct compact shapes of the items, in order of first appearance. A site standing for
 * thousands of instances (a helper called in a loop) mostly repeats the previous shape: comparing
 * dimensions is much cheaper than formatting each one.
 */
function distinctShapes(items: Item[]): string[] {
  const seen = new Set<string>();
  let prev: Shape | null | undefined;
  for (let i = 0; i < items.length; i++) {
    const shape = items[i]!.shape;
    if (i > 0 && sameShape(shape, prev)) continue;
    prev = shape;
    seen.add(shapeCompact(shape));
  }
  return [...seen];
}

function sameShape(a: Shape | null | undefined, b: Shape | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
