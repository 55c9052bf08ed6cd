/** Number and shape formatting shared by the CLI table, hovers, hints and the panel. */
import type { Shape } from '../layers/types';

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
export function exact(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  return n.toLocaleString('en-US');
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
export function shapeText(s: Shape | null | undefined): string {
  if (!s) return '?';
  return `[${s.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** 56×56×256 — the batch dim dropped (the hint convention: batch is always implied). */
export function shapeCompact(s: Shape | null | undefined): string {
  if (!s) return '?';
  if (s.length <= 1) return '(scalar)';
  return s
    .slice(1)
    .map((d) => (d === null ? '?' : String(d)))
    .join('×');
}

export function pair(p: [number, number] | undefined): string {
  if (!p) return '';
  return `${fmtNum(p[0])}×${fmtNum(p[1])}`;
}

function fmtNum(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');
}
