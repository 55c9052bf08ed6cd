/**
 * The graph as it is drawn right now: layer nodes outside collapsed groups, one box per collapsed
 * group, a frame per expanded group, and edges re-pointed at whatever stands for their ends.
 * Pure data (no DOM): the main thread builds it, the layout worker and the SVG writer consume it.
 */
import type { GraphGroup, GraphNode, ModelGraph, Shape } from '../../../server/src/engine/report/types';
import { FONT, edgeText, frameHeaderMin, groupSize, layerSize } from './node_content';
import { textWidth } from './measure';
import { finish, type StepCounter } from '../../../protocol/steps';

/** Helper calls that wrap a single layer (a `conv()` around one tf.layers.conv2d) are not drawn as groups. */
export const MIN_GROUP_NODES = 2;

export interface VisibleItem {
  /** A graph node id (layer or input) or a group id (collapsed group). */
  id: string;
  kind: 'layer' | 'input' | 'group';
  /** The expanded group whose frame holds it. */
  parent?: string;
  width: number;
  height: number;
  /** Position of its first node in topological order. */
  order: number;
}

export interface VisibleFrame {
  id: string;
  parent?: string;
  /** Width the header text needs. */
  minWidth: number;
}

export interface VisibleEdge {
  id: string;
  source: string;
  target: string;
  /** The graph edges it stands for (one unless an end is a collapsed group). */
  edgeIds: string[];
  shape: Shape | null;
  label: string;
  labelWidth: number;
  /** Into a merge layer (add, concatenate, ...): drawn in the merge colour. */
  merge: boolean;
}

export interface VisibleGraph {
  items: VisibleItem[];
  frames: VisibleFrame[];
  edges: VisibleEdge[];
}

/** Indexes over a ModelGraph that every view needs. Build once per model message. */
export interface GraphIndex {
  graph: ModelGraph;
  nodes: Map<string, GraphNode>;
  groups: Map<string, GraphGroup>;
  order: Map<string, number>;
  /** Groups with at least MIN_GROUP_NODES nodes: the ones that can collapse. */
  real: Set<string>;
  /** Nearest real ancestor of each real group. */
  realParent: Map<string, string | undefined>;
  /** Innermost real group of each node. */
  nodeGroup: Map<string, string | undefined>;
  /** Real groups, parents before children. */
  realOrder: string[];
}

/**
 * The panel builds the index and the visible graph in steps, so that a 10,000-layer model does
 * not hold the main thread for one long pass: the generators below yield after every `every`
 * items (nodes, groups, edges) and return their result; the panel drives them with Slicer pauses
 * between steps (slices.ts). `indexGraph` and `visibleGraph` run them to the end at once. Graphs
 * under `every` items never yield.
 */
export const GRAPH_STEP = 1000;


export function indexGraph(graph: ModelGraph): GraphIndex {
  return finish(indexGraphSteps(graph, Infinity));
}

export function* indexGraphSteps(graph: ModelGraph, every = GRAPH_STEP): Generator<void, GraphIndex, void> {
  const c: StepCounter = { n: 0, every };
  const nodes = new Map<string, GraphNode>();
  for (const n of graph.nodes) {
    nodes.set(n.id, n);
    if (++c.n % every === 0) yield;
  }
  const groups = new Map<string, GraphGroup>();
  const real = new Set<string>();
  for (const g of graph.groups) {
    groups.set(g.id, g);
    if (g.nodeIds.length >= MIN_GROUP_NODES) real.add(g.id);
    if (++c.n % every === 0) yield;
  }
  const order = yield* topoOrderSteps(graph, c);
  const nearestReal = (id: string | undefined): string | undefined => {
    let g = id ? groups.get(id) : undefined;
    for (let guard = 0; g && !real.has(g.id) && guard < 10_000; guard++) g = g.parentId ? groups.get(g.parentId) : undefined;
    return g && real.has(g.id) ? g.id : undefined;
  };
  const realParent = new Map<string, string | undefined>();
  for (const id of real) {
    realParent.set(id, nearestReal(groups.get(id)!.parentId));
    if (++c.n % every === 0) yield;
  }
  const nodeGroup = new Map<string, string | undefined>();
  for (const n of graph.nodes) {
    nodeGroup.set(n.id, nearestReal(n.groupId));
    if (++c.n % every === 0) yield;
  }
  // Parents before children: the real groups bucketed by depth, each bucket in the groups' order
  // (what a stable sort by depth gives, in one pass instead of n log n comparisons with lookups).
  const byDepth: string[][] = [];
  for (const id of real) {
    let d = 0;
    for (let p = realParent.get(id); p && d < 10_000; p = realParent.get(p)) d++;
    (byDepth[d] ??= []).push(id);
    if (++c.n % every === 0) yield;
  }
  const realOrder: string[] = [];
  for (const bucket of byDepth) if (bucket) for (const id of bucket) realOrder.push(id);
  return { graph, nodes, groups, order, real, realParent, nodeGroup, realOrder };
}

/** Kahn's order, ties broken by the graph's own node order (which the engine already keeps topological). */
function* topoOrderSteps(graph: ModelGraph, c: StepCounter): Generator<void, Map<string, number>, void> {
  const every = c.every;
  const count = graph.nodes.length;
  // Nodes by position, edges as position pairs, out-edges in one flat array (offsets per node):
  // one Map (id → position) instead of four, whose growth at 20,000 nodes cost more than the work.
  const pos = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    pos.set(graph.nodes[i]!.id, i);
    if (++c.n % every === 0) yield;
  }
  const from = new Int32Array(graph.edges.length);
  const to = new Int32Array(graph.edges.length);
  const indeg = new Int32Array(count);
  const start = new Int32Array(count + 1);
  let m = 0;
  for (const e of graph.edges) {
    if (++c.n % every === 0) yield;
    const si = pos.get(e.source);
    const ti = pos.get(e.target);
    if (si === undefined || ti === undefined) continue;
    from[m] = si;
    to[m++] = ti;
    indeg[ti]!++;
    start[si + 1]!++;
  }
  for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, count);
  const targets = new Int32Array(m);
  for (let k = 0; k < m; k++) targets[next[from[k]!]!++] = to[k]!;
  // Ready nodes in a binary min-heap by original position: the smallest first keeps the source
  // order among them, in O(n log n) however wide the graph.
  const heap: number[] = [];
  const push = (p: number) => {
    let i = heap.push(p) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (heap[up]! <= p) break;
      heap[i] = heap[up]!;
      i = up;
    }
    heap[i] = p;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= heap.length) break;
        if (c + 1 < heap.length && heap[c + 1]! < heap[c]!) c++;
        if (heap[c]! >= last) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  for (let i = 0; i < count; i++) if (indeg[i] === 0) push(i);
  const order = new Map<string, number>();
  const placed = new Uint8Array(count);
  while (heap.length) {
    if (++c.n % every === 0) yield;
    const i = pop();
    if (placed[i]) continue;
    placed[i] = 1;
    order.set(graph.nodes[i]!.id, order.size);
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      const t = targets[k]!;
      if (--indeg[t]! === 0) push(t);
    }
  }
  // A cycle (never from the engine) keeps its nodes in source order at the end.
  for (let i = 0; i < count; i++) if (!placed[i]) order.set(graph.nodes[i]!.id, order.size);
  return order;
}

/** `collapsed(id)` says whether a real group is collapsed; the outermost collapsed ancestor wins. */
export function visibleGraph(ix: GraphIndex, collapsed: (groupId: string) => boolean): VisibleGraph {
  return finish(visibleGraphSteps(ix, collapsed, Infinity));
}

export function* visibleGraphSteps(ix: GraphIndex, collapsed: (groupId: string) => boolean, every = GRAPH_STEP): Generator<void, VisibleGraph, void> {
  let n = 0;
  // rep: what stands for each node (itself, or its outermost collapsed group).
  const hiddenBy = new Map<string, string | undefined>(); // real group -> outermost collapsed group at or above it
  for (const id of ix.realOrder) {
    const p = ix.realParent.get(id);
    const above = p ? hiddenBy.get(p) : undefined;
    hiddenBy.set(id, above ?? (collapsed(id) ? id : undefined));
    if (++n % every === 0) yield;
  }
  const rep = new Map<string, string>();
  for (const node of ix.graph.nodes) {
    const g = ix.nodeGroup.get(node.id);
    rep.set(node.id, (g && hiddenBy.get(g)) || node.id);
    if (++n % every === 0) yield;
  }

  const items: VisibleItem[] = [];
  const groupOrder = new Map<string, number>();
  for (const node of ix.graph.nodes) {
    const r = rep.get(node.id)!;
    const o = ix.order.get(node.id)!;
    if (r === node.id) {
      const size = layerSize(node);
      items.push({ id: node.id, kind: node.layerIndex === null ? 'input' : 'layer', parent: ix.nodeGroup.get(node.id), order: o, ...size });
    } else if (!groupOrder.has(r) || o < groupOrder.get(r)!) groupOrder.set(r, o);
    if (++n % every === 0) yield;
  }
  for (const [id, o] of groupOrder) {
    const g = ix.groups.get(id)!;
    items.push({ id, kind: 'group', parent: ix.realParent.get(id), order: o, ...groupSize(g, g.nodeIds.length) });
    if (++n % every === 0) yield;
  }
  items.sort((a, b) => a.order - b.order);

  const frames: VisibleFrame[] = [];
  for (const id of ix.realOrder) {
    if (++n % every === 0) yield;
    if (hiddenBy.get(id)) continue;
    const g = ix.groups.get(id)!;
    frames.push({ id, parent: ix.realParent.get(id), minWidth: textWidth(frameHeaderMin(g), FONT.frame, true) + 24 });
  }

  const edges: VisibleEdge[] = [];
  const merged = new Map<string, VisibleEdge>();
  for (const e of ix.graph.edges) {
    if (++n % every === 0) yield;
    const s = rep.get(e.source);
    const t = rep.get(e.target);
    if (!s || !t || s === t) continue;
    const target = ix.nodes.get(t);
    const label = edgeText(e.shape);
    const base = {
      source: s,
      target: t,
      shape: e.shape,
      label,
      labelWidth: label ? textWidth(label, FONT.edge) + 6 : 0,
      merge: target?.family === 'merge',
    };
    if (s === e.source && t === e.target) {
      edges.push({ id: e.id, edgeIds: [e.id], ...base });
      continue;
    }
    const key = `${s}>${t}`;
    const m = merged.get(key);
    if (m) m.edgeIds.push(e.id);
    else {
      const v: VisibleEdge = { id: `v:${key}`, edgeIds: [e.id], ...base };
      merged.set(key, v);
      edges.push(v);
    }
  }
  return { items, frames, edges };
}

/** What stands for a node in the drawing: itself, or the outermost collapsed group holding it. */
export function representative(ix: GraphIndex, collapsed: (groupId: string) => boolean, nodeId: string): string {
  let rep = nodeId;
  for (let g = ix.nodeGroup.get(nodeId), guard = 0; g && guard < 10_000; g = ix.realParent.get(g), guard++) if (collapsed(g)) rep = g;
  return rep;
}

/** What stands for a group: its box or frame, or the outermost collapsed group around it. */
export function groupRepresentative(ix: GraphIndex, collapsed: (groupId: string) => boolean, groupId: string): string {
  let rep = groupId;
  for (let g = ix.realParent.get(groupId), guard = 0; g && guard < 10_000; g = ix.realParent.get(g), guard++) if (collapsed(g)) rep = g;
  return rep;
}
