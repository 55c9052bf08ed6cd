/**
 * Turns an analysed model (layer objects and their application nodes) into the JSON report (docs/report.md) and
 * the panel's graph. Everything here is derived data; nothing is analysed again.
 */
import { type LayerNode, type LayerValue, type ModelValue, type TensorValue } from '../tfjs/values';
import { modelNodes, totalParams } from '../tfjs/session';
import { effectiveWeights, trainableOpen, trainableStateOf, type TrainableState } from '../tfjs/trainable';
import type { Frame } from '../interp/frame';
import type { Loc, Range } from '../source';
import type { CallSite, Diagnostic, GraphEdge, GraphGroup, GraphNode, LayerReport, ModelGraph, ModelReport } from './types';
import type { Shape } from '../layers/types';
import { groupDetails, groupLabel } from './group_names';
import { layerLines, layerSites, sameShape, type LayerLines, type LayerSite } from './site_tallies';
import {
  callSites,
  forEachCrossing,
  groupIndex,
  groupSummaries,
  groupTotals,
  INPUT,
  nodeColumns,
  nodeParams,
  nullIfNaN,
  OPAQUE,
  type GroupIndex,
  type GroupSummary,
  type GroupTotals,
  type NodeColumns,
  type NodeLayers,
} from './group_totals';

export type { GroupSite, GroupSiteTally, GroupSummary, GroupTotals } from './group_totals';
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
  /** The same totals as columns, and summed per call site for the inlay hints: built on first read, once. */
  groupTotals: GroupTotals;
  /** The layer-constructing calls with their instances' totals, for the inlay hints: built with the report (undefined: one layer per call, see layerSites). */
  layerSites: LayerSite[] | undefined;
  /** Where the layers' hints can fall (a viewport's hints read only its layers): built with the report. */
  layerLines: LayerLines;
}

export function buildModel(model: ModelValue, name: string, nameLoc: Loc, placer: Placer, diagnostics: Diagnostic[]): BuiltModel {
  const nodes = modelNodes(model);
  const layerOrder: LayerValue[] = [];
  const nodesOf = new Map<LayerValue, { index: number; nodes: LayerNode[] }>();
  const incomplete = [...model.incomplete];
  // Per node: its layer's index in the table (INPUT, OPAQUE: an input or unknown layer), and whether it is
  // the layer's first application (which the graph counts the weights at).
  const at: NodeLayers = { index: new Int32Array(nodes.length), first: new Uint8Array(nodes.length), params: new Float64Array(0), maxId: 0 };
  // The groups' columns are filled by the report's own passes over the nodes (this one and
  // longestPath's), not a pass of their own: at 20,000 nodes each pass over the node objects costs
  // milliseconds of cache misses (see NodeColumns).
  const stops = ancestors(model.frame);
  const cols = nodeColumns(nodes.length, stops, callSites(placer));
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.id > at.maxId) at.maxId = n.id;
    cols.node(i, n);
    if (n.layer.opaque || n.layer.className === 'InputLayer') {
      if (n.layer.opaque && !incomplete.includes(n.layer.opaque)) incomplete.push(n.layer.opaque);
      at.index[i] = n.layer.opaque ? OPAQUE : INPUT;
      continue;
    }
    let entry = nodesOf.get(n.layer);
    if (!entry) {
      nodesOf.set(n.layer, (entry = { index: layerOrder.length, nodes: [] }));
      layerOrder.push(n.layer);
    }
    at.index[i] = entry.index;
    at.first[i] = entry.nodes.length === 0 ? 1 : 0;
    entry.nodes.push(n);
  }
  const names = displayNames(layerOrder);
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
  at.params = new Float64Array(layers.length);
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    at.params[i] = l.params ?? NaN;
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
    depth: longestPath(nodes, at.maxId, cols),
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
  const hasGroups = cols.frames.length > 0;
  const built = { report, hasGroups } as BuiltModel;
  const sites = layerSites(layers);
  Object.defineProperty(built, 'layerSites', { enumerable: false, configurable: true, value: sites });
  Object.defineProperty(built, 'layerLines', { enumerable: false, configurable: true, value: layerLines(layers, !sites) });
  let index: GroupIndex | undefined;
  let totals: GroupTotals | undefined;
  let groups: GroupSummary[] | undefined;
  let graph: ModelGraph | undefined;
  const indexNow = () => (index ??= groupIndex(cols, at.maxId));
  const totalsNow = () => (totals ??= groupTotals(indexNow(), cols, nodes, at));
  Object.defineProperty(built, 'groupTotals', { enumerable: false, configurable: true, get: totalsNow });
  Object.defineProperty(built, 'groups', { enumerable: false, configurable: true, get: () => (groups ??= groupSummaries(indexNow(), totalsNow())) });
  Object.defineProperty(built, 'graph', { enumerable: true, configurable: true, get: () => (graph ??= buildGraph(name, nodes, at, layers, placer, graphGroups(indexNow(), nodes, at, placer))) });
  return built;
}

function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function layerReport(layer: LayerValue, nodes: LayerNode[], displayName: string, placer: Placer, chainOf: (f: Frame | undefined) => CallSite[], state: TrainableState): LayerReport {
  const first = nodes[0]!;
  const weights = effectiveWeights(layer, state) ?? [];
  const params = layer.weights ? totalParams(weights) : null;
  // A layer with no weights trains none, whatever its config says.
  const trainable = !layer.weights ? null : weights.length > 0 && trainableOpen(layer, state) ? null : totalParams(weights.filter((w) => w.trainable));
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

/**
 * Conv and dense layers along the longest path from an input to an output (ResNet-50 → 50). The
 * nodes come sources first; a source outside the model counts 0. Records each node's inputs in
 * the groups' columns on the way (see NodeColumns).
 */
function longestPath(nodes: LayerNode[], maxId: number, cols: NodeColumns): number {
  const depth = new Int32Array(maxId + 1);
  let best = 0;
  let shape: Shape | null = null;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    let d = 0;
    cols.inputStart[i] = cols.inputSource.length;
    for (const t of n.inputs) {
      const source = t.node;
      cols.inputSource.push(source ? source.id : -1);
      // A run of equal shapes is kept as one array: the tallies then compare them by identity, not
      // by reading thousands of arrays long out of cache.
      cols.inputShape.push((shape = sameShape(t.shape, shape) ? shape : t.shape));
      if (source && source.id <= maxId) d = Math.max(d, depth[source.id]!);
    }
    const family = n.layer.spec?.family;
    if (family === 'conv' || family === 'dense' || n.layer.model) d += 1;
    depth[n.id] = d;
    best = Math.max(best, d);
  }
  cols.inputStart[nodes.length] = cols.inputSource.length;
  return best;
}

// ------------------------------------------------------------------ graph

interface GraphGroups {
  groups: GraphGroup[];
  /** Per model node (same order): its innermost group's id. */
  groupIds: (string | undefined)[];
  /** Per model node: the params the graph shows. */
  params: (number | null)[];
}

/** The graph's groups: members, boundary shapes (each boundary tensor once per group), params, details. */
function graphGroups(ix: GroupIndex, nodes: LayerNode[], at: NodeLayers, placer: Placer): GraphGroups {
  const site = callSites(placer);
  const groups: GraphGroup[] = ix.frames.map((f, j) => {
    const { range, file } = site(f);
    const parent = ix.parentOf[j]!;
    return { id: `g${f.id}`, label: groupLabel(f), parentId: parent < 0 ? undefined : `g${ix.frames[parent]!.id}`, range, file, nodeIds: [], inputShapes: [], outputShapes: [], params: 0 };
  });
  const params = nodes.map((_, i) => nullIfNaN(nodeParams(i, at)));
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
