/**
 * A small CNN-shaped graph (residual blocks in frames, an inception block) that the layout worker
 * lays out once when it starts: ELK's code is cold JavaScript, and its first real layout runs
 * two to four times slower than once the engine has optimised it (about a thousand nodes of
 * work). Warming up while the panel waits for its first model moves that cost out of the way;
 * the worker stops warming as soon as a real request arrives.
 */
import type { VisibleEdge, VisibleGraph, VisibleItem } from './visible';

export function warmupGraph(size = 400): VisibleGraph {
  const items: VisibleItem[] = [];
  const edges: VisibleEdge[] = [];
  const frames: VisibleGraph['frames'] = [];
  const node = (parent?: string): string => {
    const id = `w${items.length}`;
    items.push({ id, kind: 'layer', width: 150, height: 40, order: items.length, ...(parent ? { parent } : {}) });
    return id;
  };
  const edge = (source: string, target: string, merge = false) => edges.push({ id: `we${edges.length}`, source, target, edgeIds: [], shape: null, label: '56×56×64', labelWidth: 60, merge });
  let x = node();
  for (let b = 0; items.length < size; b++) {
    const f = `wf${b}`;
    frames.push({ id: f, minWidth: 160 });
    if (b % 3 === 2) {
      const outs = [0, 1, 2, 3].map(() => {
        const a = node(f);
        edge(x, a);
        const c = node(f);
        edge(a, c);
        return c;
      });
      const cat = node(f);
      outs.forEach((o) => edge(o, cat, true));
      x = cat;
      continue;
    }
    let y = x;
    for (let k = 0; k < 5; k++) {
      const n = node(f);
      edge(y, n);
      y = n;
    }
    const add = node(f);
    edge(y, add, true);
    edge(x, add, true);
    x = add;
  }
  return { items, frames, edges };
}
