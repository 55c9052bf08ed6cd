/**
 * Hover cards (Markdown). On a layer call: input → output shapes, params broken down by weight,
 * MACs, receptive field and jump, activation memory; one row per instance for multi-instance calls.
 * On a builder or model variable: the model summary.
 */
import type { AnalysisResult, GraphGroup, GraphNode, LayerReport, ModelReport, Position, Range, WeightSpec } from '../engine';
import { bytes, countOrExpr, exact, human, pair, shapeCompact, shapeText, withExprs } from '../engine/report/format';
import { callSiteGroups, contains, groupAt } from './call_sites';

export interface HoverResult {
  markdown: string;
  range: Range;
}

export function hoverAt(result: AnalysisResult, p: Position): HoverResult | undefined {
  const h = cardAt(result, p);
  if (!h) return undefined;
  // What the analysis could not know here (notes are kept out of the Problems panel).
  const notes = (result.notes ?? []).filter((n) => contains(h.range, n.range.start) || contains(n.range, h.range.start));
  if (notes.length) h.markdown += `\n\n${[...new Set(notes.map((n) => `ℹ ${n.message}`))].slice(0, 4).join('  \n')}`;
  return h;
}

function cardAt(result: AnalysisResult, p: Position): HoverResult | undefined {
  const g = groupAt(callSiteGroups(result), p);
  if (g) return { markdown: layerCard(g.instances.map((i) => ({ layer: i.layer, model: i.model }))), range: g.range };
  // A place where a layer made elsewhere is used (a list entry calling a factory helper).
  const used = result.models.flatMap(({ report }) => report.layers.filter((l) => l.useFile === result.file && contains(l.useRange, p)).map((layer) => ({ layer, model: report })));
  if (used.length) return { markdown: layerCard(used), range: used[0]!.layer.useRange };
  // A helper call that builds a block of layers.
  for (const m of result.models) {
    if (!m.hasGroups) continue;
    const { report, graph } = m;
    const groups = graph.groups.filter((gr) => gr.range && gr.file === result.file && contains(gr.range, p));
    if (groups.length) return { markdown: blockCard(groups, graph.nodes, report), range: groups[0]!.range! };
  }
  // Builder: hovering anywhere on its first line (the name) shows the summary, each variant's too.
  const headOf = (r: ModelReport): Range => ({ start: r.range.start, end: { line: r.range.start.line, character: Number.MAX_SAFE_INTEGER } });
  const here = result.models.map((m) => m.report).filter((r) => r.file === result.file && contains(headOf(r), p));
  if (here.length === 1) return { markdown: modelCard(here[0]!), range: headOf(here[0]!) };
  if (here.length > 1) return { markdown: variantsCard(here), range: headOf(here[0]!) };
  return undefined;
}

/** A builder that builds different models depending on conditions the file leaves open. */
export function variantsCard(ms: ModelReport[]): string {
  const lines = [`**${ms[0]!.name}** — ${ms.length} variants`, '', '| condition | params | MACs | output |', '|---|---:|---:|---|'];
  for (const m of ms) {
    const cond = m.variant ? `${m.variant.label}${m.variant.default ? ' (default)' : ''}` : '—';
    lines.push(`| ${cond.replace(/\|/g, '\\|')} | ${exact(countOrExpr(m.totalParams, m.totalParamsExpr))} | ${m.macs === null && m.macsExpr ? m.macsExpr.text : human(m.macs)} | ${m.outputShapes.map((s, i) => shapeCompact(withExprs(s, m.outputShapesExpr?.[i]))).join(', ')} |`);
  }
  const unexplored = ms.find((m) => m.variant?.unexplored)?.variant?.unexplored;
  if (unexplored) lines.push('', `${unexplored} more path${unexplored > 1 ? 's were' : ' was'} not explored: other variants may exist.`);
  return lines.join('\n');
}

function weightLine(w: WeightSpec): string {
  const n = w.shape.every((d) => d !== null) ? w.shape.reduce<number>((a, b) => a * (b as number), 1) : null;
  return `${w.name} ${w.shape.map((d) => (d === null ? '?' : d)).join('×')} (${exact(n)}${w.trainable ? '' : ', non-trainable'})`;
}

export function layerCard(items: { layer: LayerReport; model: ModelReport }[]): string {
  const first = items[0]!.layer;
  const lines: string[] = [];
  lines.push(`**${first.className}**${first.name ? ` \`${first.name}\`` : ''} — ${first.label}`);
  if (items.length === 1) {
    const l = first;
    lines.push('');
    lines.push(`\`${l.inputShapes.map(shapeText).join(' + ')}\` → \`${shapeText(withExprs(l.outputShape, l.outputShapeExpr))}\``);
    lines.push('');
    const ws = l.weights.length ? ` = ${l.weights.map(weightLine).join(' + ')}` : '';
    lines.push(`- **Params** ${exact(countOrExpr(l.params, l.paramsExpr))}${ws}`);
    if (l.nonTrainableParams) lines.push(`  - trainable ${exact(l.trainableParams)}, non-trainable ${exact(l.nonTrainableParams)}`);
    const syms = symbolsOf([l.paramsExpr, l.macsExpr, ...(l.outputShapeExpr ?? [])]);
    if (syms.length) lines.push(`- **Symbols** ${syms.map((x) => `\`${x}\``).join(', ')}: sizes the file leaves open (parameters, data fields)`);
    lines.push(`- **MACs** ${l.macs === null ? (l.macsExpr?.text ?? '?') : `${exact(l.macs)} (${human(l.macs)}; FLOPs = 2 × MACs = ${human(l.macs * 2)})`}${l.applications > 1 ? ` over ${l.applications} applications` : ''}`);
    if (l.receptiveField) lines.push(`- **Receptive field** ${pair(l.receptiveField)}, jump ${pair(l.jump)}`);
    lines.push(`- **Activation** ${bytes(l.activationBytes)} (batch 1, float32)`);
    if (l.error) lines.push('', `⚠ ${l.error}`);
    if (l.chain.length) lines.push('', `via ${l.chain.map((c) => `\`${c.name}\` (line ${c.range.start.line + 1})`).join(' ← ')}`);
    lines.push('', `_model ${items[0]!.model.name}_`);
    return lines.join('\n');
  }
  lines.push('', `${items.length} instances:`, '', '| # | model | via | in → out | params | MACs |', '|---|---|---|---|---:|---:|');
  items.forEach(({ layer: l, model }, i) => {
    const via = l.chain.length ? l.chain.map((c) => `${c.name}:${c.range.start.line + 1}`).join(' ← ') : '—';
    lines.push(`| ${i + 1} | ${model.name} | ${via} | ${l.inputShapes.map(shapeCompact).join('+')} → ${shapeCompact(l.outputShape)}${l.error ? ' ⚠' : ''} | ${exact(l.params)} | ${human(l.macs)} |`);
  });
  const errs = items.filter((i) => i.layer.error);
  if (errs.length) lines.push('', `⚠ ${errs[0]!.layer.error}`);
  return lines.join('\n');
}

function blockCard(groups: GraphGroup[], nodes: GraphNode[], model: ModelReport): string {
  const g = groups[0]!;
  const inside = nodes.filter((n) => g.nodeIds.includes(n.id));
  let macs: number | null = 0;
  for (const n of inside) macs = macs === null || n.macs === null ? null : macs + n.macs;
  const lines = [
    `**${g.label}(…)** — block of ${inside.length} layer${inside.length === 1 ? '' : 's'}${groups.length > 1 ? ` (this call runs ${groups.length} times)` : ''}`,
    '',
    `\`${g.inputShapes.map(shapeText).join(' + ') || '?'}\` → \`${g.outputShapes.map(shapeText).join(', ') || '?'}\``,
    '',
    `- **Params** ${exact(g.params)}`,
    `- **MACs** ${human(macs)} (batch 1)`,
    `- **Layers** ${[...new Set(inside.map((n) => n.className))].join(', ')}`,
  ];
  if (groups.length > 1) {
    lines.push('', '| # | in → out | params |', '|---|---|---:|');
    groups.forEach((x, i) => lines.push(`| ${i + 1} | ${x.inputShapes.map(shapeCompact).join('+')} → ${x.outputShapes.map(shapeCompact).join(', ')} | ${exact(x.params)} |`));
  }
  lines.push('', `_model ${model.name}_`);
  return lines.join('\n');
}

export function modelCard(m: ModelReport): string {
  const lines = [
    `**${m.name}**${m.variant ? ` \`[${m.variant.label}]\`${m.variant.default ? ' (the file\'s defaults)' : ''}` : ''} — ${m.kind} model`,
    '',
    `\`${m.inputShapes.map((s, i) => shapeText(withExprs(s, m.inputShapesExpr?.[i]))).join(', ')}\` → \`${m.outputShapes.map((s, i) => shapeText(withExprs(s, m.outputShapesExpr?.[i]))).join(', ')}\``,
    '',
    m.totalParams === null && m.totalParamsExpr
      ? `- **Params** ${m.totalParamsExpr.text}; ${m.nonTrainableParams === 0 || m.nonTrainableParamsExpr === 0 ? 'all trainable' : `trainable ${exact(countOrExpr(m.trainableParams, m.trainableParamsExpr))}, non-trainable ${exact(countOrExpr(m.nonTrainableParams, m.nonTrainableParamsExpr))}`}`
      : `- **Params** ${exact(m.totalParams)} (${human(m.totalParams)}); trainable ${exact(m.trainableParams)}, non-trainable ${exact(m.nonTrainableParams)}`,
    m.macs === null && m.macsExpr
      ? `- **MACs** ${m.macsExpr.text} (batch 1; FLOPs = 2 × MACs)`
      : `- **MACs** ${human(m.macs)} (batch 1; FLOPs = 2 × MACs = ${human(m.macs === null ? null : m.macs * 2)})`,
    `- **Layers** ${m.layers.length}; deepest path ${m.depth} conv/dense layers`,
    `- **Activation memory** ${bytes(m.activationBytes)} (batch 1, float32); weights ${bytes(m.totalParams === null ? null : m.totalParams * 4)}`,
  ];
  if (m.incomplete?.length) lines.push('', `Totals unknown: ${m.incomplete.slice(0, 3).join('; ')}`);
  const syms = symbolsOf([m.totalParamsExpr, m.macsExpr, ...(m.inputShapesExpr ?? []).flat()]);
  if (syms.length) lines.push('', `Symbols ${syms.map((x) => `\`${x}\``).join(', ')}: sizes the file leaves open (parameters, data fields); the figures are exact in them.`);
  return lines.join('\n');
}

/** The symbol names an expression tree mentions, sorted. */
function symbolsOf(exprs: unknown[]): string[] {
  const out = new Set<string>();
  const walk = (t: unknown): void => {
    if (t && typeof t === 'object') {
      if ('sym' in t) out.add((t as { sym: string }).sym);
      else if ('args' in t) (t as { args: unknown[] }).args.forEach(walk);
      else if ('tree' in t) walk((t as { tree: unknown }).tree);
    }
  };
  exprs.forEach(walk);
  return [...out].sort();
}
