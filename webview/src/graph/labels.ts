/**
 * Edge labels: the tensor shape, written once per tensor on the stem where it leaves its node
 * (fan-outs carry the same tensor, so one label serves every branch). Placed after layout rather
 * than by ELK: ELK reserves a whole layer per label row, which doubled the height of every model.
 */
import type { Box, Geometry } from './layout';
import type { VisibleGraph } from './visible';

const LABEL_H = 12;
const GAP = 5;

export function placeLabels(v: VisibleGraph, geo: Geometry): void {
  const grid = new BoxGrid(80);
  for (const b of Object.values(geo.items)) grid.add(b);
  const bySource = new Map<string, string[]>();
  for (const e of v.edges) if (e.label && geo.edges[e.id]) (bySource.get(e.source) ?? bySource.set(e.source, []).get(e.source)!).push(e.id);
  const width = new Map(v.edges.map((e) => [e.id, e.labelWidth]));
  for (const [source, ids] of bySource) {
    const src = geo.items[source];
    if (!src) continue;
    // One stem: right of it, just under the node. A fan-out bends at once, so beside the node instead.
    const id = ids[0]!;
    const w = width.get(id)!;
    const p = geo.edges[id]!.points[0]!;
    const y = ids.length === 1 ? src.y + src.height + LABEL_H / 2 + 3 : src.y + src.height - LABEL_H / 2 - 2;
    const x = ids.length === 1 ? p.x + GAP : src.x + src.width + GAP;
    const box: Box = { x, y: y - LABEL_H / 2, width: w, height: LABEL_H };
    if (grid.hits(box)) continue;
    grid.add(box);
    geo.edges[id]!.label = { x, y, anchor: 'start' };
  }
}

/** A uniform grid of boxes for overlap queries. */
class BoxGrid {
  private cells = new Map<string, Box[]>();
  constructor(private size: number) {}
  private keys(b: Box): string[] {
    const out: string[] = [];
    for (let i = Math.floor(b.x / this.size); i <= Math.floor((b.x + b.width) / this.size); i++)
      for (let j = Math.floor(b.y / this.size); j <= Math.floor((b.y + b.height) / this.size); j++) out.push(`${i},${j}`);
    return out;
  }
  add(b: Box): void {
    for (const k of this.keys(b)) (this.cells.get(k) ?? this.cells.set(k, []).get(k)!).push(b);
  }
  hits(b: Box): boolean {
    for (const k of this.keys(b))
      for (const o of this.cells.get(k) ?? []) if (b.x < o.x + o.width && o.x < b.x + b.width && b.y < o.y + o.height && o.y < b.y + b.height) return true;
    return false;
  }
}
