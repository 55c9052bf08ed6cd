/**
 * Layered top-to-bottom layout with ELK (elkjs, algorithm "layered"), chunk by chunk (see
 * chunks.ts). Pure and async: the browser runs it in layout_worker.ts, the CLI runs it in Node.
 * Why ELK and not dagre: webview/README.md (measured on DenseNet-121).
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { chainLayout, graphFacts } from './chain';
import { CHUNK_TARGET, chunkGraph, type Chunk } from './chunks';
import { squeezeBands, tightenFrames } from './compact';
import { runLocal, type ChunkRunner } from './elk_runner';
import { seriesParallelLayout } from './series_parallel';
import { placeLabels } from './labels';
import { SPACING } from './spacing';
import type { VisibleEdge, VisibleFrame, VisibleGraph, VisibleItem } from './visible';

export { SPACING };

export interface Point {
  x: number;
  y: number;
}
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface EdgeGeometry {
  points: Point[];
  /** Where the shape label goes (text baseline centre line), when there is room for it. */
  label?: { x: number; y: number; anchor: 'start' | 'end' };
}
export interface Geometry {
  width: number;
  height: number;
  items: Record<string, Box>;
  frames: Record<string, Box>;
  edges: Record<string, EdgeGeometry>;
  chunks: number;
}


/** ELK reads these from each node that has children, so frames repeat them. */
const SHARED_OPTIONS: Record<string, string> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': String(SPACING.layer),
  'elk.spacing.nodeNode': String(SPACING.node),
  'elk.spacing.edgeNode': String(SPACING.edgeNode),
  'elk.spacing.edgeEdge': String(SPACING.edgeEdge),
  'elk.layered.spacing.edgeNodeBetweenLayers': String(SPACING.edgeNode),
  'elk.layered.spacing.edgeEdgeBetweenLayers': String(SPACING.edgeEdge),
  // Every branch starts right under its fork (inception's four branches share the top row).
  'elk.layered.layering.strategy': 'LONGEST_PATH_SOURCE',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
};

const ROOT_OPTIONS: Record<string, string> = {
  ...SHARED_OPTIONS,
  // Branches stay in source order (inception's 1×1, 3×3, 5×5, pool from left to right).
  // Root only: ELK 0.12 crashes in its model-order comparator when frames carry it too.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/** Chunk results by their ELK input, so collapse toggles and edits only re-lay what changed. */
const cache = new Map<string, ElkNode>();
const CACHE_MAX = 400;

export interface LayoutStats {
  chunks: number;
  /** Chunks placed as chains (chain.ts), without ELK. */
  chains: number;
  /** Chunks placed as series-parallel parts (series_parallel.ts), without ELK. */
  seriesParallel: number;
  /** ELK chunks found in the cache. */
  cached: number;
  ms: number;
}

/** Forget laid-out chunks (benchmarks measure layout, not the cache). */
export function clearLayoutCache(): void {
  cache.clear();
}

export { runLocal, type ChunkRunner };

/** The top of the drawing is sent ahead once this many boxes at its top are laid out... */
export const PREFIX_ITEMS = 120;
/** ...and ELK still has at least this many boxes to lay out below them... */
const PREFIX_MIN_REST = 200;
/** ...or there are this many boxes below them at all (placing and assembling 10,000 takes 0.3-0.6 s). */
const PREFIX_MIN_PLACED = 2000;

/**
 * `top`: called at most once, with the drawing of the top chunks alone, when they are done while
 * much is still to be laid out below them (the panel shows the top first). Each chunk's place
 * depends only on the chunks above it, so the top does not move when the rest arrives, except
 * sideways by however much wider the whole drawing is (the panel keeps a node in place).
 */
export async function layoutGraph(v: VisibleGraph, stats?: LayoutStats, run: ChunkRunner = runLocal, chunkTarget = CHUNK_TARGET, top?: (geo: Geometry) => void, chains = true): Promise<Geometry> {
  const t0 = now();
  const chunks = chunkGraph(v, chunkTarget, chains);
  const parts = chunkParts(v, chunks);
  // Chains and series-parallel chunks are placed here at once; ELK lays out the rest (in parallel
  // where the runner can).
  const facts = graphFacts(v, parts.items);
  const placed: (ElkNode | undefined)[] = [];
  const keys: (string | undefined)[] = [];
  const outs: (ElkNode | undefined)[] = [];
  const prepare = (i: number) => {
    const c = chunks[i]!;
    placed[i] = c.chain ? chainLayout(c, PLACEHOLDER, facts, parts.edges[i]!) : chains ? seriesParallelLayout(c, PLACEHOLDER, facts, parts.edges[i]!) : undefined;
    keys[i] = placed[i] ? undefined : JSON.stringify(elkChunk(c, parts, i));
    outs[i] = placed[i] ?? cache.get(keys[i]!);
  };
  // The top chunks: the fewest holding PREFIX_ITEMS boxes, prepared first.
  let prefix = 0;
  for (let n = 0; prefix < chunks.length && n < PREFIX_ITEMS; prefix++) n += chunks[prefix]!.items.length;
  for (let i = 0; i < prefix; i++) prepare(i);
  let sent = !top || prefix >= chunks.length;
  const sendTop = () => {
    if (sent || outs.slice(0, prefix).some((o) => !o)) return;
    sent = true;
    top!(assemble(v, chunks.slice(0, prefix), outs.slice(0, prefix) as ElkNode[], parts));
  };
  // Many boxes below: placing and assembling them takes a while even without ELK.
  let below = 0;
  for (let i = prefix; i < chunks.length; i++) below += chunks[i]!.items.length;
  if (below >= PREFIX_MIN_PLACED) sendTop();
  for (let i = prefix; i < chunks.length; i++) prepare(i);
  const missing = outs.flatMap((o, i) => (o ? [] : [i]));
  let rest = 0;
  for (const i of missing) if (i >= prefix) rest += chunks[i]!.items.length;
  if (rest < PREFIX_MIN_REST && below < PREFIX_MIN_PLACED) sent = true;
  sendTop();
  const fresh = missing.length
    ? await run(
        missing.map((i) => keys[i]!),
        (j, out) => {
          outs[missing[j]!] = out;
          sendTop();
        },
      )
    : [];
  missing.forEach((i, j) => (outs[i] = fresh[j]));
  for (const [i, k] of keys.entries()) {
    if (k === undefined) continue;
    cache.delete(k);
    cache.set(k, outs[i]!);
  }
  while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  const geo = assemble(v, chunks, outs as ElkNode[], parts);
  if (stats) Object.assign(stats, { chunks: chunks.length, chains: chunks.filter((c) => c.chain).length, seriesParallel: placed.filter((p, i) => p && !chunks[i]!.chain).length, cached: keys.filter((k) => k !== undefined).length - missing.length, ms: now() - t0 });
  return geo;
}

/** Stacks laid-out chunks into one drawing: frames fitted, empty bands squeezed, labels placed. */
function assemble(v: VisibleGraph, chunks: Chunk[], outs: ElkNode[], parts: ChunkParts): Geometry {
  const geo: Geometry = { width: 0, height: 0, items: {}, frames: {}, edges: {}, chunks: chunks.length };
  let bottom = -SPACING.chunkGap;
  chunks.forEach((c, i) => (bottom = place(geo, outs[i]!, c, bottom)));
  const all = chunks.length === parts.frames.length;
  const items = all ? v.items : chunks.flatMap((c) => c.items.map((id) => parts.items.get(id)!));
  const frames = all ? v.frames : parts.frames.slice(0, chunks.length).flat();
  const childrenOf = new Map<string, string[]>();
  for (const x of [...items, ...frames]) if (x.parent) (childrenOf.get(x.parent) ?? childrenOf.set(x.parent, []).get(x.parent)!).push(x.id);
  tightenFrames(geo, frames, childrenOf, { top: SPACING.frameTop, side: SPACING.frameSide });
  squeezeBands(geo, SPACING.maxGap, SPACING.edgeEdge / 2 + 2);
  placeLabels(all ? v : { items, frames, edges: v.edges.filter((e) => geo.edges[e.id]) }, geo);
  normalise(geo);
  return geo;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

const PLACEHOLDER = '\u0000entry';

/** Each chunk's frames, items and incoming edges, found in one pass over the graph. */
interface ChunkParts {
  items: Map<string, VisibleItem>;
  frames: VisibleFrame[][];
  members: VisibleItem[][];
  edges: VisibleEdge[][];
}

function chunkParts(v: VisibleGraph, chunks: Chunk[]): ChunkParts {
  const chunkOf = new Map<string, number>();
  chunks.forEach((c, i) => {
    for (const id of c.items) chunkOf.set(id, i);
    for (const id of c.frames) chunkOf.set(id, i);
  });
  const parts: ChunkParts = { items: new Map(), frames: chunks.map(() => []), members: chunks.map(() => []), edges: chunks.map(() => []) };
  for (const f of v.frames) {
    const i = chunkOf.get(f.id);
    if (i !== undefined) parts.frames[i]!.push(f);
  }
  for (const it of v.items) {
    parts.items.set(it.id, it);
    const i = chunkOf.get(it.id);
    if (i !== undefined) parts.members[i]!.push(it);
  }
  for (const e of v.edges) {
    const i = chunkOf.get(e.target);
    if (i === undefined) continue;
    const j = chunkOf.get(e.source);
    if (j === i || e.source === chunks[i]!.entry) parts.edges[i]!.push(e);
  }
  return parts;
}

/** The ELK graph for one chunk: frames as compound nodes, the entry node as a placeholder on top. */
function elkChunk(c: Chunk, parts: ChunkParts, index: number): ElkNode {
  const frames = new Set(c.frames);
  const root: ElkNode = { id: 'root', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  const nodes = new Map<string, ElkNode>();
  for (const f of parts.frames[index]!) {
    nodes.set(f.id, {
      id: f.id,
      children: [],
      layoutOptions: {
        ...SHARED_OPTIONS,
        'elk.padding': `[top=${SPACING.frameTop},left=${SPACING.frameSide},bottom=${SPACING.frameSide},right=${SPACING.frameSide}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        // ELK 0.12 swaps a compound node's minimum size under direction DOWN: (height, width).
        'elk.nodeSize.minimum': `(40,${f.minWidth})`,
      },
    });
  }
  for (const it of parts.members[index]!) nodes.set(it.id, { id: it.id, width: it.width, height: it.height });
  // Children in the order of their first layer, so model order means source order.
  const parentOf = (parent: string | undefined) => (parent && frames.has(parent) ? nodes.get(parent)! : root);
  for (const f of parts.frames[index]!) parentOf(f.parent).children!.push(nodes.get(f.id)!);
  for (const it of parts.members[index]!) parentOf(it.parent).children!.push(nodes.get(it.id)!);
  if (c.entry) {
    const e = parts.items.get(c.entry)!;
    root.children!.unshift({ id: PLACEHOLDER, width: e.width, height: e.height });
  }
  for (const e of parts.edges[index]!) {
    const edge: ElkExtendedEdge = {
      id: e.id,
      sources: [e.source === c.entry ? PLACEHOLDER : e.source],
      targets: [e.target],
    };
    root.edges!.push(edge);
  }
  return root;
}

/** Copies a chunk's result into the geometry, stacked under what is there; returns the new bottom. */
function place(geo: Geometry, out: ElkNode, c: Chunk, bottom: number): number {
  const boxes = new Map<string, Box>();
  const walk = (n: ElkNode) => {
    for (const ch of n.children ?? []) {
      boxes.set(ch.id, { x: ch.x ?? 0, y: ch.y ?? 0, width: ch.width ?? 0, height: ch.height ?? 0 });
      walk(ch);
    }
  };
  walk(out);
  let minY = Infinity;
  for (const [id, b] of boxes) if (id !== PLACEHOLDER) minY = Math.min(minY, b.y);
  // Align the placeholder with the real entry node; push down if the chunk would overlap.
  let dx = 0;
  let dy = bottom + SPACING.chunkGap - minY;
  const ph = boxes.get(PLACEHOLDER);
  const entry = c.entry ? geo.items[c.entry] : undefined;
  if (ph && entry) {
    dx = entry.x - ph.x;
    dy = Math.max(entry.y - ph.y, dy);
  }
  const frames = new Set(c.frames);
  let newBottom = bottom;
  for (const [id, b] of boxes) {
    if (id === PLACEHOLDER) continue;
    const moved = { x: b.x + dx, y: b.y + dy, width: b.width, height: b.height };
    if (frames.has(id)) geo.frames[id] = moved;
    else geo.items[id] = moved;
    newBottom = Math.max(newBottom, moved.y + moved.height);
  }
  for (const e of out.edges ?? []) {
    const pts: Point[] = [];
    for (const s of (e as ElkExtendedEdge).sections ?? []) {
      const seq = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      for (const p of seq) pts.push({ x: p.x + dx, y: p.y + dy });
    }
    if (!pts.length) continue;
    const fromEntry = (e as ElkExtendedEdge).sources[0] === PLACEHOLDER;
    if (fromEntry && entry && ph) {
      // The placeholder sat higher than the entry's real position when the chunk was pushed down.
      const realBottom = entry.y + entry.height;
      if (pts[0]!.y > realBottom + 0.5) pts.unshift({ x: pts[0]!.x, y: realBottom });
    }
    geo.edges[e.id] = { points: pts };
  }
  return newBottom;
}

/** Shift everything so the drawing starts at (margin, margin) and record its size. */
function normalise(geo: Geometry): void {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (b: Box) => {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.width);
    maxY = Math.max(maxY, b.y + b.height);
  };
  for (const b of Object.values(geo.items)) grow(b);
  for (const b of Object.values(geo.frames)) grow(b);
  for (const e of Object.values(geo.edges)) for (const p of e.points) grow({ x: p.x, y: p.y, width: 0, height: 0 });
  if (minX === Infinity) {
    geo.width = geo.height = 2 * SPACING.margin;
    return;
  }
  const ox = SPACING.margin - minX;
  const oy = SPACING.margin - minY;
  const shift = (b: Box) => {
    b.x += ox;
    b.y += oy;
  };
  Object.values(geo.items).forEach(shift);
  Object.values(geo.frames).forEach(shift);
  for (const e of Object.values(geo.edges)) {
    for (const p of e.points) {
      p.x += ox;
      p.y += oy;
    }
    if (e.label) {
      e.label.x += ox;
      e.label.y += oy;
    }
  }
  geo.width = maxX - minX + 2 * SPACING.margin;
  geo.height = maxY - minY + 2 * SPACING.margin;
}
