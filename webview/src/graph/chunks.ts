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

export interface Chunk {
  items: string[];
  frames: string[];
  /** The single node above the cut whose edges enter this chunk (laid out as a placeholder at its top). */
  entry?: string;
}

export function chunkGraph(v: VisibleGraph, target = CHUNK_TARGET): Chunk[] {
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
  const chunks: Chunk[] = [];
  const crossing = new Map<string, { count: number; unit: number }>();
  let block = 0;
  let start = 0;
  let size = 0;
  let entry: string | undefined;
  for (let i = 0; i < n; i++) {
    for (const [, s] of removes[i]!) {
      const c = crossing.get(s)!;
      if (--c.count === 0) crossing.delete(s);
    }
    const u = units[i]!;
    size += unitItems.get(u)!.length + (unitFrames.get(u)?.length ?? 0);
    for (const [a, s] of adds[i]!) {
      const c = crossing.get(s);
      if (c) c.count++;
      else crossing.set(s, { count: 1, unit: a });
    }
    block += blocked[i]!;
    if (i === n - 1) break;
    const sources = [...crossing.entries()];
    const clean = block === 0 && sources.length <= 1 && (sources.length === 0 || sources[0]![1].unit >= start);
    if (clean && size >= target) {
      chunks.push(collect(units.slice(start, i + 1), unitItems, unitFrames, entry));
      entry = sources[0]?.[0];
      start = i + 1;
      size = 0;
    }
  }
  if (start < n) chunks.push(collect(units.slice(start), unitItems, unitFrames, entry));
  return chunks;
}

function collect(units: string[], items: Map<string, string[]>, frames: Map<string, string[]>, entry: string | undefined): Chunk {
  const c: Chunk = { items: units.flatMap((u) => items.get(u)!), frames: units.flatMap((u) => frames.get(u) ?? []) };
  if (entry !== undefined) c.entry = entry;
  return c;
}
