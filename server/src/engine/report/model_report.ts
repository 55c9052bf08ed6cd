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
import type { Shape, WeightSpec } from '../layers/types';
import { groupDetails, groupLabel } from './group_names';
import { layerLines, layerSites, sameShape, type LayerLines, type LayerSite, type TallyFacts } from './site_tallies';
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
  /** The line an offset of a file lies on (what `range` gives, without making the range). */
  line(file: string, offset: number): number;
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
  /** report.layers[i], built alone when the table has not been (it is built on first read of report.layers). */
  layerAt(i: number): LayerReport;
  /** report.layers.length, without building the table. */
  layerCount: number;
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
  const chains = new Map<Frame, CallSite[]>();
  const state = trainableStateOf(model);
  const chainOf = (f: Frame | undefined) => callChain(f, stops, placer, chains);
  // What the totals and the hints' tallies need of each layer now; each layer's row (ranges, label,
  // chain) when something reads it: an edit's hints read the rows of one viewport (see lazyRows).
  const facts: LayerFacts[] = layerOrder.map((layer) => layerFacts(layer, nodesOf.get(layer)!.nodes, state));
  const rows = lazyRows(layerOrder, nodesOf, facts, placer, chainOf);

  // A model with parts the analysis cannot see has unknown totals, never the sum of what it saw.
  const whole = incomplete.length === 0;
  let total: number | null = whole ? 0 : null;
  let trainable: number | null = whole ? 0 : null;
  let macs: number | null = whole ? 0 : null;
  let act: number | null = whole ? 0 : null;
  at.params = new Float64Array(facts.length);
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i]!;
    at.params[i] = f.params ?? NaN;
    total = add(total, f.params);
    trainable = add(trainable, f.trainable);
    macs = add(macs, f.macs);
    act = add(act, f.bytes === null ? null : f.bytes * nodesOf.get(layerOrder[i]!)!.nodes.length);
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
    layers: [],
    diagnostics,
    depth: longestPath(nodes, at.maxId, cols),
  };
  // Read through a getter until first read (JSON and structured clones read it too), then data.
  Object.defineProperty(report, 'layers', {
    enumerable: true,
    configurable: true,
    get: () => settle(report, rows.all()),
    set: (v: LayerReport[]) => settle(report, v),
  });
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
  const sites = layerSites(facts, placer, rows.at);
  Object.defineProperty(built, 'layerSites', { enumerable: false, configurable: true, value: sites });
  Object.defineProperty(built, 'layerLines', { enumerable: false, configurable: true, value: layerLines(facts, !sites, placer) });
  Object.defineProperty(built, 'layerAt', { enumerable: false, configurable: true, value: rows.at });
  Object.defineProperty(built, 'layerCount', { enumerable: false, configurable: true, value: facts.length });
  let index: GroupIndex | undefined;
  let totals: GroupTotals | undefined;
  let groups: GroupSummary[] | undefined;
  let graph: ModelGraph | undefined;
  const indexNow = () => (index ??= groupIndex(cols, at.maxId));
  const totalsNow = () => (totals ??= groupTotals(indexNow(), cols, nodes, at));
  Object.defineProperty(built, 'groupTotals', { enumerable: false, configurable: true, get: totalsNow });
  Object.defineProperty(built, 'groups', { enumerable: false, configurable: true, get: () => (groups ??= groupSummaries(indexNow(), totalsNow())) });
  Object.defineProperty(built, 'graph', { enumerable: true, configurable: true, get: () => (graph ??= buildGraph(name, nodes, at, rows.at, placer, graphGroups(indexNow(), nodes, at, placer))) });
  return built;
}

function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** A layer's numbers, computed with the report: its totals and the hints' tallies read them. */
export interface LayerFacts extends TallyFacts {
  weights: WeightSpec[];
  trainable: number | null;
  bytes: number | null;
}

function layerFacts(layer: LayerValue, nodes: LayerNode[], state: TrainableState): LayerFacts {
  const first = nodes[0]!;
  const weights = effectiveWeights(layer, state) ?? [];
  const params = layer.weights ? totalParams(weights) : null;
  // A layer with no weights trains none, whatever its config says.
  const trainable = !layer.weights ? null : weights.length > 0 && trainableOpen(layer, state) ? null : trainableParams(weights);
  let macs: number | null = 0;
  for (const n of nodes) macs = add(macs, n.macs);
  const out = first.output;
  const a = first.applyLoc;
  const l = layer.loc;
  let error: string | undefined;
  for (const n of nodes) if (n.error) { error = n.error; break; }
  return {
    loc: l,
    // The `.apply(...)` around the call, when there is one (LayerReport.applyRange).
    apply: a.file === l.file && a.start <= l.start && a.end >= l.end && (a.start !== l.start || a.end !== l.end) ? a : undefined,
    // A layer with several outputs (a multi-output model used as a layer) has no single shape.
    shape: first.outputs ? null : out.shape,
    params,
    macs,
    error: error ?? layer.configError?.message,
    weights,
    trainable,
    bytes: out.shape ? activationBytes(out.shape) : null,
  };
}

/** totalParams of the trainable weights, without a filtered copy. */
function trainableParams(weights: WeightSpec[]): number | null {
  let sum = 0;
  for (const w of weights) {
    if (!w.trainable) continue;
    let n = 1;
    for (const d of w.shape) {
      if (d === null) return null;
      n *= d;
    }
    sum += n;
  }
  return sum;
}

interface LazyRows {
  /** Layer i's row, built once. */
  at: (i: number) => LayerReport;
  /** Every row, in order (the table). */
  all: () => LayerReport[];
}

/**
 * The report's layer rows, each built on first read. Ranges, labels and call chains were a third of
 * a 5,000-layer edit's analysis, and a quarter of what it allocated, while the edit's hints read 60
 * rows (`npm run bench -- scale:lsp`). A row read alone is the same object the table has later.
 */
function lazyRows(order: LayerValue[], nodesOf: Map<LayerValue, { nodes: LayerNode[] }>, facts: LayerFacts[], placer: Placer, chainOf: (f: Frame | undefined) => CallSite[]): LazyRows {
  const rows: (LayerReport | undefined)[] = new Array(order.length);
  let names: string[] | undefined;
  let built = 0;
  const at = (i: number): LayerReport => {
    let r = rows[i];
    if (!r) {
      const layer = order[i]!;
      rows[i] = r = layerRow(layer, nodesOf.get(layer)!.nodes, (names ??= displayNames(order))[i]!, facts[i]!, placer, chainOf);
      built++;
    }
    return r;
  };
  return {
    at,
    all: () => {
      if (built < order.length) for (let i = 0; i < order.length; i++) at(i);
      return rows as LayerReport[];
    },
  };
}

/** Replaces the layers getter with the rows as data. */
function settle(report: ModelReport, layers: LayerReport[]): LayerReport[] {
  Object.defineProperty(report, 'layers', { value: layers, enumerable: true, configurable: true, writable: true });
  return layers;
}

function layerRow(layer: LayerValue, nodes: LayerNode[], displayName: string, f: LayerFacts, placer: Placer, chainOf: (f: Frame | undefined) => CallSite[]): LayerReport {
  const first = nodes[0]!;
  const field = first.output.field;
  const r: LayerReport = {
    className: layer.className,
    range: placer.range(layer.loc),
    file: layer.loc.file,
    useRange: placer.range(first.applyLoc),
    useFile: first.applyLoc.file,
    inputShapes: first.inputs.map((t) => t.shape),
    outputShape: f.shape,
    params: f.params,
    trainableParams: f.trainable,
    nonTrainableParams: f.params === null || f.trainable === null ? null : f.params - f.trainable,
    macs: f.macs,
    activationBytes: f.bytes,
    displayName,
    label: describe(layer),
    family: layer.className === 'InputLayer' ? 'input' : (layer.spec?.family ?? 'other'),
    weights: f.weights,
    applications: nodes.length,
    chain: chainOf(layer.frame),
  };
  if (layer.name) r.name = layer.name;
  if (first.outputs) r.outputShapes = first.outputs.map((t) => t.shape);
  if (f.apply) r.applyRange = placer.range(f.apply);
  if (field && field.rf.length >= 1) {
    r.receptiveField = [field.rf[0]!, field.rf[1] ?? field.rf[0]!];
    r.jump = [field.jump[0]!, field.jump[1] ?? field.jump[0]!];
  }
  if (f.error) r.error = f.error;
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

function buildGraph(model: string, nodes: LayerNode[], at: NodeLayers, layerAt: (i: number) => LayerReport, placer: Placer, groups: GraphGroups): ModelGraph {
  const gnodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const inModel = new Set(nodes);
  nodes.forEach((n, i) => {
    const idx = at.index[i]!;
    const g: GraphNode = {
      id: `n${n.id}`,
      layerIndex: idx < 0 ? null : idx,
      className: n.layer.className,
      label: idx < 0 ? (n.layer.opaque ? 'unknown' : 'input') : layerAt(idx).label,
      family: idx < 0 ? (n.layer.opaque ? 'other' : 'input') : layerAt(idx).family,
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
