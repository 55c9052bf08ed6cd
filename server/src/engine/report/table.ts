/** The Keras-like text summary `convlens profile` prints. */
import type { ModelReport } from './types';
import { bytes, countOrExpr, exact, human, pair, shapeText, withExprs } from './format';

export function summaryTable(m: ModelReport, location: string): string {
  const rows: string[][] = [['Layer (type)', 'Output shape', 'Param #', 'MACs', 'RF']];
  for (const l of m.layers) {
    rows.push([
      `${l.displayName} (${l.className})${l.applications > 1 ? ` ×${l.applications}` : ''}`,
      shapeText(withExprs(l.outputShape, l.outputShapeExpr)),
      exact(countOrExpr(l.params, l.paramsExpr)),
      l.macs ? human(l.macs) : l.macs === null ? (l.macsExpr?.text ?? '?') : '0',
      pair(l.receptiveField),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const right = [false, false, true, true, true];
  const line = (r: string[]) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const out: string[] = [];
  const variant = m.variant ? ` [${m.variant.label}]${m.variant.default ? " (the file's defaults)" : ''}` : '';
  out.push(`Model: "${m.name}"${variant} (${m.kind})  ${location}`);
  out.push('─'.repeat(total));
  out.push(line(rows[0]!));
  out.push('═'.repeat(total));
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('─'.repeat(total));
  const pbytes = m.totalParams === null ? null : m.totalParams * 4;
  // Where a count depends on sizes the file leaves open, its expression in them (docs/report.md).
  out.push(m.totalParams === null && m.totalParamsExpr ? `Total params: ${m.totalParamsExpr.text}` : `Total params: ${exact(m.totalParams)} (${bytes(pbytes)})`);
  out.push(`Trainable params: ${exact(countOrExpr(m.trainableParams, m.trainableParamsExpr))}`);
  out.push(`Non-trainable params: ${exact(countOrExpr(m.nonTrainableParams, m.nonTrainableParamsExpr))}`);
  out.push(
    m.macs === null && m.macsExpr
      ? `MACs (batch 1): ${m.macsExpr.text}; FLOPs = 2 × MACs`
      : `MACs (batch 1): ${exact(m.macs)} (${human(m.macs)}); FLOPs = 2 × MACs = ${human(m.macs === null ? null : m.macs * 2)}`,
  );
  out.push(`Activation memory (batch 1, float32): ${bytes(m.activationBytes)}`);
  out.push(`Input: ${m.inputShapes.map((x, i) => shapeText(withExprs(x, m.inputShapesExpr?.[i]))).join(', ')} → output: ${m.outputShapes.map((x, i) => shapeText(withExprs(x, m.outputShapesExpr?.[i]))).join(', ')}; depth ${m.depth} (conv/dense layers on the longest path)`);
  return out.join('\n');
}
