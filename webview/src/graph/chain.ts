/**
 * Places a chain chunk (chunks.ts: each item fed by the one before, every other edge going forward
 * along the chain, frames around runs of it) without ELK, in time linear in its size: one column,
 * centred; frames around their runs; each forward edge (a residual shortcut, a dense block's
 * concatenation input) routed orthogonally in a lane to the right of what it passes, shorter spans
 * nearer the column. Most of a CNN is such chains; ELK costs about a millisecond per node, this a
 * few microseconds. The result has ELK's output shape, so layout.ts stacks it like any chunk.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Chunk } from './chunks';
import { SPACING } from './spacing';
import type { VisibleEdge, VisibleFrame, VisibleGraph, VisibleItem } from './visible';

/** What every chunk's placement reads from the whole graph: found once per layout, not per chunk. */
export interface GraphFacts {
  itemsById: Map<string, VisibleItem>;
  frameById: Map<string, VisibleFrame>;
  /** Edges leaving each node. */
  outCount: Map<string, number>;
  /** The width of the label on a node's outgoing edges (labels.ts writes one per tensor). */
  labelWidth: Map<string, number>;
}

export function graphFacts(v: VisibleGraph, itemsById: Map<string, VisibleItem>): GraphFacts {
  const outCount = new Map<string, number>();
  const labelWidth = new Map<string, number>();
  for (const e of v.edges) {
    outCount.set(e.source, (outCount.get(e.source) ?? 0) + 1);
    if (e.label && !labelWidth.has(e.source)) labelWidth.set(e.source, e.labelWidth);
  }
  return { itemsById, frameById: new Map(v.frames.map((f) => [f.id, f])), outCount, labelWidth };
}

/** Where an edge leaves or enters a box beside the column's centre line. */
const PORT = 14;
/** How far below its source (above its target) a forward edge turns towards its lane. */
const TURN = 8;
/** An edge label's offset from its stem (labels.ts). */
const LABEL_GAP = 5;

export function chainLayout(c: Chunk, placeholder: string, facts: GraphFacts, chunkEdges: VisibleEdge[]): ElkNode {
  const { itemsById } = facts;
  const items = c.items.map((id) => itemsById.get(id)!).sort((a, b) => a.order - b.order);
  const entry = c.entry !== undefined ? itemsById.get(c.entry) : undefined;
  const n = items.length;
  const index = new Map<string, number>(items.map((it, i) => [it.id, i]));
  if (entry) index.set(entry.id, -1);
  const frameById = new Map(c.frames.map((f) => [f, facts.frameById.get(f)!]));
  const parentOf = (id: string | undefined) => (id && frameById.has(id) ? id : undefined);
  /** Frames around item i, outermost first. */
  const framesOf = (it: VisibleItem): string[] => {
    const out: string[] = [];
    for (let f = parentOf(it.parent), guard = 0; f && guard < 10_000; f = parentOf(frameById.get(f)!.parent), guard++) out.push(f);
    return out.reverse();
  };

  // Rows: the placeholder, then each item, with frame borders between them.
  const top = new Float64Array(n);
  const frameTop = new Map<string, number>();
  const frameBottom = new Map<string, number>();
  const frameSpan = new Map<string, [number, number]>();
  let y = entry ? entry.height : 0;
  let open: string[] = [];
  items.forEach((it, i) => {
    const fs = framesOf(it);
    let common = 0;
    while (common < open.length && common < fs.length && open[common] === fs[common]) common++;
    for (let k = open.length - 1; k >= common; k--) frameBottom.set(open[k]!, (y += SPACING.frameSide));
    if (i > 0 || entry) y += SPACING.layer;
    for (let k = common; k < fs.length; k++) {
      frameTop.set(fs[k]!, y);
      y += SPACING.frameTop;
    }
    for (const f of fs) {
      const s = frameSpan.get(f);
      if (s) s[1] = i;
      else frameSpan.set(f, [i, i]);
    }
    top[i] = y;
    y += it.height;
    open = fs;
  });
  for (let k = open.length - 1; k >= 0; k--) frameBottom.set(open[k]!, (y += SPACING.frameSide));

  // Half widths of frames, innermost first.
  const half = new Map<string, number>();
  const depth = (f: string) => {
    let d = 0;
    for (let p = parentOf(frameById.get(f)!.parent); p && d < 10_000; p = parentOf(frameById.get(p)!.parent)) d++;
    return d;
  };
  const byDepth = [...frameById.keys()].sort((a, b) => depth(b) - depth(a));
  for (const f of byDepth) half.set(f, Math.max(half.get(f) ?? 0, frameById.get(f)!.minWidth / 2));
  for (const it of items) {
    const p = parentOf(it.parent);
    if (p) half.set(p, Math.max(half.get(p)!, it.width / 2 + SPACING.frameSide));
  }
  const nest = () => {
    for (const f of byDepth) {
      const p = parentOf(frameById.get(f)!.parent);
      if (p) half.set(p, Math.max(half.get(p)!, half.get(f)! + SPACING.frameSide));
    }
  };
  nest();
  const framesStartingAt: string[][] = Array.from({ length: n }, () => []);
  for (const [f, [a]] of frameSpan) framesStartingAt[a]!.push(f);

  // What stands right of the column at each row: the box, or the label on its stem.
  const { labelWidth, outCount: outs } = facts;
  // A single stem carries its label beside it; a fan-out's label sits beside the box.
  const right = items.map((it) => {
    const label = LABEL_GAP + (labelWidth.get(it.id) ?? 0);
    const o = outs.get(it.id) ?? 0;
    return Math.max(it.width / 2, o === 1 ? label : 0, o > 1 ? it.width / 2 + label : 0);
  });

  const bottomOf = (i: number) => (i < 0 ? entry!.height : top[i]! + items[i]!.height);
  const widthOf = (i: number) => (i < 0 ? entry!.width : items[i]!.width);
  const port = (i: number) => Math.max(0, Math.min(PORT, widthOf(i) / 2 - 6));

  // Edges: the one from the previous item runs straight down the column; the others get lanes.
  const edges: ElkExtendedEdge[] = [];
  const skips: { e: ElkExtendedEdge; s: number; t: number }[] = [];
  const straight = new Set<number>();
  for (const e of chunkEdges) {
    const t = index.get(e.target);
    const s = index.get(e.source);
    if (t === undefined || t < 0 || s === undefined) continue;
    const edge: ElkExtendedEdge = { id: e.id, sources: [s < 0 ? placeholder : e.source], targets: [e.target] };
    edges.push(edge);
    if (s === t - 1 && !straight.has(t)) {
      straight.add(t);
      edge.sections = [{ id: `${e.id}s`, startPoint: { x: 0, y: bottomOf(s) }, endPoint: { x: 0, y: top[t]! } }];
    } else skips.push({ e: edge, s, t });
  }
  // Shorter spans first, so the lanes of longer ones pass outside them.
  skips.sort((a, b) => a.t - a.s - (b.t - b.s) || a.s - b.s);
  const laneAt = new Float64Array(n);
  for (const { e, s, t } of skips) {
    let x = 0;
    for (let k = s + 1; k < t; k++) {
      x = Math.max(x, right[k]!, laneAt[k] ? laneAt[k]! + SPACING.edgeEdge - SPACING.edgeNode : 0);
      for (const f of framesStartingAt[k]!) if (frameSpan.get(f)![1] < t) x = Math.max(x, half.get(f)!);
    }
    const lane = x + SPACING.edgeNode;
    for (let k = s + 1; k < t; k++) laneAt[k] = Math.max(laneAt[k]!, lane);
    // Frames holding either end hold the lane too, each inside its parent.
    for (const i of [s, t]) {
      if (i < 0) continue;
      let w = lane + SPACING.frameSide;
      for (const f of framesOf(items[i]!).reverse()) {
        half.set(f, Math.max(half.get(f)!, w));
        w = half.get(f)! + SPACING.frameSide;
      }
    }
    const y1 = bottomOf(s) + TURN;
    const y2 = top[t]! - TURN;
    const ps = port(s);
    const pt = port(t);
    e.sections = [
      {
        id: `${e.id}s`,
        startPoint: { x: ps, y: bottomOf(s) },
        bendPoints: [
          { x: ps, y: y1 },
          { x: lane, y: y1 },
          { x: lane, y: y2 },
          { x: pt, y: y2 },
        ],
        endPoint: { x: pt, y: top[t]! },
      },
    ];
  }

  nest();
  const children: ElkNode[] = [];
  if (entry) children.push({ id: placeholder, x: -entry.width / 2, y: 0, width: entry.width, height: entry.height });
  items.forEach((it, i) => children.push({ id: it.id, x: -it.width / 2, y: top[i]!, width: it.width, height: it.height }));
  for (const [f, h] of half) {
    const y0 = frameTop.get(f)!;
    children.push({ id: f, x: -h, y: y0, width: 2 * h, height: frameBottom.get(f)! - y0 });
  }
  return { id: 'root', children, edges };
}
