/**
 * The profile table as data: columns, cell text, sort keys, Markdown and CSV. Pure, so tests and
 * the copy buttons use exactly what the table shows.
 */
import type { LayerReport, ModelReport } from '../../../server/src/engine/report/types';
import { bytes, exact, human, pair, shapeText } from '../../../server/src/engine/report/format';

export type ColumnKey = 'index' | 'name' | 'type' | 'config' | 'shape' | 'params' | 'share' | 'macs' | 'rf' | 'memory';

export interface Column {
  key: ColumnKey;
  title: string;
  numeric: boolean;
  /** Shown in the table; exported too. */
  text(l: LayerReport, i: number, r: ModelReport): string;
  /** Sort key; null sorts last. */
  sort(l: LayerReport, i: number, r: ModelReport): number | string | null;
  /** Exact value for CSV (numbers unformatted). */
  csv?(l: LayerReport, i: number, r: ModelReport): string;
}

const share = (l: LayerReport, r: ModelReport): number | null => (l.params === null || !r.totalParams ? null : (100 * l.params) / r.totalParams);

export const COLUMNS: Column[] = [
  { key: 'index', title: '#', numeric: true, text: (_l, i) => String(i + 1), sort: (_l, i) => i },
  { key: 'name', title: 'Layer', numeric: false, text: (l) => l.displayName, sort: (l) => l.displayName.toLowerCase() },
  { key: 'type', title: 'Type', numeric: false, text: (l) => l.className, sort: (l) => l.className },
  { key: 'config', title: 'Configuration', numeric: false, text: (l) => l.label, sort: (l) => l.label },
  { key: 'shape', title: 'Output shape', numeric: false, text: (l) => shapeText(l.outputShape), sort: (l) => elements(l.outputShape) },
  { key: 'params', title: 'Params', numeric: true, text: (l) => exact(l.params), sort: (l) => l.params, csv: (l) => num(l.params) },
  { key: 'share', title: '% params', numeric: true, text: (l, _i, r) => pct(share(l, r)), sort: (l, _i, r) => share(l, r), csv: (l, _i, r) => num(share(l, r), 4) },
  { key: 'macs', title: 'MACs', numeric: true, text: (l) => human(l.macs), sort: (l) => l.macs, csv: (l) => num(l.macs) },
  { key: 'rf', title: 'Receptive field', numeric: true, text: (l) => pair(l.receptiveField), sort: (l) => (l.receptiveField ? l.receptiveField[0] * l.receptiveField[1] : null) },
  { key: 'memory', title: 'Activation memory', numeric: true, text: (l) => bytes(l.activationBytes), sort: (l) => l.activationBytes, csv: (l) => num(l.activationBytes) },
];

/**
 * The order on screen: what people read first (name, output, params, MACs) before what needs room
 * (type, configuration, ...), so a half-width panel shows those four and scrolls to the rest.
 * Markdown and CSV keep COLUMNS' order.
 */
export const TABLE_COLUMNS: Column[] = (['index', 'name', 'shape', 'params', 'macs', 'share', 'type', 'config', 'rf', 'memory'] as ColumnKey[]).map((k) => COLUMNS.find((c) => c.key === k)!);

function elements(s: (number | null)[]): number | null {
  let n = 1;
  for (const d of s.slice(1)) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

function pct(p: number | null): string {
  if (p === null) return '?';
  if (p === 0) return '0';
  return p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

function num(n: number | null, digits?: number): string {
  if (n === null) return '';
  return digits === undefined ? String(n) : String(Number(n.toFixed(digits)));
}

export interface SortState {
  key: ColumnKey;
  dir: 1 | -1;
}

/** Layer indexes in display order. Stable: ties keep model order; unknown values go last. */
export function sortedRows(r: ModelReport, sort: SortState): number[] {
  const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0]!;
  const keys = r.layers.map((l, i) => col.sort(l, i, r));
  const idx = r.layers.map((_l, i) => i);
  idx.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c === 0 ? a - b : c * sort.dir;
  });
  return idx;
}

export interface Totals {
  params: string;
  share: string;
  macs: string;
  memory: string;
}

export function totals(r: ModelReport): Totals {
  return {
    params: exact(r.totalParams),
    share: r.totalParams ? '100%' : '',
    macs: human(r.macs),
    memory: bytes(r.activationBytes),
  };
}

function totalCell(key: ColumnKey, t: Totals, r: ModelReport, csv: boolean): string {
  switch (key) {
    case 'name':
      return `Total (${r.layers.length} layers)`;
    case 'params':
      return csv ? num(r.totalParams) : t.params;
    case 'share':
      return csv ? (r.totalParams ? '100' : '') : t.share;
    case 'macs':
      return csv ? num(r.macs) : t.macs;
    case 'memory':
      return csv ? num(r.activationBytes) : t.memory;
    default:
      return '';
  }
}

export function toMarkdown(r: ModelReport, order: number[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const t = totals(r);
  const lines = [`| ${COLUMNS.map((c) => c.title).join(' | ')} |`, `| ${COLUMNS.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`];
  for (const i of order) lines.push(`| ${COLUMNS.map((c) => esc(c.text(r.layers[i]!, i, r))).join(' | ')} |`);
  lines.push(`| ${COLUMNS.map((c) => `**${esc(totalCell(c.key, t, r, false))}**`.replace('****', '')).join(' | ')} |`);
  return `**${esc(r.name)}** — ${t.params} params, ${t.macs} MACs (batch 1)\n\n${lines.join('\n')}\n`;
}

export function toCsv(r: ModelReport, order: number[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const t = totals(r);
  const lines = [COLUMNS.map((c) => q(c.title)).join(',')];
  for (const i of order) lines.push(COLUMNS.map((c) => q((c.csv ?? c.text)(r.layers[i]!, i, r))).join(','));
  lines.push(COLUMNS.map((c) => q(totalCell(c.key, t, r, true))).join(','));
  return lines.join('\n') + '\n';
}
