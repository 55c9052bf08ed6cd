/**
 * What the end-to-end tests expect to see, derived from the engine itself (never typed in by hand):
 * the hint and hover text of a layer, the advice fix and its announced saving, the per-layer table,
 * the lines of the `// error:` markers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSource, type AnalysisResult, type LayerReport } from '../../server/src/engine';
import type { Finding } from '../../server/src/engine/advice';
import { diskHost } from '../../server/src/host/disk_host';
import { exact, human, shapeCompact, shapeText } from '../../server/src/engine/report/format';
import { ROOT } from './harness';
import { blockActions, blockKeeper, type Action } from '../../server/src/ide/actions';

/** The workspace the tests open: workspace path → repository path. */
export const FILES = {
  resnet: { ws: 'resnet50.ts', src: 'test/fixtures/models/resnet50.ts' },
  inception: { ws: 'inception_cifar.ts', src: 'examples/inception_cifar.ts' },
  helperError: { ws: 'broken/helper_error.ts', src: 'test/fixtures/broken/helper_error.ts' },
  tooSmall: { ws: 'broken/too_small_input.ts', src: 'test/fixtures/broken/too_small_input.ts' },
  /** A copy of ResNet-50 that Insert Block edits (the other tests keep theirs untouched). */
  insert: { ws: 'insert/resnet50_functional.ts', src: 'test/fixtures/models/resnet50.ts' },
} as const;

export function workspaceFiles(): Record<string, string> {
  return Object.fromEntries(Object.values(FILES).map((f) => [f.ws, f.src]));
}

export function analyze(path: string, text = readFileSync(path, 'utf8')): AnalysisResult {
  return analyzeSource(text, path, diskHost, { advice: true });
}

export function analyzeFixture(src: string): AnalysisResult {
  return analyze(resolve(ROOT, src));
}

export function layerNamed(r: AnalysisResult, name: string): LayerReport {
  for (const m of r.models) {
    const l = m.report.layers.find((x) => x.name === name || x.displayName === name);
    if (l) return l;
  }
  throw new Error(`e2e: the engine reports no layer named ${name} in ${r.file}`);
}

/** The inlay hint the server puts after a single-instance layer call (shape, then params). */
export function hintLabel(l: LayerReport): string {
  const params = l.params ? ` · ${human(l.params)} params` : '';
  return `→ ${shapeCompact(l.outputShape)}${params}`;
}

/** 1-based line where a layer's hint goes: the end of its `.apply(...)`, else of its call. */
export function hintLine(l: LayerReport): number {
  return (l.applyRange ?? l.useRange ?? l.range).end.line + 1;
}

/** What a hover card on a layer must show. */
export function hoverFacts(l: LayerReport): string[] {
  return [l.className, 'Params', exact(l.params), shapeText(l.outputShape)];
}

export interface AdviceCase {
  finding: Finding;
  line: number;
  col: number;
  title: string;
  saving: { params: number; macs: number };
}

export function adviceFix(r: AnalysisResult, code: string): AdviceCase {
  const f = (r.findings ?? []).find((x) => x.diagnostic.code === code && x.fix);
  if (!f?.fix) throw new Error(`e2e: the engine gives no ${code} finding with a fix for ${r.file}`);
  const s = f.diagnostic.range.start;
  return { finding: f, line: s.line + 1, col: s.character + 1, title: f.fix.title, saving: { params: f.fix.saving?.params ?? NaN, macs: f.fix.saving?.macs ?? NaN } };
}

/** The block actions the server offers at a 1-based line and column (with its keep-check), as the engine computes them. */
export function blockActionsAt(src: string, line: number, col: number): Action[] {
  const path = resolve(ROOT, src);
  const text = readFileSync(path, 'utf8');
  const r = analyzeSource(text, path, diskHost);
  const at = { line: line - 1, character: col - 1 };
  return blockActions(r, text, { start: at, end: at }, blockKeeper(r, (t) => analyzeSource(t, path, diskHost)));
}

/** Apply LSP-style edits (0-based line/character) to a text. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => starts[p.line]! + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** 1-based lines that carry a `// error:` marker. */
export function markedErrorLines(text: string): number[] {
  return text.split('\n').flatMap((l, i) => (/\/\/\s*error:/.test(l) ? [i + 1] : []));
}

export function totals(r: AnalysisResult): { params: number; macs: number; layers: number } {
  const m = r.models[0];
  if (!m) throw new Error(`e2e: the engine finds no model in ${r.file}`);
  return { params: m.report.totalParams ?? NaN, macs: m.report.macs ?? NaN, layers: m.report.layers.length };
}
