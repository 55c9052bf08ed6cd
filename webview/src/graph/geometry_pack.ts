/**
 * A geometry as the layout worker sends it: ids in string arrays, numbers in typed arrays (moved,
 * not copied). Reading a 10,000-box geometry as plain objects out of its message took the main
 * thread 70-240 ms (structured clone of ~60,000 small objects); this form reads in a few, and
 * rebuilding the objects is one quick loop.
 */
import type { EdgeGeometry, Geometry } from './layout';

export interface PackedGeometry {
  width: number;
  height: number;
  chunks: number;
  itemIds: string[];
  /** x, y, width, height per item. */
  items: Float64Array;
  frameIds: string[];
  frames: Float64Array;
  edgeIds: string[];
  /** Edge i's points are points[2 * starts[i] .. 2 * starts[i + 1]) as x, y pairs. */
  starts: Int32Array;
  points: Float64Array;
  /** x, y, anchor (0 none, 1 start, 2 end) per edge. */
  labels: Float64Array;
}

export function packGeometry(g: Geometry): PackedGeometry {
  const boxes = (r: Geometry['items']) => {
    const ids = Object.keys(r);
    const a = new Float64Array(4 * ids.length);
    ids.forEach((id, i) => {
      const b = r[id]!;
      a.set([b.x, b.y, b.width, b.height], 4 * i);
    });
    return [ids, a] as const;
  };
  const [itemIds, items] = boxes(g.items);
  const [frameIds, frames] = boxes(g.frames);
  const edgeIds = Object.keys(g.edges);
  const starts = new Int32Array(edgeIds.length + 1);
  let n = 0;
  edgeIds.forEach((id, i) => {
    starts[i] = n;
    n += g.edges[id]!.points.length;
  });
  starts[edgeIds.length] = n;
  const points = new Float64Array(2 * n);
  const labels = new Float64Array(3 * edgeIds.length);
  edgeIds.forEach((id, i) => {
    const e = g.edges[id]!;
    e.points.forEach((p, k) => {
      points[2 * (starts[i]! + k)] = p.x;
      points[2 * (starts[i]! + k) + 1] = p.y;
    });
    if (e.label) labels.set([e.label.x, e.label.y, e.label.anchor === 'end' ? 2 : 1], 3 * i);
  });
  return { width: g.width, height: g.height, chunks: g.chunks, itemIds, items, frameIds, frames, edgeIds, starts, points, labels };
}

/** The buffers to move with the message. */
export function packTransfer(p: PackedGeometry): ArrayBuffer[] {
  return [p.items.buffer, p.frames.buffer, p.starts.buffer, p.points.buffer, p.labels.buffer] as ArrayBuffer[];
}

export function unpackGeometry(p: PackedGeometry): Geometry {
  const boxes = (ids: string[], a: Float64Array) => {
    const r: Geometry['items'] = {};
    ids.forEach((id, i) => (r[id] = { x: a[4 * i]!, y: a[4 * i + 1]!, width: a[4 * i + 2]!, height: a[4 * i + 3]! }));
    return r;
  };
  const edges: Geometry['edges'] = {};
  p.edgeIds.forEach((id, i) => {
    const points = [];
    for (let k = p.starts[i]!; k < p.starts[i + 1]!; k++) points.push({ x: p.points[2 * k]!, y: p.points[2 * k + 1]! });
    const e: EdgeGeometry = { points };
    const anchor = p.labels[3 * i + 2];
    if (anchor) e.label = { x: p.labels[3 * i]!, y: p.labels[3 * i + 1]!, anchor: anchor === 2 ? 'end' : 'start' };
    edges[id] = e;
  });
  return { width: p.width, height: p.height, chunks: p.chunks, items: boxes(p.itemIds, p.items), frames: boxes(p.frameIds, p.frames), edges };
}
