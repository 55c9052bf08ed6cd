/**
 * Splits a visible graph into vertical chunks that can be laid out one after another.
 *
 * CNNs are long chains of blocks: between two blocks every tensor that flows on leaves one node
 * (a cut). Layered layout puts everything before a cut above everything after it anyway, so laying
 * the chunks out separately and stacking them loses nothing. It keeps the layout time linear in
 * depth (ELK is superlinear past a few hundred nodes and overflows the stack on a 5,000-node
 * chain; dagre already on 2,000), lets helper workers lay chunks out in parallel, and lets an edit
 * re-lay only the chunk it touched. A cut is only made at the root level, between groups, never
 * through an expanded group's frame.
 */
import type { VisibleGraph } from './visible';

/** Close a chunk at the first clean cut once it holds this many items and frames. */
export const CHUNK_TARGET = 90;
/**
 * A chain chunk is closed at the first clean cut past this size: the layout worker can then send
 * the top of a 10,000-layer chain ahead of the rest (layout.ts).
 */
export const CHAIN_TARGET = 1000;
/** A chain shorter than this is laid out with its neighbours by ELK rather than apart. */
export const MIN_CHAIN = 6;

export interface Chunk {
  items: string[];
  frames: string[];
  /** The single node above the cut whose edges enter this chunk (laid out as a placeholder at its top). */
  entry?: string;
  /**
   * A chain (chain.ts): its items in order, each fed by the one before (the first by the entry),
   * every other edge going forward along it, frames around runs of it. Placed without ELK.
   */
  chain?: true;
}

/** `chains: false` leaves every chunk to ELK (the benchmark's baseline). */
export function chunkGraph(v: VisibleGraph, target = CHUNK_TARGET, chains = true): Chunk[] {
  const frameParent = new Map(v.frames.map((f) => [f.id, f.parent]));
  const rootOf = (parent: string | undefined, self: string): string => {
    let u = self;
    for (let p = parent, guard = 0; p && guard < 10_000; p = frameParent.get(p), guard++) u = p;
    return u;
  };
  // Units: root-level items, and root-level frames with everything inside them.
  const unitOfItem = new Map<string, string>();
  const unitOrder = new Map<string, number>();
  const unitItems = new Map<string, string[]>();
  for (const it of v.items) {
    const u = rootOf(it.parent, it.id);
    unitOfItem.set(it.id, u);
    if (!unitOrder.has(u) || it.order < unitOrder.get(u)!) unitOrder.set(u, it.order);
    (unitItems.get(u) ?? unitItems.set(u, []).get(u)!).push(it.id);
  }
  const unitFrames = new Map<string, string[]>();
  for (const f of v.frames) {
    const u = rootOf(f.parent, f.id);
    (unitFrames.get(u) ?? unitFrames.set(u, []).get(u)!).push(f.id);
  }
  const units = [...unitOrder.keys()].sort((a, b) => unitOrder.get(a)! - unitOrder.get(b)!);
  const index = new Map(units.map((u, i) => [u, i]));
  const n = units.length;

  // Sweep the cuts between unit i and i+1: which sources cross it, and whether anything blocks it.
  const adds: [number, string][][] = Array.from({ length: n }, () => []);
  const removes: [number, string][][] = Array.from({ length: n }, () => []);
  const blocked = new Int32Array(n + 1);
  for (const e of v.edges) {
    const a = index.get(unitOfItem.get(e.source) ?? '');
    const b = index.get(unitOfItem.get(e.target) ?? '');
    if (a === undefined || b === undefined || a === b) continue;
    if (a < b) {
      adds[a]!.push([a, e.source]);
      removes[b]!.push([a, e.source]);
    } else {
      blocked[b]!++;
      blocked[a]!--;
    }
  }
  // Pieces: the runs of units between consecutive clean cuts, each with the node that enters it.
  const pieces: Piece[] = [];
  const crossing = new Map<string, { count: number; unit: number }>();
  let block = 0;
  let start = 0;
  let entry: string | undefined;
  for (let i = 0; i < n; i++) {
    for (const [, s] of removes[i]!) {
      const c = crossing.get(s)!;
      if (--c.count === 0) crossing.delete(s);
    }
    for (const [a, s] of adds[i]!) {
      const c = crossing.get(s);
      if (c) c.count++;
      else crossing.set(s, { count: 1, unit: a });
    }
    block += blocked[i]!;
    if (i === n - 1) break;
    if (block !== 0 || crossing.size > 1) continue;
    const source = crossing.size ? crossing.entries().next().value! : undefined;
    if (source && source[1].unit < start) continue;
    pieces.push({ units: units.slice(start, i + 1), entry, size: 0, chain: false });
    entry = source?.[0];
    start = i + 1;
  }
  if (start < n) pieces.push({ units: units.slice(start), entry, size: 0, chain: false });
  for (const p of pieces) p.size = p.units.reduce((k, u) => k + unitItems.get(u)!.length + (unitFrames.get(u)?.length ?? 0), 0);

  if (chains) markChains(v, pieces, unitItems, unitFrames);
  // Chains of pieces that continue one another make one chunk; the rest is cut at the first clean
  // cut past the target size, as before.
  const chunks: Chunk[] = [];
  let cur: { pieces: Piece[]; size: number; chain: boolean; last?: string } | undefined;
  const close = () => {
    if (!cur) return;
    const c = collect(cur.pieces.flatMap((p) => p.units), unitItems, unitFrames, cur.pieces[0]!.entry);
    if (cur.chain) c.chain = true;
    chunks.push(c);
    cur = undefined;
  };
  for (const p of pieces) {
    if (cur && (cur.chain !== p.chain || (p.chain && (p.entry !== cur.last || cur.size >= CHAIN_TARGET)) || (!p.chain && cur.size >= target))) close();
    cur ??= { pieces: [], size: 0, chain: p.chain };
    cur.pieces.push(p);
    cur.size += p.size;
    if (p.chain) cur.last = p.last;
  }
  close();
  // A short chain between two branchy chunks goes to ELK with its neighbours.
  return mergeShortChains(chunks);
}

interface Piece {
  units: string[];
  entry: string | undefined;
  size: number;
  chain: boolean;
  /** For a chain: its last item (the next chain piece must be entered from it). */
  last?: string;
}

/**
 * Marks the pieces that are chains: items in order v1..vk, each fed by the one before (v1 by the
 * entry, or by nothing), every other edge into them coming from earlier in the chain, nothing but
 * vk feeding later pieces, and every frame around a contiguous run of them.
 */
function markChains(v: VisibleGraph, pieces: Piece[], unitItems: Map<string, string[]>, unitFrames: Map<string, string[]>): void {
  const order = new Map(v.items.map((it) => [it.id, it.order]));
  const parent = new Map<string, string | undefined>();
  for (const it of v.items) parent.set(it.id, it.parent);
  for (const f of v.frames) parent.set(f.id, f.parent);
  const inEdges = new Map<string, string[]>();
  const outCount = new Map<string, number>();
  for (const e of v.edges) {
    (inEdges.get(e.target) ?? inEdges.set(e.target, []).get(e.target)!).push(e.source);
    outCount.set(e.source, (outCount.get(e.source) ?? 0) + 1);
  }
  for (const p of pieces) {
    const items = p.units.flatMap((u) => unitItems.get(u)!).sort((a, b) => order.get(a)! - order.get(b)!);
    const pos = new Map(items.map((id, i) => [id, i]));
    if (p.entry !== undefined) pos.set(p.entry, -1);
    let ok = true;
    for (let i = 0; ok && i < items.length; i++) {
      const id = items[i]!;
      const prev = i === 0 ? p.entry : items[i - 1];
      let fedByPrev = prev === undefined;
      for (const s of inEdges.get(id) ?? []) {
        const k = pos.get(s);
        if (k === undefined || k >= i) ok = false;
        else if (s === prev) fedByPrev = true;
      }
      ok &&= fedByPrev;
    }
    if (!ok) continue;
    // Edges leaving the piece: only from its last item.
    const landed = new Map<string, number>();
    for (const id of items) for (const s of inEdges.get(id) ?? []) landed.set(s, (landed.get(s) ?? 0) + 1);
    if (items.slice(0, -1).some((id) => (outCount.get(id) ?? 0) !== (landed.get(id) ?? 0))) continue;
    // Frames: each one's items a contiguous run of the chain.
    const span = new Map<string, [number, number, number]>(); // frame -> [first, last, count]
    items.forEach((id, i) => {
      for (let f = parent.get(id), guard = 0; f && guard < 10_000; f = parent.get(f), guard++) {
        const s = span.get(f);
        if (s) {
          s[1] = i;
          s[2]++;
        } else span.set(f, [i, i, 1]);
      }
    });
    const frames = p.units.flatMap((u) => unitFrames.get(u) ?? []);
    if (frames.some((f) => !span.has(f))) continue;
    if ([...span.values()].some(([a, b, c]) => b - a + 1 !== c)) continue;
    p.chain = true;
    p.last = items.at(-1);
  }
}

function mergeShortChains(chunks: Chunk[]): Chunk[] {
  const out: (Chunk & { short?: boolean })[] = [];
  for (const c of chunks) {
    const short = !!c.chain && c.items.length < MIN_CHAIN;
    const prev = out.at(-1);
    if (prev && !prev.chain && (short || (prev.short && !c.chain))) {
      prev.items.push(...c.items);
      prev.frames.push(...c.frames);
      prev.short = false;
      continue;
    }
    if (!short) out.push(c);
    else out.push({ items: c.items, frames: c.frames, ...(c.entry !== undefined ? { entry: c.entry } : {}), short: true });
  }
  return out.map(({ short: _s, ...c }) => c);
}

function collect(units: string[], items: Map<string, string[]>, frames: Map<string, string[]>, entry: string | undefined): Chunk {
  const c: Chunk = { items: units.flatMap((u) => items.get(u)!), frames: units.flatMap((u) => frames.get(u) ?? []) };
  if (entry !== undefined) c.entry = entry;
  return c;
}
