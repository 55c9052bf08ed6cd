/**
 * Turns an analysed model (layer objects and their application nodes) into the JSON report (docs/report.md) and
 * the panel's graph. Everything here is derived data; nothing is analysed again.
 */
import { type LayerNode, type LayerValue, type ModelValue, type TensorValue } from '../tfjs/values';
import { modelNodes, totalParams } from '../tfjs/session';
import { effectiveWeights, trainableStateOf, type TrainableState } from '../tfjs/trainable';
import type ts from 'typescript';
import type { Frame } from '../interp/frame';
import type { Loc, Range } from '../source';
import type { CallSite, Diagnostic, GraphEdge, GraphGroup, GraphNode, LayerReport, ModelGraph, ModelReport } from './types';
import type { Shape } from '../layers/types';
import { groupDetails, groupLabel } from './group_names';
import { noteStackOverflow } from '../stack_overflow';

/** Converts engine locations into line/character ranges of whichever file holds them. */
export interface Placer {
  range(loc: Loc): Range;
}

export interface BuiltModel {
  report: ModelReport;
  /** Built on first read (see buildModel). */
  graph: ModelGraph;
  /** Whether the graph has any group (a helper call that built layers): false lets hints skip the graph. */
  hasGroups: boolean;
  /** The graph's groups with the totals hints show, built on first read without the graph's nodes and edges. */
  groups: GroupSummary[];
}

export function buildModel(model: ModelValue, name: string, nameLoc: Loc, placer: Placer, diagnostics: Diagnostic[]): BuiltModel {
  const nodes = modelNodes(model);
  const layerOrder: LayerValue[] = [];
  const nodesOf = new Map<LayerValue, { index: number; nodes: LayerNode[] }>();
  const incomplete = [...model.incomplete];
  // Per node: its layer's index in the table (-1: an input or unknown layer), and whether it is
  // the layer's first application (which the graph counts the weights at).
  const at: NodeLayers = { index: [], first: [] };
  for (const n of nodes) {
    if (n.layer.opaque || n.layer.className === 'InputLayer') {
      if (n.layer.opaque && !incomplete.includes(n.layer.opaque)) incomplete.push(n.layer.opaque);
      at.index.push(-1);
      at.first.push(false);
      continue;
    }
    let entry = nodesOf.get(n.layer);
    if (!entry) {
      nodesOf.set(n.layer, (entry = { index: layerOrder.length, nodes: [] }));
      layerOrder.push(n.layer);
    }
    at.index.push(entry.index);
    at.first.push(entry.nodes.length === 0);
    entry.nodes.push(n);
  }
  const names = displayNames(layerOrder);
  const stops = ancestors(model.frame);
  const chains = new Map<Frame, CallSite[]>();
  const state = trainableStateOf(model);
  const chainOf = (f: Frame | undefined) => callChain(f, stops, placer, chains);
  const layers: LayerReport[] = layerOrder.map((layer, i) => layerReport(layer, nodesOf.get(layer)!.nodes, names[i]!, placer, chainOf, state));

  // A model with parts the analysis cannot see has unknown totals, never the sum of what it saw.
  const whole = incomplete.length === 0;
  let total: number | null = whole ? 0 : null;
  let trainable: number | null = whole ? 0 : null;
  let macs: number | null = whole ? 0 : null;
  let act: number | null = whole ? 0 : null;
  for (const l of layers) {
    total = add(total, l.params);
    trainable = add(trainable, l.trainableParams);
    macs = add(macs, l.macs);
    act = add(act, l.activationBytes === null ? null : l.activationBytes * l.applications);
  }
  const report: ModelReport = {
    name,
    kind: model.kind,
    range: placer.range(nameLoc),
    file: nameLoc.file,
    inputShapes: model.inputs.map((t) => t.shape),
    outputShapes: model.outputs.map((t) => t.shape),
    totalParams: total,
    trainableParams: trainable,
    nonTrainableParams: total === null || trainable === null ? null : total - trainable,
    macs,
    activationBytes: act,
    layers,
    diagnostics,
    depth: longestPath(nodes),
  };
  if (!whole) report.incomplete = incomplete;
  if (model.variant) {
    const v = model.variant;
    report.variant = {
      label: v.label,
      conditions: v.conditions.map(({ loc, ...c }) => ({ ...c, range: placer.range(loc), file: loc.file })),
      ...(v.default ? { default: true as const } : {}),
      ...(v.unexplored ? { unexplored: v.unexplored } : {}),
    };
  }
  // The graph is for the panel and `convlens view`: an edit's hints and diagnostics never read it,
  // and building it is about as much work as the rest of the report. Built on first read, once.
  // The memoised call chains the layer table made: a node has a group exactly when its chain is not empty.
  const hasGroups = nodes.some((n) => n.layer.className !== 'InputLayer' && chainOf(n.layer.frame).length > 0);
  const built = { report, hasGroups } as BuiltModel;
  let index: GroupIndex | undefined;
  let groups: GroupSummary[] | undefined;
  let graph: ModelGraph | undefined;
  const indexNow = () => (index ??= indexGroups(model, nodes));
  Object.defineProperty(built, 'groups', { enumerable: false, configurable: true, get: () => (groups ??= groupSummaries(indexNow(), nodes, at, layers, placer)) });
  Object.defineProperty(built, 'graph', { enumerable: true, configurable: true, get: () => (graph ??= buildGraph(name, nodes, at, layers, placer, graphGroups(indexNow(), nodes, at, layers, placer))) });
  return built;
}

function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function layerReport(layer: LayerValue, nodes: LayerNode[], displayName: string, placer: Placer, chainOf: (f: Frame | undefined) => CallSite[], state: TrainableState): LayerReport {
  const first = nodes[0]!;
  const weights = effectiveWeights(layer, state) ?? [];
  const params = layer.weights ? totalParams(weights) : null;
  const trainable = layer.weights ? totalParams(weights.filter((w) => w.trainable)) : null;
  let macs: number | null = 0;
  for (const n of nodes) macs = add(macs, n.macs);
  const out = first.output;
  const field = out.field;
  const bytes = out.shape ? activationBytes(out.shape) : null;
  const r: LayerReport = {
    className: layer.className,
    range: placer.range(layer.loc),
    file: layer.loc.file,
    useRange: placer.range(first.applyLoc),
    useFile: first.applyLoc.file,
    inputShapes: first.inputs.map((t) => t.shape),
    // A layer with several outputs (a multi-output model used as a layer) has no single shape.
    outputShape: first.outputs ? null : out.shape,
    params,
    trainableParams: trainable,
    nonTrainableParams: params === null || trainable === null ? null : params - trainable,
    macs,
    activationBytes: bytes,
    displayName,
    label: describe(layer),
    family: layer.className === 'InputLayer' ? 'input' : (layer.spec?.family ?? 'other'),
    weights,
    applications: nodes.length,
    chain: chainOf(layer.frame),
  };
  if (layer.name) r.name = layer.name;
  if (first.outputs) r.outputShapes = first.outputs.map((t) => t.shape);
  const a = first.applyLoc;
  if (a.file === layer.loc.file && a.start <= layer.loc.start && a.end >= layer.loc.end && (a.start !== layer.loc.start || a.end !== layer.loc.end))
    r.applyRange = placer.range(a);
  if (field && field.rf.length >= 1) {
    r.receptiveField = [field.rf[0]!, field.rf[1] ?? field.rf[0]!];
    r.jump = [field.jump[0]!, field.jump[1] ?? field.jump[0]!];
  }
  const err = nodes.find((n) => n.error)?.error ?? layer.configError?.message;
  if (err) r.error = err;
  return r;
}

export function activationBytes(shape: Shape): number | null {
  let n = 4;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (d === null || d === undefined) return null;
    n *= d;
  }
  return n;
}

export function describe(layer: LayerValue): string {
  if (layer.spec?.describe && !layer.configError) {
    try {
      return layer.spec.describe(layer.config as never);
    } catch (e) {
      noteStackOverflow(e);
      /* fall through to the class name */
    }
  }
  return layer.className;
}

/** The helper calls that made a layer, innermost first, stopping at the model's own builder. */
function callChain(frame: Frame | undefined, stops: Set<Frame>, placer: Placer, memo: Map<Frame, CallSite[]>): CallSite[] {
  if (!frame || stops.has(frame)) return [];
  let chain = memo.get(frame);
  if (!chain) {
    const rest = callChain(frame.parent, stops, placer, memo);
    const loc = frame.callLoc;
    chain = loc ? [{ name: frame.name, range: placer.range(loc), file: loc.file }, ...rest] : rest;
    memo.set(frame, chain);
  }
  return chain;
}

function ancestors(f: Frame | undefined): Set<Frame> {
  const s = new Set<Frame>();
  for (; f; f = f.parent) s.add(f);
  return s;
}

const snakeMemo = new Map<string, string>();

/** Keras's layer-name convention: MaxPooling2D → max_pooling2d, Conv2DTranspose → conv2d_transpose. */
function snake(className: string): string {
  let s = snakeMemo.get(className);
  if (s === undefined) snakeMemo.set(className, (s = snakeCase(className)));
  return s;
}

function snakeCase(className: string): string {
  return className
    .replace(/(\d)D(?=[A-Z]|$)/g, '$1d')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function displayNames(layers: LayerValue[]): string[] {
  const counts = new Map<string, number>();
  return layers.map((l) => {
    if (l.name) return l.name;
    const base = snake(l.className);
    const k = counts.get(base) ?? 0;
    counts.set(base, k + 1);
    return k === 0 ? base : `${base}_${k}`;
  });
}

/** Conv and dense layers along the longest path from an input to an output (ResNet-50 → 50). */
function longestPath(nodes: LayerNode[]): number {
  const depth = new Map<LayerNode, number>();
  let best = 0;
  for (const n of nodes) {
    let d = 0;
    for (const i of n.inputs) if (i.node) d = Math.max(d, depth.get(i.node) ?? 0);
    const family = n.layer.spec?.family;
    if (family === 'conv' || family === 'dense' || n.layer.model) d += 1;
    depth.set(n, d);
    best = Math.max(best, d);
  }
  return best;
}

// ------------------------------------------------------------------ graph

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

/** Per model node (same order): its layer's index in the report's table (-1: none), and whether it is the layer's first application. */
interface NodeLayers {
  index: number[];
  first: boolean[];
}

/**
 * The groups of a model (helper calls that built layers) as indices: the frames, in order of first
 * use (parents first), each group's parent (-1: none), each node's innermost group (-1: none).
 */
interface GroupIndex {
  frames: Frame[];
  parentOf: number[];
  /** Per model node (same order). */
  innermost: Int32Array;
  /** A node's innermost group by node id: NOT_IN_MODEL for a node outside the model. */
  byNodeId: Int32Array;
}

const NOT_IN_MODEL = -2;
/** A frame whose group indexGroups has not worked out yet. */
const UNSEEN = -3;

function indexGroups(mv: ModelValue, nodes: LayerNode[]): GroupIndex {
  const stops = ancestors(mv.frame);
  const frames: Frame[] = [];
  const parentOf: number[] = [];
  let maxId = 0;
  let maxFrame = 0;
  for (const n of nodes) {
    if (n.id > maxId) maxId = n.id;
    const f = n.layer.frame;
    if (f && f.id > maxFrame) maxFrame = f.id;
  }
  // The innermost frame below the model's builder that was entered through a call, per frame (the
  // layers of one helper call share frames), by frame id: unique within an analysis, as the graph's
  // group ids assume, and a parent's is smaller than its child's. An array, not a Map keyed by
  // frame: a 20,000-layer loop model has 8,000 frames, and this runs on the first hint request.
  const innermostOf = new Int32Array(maxFrame + 1).fill(UNSEEN);
  const groupOf = (f: Frame | undefined): number => {
    if (!f) return -1;
    let k = f.id <= maxFrame ? innermostOf[f.id]! : UNSEEN;
    if (k === UNSEEN) {
      if (stops.has(f)) k = -1;
      else if (f.called) {
        // Parents first: a group's parent has a smaller index.
        const parent = groupOf(f.parent);
        k = frames.length;
        frames.push(f);
        parentOf.push(parent);
      } else k = groupOf(f.parent);
      if (f.id <= maxFrame) innermostOf[f.id] = k;
    }
    return k;
  };
  const innermost = new Int32Array(nodes.length);
  const byNodeId = new Int32Array(maxId + 1).fill(NOT_IN_MODEL);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const k = n.layer.className === 'InputLayer' ? -1 : groupOf(n.layer.frame);
    innermost[i] = k;
    byNodeId[n.id] = k;
  }
  return { frames, parentOf, innermost, byNodeId };
}

/** Whether group `j` is `k` or one of its ancestors. */
function within(ix: GroupIndex, j: number, k: number): boolean {
  for (; k >= 0; k = ix.parentOf[k]!) if (k === j) return true;
  return false;
}

/**
 * Calls `f` for every edge that crosses a group boundary, once per group it enters (`into`) or
 * leaves: a node belongs to its innermost group and all of that group's ancestors, so an edge
 * enters every ancestor of its target that is not an ancestor of its source (O(edges × nesting
 * depth²), not groups × edges).
 */
function forEachCrossing(ix: GroupIndex, nodes: LayerNode[], f: (into: boolean, j: number, t: TensorValue) => void): void {
  for (let i = 0; i < nodes.length; i++) {
    const tg = ix.innermost[i]!;
    for (const t of nodes[i]!.inputs) {
      const sg = sourceGroup(ix, t);
      if (sg === NOT_IN_MODEL || sg === tg) continue;
      for (let j = tg; j >= 0; j = ix.parentOf[j]!) if (!within(ix, j, sg)) f(true, j, t);
      forEachExit(ix, sg, tg, (j) => f(false, j, t));
    }
  }
}

/** The innermost group of the node a tensor comes from: NOT_IN_MODEL for a source outside the model (it crosses no group boundary of it). */
function sourceGroup(ix: GroupIndex, t: TensorValue): number {
  const source = t.node;
  return source && source.id < ix.byNodeId.length ? ix.byNodeId[source.id]! : NOT_IN_MODEL;
}

/** The groups an edge from a node in group `sg` to one in `tg` leaves: `sg` and its ancestors that do not hold `tg`. */
function forEachExit(ix: GroupIndex, sg: number, tg: number, f: (j: number) => void): void {
  for (let j = sg; j >= 0; j = ix.parentOf[j]!) if (!within(ix, j, tg)) f(j);
}

/** Per model node: the params the graph shows (a shared layer's weights at its first application only). */
function nodeParams(n: LayerNode, i: number, at: NodeLayers, layers: LayerReport[]): number | null {
  const idx = at.index[i]!;
  return n.layer.opaque ? null : idx < 0 ? 0 : at.first[i] ? layers[idx]!.params : 0;
}

/**
 * A group frame's call site, once per call expression: a helper called in a loop enters thousands
 * of frames from the same few calls (finding a call's start skips its leading trivia). The ranges
 * are shared between the groups of one call; nothing changes them.
 */
function callSites(placer: Placer): (f: Frame) => { range: Range; file: string } {
  const memo = new Map<ts.Node, { range: Range; file: string }>();
  return (f) => {
    let site = memo.get(f.callNode!);
    if (!site) {
      const loc = f.callLoc!;
      memo.set(f.callNode!, (site = { range: placer.range(loc), file: loc.file }));
    }
    return site;
  };
}

/** The groups' hint totals: no node lists, boundary shape lists, details or graph. */
function groupSummaries(ix: GroupIndex, nodes: LayerNode[], at: NodeLayers, layers: LayerReport[], placer: Placer): GroupSummary[] {
  const site = callSites(placer);
  const summaries: GroupSummary[] = ix.frames.map((f) => {
    const { range, file } = site(f);
    return { id: `g${f.id}`, label: groupLabel(f), range, file, outputShape: null, params: 0, macs: 0, error: false };
  });
  if (!summaries.length) return summaries;
  const last = new Array<LayerNode | undefined>(summaries.length).fill(undefined);
  const handsOn = new Uint8Array(summaries.length);
  // One pass over the nodes: totals up the group chain, and the first tensor each group hands on
  // (an edge leaving it: forEachCrossing's outgoing half, inline, without the entering half).
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const tg = ix.innermost[i]!;
    if (tg >= 0) {
      const p = nodeParams(n, i, at, layers);
      for (let j = tg; j >= 0; j = ix.parentOf[j]!) {
        const s = summaries[j]!;
        s.params = add(s.params, p);
        s.macs = add(s.macs, n.macs);
        if (n.error) s.error = true;
        last[j] = n;
      }
    }
    for (const t of n.inputs) {
      const sg = sourceGroup(ix, t);
      if (sg < 0 || sg === tg) continue;
      forEachExit(ix, sg, tg, (j) => {
        if (handsOn[j]) return;
        handsOn[j] = 1;
        summaries[j]!.outputShape = t.shape;
      });
    }
  }
  // A group that holds the model output has no outgoing edge: its last node is its output.
  summaries.forEach((s, j) => {
    if (!handsOn[j]) s.outputShape = last[j]?.output.shape ?? null;
  });
  return summaries;
}

interface GraphGroups {
  groups: GraphGroup[];
  /** Per model node (same order): its innermost group's id. */
  groupIds: (string | undefined)[];
  /** Per model node: the params the graph shows. */
  params: (number | null)[];
}

/** The graph's groups: members, boundary shapes (each boundary tensor once per group), params, details. */
function graphGroups(ix: GroupIndex, nodes: LayerNode[], at: NodeLayers, layers: LayerReport[], placer: Placer): GraphGroups {
  const site = callSites(placer);
  const groups: GraphGroup[] = ix.frames.map((f, j) => {
    const { range, file } = site(f);
    const parent = ix.parentOf[j]!;
    return { id: `g${f.id}`, label: groupLabel(f), parentId: parent < 0 ? undefined : `g${ix.frames[parent]!.id}`, range, file, nodeIds: [], inputShapes: [], outputShapes: [], params: 0 };
  });
  const params = nodes.map((n, i) => nodeParams(n, i, at, layers));
  const groupIds = Array.from(ix.innermost, (k) => (k < 0 ? undefined : groups[k]!.id));
  if (!groups.length) return { groups, groupIds, params };
  const last: (LayerNode | undefined)[] = [];
  nodes.forEach((n, i) => {
    const id = `n${n.id}`;
    for (let j = ix.innermost[i]!; j >= 0; j = ix.parentOf[j]!) {
      const g = groups[j]!;
      g.nodeIds.push(id);
      g.params = add(g.params, params[i]!);
      last[j] = n;
    }
  });
  const seenIn: (Set<TensorValue['node']> | undefined)[] = [];
  const seenOut: (Set<TensorValue['node']> | undefined)[] = [];
  forEachCrossing(ix, nodes, (into, j, t) => {
    const seen = ((into ? seenIn : seenOut)[j] ??= new Set());
    if (seen.has(t.node)) return;
    seen.add(t.node);
    (into ? groups[j]!.inputShapes : groups[j]!.outputShapes).push(t.shape);
  });
  groups.forEach((g, j) => {
    const l = last[j];
    if (!g.outputShapes.length && l?.output.shape) g.outputShapes.push(l.output.shape);
  });
  const details = groupDetails(ix.frames);
  groups.forEach((g, j) => {
    const detail = details.get(ix.frames[j]!);
    if (detail) g.detail = detail;
  });
  return { groups, groupIds, params };
}

function buildGraph(model: string, nodes: LayerNode[], at: NodeLayers, layers: LayerReport[], placer: Placer, groups: GraphGroups): ModelGraph {
  const gnodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const inModel = new Set(nodes);
  nodes.forEach((n, i) => {
    const idx = at.index[i]!;
    const g: GraphNode = {
      id: `n${n.id}`,
      layerIndex: idx < 0 ? null : idx,
      className: n.layer.className,
      label: idx < 0 ? (n.layer.opaque ? 'unknown' : 'input') : layers[idx]!.label,
      family: idx < 0 ? (n.layer.opaque ? 'other' : 'input') : layers[idx]!.family,
      inputShapes: n.inputs.map((t) => t.shape),
      outputShape: n.output.shape,
      params: groups.params[i]!,
      macs: n.macs,
      range: placer.range(n.layer.loc),
      file: n.layer.loc.file,
    };
    if (n.layer.name) g.name = n.layer.name;
    if (n.error) g.error = n.error;
    const gid = groups.groupIds[i];
    if (gid) g.groupId = gid;
    gnodes.push(g);
    n.inputs.forEach((t, k) => {
      if (t.node && inModel.has(t.node)) edges.push({ id: `e${t.node.id}_${n.id}_${k}`, source: `n${t.node.id}`, target: `n${n.id}`, targetInput: k, shape: t.shape });
    });
  });
  return { model, nodes: gnodes, edges, groups: groups.groups };
}
