/**
 * What the editor cursor and the search box point at, as ids of what is drawn: a layer node, or
 * the box or frame standing for it when its group is collapsed. Pure: no DOM.
 */
import type { ModelGraph, ModelReport, Position, Range } from '../../../server/src/engine/report/types';
import { groupRepresentative, representative, type GraphIndex } from './visible';

export interface FindContext {
  graph: ModelGraph;
  report: ModelReport;
  ix: GraphIndex;
  collapsed: (groupId: string) => boolean;
}

/**
 * Layers whose constructing call contains the cursor (one line in a helper can make many
 * layers), and helper calls whose call site does (`inceptionModule(x, ...)` marks that block).
 */
export function cursorTargets(c: FindContext, uri: string, at: Position): { ids: Set<string>; layers: Set<number> } {
  const layers = new Set<number>();
  c.report.layers.forEach((l, i) => {
    if (sameFile(uri, l.file) && contains(l.range, at)) layers.add(i);
  });
  const ids = new Set<string>();
  for (const n of c.graph.nodes) {
    const hit = n.layerIndex === null ? sameFile(uri, n.file) && contains(n.range, at) : layers.has(n.layerIndex);
    if (hit) ids.add(representative(c.ix, c.collapsed, n.id));
  }
  for (const g of c.graph.groups)
    if (g.range && c.ix.real.has(g.id) && sameFile(uri, g.file ?? c.report.file) && contains(g.range, at)) ids.add(groupRepresentative(c.ix, c.collapsed, g.id));
  return { ids, layers };
}

/** Layers whose name, type or configuration contains `q` (lower case), and blocks named so. */
export function searchTargets(c: FindContext, q: string): Set<string> {
  const hits = new Set<string>();
  for (const n of c.graph.nodes) {
    const l = n.layerIndex === null ? undefined : c.report.layers[n.layerIndex];
    const hay = [n.name, n.className, n.label, l?.displayName].filter(Boolean).join('\n').toLowerCase();
    if (hay.includes(q)) hits.add(representative(c.ix, c.collapsed, n.id));
  }
  for (const g of c.graph.groups) if (c.ix.real.has(g.id) && `${g.label}\n${g.detail ?? ''}`.toLowerCase().includes(q)) hits.add(groupRepresentative(c.ix, c.collapsed, g.id));
  return hits;
}

export function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/** Does a document URI name the engine's file path? (file: URIs; other schemes compare as is.) */
export function sameFile(uri: string, file: string): boolean {
  if (uri === file) return true;
  if (!uri.startsWith('file:')) return false;
  let path: string;
  try {
    path = decodeURIComponent(new URL(uri).pathname);
  } catch {
    return false;
  }
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\/([a-zA-Z]:)/, '$1').replace(/^([a-zA-Z]):/, (_m, d: string) => `${d.toLowerCase()}:`);
  return norm(path) === norm(file);
}
