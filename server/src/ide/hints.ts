/**
 * Inlay hints: after each layer-constructing call (or the `.apply(...)` / `model.add(...)` around
 * it) the output shape and params, e.g. `→ 56×56×256 · 70.1k params`. The batch dim is always
 * dropped in hints (hovers show the full tfjs shape). A call that makes several instances says how
 * many and the range of shapes.
 */
import type { AnalysisResult, Position } from '../engine';
import { human, shapeCompact } from '../engine/report/format';
import { type CallSiteGroup, callSiteGroups, cmpPos } from './call_sites';

export interface HintOptions {
  shape: boolean;
  params: boolean;
  macs: boolean;
}

export interface Hint {
  position: Position;
  label: string;
  tooltip: string;
}

export function inlayHints(result: AnalysisResult, opts: HintOptions, range?: { start: Position; end: Position }): Hint[] {
  const out: Hint[] = [];
  for (const g of callSiteGroups(result)) {
    const anchor = anchorOf(g);
    if (range && (cmpPos(anchor, range.start) < 0 || cmpPos(anchor, range.end) > 0)) continue;
    const label = hintLabel(g, opts);
    if (!label) continue;
    out.push({ position: anchor, label, tooltip: tooltipOf(g) });
  }
  return out;
}

function anchorOf(g: CallSiteGroup): Position {
  const a = g.instances[0]!.layer.applyRange;
  return a && g.instances.every((i) => i.layer.applyRange && sameRange(i.layer.applyRange, a)) ? a.end : g.range.end;
}

function sameRange(a: { start: Position; end: Position }, b: { start: Position; end: Position }): boolean {
  return cmpPos(a.start, b.start) === 0 && cmpPos(a.end, b.end) === 0;
}

export function hintLabel(g: CallSiteGroup, opts: HintOptions): string {
  const parts: string[] = [];
  const ls = g.instances.map((i) => i.layer);
  const n = ls.length;
  if (opts.shape) {
    const shapes = unique(ls.map((l) => shapeCompact(l.outputShape)));
    const err = ls.some((l) => l.error);
    let s = shapes.length === 1 ? shapes[0]! : `${shapes[0]} … ${shapes[shapes.length - 1]}`;
    if (err) s += ' ⚠';
    parts.push(n > 1 ? `×${n} → ${s}` : `→ ${s}`);
  } else if (n > 1) parts.push(`×${n}`);
  if (opts.params) {
    const ps = ls.map((l) => l.params);
    if (ps.some((p) => p === null)) parts.push('? params');
    else {
      const nums = ps as number[];
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      if (hi > 0) parts.push(lo === hi ? `${human(lo)} params` : `${human(lo)}–${human(hi)} params`);
    }
  }
  if (opts.macs) {
    const ms = ls.map((l) => l.macs);
    if (!ms.some((m) => m === null)) {
      const total = (ms as number[]).reduce((a, b) => a + b, 0);
      if (total > 0) parts.push(`${human(total)} MACs`);
    }
  }
  return parts.join(' · ');
}

function tooltipOf(g: CallSiteGroup): string {
  const l = g.instances[0]!.layer;
  const n = g.instances.length;
  return n > 1 ? `${l.className}: ${n} instances — hover for each` : `${l.className} ${l.label}`;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
