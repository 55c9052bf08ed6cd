/** The scoreboard table and the per-file failure list (test/realworld/STATUS.md is written from it). */
import type { FileResult, ModelResult } from './evaluate';

export interface Totals {
  files: number;
  models: number;
  exact: number;
  symbolic: number;
  unknown: number;
  wrong: number;
  missing: number;
  unverifiable: number;
  falseErrors: number;
  crashes: number;
  unchecked: number;
  noise: number;
  decided: number;
  decidedExact: number;
}

const count = (ms: ModelResult[], v: ModelResult['verdict']) => ms.filter((m) => m.verdict === v).length;

export function totals(results: FileResult[]): Totals {
  const ms = results.flatMap((r) => r.models);
  const decided = ms.filter((m) => m.decided);
  return {
    files: results.length,
    models: ms.length,
    exact: count(ms, 'exact'),
    symbolic: count(ms, 'symbolic'),
    unknown: count(ms, 'unknown'),
    wrong: count(ms, 'wrong'),
    missing: count(ms, 'missing'),
    unverifiable: count(ms, 'unverifiable'),
    falseErrors: results.reduce((n, r) => n + r.falseErrors.length, 0),
    crashes: results.filter((r) => r.crash).length,
    unchecked: results.reduce((n, r) => n + r.unchecked.length, 0),
    noise: results.reduce((n, r) => n + r.noise, 0),
    decided: decided.length,
    decidedExact: count(decided, 'exact'),
  };
}

export function share(t: Totals): number {
  return t.decided ? t.decidedExact / t.decided : 1;
}

export function scoreboard(results: FileResult[]): string {
  const head = ['file', 'models', 'exact', 'symb', 'unkn', 'WRONG', 'miss', 'unver', 'falseErr', 'crash', 'unchk', 'noise'];
  const rows = results.map((r) => [
    r.file, r.models.length, count(r.models, 'exact'), count(r.models, 'symbolic'), count(r.models, 'unknown'), count(r.models, 'wrong'),
    count(r.models, 'missing'), count(r.models, 'unverifiable'), r.falseErrors.length, r.crash ? 1 : 0, r.unchecked.length, r.noise,
  ]);
  const t = totals(results);
  rows.push(['TOTAL', t.models, t.exact, t.symbolic, t.unknown, t.wrong, t.missing, t.unverifiable, t.falseErrors, t.crashes, t.unchecked, t.noise]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => r.map((c, i) => (i === 0 ? String(c).padEnd(width[i]!) : String(c).padStart(width[i]!))).join('  ');
  const out = [line(head), ...rows.slice(0, -1).map(line), '-'.repeat(line(head).length), line(rows[rows.length - 1]!)];
  out.push(
    `decided by the file: ${t.decided} models, exact ${t.decidedExact} (${(100 * share(t)).toFixed(1)}%; goal ≥ 90%). ` +
      `${t.models - t.decided} depend on symbols (arguments, data, loaded models).`,
  );
  return out.join('\n');
}

/** Per file: what the engine gets wrong or leaves out. Markdown. */
export function failureList(results: FileResult[]): string {
  const out: string[] = [];
  const codes = new Map<string, number>();
  for (const r of results) for (const e of r.falseErrors) {
    const code = /^line \d+: ([\w-]+):/.exec(e)?.[1] ?? '?';
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  if (codes.size) out.push(`False errors by code: ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ×${n}`).join(', ')}.\n`);
  for (const r of results) {
    const lines: string[] = [];
    if (r.crash) lines.push(`- CRASH: ${r.crash}`);
    for (const e of r.falseErrors) lines.push(`- FALSE ERROR ${e}`);
    for (const m of r.models) {
      const tag = `${m.label}${m.decided ? '' : ` (free: ${m.free.join(', ')})`}`;
      if (m.verdict === 'wrong') lines.push(`- WRONG ${tag}: ${m.judgement!.wrong.slice(0, 4).join('; ')}${m.judgement!.wrong.length > 4 ? `; … (${m.judgement!.wrong.length} in all)` : ''}`);
      else if (m.verdict === 'missing') lines.push(`- MISSING ${tag}: ${m.note}`);
      else if (m.verdict === 'unverifiable') lines.push(`- UNVERIFIABLE ${tag}: ${m.judgement!.unverifiable.slice(0, 3).join('; ')}`);
      else if (m.verdict === 'unknown' && m.decided) lines.push(`- unknown ${tag}: ${m.judgement!.unknown.join(', ')}`);
    }
    for (const u of r.unchecked) lines.push(`- UNCHECKED engine model ${u} (no header entry: its numbers cannot be checked)`);
    if (r.noise) lines.push(`- noise: ${r.noise} information diagnostics about unknowns`);
    if (lines.length) out.push(`### ${r.file}\n_${r.style}_\n\n${lines.join('\n')}\n`);
  }
  return out.join('\n');
}
