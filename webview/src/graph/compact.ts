/**
 * Post-processing of ELK's result. ELK's compound layout reserves a layer of hierarchy-port
 * dummies at the bottom of every frame an edge leaves, which shows as empty space inside frames and
 * long gaps between blocks. Here frames are shrunk to their content, then every horizontal band
 * that holds no box is squeezed to at most `maxGap` by a monotone map of y: vertical segments stay
 * vertical, horizontal ones horizontal, and nothing changes order, so no new crossings appear.
 */
import type { Box, Geometry } from './layout';

export function tightenFrames(geo: Geometry, frames: { id: string; parent?: string }[], childrenOf: Map<string, string[]>, pad: { top: number; side: number }): void {
  // Innermost first: a parent's box depends on its children's tightened boxes.
  const depth = new Map<string, number>();
  const parent = new Map(frames.map((f) => [f.id, f.parent]));
  const d = (id: string): number => {
    if (depth.has(id)) return depth.get(id)!;
    const p = parent.get(id);
    const v = p && parent.has(p) ? d(p) + 1 : 0;
    depth.set(id, v);
    return v;
  };
  const order = frames.map((f) => f.id).sort((a, b) => d(b) - d(a));
  for (const id of order) {
    const box = geo.frames[id];
    if (!box) continue;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const c of childrenOf.get(id) ?? []) {
      const b = geo.items[c] ?? geo.frames[c];
      if (!b) continue;
      minY = Math.min(minY, b.y);
      maxY = Math.max(maxY, b.y + b.height);
    }
    if (minY === Infinity) continue;
    // Keep ELK's x extent (edges are routed inside it); fit y to the content.
    const top = Math.max(box.y, minY - pad.top);
    const bottom = Math.min(box.y + box.height, maxY + pad.side);
    box.y = top;
    box.height = bottom - top;
  }
}

/** Squeezes empty horizontal bands (no box, no horizontal edge run) taller than maxGap. */
export function squeezeBands(geo: Geometry, maxGap: number, runMargin: number): void {
  const spans: [number, number][] = [];
  const add = (b: Box) => spans.push([b.y, b.y + b.height]);
  Object.values(geo.items).forEach(add);
  Object.values(geo.frames).forEach(add);
  // Horizontal runs keep their spacing: ELK spaced them apart for a reason.
  for (const e of Object.values(geo.edges)) {
    for (let i = 1; i < e.points.length; i++) {
      const a = e.points[i - 1]!;
      const b = e.points[i]!;
      if (Math.abs(a.y - b.y) < 0.5 && Math.abs(a.x - b.x) > 0.5) spans.push([a.y - runMargin, a.y + runMargin]);
    }
  }
  if (!spans.length) return;
  spans.sort((a, b) => a[0] - b[0]);
  // Free bands between the merged occupied intervals.
  const cuts: { from: number; to: number; removed: number }[] = [];
  let [, end] = spans[0]!;
  for (const [s, e] of spans.slice(1)) {
    if (s > end && s - end > maxGap) cuts.push({ from: end, to: s, removed: s - end - maxGap });
    end = Math.max(end, e);
  }
  if (!cuts.length) return;
  // Removed before each cut, so a y is mapped by one binary search (cuts are sorted by position).
  const before: number[] = [];
  let total = 0;
  for (const c of cuts) {
    before.push(total);
    total += c.removed;
  }
  const map = (y: number): number => {
    // The last cut starting before y.
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid]!.from < y) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return y;
    const c = cuts[lo - 1]!;
    // Inside the band: scale linearly so order and orthogonality survive.
    const shift = y >= c.to ? before[lo - 1]! + c.removed : before[lo - 1]! + ((y - c.from) / (c.to - c.from)) * c.removed;
    return y - shift;
  };
  const moveBox = (b: Box) => {
    const y2 = map(b.y + b.height);
    b.y = map(b.y);
    b.height = y2 - b.y;
  };
  Object.values(geo.items).forEach(moveBox);
  Object.values(geo.frames).forEach(moveBox);
  for (const e of Object.values(geo.edges)) {
    for (const p of e.points) p.y = map(p.y);
    if (e.label) e.label.y = map(e.label.y);
  }
  geo.height -= cuts.reduce((s, c) => s + c.removed, 0);
}
