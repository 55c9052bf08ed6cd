/** Number and shape formatting shared by the CLI table, hovers, hints and the panel. */
import type { Shape } from '../layers/types';
import type { ShapeExpr, SymExpr } from './types';

/** 70.1k, 25.6M, 3.9G — three significant figures at most. */
export function human(n: number | null | undefined): string {
  if (n === null || n === undefined || !isFinite(n)) return '?';
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [v, u] of units) {
    if (abs >= v) {
      const x = n / v;
      const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
      return `${trimZeros(x.toFixed(digits))}${u}`;
    }
  }
  return String(n);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** 1,234,567 */
export function exact(n: number | string | null | undefined): string {
  if (n === null || n === undefined) return '?';
  return typeof n === 'string' ? n : n.toLocaleString('en-US');
}

/** Bytes as KB/MB/GB (binary, like Keras's summary). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)} ${units[i]}`;
}

/** [null, 56, 56, 256] as tfjs prints it. */
/** A shape whose dims may be expression texts (symbolic sizes). */
export type ShownShape = readonly (number | string | null)[];

/** The shape with each dim the report gives as an expression written as its text: [null, 64·n]. */
export function withExprs(s: Shape | null | undefined, e: ShapeExpr | null | undefined): ShownShape | null {
  if (!s) return null;
  if (!e) return s;
  return s.map((d, i) => (d !== null ? d : (e[i] && typeof e[i] === 'object' ? (e[i] as SymExpr).text : null)));
}

/** An expression's text for a count the report leaves null, else the count. */
export function countOrExpr(n: number | null, e: SymExpr | number | null | undefined): number | string | null {
  return n !== null ? n : typeof e === 'number' ? e : e ? e.text : null;
}

export function shapeText(s: ShownShape | null | undefined): string {
  if (!s) return '?';
  return `[${s.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** 56×56×256 — the batch dim dropped (the hint convention: batch is always implied). */
export function shapeCompact(s: ShownShape | null | undefined): string {
  if (!s) return '?';
  if (s.length <= 1) return '(scalar)';
  return s
    .slice(1)
    .map((d) => (d === null ? '?' : typeof d === 'string' && /\s/.test(d) ? `(${d})` : String(d)))
    .join('×');
}

export function pair(p: [number, number] | undefined): string {
  if (!p) return '';
  return `${fmtNum(p[0])}×${fmtNum(p[1])}`;
}

function fmtNum(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');
}
