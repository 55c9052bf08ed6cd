/**
 * A model's groups (helper calls that built layers) as the inlay hints read them: which group
 * each node is in, each group's params, MACs, errors and first output shape, and each call site's
 * groups summed. Built from columns the report records in its own passes over the nodes, on first
 * read; the panel's graph (model_report.ts) uses the same group index.
 */
import type { Frame } from '../interp/frame';
import type { LayerNode, TensorValue } from '../tfjs/values';
import type { Shape } from '../layers/types';
import type { Range } from '../source';
import type ts from 'typescript';
import type { Placer } from './model_report';
import { groupLabel } from './group_names';
import { tallyAdd, type Tally } from './site_tallies';

/**
 * A helper call that built layers, with the totals its inlay hint shows. Built apart from the
 * graph's groups (no node lists, no boundary shape lists): a 20,000-layer loop of helper calls has
 * 8,000 of them, and the first hint request after an edit waits for them.
 */
export interface GroupSummary {
  /** The graph group's id. */
  id: string;
  label: string;
  /** The call site. */
  range: Range;
  file: string;
  /** The first tensor the call hands on (the graph group's first output shape). */
  outputShape: Shape | null;
  params: number | null;
  macs: number | null;
  error: boolean;
}

/** A group's call site: one object per call expression, shared by the groups it entered (a helper called in a loop). */
export interface GroupSite {
  range: Range;
  file: string;
}

/**
 * The GroupSummary fields as columns, one entry per group in the graph's order: what the first
 * inlay-hint request after an edit reads. Columns, not 8,000 objects: filling them is one pass of
 * number arithmetic over the nodes (`npm run bench -- scale:hints`).
 */
export interface GroupTotals {
  count: number;
  site: GroupSite[];
  label: string[];
  outputShape: (Shape | null)[];
  /** NaN: unknown (a part the analysis cannot see). */
  params: Float64Array;
  /** NaN: unknown. */
  macs: Float64Array;
  /** 1: a node of the group has a shape error. */
  error: Uint8Array;
  /** The groups of each call site summed, in order of first group. */
  sites: GroupSiteTally[];
}

/** The groups one helper call entered (a call in a loop), summed: its inlay hint. */
export interface GroupSiteTally extends Tally {
  site: GroupSite;
  /** The first group's label. */
  label: string;
}

/**
 * Per model node (same order): its layer's index in the report's table (INPUT, OPAQUE: none), and
 * whether it is the layer's first application (the graph counts a shared layer's weights there);
 * per layer: its params (NaN: unknown); the largest node id.
 */
export interface NodeLayers {
  index: Int32Array;
  first: Uint8Array;
  params: Float64Array;
  maxId: number;
}

/** NodeLayers.index of an input node, and of a stand-in for something unknown. */
export const INPUT = -1;
export const OPAQUE = -2;

/**
 * The groups of a model (helper calls that built layers) as indices: the frames, in order of first
 * use (parents first), each group's parent (-1: none), each node's innermost group (-1: none).
 */
export interface GroupIndex {
  frames: Frame[];
  parentOf: Int32Array;
  /** Per model node (same order). */
  innermost: Int32Array;
  /** A node's innermost group by node id: NOT_IN_MODEL for a node outside the model. */
  byNodeId: Int32Array;
}

export const NOT_IN_MODEL = -2;
/** A frame whose group nodeColumns has not worked out yet. */
const UNSEEN = -3;

/**
 * What the groups' totals read of each model node, recorded by the report's own passes over the
 * nodes: any further pass over 20,000 node objects, their layers and input tensors costs 2-6 ms of
 * cache misses on this machine, and the first hint request after an edit would make two. Also each
 * node's innermost group, by frame: the groups (helper calls that built layers) in order of first
 * use, parents first.
 */
export interface NodeColumns {
  frames: Frame[];
  /** Per group: its parent group (-1: none), call site and label (taken while its frame is in cache). */
  parentOf: number[];
  site: GroupSite[];
  label: string[];
  /** Per group: its site's position among the distinct sites, in order of first group. */
  siteIndex: number[];
  /** Per node (same order): its innermost group (-1: none), id, MACs (NaN: unknown), error (1). */
  innermost: Int32Array;
  ids: Int32Array;
  macs: Float64Array;
  error: Uint8Array;
  /** Node i's inputs are entries inputStart[i] .. inputStart[i + 1] - 1: the source node's id (-1: none) and the tensor's shape. */
  inputStart: Int32Array;
  inputSource: number[];
  inputShape: (Shape | null)[];
}

export function nodeColumns(count: number, stops: Set<Frame>, place: (f: Frame) => GroupSite): NodeColumns & { node(i: number, n: LayerNode): void } {
  const frames: Frame[] = [];
  const parentOf: number[] = [];
  const site: GroupSite[] = [];
  const label: string[] = [];
  const siteIndex: number[] = [];
  const siteIndexOf = new Map<GroupSite, number>();
  // The innermost frame below the model's builder that was entered through a call, per frame (the
  // layers of one helper call share frames), by frame id: unique within an analysis, as the graph's
  // group ids assume, and a parent's is smaller than its child's. An array that grows, not a Map
  // keyed by frame: a 20,000-layer loop model has 8,000 frames.
  let innermostOf = new Int32Array(256).fill(UNSEEN);
  const groupOf = (f: Frame | undefined): number => {
    if (!f) return -1;
    let k = f.id < innermostOf.length ? innermostOf[f.id]! : UNSEEN;
    if (k !== UNSEEN) return k;
    if (stops.has(f)) k = -1;
    else if (f.called) {
      // Parents first: a group's parent has a smaller index.
      const parent = groupOf(f.parent);
      k = frames.length;
      frames.push(f);
      parentOf.push(parent);
      const gs = place(f);
      site.push(gs);
      label.push(groupLabel(f));
      let si = siteIndexOf.get(gs);
      if (si === undefined) siteIndexOf.set(gs, (si = siteIndexOf.size));
      siteIndex.push(si);
    } else k = groupOf(f.parent);
    if (f.id >= innermostOf.length) {
      const grown = new Int32Array(Math.max(f.id + 1, innermostOf.length * 2)).fill(UNSEEN);
      grown.set(innermostOf);
      innermostOf = grown;
    }
    innermostOf[f.id] = k;
    return k;
  };
  const innermost = new Int32Array(count);
  const ids = new Int32Array(count);
  const macs = new Float64Array(count);
  const error = new Uint8Array(count);
  return {
    frames,
    parentOf,
    site,
    label,
    siteIndex,
    innermost,
    ids,
    macs,
    error,
    inputStart: new Int32Array(count + 1),
    inputSource: [],
    inputShape: [],
    node(i, n) {
      const f = n.layer.frame;
      let k = -1;
      if (f && n.layer.className !== 'InputLayer') {
        // Most nodes' frames are known already: no call.
        k = f.id < innermostOf.length ? innermostOf[f.id]! : UNSEEN;
        if (k === UNSEEN) k = groupOf(f);
      }
      innermost[i] = k;
      ids[i] = n.id;
      macs[i] = n.macs ?? NaN;
      error[i] = n.error ? 1 : 0;
    },
  };
}

export function groupIndex(cols: NodeColumns, maxId: number): GroupIndex {
  const byNodeId = new Int32Array(maxId + 1).fill(NOT_IN_MODEL);
  for (let i = 0; i < cols.ids.length; i++) byNodeId[cols.ids[i]!] = cols.innermost[i]!;
  return { frames: cols.frames, parentOf: Int32Array.from(cols.parentOf), innermost: cols.innermost, byNodeId };
}

/** Whether group `j` is `k` or one of its ancestors. */
export function within(ix: GroupIndex, j: number, k: number): boolean {
  for (; k >= 0; k = ix.parentOf[k]!) if (k === j) return true;
  return false;
}

/**
 * Calls `f` for every edge that crosses a group boundary, once per group it enters (`into`) or
 * leaves: a node belongs to its innermost group and all of that group's ancestors, so an edge
 * enters every ancestor of its target that is not an ancestor of its source (O(edges × nesting
 * depth²), not groups × edges).
 */
export function forEachCrossing(ix: GroupIndex, nodes: LayerNode[], f: (into: boolean, j: number, t: TensorValue) => void): void {
  for (let i = 0; i < nodes.length; i++) {
    const tg = ix.innermost[i]!;
    for (const t of nodes[i]!.inputs) {
      const sg = sourceGroup(ix, t);
      if (sg === NOT_IN_MODEL || sg === tg) continue;
      for (let j = tg; j >= 0; j = ix.parentOf[j]!) if (!within(ix, j, sg)) f(true, j, t);
      for (let j = sg; j >= 0 && !within(ix, j, tg); j = ix.parentOf[j]!) f(false, j, t);
    }
  }
}

/** The innermost group of the node a tensor comes from: NOT_IN_MODEL for a source outside the model (it crosses no group boundary of it). */
export function sourceGroup(ix: GroupIndex, t: TensorValue): number {
  const source = t.node;
  return source && source.id < ix.byNodeId.length ? ix.byNodeId[source.id]! : NOT_IN_MODEL;
}

/** Per model node: the params the graph shows (a shared layer's weights at its first application only); NaN: unknown. */
export function nodeParams(i: number, at: NodeLayers): number {
  const idx = at.index[i]!;
  return idx === OPAQUE ? NaN : idx < 0 || !at.first[i] ? 0 : at.params[idx]!;
}

export const nullIfNaN = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * A group frame's call site, once per call expression: a helper called in a loop enters thousands
 * of frames from the same few calls (finding a call's start skips its leading trivia). The sites
 * are shared between the groups of one call; nothing changes them.
 */
export function callSites(placer: Placer): (f: Frame) => GroupSite {
  const memo = new Map<ts.Node, GroupSite>();
  return (f) => {
    let site = memo.get(f.callNode!);
    if (!site) {
      const loc = f.callLoc!;
      memo.set(f.callNode!, (site = { range: placer.range(loc), file: loc.file }));
    }
    return site;
  };
}

/**
 * The groups' hint totals in one pass over the nodes: params and MACs up each node's group chain,
 * and the first tensor each group hands on (an edge leaving it: forEachCrossing's outgoing half).
 */
export function groupTotals(ix: GroupIndex, cols: NodeColumns, nodes: LayerNode[], at: NodeLayers): GroupTotals {
  const count = ix.frames.length;
  const { site, label } = cols;
  const outputShape = new Array<Shape | null>(count).fill(null);
  const params = new Float64Array(count);
  const macs = new Float64Array(count);
  const error = new Uint8Array(count);
  if (!count) return { count, site, label, outputShape, params, macs, error, sites: [] };
  const { parentOf, innermost, byNodeId } = ix;
  const { inputStart, inputSource } = cols;
  const last = new Int32Array(count).fill(-1);
  const handsOn = new Uint8Array(count);
  for (let i = 0; i < innermost.length; i++) {
    const tg = innermost[i]!;
    if (tg >= 0) {
      const p = nodeParams(i, at);
      const m = cols.macs[i]!;
      const e = cols.error[i]!;
      for (let j = tg; j >= 0; j = parentOf[j]!) {
        params[j] += p;
        macs[j] += m;
        error[j] |= e;
        last[j] = i;
      }
    }
    for (let k = inputStart[i]!; k < inputStart[i + 1]!; k++) {
      const source = inputSource[k]!;
      const sg = source >= 0 && source < byNodeId.length ? byNodeId[source]! : NOT_IN_MODEL;
      if (sg < 0 || sg === tg) continue;
      // The groups the edge leaves: its source's and their ancestors up to one that holds the target.
      for (let j = sg; j >= 0 && !within(ix, j, tg); j = parentOf[j]!)
        if (!handsOn[j]) {
          handsOn[j] = 1;
          outputShape[j] = cols.inputShape[k]!;
        }
    }
  }
  // A group that holds the model output has no outgoing edge: its last node is its output.
  for (let j = 0; j < count; j++) if (!handsOn[j] && last[j]! >= 0) outputShape[j] = nodes[last[j]!]!.output.shape;
  const tallies: GroupSiteTally[] = [];
  for (let j = 0; j < count; j++) {
    const si = cols.siteIndex[j]!;
    // Written out, not spread from a fresh tally: V8 made spread objects slow to read (dictionary properties).
    const t = (tallies[si] ??= { site: site[j]!, label: label[j]!, count: 0, shapes: [], paramsLo: Infinity, paramsHi: -Infinity, paramsUnknown: false, macs: 0, error: false });
    tallyAdd(t, outputShape[j]!, params[j]!, macs[j]!, error[j] === 1);
  }
  return { count, site, label, outputShape, params, macs, error, sites: tallies };
}

/** The totals as objects (GroupSummary), for readers other than the hints. */
export function groupSummaries(ix: GroupIndex, t: GroupTotals): GroupSummary[] {
  return ix.frames.map((f, j) => ({
    id: `g${f.id}`,
    label: t.label[j]!,
    range: t.site[j]!.range,
    file: t.site[j]!.file,
    outputShape: t.outputShape[j]!,
    params: nullIfNaN(t.params[j]!),
    macs: nullIfNaN(t.macs[j]!),
    error: t.error[j] === 1,
  }));
}
