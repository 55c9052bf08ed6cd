/**
 * Series-parallel chunks placed without ELK: a fork, branches side by side, a join (inception's
 * branches, a residual block's projection shortcut), nested to any depth, between nodes that
 * every path passes (cut vertices). Most of a CNN that is not a chain (chain.ts) is such a
 * structure; ELK costs about a millisecond per node, this a few microseconds, so a 10,000-layer
 * Inception/ResNet-like graph needs ELK for none of it. Frames (expanded helper calls) and
 * anything not series-parallel (DenseNet's dense blocks, multi-input pieces) stay with ELK.
 *
 * Drawing: each series is one column; a fork's edges leave its node on one stem and split on a
 * bus just below it, branches hang side by side under it (the longest one in the column when one
 * is longest), their exits meet on a bus just above the join; an edge from fork to join with no
 * node between (a residual identity shortcut) runs in a lane right of the branches, as chain.ts
 * routes its shortcuts. The result has ELK's output shape, so layout.ts stacks it like any chunk.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphFacts } from './chain';
import type { Chunk } from './chunks';
import { SPACING } from './spacing';
import type { VisibleEdge } from './visible';

/** Where a shortcut leaves or enters a box beside the column's centre line (as chain.ts). */
const PORT = 14;
/** How far below its source (above its target) a shortcut turns towards its lane. */
const TURN = 8;
/** An edge label's offset from its stem (labels.ts). */
const LABEL_GAP = 5;

interface Step {
  /** The edge from one node of the series to the next when nothing stands between them. */
  link?: string;
  branches: Series[];
  /** Further edges straight from the node above to the node below (shortcuts): lanes. */
  direct: string[];
}
interface Series {
  nodes: string[];
  /** steps[i] joins nodes[i] and nodes[i + 1]. */
  steps: Step[];
  size: number;
}
interface Extent {
  left: number;
  right: number;
  height: number;
}

interface Ctx {
  out: Map<string, VisibleEdge[]>;
  box: Map<string, { width: number; height: number }>;
  right: Map<string, number>;
  ext: Map<Series | Step, Extent>;
  /** Per parallel step: each branch's axis relative to the column, and the lanes' x. */
  axes: Map<Step, number[]>;
  lanes: Map<Step, number[]>;
  children: ElkNode[];
  edges: ElkExtendedEdge[];
  placeholder: string;
  entry?: string;
}

/**
 * The chunk laid out as nested series and parallel parts, or undefined when it is not one (or
 * holds frames): then ELK lays it out.
 */
export function seriesParallelLayout(c: Chunk, placeholder: string, facts: GraphFacts, chunkEdges: VisibleEdge[]): ElkNode | undefined {
  const { itemsById, outCount, labelWidth } = facts;
  if (c.frames.length || !c.items.length) return undefined;
  const items = c.items.map((id) => itemsById.get(id)!).sort((a, b) => a.order - b.order);
  const list = items.map((it) => it.id);
  if (c.entry !== undefined) list.unshift(c.entry);
  const inChunk = new Set(list);
  const out = new Map<string, VisibleEdge[]>();
  const within = new Map<string, number>();
  for (const e of chunkEdges) {
    if (!inChunk.has(e.source) || !inChunk.has(e.target)) return undefined;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e);
    within.set(e.source, (within.get(e.source) ?? 0) + 1);
  }
  // Only the last node feeds later chunks (each of which is entered from it).
  for (const it of items.slice(0, -1)) if ((outCount.get(it.id) ?? 0) !== (within.get(it.id) ?? 0)) return undefined;
  const inCount = new Map<string, number>();
  for (const e of chunkEdges) inCount.set(e.target, (inCount.get(e.target) ?? 0) + 1);
  const top = decompose(list, out, inCount);
  if (!top) return undefined;

  const box = new Map<string, { width: number; height: number }>();
  for (const it of items) box.set(it.id, it);
  const entry = c.entry !== undefined ? itemsById.get(c.entry) : undefined;
  if (entry) box.set(entry.id, entry);
  // What stands right of the column at a node: the box, or the label on its stem (labels.ts).
  const right = new Map<string, number>();
  for (const [id, b] of box) {
    const label = LABEL_GAP + (labelWidth.get(id) ?? 0);
    const o = outCount.get(id) ?? 0;
    right.set(id, Math.max(b.width / 2, o === 1 ? label : 0, o > 1 ? b.width / 2 + label : 0));
  }
  const ctx: Ctx = { out, box, right, ext: new Map(), axes: new Map(), lanes: new Map(), children: [], edges: [], placeholder, ...(entry ? { entry: entry.id } : {}) };
  measureSeries(top, ctx);
  placeSeries(top, ctx, 0, 0);
  return { id: 'root', children: ctx.children, edges: ctx.edges };
}

/**
 * `list`: nodes in topological order, the first the only source, the last the only sink. Its cut
 * vertices are the positions no edge jumps over; between two of them either one edge, or branches
 * (the weakly connected parts of what lies between, each entered and left by one edge).
 */
function decompose(list: string[], out: Map<string, VisibleEdge[]>, inCount: Map<string, number>): Series | undefined {
  const n = list.length;
  const pos = new Map<string, number>();
  list.forEach((id, i) => pos.set(id, i));
  const diff = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (const e of out.get(list[i]!) ?? []) {
      const j = pos.get(e.target);
      if (j === undefined) continue;
      if (j <= i) return undefined;
      diff[i + 1]!++;
      diff[j]!--;
    }
  const cuts: number[] = [];
  for (let p = 0, s = 0; p < n; p++) if ((s += diff[p]!) === 0) cuts.push(p);
  const series: Series = { nodes: cuts.map((p) => list[p]!), steps: [], size: n };
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k]!;
    const b = cuts[k + 1]!;
    const from = list[a]!;
    const to = list[b]!;
    const step: Step = { branches: [], direct: [] };
    for (const e of out.get(from) ?? []) if (e.target === to) step.direct.push(e.id);
    if (b === a + 1) {
      if (!step.direct.length) return undefined;
      step.link = step.direct.shift()!;
      series.steps.push(step);
      continue;
    }
    // The parts between: union-find over the edges among them.
    const parent = new Int32Array(b - a - 1).map((_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
      return x;
    };
    for (let i = a + 1; i < b; i++)
      for (const e of out.get(list[i]!) ?? []) {
        const j = pos.get(e.target)!;
        if (j < b) parent[find(i - a - 1)] = find(j - a - 1);
      }
    const parts = new Map<number, string[]>();
    for (let i = a + 1; i < b; i++) {
      const r = find(i - a - 1);
      (parts.get(r) ?? parts.set(r, []).get(r)!).push(list[i]!);
    }
    const fed = new Map<string, number>();
    for (const e of out.get(from) ?? []) if (e.target !== to) fed.set(e.target, (fed.get(e.target) ?? 0) + 1);
    for (const part of parts.values()) {
      // Entered by one edge from the fork into its first node, left by one from its last to the join.
      const first = part[0]!;
      const last = part.at(-1)!;
      if (fed.get(first) !== 1 || inCount.get(first) !== 1) return undefined;
      for (const id of part) {
        if (id !== first && fed.has(id)) return undefined;
        const toJoin = (out.get(id) ?? []).filter((e) => e.target === to).length;
        if (toJoin !== (id === last ? 1 : 0)) return undefined;
        if (id === last && (out.get(id) ?? []).length !== 1) return undefined;
      }
      const sub = decompose(part, out, inCount);
      if (!sub) return undefined;
      step.branches.push(sub);
    }
    series.steps.push(step);
  }
  return series;
}

function measureSeries(s: Series, ctx: Ctx): Extent {
  let left = 0;
  let right = 0;
  let height = 0;
  s.nodes.forEach((id, i) => {
    const b = ctx.box.get(id)!;
    left = Math.max(left, b.width / 2);
    right = Math.max(right, ctx.right.get(id)!);
    height += b.height;
    const step = s.steps[i];
    if (!step) return;
    const e = measureStep(step, ctx);
    left = Math.max(left, e.left);
    right = Math.max(right, e.right);
    height += e.height;
  });
  const ext = { left, right, height };
  ctx.ext.set(s, ext);
  return ext;
}

/** A step's extent is the band between its two nodes. */
function measureStep(st: Step, ctx: Ctx): Extent {
  const exts = st.branches.map((b) => measureSeries(b, ctx));
  const axes: number[] = [];
  let x = 0;
  exts.forEach((e, k) => {
    if (k) x += SPACING.node;
    axes.push(x + e.left);
    x += e.left + e.right;
  });
  if (exts.length) {
    // The longest branch in the column when one is longest; else the branches centred under it.
    const sizes = st.branches.map((b) => b.size);
    const most = Math.max(...sizes);
    const main = sizes.filter((z) => z === most).length === 1 ? sizes.indexOf(most) : -1;
    const shift = main >= 0 ? -axes[main]! : -x / 2;
    for (let k = 0; k < axes.length; k++) axes[k]! += shift;
  }
  let left = 0;
  let right = 0;
  let height = 0;
  exts.forEach((e, k) => {
    left = Math.max(left, e.left - axes[k]!);
    right = Math.max(right, axes[k]! + e.right);
    height = Math.max(height, e.height);
  });
  const lanes = st.direct.map((_, k) => right + SPACING.edgeNode + k * SPACING.edgeEdge);
  if (lanes.length) right = lanes.at(-1)! + SPACING.edgeNode;
  ctx.axes.set(st, axes);
  ctx.lanes.set(st, lanes);
  const ext = { left, right, height: exts.length ? height + 2 * SPACING.layer : SPACING.layer };
  ctx.ext.set(st, ext);
  return ext;
}

function placeSeries(s: Series, ctx: Ctx, x: number, y: number): void {
  s.nodes.forEach((id, i) => {
    const b = ctx.box.get(id)!;
    ctx.children.push({ id: id === ctx.entry ? ctx.placeholder : id, x: x - b.width / 2, y, width: b.width, height: b.height });
    y += b.height;
    const step = s.steps[i];
    if (step) y = placeStep(step, ctx, id, s.nodes[i + 1]!, x, y);
  });
}

/** Places the band under node `from` (bottom at y0) and the edges to `to`; returns `to`'s top. */
function placeStep(st: Step, ctx: Ctx, from: string, to: string, x: number, y0: number): number {
  const ext = ctx.ext.get(st)!;
  const y1 = y0 + ext.height;
  const edge = (id: string, source: string, target: string, pts: { x: number; y: number }[]) => {
    // Drop repeated points (a bend of no length).
    const p = pts.filter((q, i) => i === 0 || Math.abs(q.x - pts[i - 1]!.x) > 0.01 || Math.abs(q.y - pts[i - 1]!.y) > 0.01);
    const section = { id: `${id}s`, startPoint: p[0]!, endPoint: p.at(-1)!, ...(p.length > 2 ? { bendPoints: p.slice(1, -1) } : {}) };
    ctx.edges.push({ id, sources: [source === ctx.entry ? ctx.placeholder : source], targets: [target], sections: [section] });
  };
  if (st.link) edge(st.link, from, to, [{ x, y: y0 }, { x, y: y1 }]);
  const axes = ctx.axes.get(st)!;
  const busTop = y0 + SPACING.layer / 2;
  // Nearer the join than the middle: the branches' last stems carry their labels above it.
  const busBottom = y1 - 10;
  st.branches.forEach((b, k) => {
    const bx = x + axes[k]!;
    const top = y0 + SPACING.layer;
    placeSeries(b, ctx, bx, top);
    const first = b.nodes[0]!;
    const last = b.nodes.at(-1)!;
    const bottom = top + ctx.ext.get(b)!.height;
    const into = ctx.out.get(from)!.find((e) => e.target === first)!;
    edge(into.id, from, first, [{ x, y: y0 }, { x, y: busTop }, { x: bx, y: busTop }, { x: bx, y: top }]);
    const outOf = ctx.out.get(last)!.find((e) => e.target === to)!;
    edge(outOf.id, last, to, [{ x: bx, y: bottom }, { x: bx, y: busBottom }, { x, y: busBottom }, { x, y: y1 }]);
  });
  const lanes = ctx.lanes.get(st)!;
  const port = (id: string) => Math.max(0, Math.min(PORT, ctx.box.get(id)!.width / 2 - 6));
  st.direct.forEach((id, k) => {
    const ps = x + port(from);
    const pt = x + port(to);
    const lane = x + lanes[k]!;
    edge(id, from, to, [{ x: ps, y: y0 }, { x: ps, y: y0 + TURN }, { x: lane, y: y0 + TURN }, { x: lane, y: y1 - TURN }, { x: pt, y: y1 - TURN }, { x: pt, y: y1 }]);
  });
  return y1;
}
