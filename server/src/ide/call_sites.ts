/**
 * Groups the layer instances of a document by the call that constructs them: one call site in a
 * helper called nine times is one site with nine instances (possibly across several models).
 */
import type { AnalysisResult, LayerReport, ModelReport, Range } from '../engine';

export interface Instance {
  model: ModelReport;
  layer: LayerReport;
  layerIndex: number;
}

export interface CallSiteGroup {
  range: Range;
  instances: Instance[];
}

export function callSiteGroups(result: AnalysisResult): CallSiteGroup[] {
  const map = new Map<string, CallSiteGroup>();
  for (const { report: model } of result.models) {
    model.layers.forEach((layer, layerIndex) => {
      if (layer.file !== result.file) return;
      const k = rangeKey(layer.range);
      let g = map.get(k);
      if (!g) map.set(k, (g = { range: layer.range, instances: [] }));
      g.instances.push({ model, layer, layerIndex });
    });
  }
  return [...map.values()].sort((a, b) => cmpPos(a.range.start, b.range.start));
}

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function cmpPos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

export function contains(r: Range, p: { line: number; character: number }): boolean {
  return cmpPos(r.start, p) <= 0 && cmpPos(p, r.end) <= 0;
}

/** The innermost call-site group whose range holds the position. */
export function groupAt(groups: CallSiteGroup[], p: { line: number; character: number }): CallSiteGroup | undefined {
  let best: CallSiteGroup | undefined;
  for (const g of groups) {
    if (!contains(g.range, p)) continue;
    if (!best || cmpPos(g.range.start, best.range.start) >= 0) best = g;
  }
  return best;
}
