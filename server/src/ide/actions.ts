/**
 * Code actions: a quick fix for each design finding (its title carries the exact saving), and at
 * any layer call the block refactors (inception, residual, bottleneck, dense + transition, VGG,
 * wrap in residual) fitted to the tensor there.
 */
import type { AnalysisResult, Diagnostic, Range, Shape, TextEdit } from '../engine';
import { planBlocks } from '../engine/blocks/insert';
import { blockActionKind } from '../../../protocol/lsp';
import { applyEdits as applyOffsetEdits } from '../engine/edit/edits';
import { callSiteGroups, cmpPos, contains, groupAt } from './call_sites';

export interface Action {
  title: string;
  /** 'quickfix', or a block's kind from protocol/lsp.ts (`refactor.insert.convlens.block.vgg`). */
  kind: string;
  preferred?: boolean;
  diagnostic?: Diagnostic;
  edits: TextEdit[];
  /** Exact change of the model's totals for quick fixes (positive: fewer). */
  saving?: { params: number | null; macs: number | null };
}

function overlaps(a: Range, b: Range): boolean {
  return cmpPos(a.start, b.end) <= 0 && cmpPos(b.start, a.end) <= 0;
}

export function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** Quick fixes for the design findings under the range. */
export function quickFixes(result: AnalysisResult, range: Range, only?: string[]): Action[] {
  const out: Action[] = [];
  if (!wants(only, 'quickfix')) return out;
  for (const f of result.findings ?? []) {
    if (!f.fix || !overlaps(f.diagnostic.range, range)) continue;
    out.push({ title: f.fix.title, kind: 'quickfix', preferred: true, diagnostic: f.diagnostic, edits: f.fix.edits, saving: f.fix.saving });
  }
  return out;
}

/**
 * Block refactors at the layer under the cursor (its first instance decides the shape). With
 * `keep`, each candidate edit is checked by analysing the edited text: a block that would break a
 * later layer (a shared layer, a skip of the old size) is not offered.
 */
export function blockActions(result: AnalysisResult, text: string, range: Range, keep?: (edited: string) => boolean): Action[] {
  const target = blockTarget(result, range);
  if (!target) return [];
  const offsets = lineOffsets(text);
  const toOffset = (p: { line: number; character: number }) => (offsets[p.line] ?? text.length) + p.character;
  const plans = planBlocks(text, result.file, {
    useStart: toOffset(target.range.start),
    useEnd: toOffset(target.range.end),
    outputShape: target.outputShape,
    inputShape: target.inputShape,
    expression: target.expression,
  });
  const toPos = (off: number) => {
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: off - offsets[lo]! };
  };
  const out: Action[] = [];
  for (const plan of plans) {
    // The file's own helper when it keeps the model sound, else ConvLens's.
    let p: typeof plan | undefined = plan;
    while (p && keep && !keep(applyOffsetEdits(text, p.edits))) p = p.fallback;
    if (!p) continue;
    out.push({
      title: p.title,
      kind: blockActionKind(p.kind),
      edits: p.edits.map((e) => ({ range: { start: toPos(e.start), end: toPos(e.end) }, newText: e.newText })),
    });
  }
  return out;
}

interface BlockTarget {
  range: Range;
  outputShape: Shape;
  inputShape?: Shape;
  expression?: boolean;
}

/**
 * What a block at the cursor goes after: a layer built by exactly this call; else a layer used
 * here (a list entry calling a factory helper); else a helper call returning a tensor
 * (`x = convBlock(x, 64)`). A layer call inside a shared helper is ambiguous (the block would follow
 * every layer the helper builds): the helper's call sites are where to insert.
 */
function blockTarget(result: AnalysisResult, range: Range): BlockTarget | undefined {
  const p = range.start;
  const g = groupAt(callSiteGroups(result), p);
  if (g) {
    const layer = g.instances[0]!.layer;
    if (g.instances.length > 1 || layer.useFile !== result.file || layer.error || !layer.outputShape) return undefined;
    return { range: layer.useRange, outputShape: layer.outputShape, inputShape: layer.inputShapes.length === 1 ? layer.inputShapes[0] ?? undefined : undefined };
  }
  for (const { report } of result.models)
    for (const l of report.layers)
      if (l.useFile === result.file && contains(l.useRange, p) && !l.error && l.outputShape)
        return { range: l.useRange, outputShape: l.outputShape, inputShape: l.inputShapes.length === 1 ? l.inputShapes[0] ?? undefined : undefined };
  for (const m of result.models) {
    if (!m.hasGroups) continue;
    const here = m.graph.groups.filter((gr) => gr.range && gr.file === result.file && contains(gr.range, p));
    // The innermost call under the cursor; one run of it (a call inside a loop runs several times).
    const gr = here.sort((a, b) => cmpPos(b.range!.start, a.range!.start))[0];
    if (gr && here.filter((x) => x.range && gr.range && cmpPos(x.range.start, gr.range.start) === 0 && cmpPos(x.range.end, gr.range.end) === 0).length === 1) {
      const out = gr.outputShapes[0];
      if (out && gr.outputShapes.length === 1) return { range: gr.range!, outputShape: out, expression: true };
    }
  }
  return undefined;
}

/** The keep-check: the edited file still has every model, no new errors, and (for inserts) more layers. */
export function blockKeeper(before: AnalysisResult, analyse: (text: string) => AnalysisResult): (edited: string) => boolean {
  const errors = (r: AnalysisResult) => r.diagnostics.filter((d) => d.severity === 'error').length;
  return (edited) => {
    const after = analyse(edited);
    if (errors(after) > errors(before)) return false;
    return before.models.every((m) => after.models.some((x) => x.report.name === m.report.name));
  };
}

function lineOffsets(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}
