/**
 * The layout of last resort, used when ELK throws on a chunk: longest-path layers, nodes side by
 * side in input order, elbow edges, frames around their content. Plain, but never fails.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { SPACING } from './spacing';

export function fallbackLayout(input: ElkNode): ElkNode {
  const leaves: ElkNode[] = [];
  const frames: { node: ElkNode; members: ElkNode[] }[] = [];
  const walk = (n: ElkNode, chain: { node: ElkNode; members: ElkNode[] }[]) => {
    for (const c of n.children ?? []) {
      if (c.children) {
        const f = { node: c, members: [] as ElkNode[] };
        frames.push(f);
        walk(c, [...chain, f]);
      } else {
        leaves.push(c);
        for (const f of chain) f.members.push(c);
      }
    }
  };
  walk(input, []);
  // Kahn's algorithm: a node's layer is one more than its deepest predecessor's.
  const succ = new Map<string, string[]>();
  const indeg = new Map(leaves.map((n) => [n.id, 0]));
  for (const e of input.edges ?? []) {
    const s = e.sources[0]!;
    const t = e.targets[0]!;
    if (!indeg.has(s) || !indeg.has(t)) continue;
    (succ.get(s) ?? succ.set(s, []).get(s)!).push(t);
    indeg.set(t, indeg.get(t)! + 1);
  }
  const layer = new Map<string, number>();
  const queue = leaves.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const t of succ.get(id) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, layer.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  for (const n of leaves) if (!layer.has(n.id)) layer.set(n.id, 0);
  const rows: ElkNode[][] = [];
  for (const n of leaves) (rows[layer.get(n.id)!] ??= []).push(n);
  let y = 0;
  for (const row of rows) {
    if (!row) continue;
    let x = 0;
    for (const n of row) {
      n.x = x;
      n.y = y + SPACING.frameTop;
      x += (n.width ?? 0) + SPACING.node * 3;
    }
    y += Math.max(...row.map((n) => n.height ?? 0)) + SPACING.layer + SPACING.frameTop;
  }
  for (const f of frames) {
    const m = f.members;
    if (!m.length) continue;
    f.node.x = Math.min(...m.map((n) => n.x!)) - SPACING.frameSide;
    f.node.y = Math.min(...m.map((n) => n.y!)) - SPACING.frameTop;
    f.node.width = Math.max(...m.map((n) => n.x! + n.width!)) + SPACING.frameSide - f.node.x;
    f.node.height = Math.max(...m.map((n) => n.y! + n.height!)) + SPACING.frameSide - f.node.y;
  }
  const byId = new Map(leaves.map((n) => [n.id, n]));
  for (const e of (input.edges ?? []) as ElkExtendedEdge[]) {
    const a = byId.get(e.sources[0]!);
    const b = byId.get(e.targets[0]!);
    if (!a || !b) continue;
    const start = { x: a.x! + a.width! / 2, y: a.y! + a.height! };
    const end = { x: b.x! + b.width! / 2, y: b.y! };
    const mid = end.y - SPACING.layer / 2;
    e.sections = [{ id: `${e.id}s`, startPoint: start, endPoint: end, bendPoints: start.x === end.x ? [] : [{ x: start.x, y: mid }, { x: end.x, y: mid }] }];
  }
  return input;
}
