/**
 * Inlay hints, e.g. `→ 56×56×256 · 70.1k params` (the batch dim is always dropped in hints; hovers
 * show the full tfjs shape). They go:
 * - after each layer-constructing call, or the `.apply(...)` / `model.add(...)` around it;
 * - after each place a layer made elsewhere is used (`conv(64, 'block1_conv2')` in a layers list);
 * - after each helper call that builds layers (`x = inceptionBlock(x, ...)`): the block's output.
 * A site that stands for several instances (a loop, a helper called nine times) says how many and
 * the range of shapes; details are in the hover.
 */
import type { AnalysisResult, Position, Range, Shape } from '../engine';
import { human, shapeCompact } from '../engine/report/format';
import { callSiteGroups, cmpPos, rangeKey } from './call_sites';

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
}

interface Site {
  position: Position;
  items: Item[];
  what: string;
}

export function inlayHints(result: AnalysisResult, opts: HintOptions, range?: Range): Hint[] {
  const sites = new Map<string, Site>();
  const at = (p: Position, what: string) => {
    const k = `${p.line}:${p.character}`;
    let s = sites.get(k);
    if (!s) sites.set(k, (s = { position: p, items: [], what }));
    return s;
  };
  const constructEnds = new Set<string>();
  // 1. Layer-constructing calls.
  for (const g of callSiteGroups(result)) {
    const first = g.instances[0]!.layer;
    const a = first.applyRange;
    const sameApply = a && g.instances.every((i) => i.layer.applyRange && rangeKey(i.layer.applyRange) === rangeKey(a));
    const site = at(sameApply ? a!.end : g.range.end, `${first.className} ${first.label}`);
    constructEnds.add(rangeKey(g.range));
    for (const { layer } of g.instances)
      site.items.push({ shape: layer.outputShape, params: layer.params, macs: layer.macs, error: !!layer.error });
  }
  // 2. Helper calls that build layers: the block's output at its call site.
  const groupRanges = new Set<string>();
  for (const { graph } of result.models) {
    for (const gr of graph.groups) {
      if (!gr.range || gr.file !== result.file) continue;
      groupRanges.add(rangeKey(gr.range));
      const nodes = graph.nodes.filter((n) => gr.nodeIds.includes(n.id));
      let macs: number | null = 0;
      for (const n of nodes) macs = macs === null || n.macs === null ? null : macs + n.macs;
      const site = at(gr.range.end, `${gr.label}(...)`);
      site.items.push({ shape: gr.outputShapes[0] ?? null, params: gr.params, macs, error: nodes.some((n) => n.error) });
    }
  }
  // 3. Uses of layers made elsewhere (a list entry calling a layer factory helper, `conv.apply(x)`).
  for (const { report } of result.models) {
    for (const l of report.layers) {
      if (l.useFile !== result.file || l.applyRange || groupRanges.has(rangeKey(l.useRange))) continue;
      if (l.file === result.file && rangeKey(l.useRange) === rangeKey(l.range)) continue;
      if (constructEnds.has(rangeKey(l.useRange))) continue;
      at(l.useRange.end, `${l.className} ${l.label}`).items.push({ shape: l.outputShape, params: l.params, macs: l.macs, error: !!l.error });
    }
  }
  const out: Hint[] = [];
  for (const s of sites.values()) {
    if (range && (cmpPos(s.position, range.start) < 0 || cmpPos(s.position, range.end) > 0)) continue;
    const label = labelOf(s.items, opts);
    if (label) out.push({ position: s.position, label, tooltip: s.items.length > 1 ? `${s.what}: ${s.items.length} instances — hover for each` : s.what });
  }
  return out.sort((a, b) => cmpPos(a.position, b.position));
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
  const shapes = [...new Set(items.map((i) => shapeCompact(i.shape)))];
  const warn = items.some((i) => i.error) ? ' ⚠' : '';
  const count = n > 1 ? ` (×${n})` : '';
  const shapeRange = shapes.length === 1 ? shapes[0]! : `${shapes[0]}…${shapes[shapes.length - 1]}`;
  const shapePart = opts.shape ? `→ ${shapeRange}${warn}${count}` : n > 1 ? `×${n}` : '';
  // The last shape of a range keeps its ellipsis: '→ 14×14×512 (×12)' would claim all twelve are 14×14×512.
  const lastShape = opts.shape ? `→ ${shapes.length > 1 ? '…' : ''}${shapes[shapes.length - 1]}${warn}${count}` : shapePart;
  let paramPart = '';
  if (opts.params) {
    const ps = items.map((i) => i.params);
    if (ps.some((p) => p === null)) paramPart = '? params';
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
