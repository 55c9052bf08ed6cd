/** Document symbols for the outline and breadcrumbs: models, each with its layers. */
import type { AnalysisResult, Range } from '../engine';
import { human, shapeCompact } from '../engine/report/format';

export interface Symbol {
  name: string;
  detail: string;
  kind: 'model' | 'layer';
  range: Range;
  selectionRange: Range;
  children: Symbol[];
}

export function documentSymbols(result: AnalysisResult): Symbol[] {
  const out: Symbol[] = [];
  for (const { report: m } of result.models) {
    if (m.file !== result.file) continue;
    const children: Symbol[] = [];
    for (const l of m.layers) {
      if (l.file !== result.file) continue;
      // Layers built by a helper elsewhere in the file still sit inside the model's node in the outline.
      children.push({
        name: l.displayName,
        detail: `${l.className} → ${shapeCompact(l.outputShape)}${l.params ? ` · ${human(l.params)}` : ''}`,
        kind: 'layer',
        range: within(m.range, l.range) ? l.range : { start: m.range.start, end: m.range.start },
        selectionRange: within(m.range, l.range) ? l.range : { start: m.range.start, end: m.range.start },
        children: [],
      });
    }
    out.push({
      name: m.name,
      detail: `${m.kind} · ${human(m.totalParams)} params · ${human(m.macs)} MACs`,
      kind: 'model',
      range: m.range,
      selectionRange: { start: m.range.start, end: m.range.start },
      children,
    });
  }
  return out;
}

function within(outer: Range, inner: Range): boolean {
  const le = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}
