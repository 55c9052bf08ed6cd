/**
 * Seeded mutations of the fixture models, shared by the fuzz tests.
 * - MUTATIONS: the ways half-typed code looks (truncated, tokens and lines deleted or duplicated,
 *   numbers changed, brackets unbalanced, a `while (true)` dropped in): the engine must survive them.
 * - LAYER_MUTATIONS: edits a user makes to a working model (a layer's filters/units/kernel size/
 *   strides/padding changed, an input dim changed, a layer line removed or duplicated): most of these
 *   still run in tfjs, so the engine's numbers can be checked against it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Mutation = (text: string, rnd: () => number) => string;
export const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

/** The .ts/.js files of `dirs` with their text (files starting with `_` too unless `skipPrivate`). */
export function fuzzCorpus(dirs: string[], skipPrivate = false): { path: string; text: string }[] {
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.(ts|js)$/.test(f) && !(skipPrivate && f.startsWith('_')))
      .map((f) => ({ path: join(d, f), text: readFileSync(join(d, f), 'utf8') })),
  );
}

function tokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /[A-Za-z_$][\w$]*|\d+(\.\d+)?|[^\s\w]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function spliceLine(t: string, rnd: () => number, which: (line: string) => boolean, duplicate: boolean): string {
  const lines = t.split('\n');
  const candidates = lines.map((l, i) => (which(l) ? i : -1)).filter((i) => i >= 0);
  if (!candidates.length) return t;
  const i = pick(candidates, rnd);
  if (duplicate) lines.splice(i, 0, lines[i]!);
  else lines.splice(i, 1);
  return lines.join('\n');
}

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  deleteToken: (t, r) => {
    const k = pick(tokens(t), r);
    return t.slice(0, k.start) + t.slice(k.end);
  },
  duplicateToken: (t, r) => {
    const k = pick(tokens(t), r);
    return t.slice(0, k.end) + t.slice(k.start, k.end) + t.slice(k.end);
  },
  deleteLine: (t, r) => spliceLine(t, r, () => true, false),
  duplicateLine: (t, r) => spliceLine(t, r, () => true, true),
  changeNumber: (t, r) => {
    const nums = [...t.matchAll(/\b\d+(\.\d+)?\b/g)];
    if (!nums.length) return t;
    const m = pick(nums, r);
    const replacement = pick(['0', '-1', '1', '3', '7', '1000000', '0.5', '2147483647', '1e308', 'NaN'], r);
    return t.slice(0, m.index) + replacement + t.slice(m.index! + m[0].length);
  },
  unbalance: (t, r) => {
    const i = Math.floor(r() * t.length);
    if (r() < 0.5) return t.slice(0, i) + pick(['(', ')', '{', '}', '[', ']', '`', "'"], r) + t.slice(i);
    const brackets = [...t.matchAll(/[()[\]{}]/g)];
    if (!brackets.length) return t;
    const m = pick(brackets, r);
    return t.slice(0, m.index) + t.slice(m.index! + 1);
  },
  whileTrue: (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, pick(['while (true) {}', 'while (true) { x = x; }', 'for (;;) {}', 'do {} while (1);', 'for (let i = 0; i >= 0; i++) {}'], r));
    return lines.join('\n');
  },
};

/** Values a user might type for each layer argument (some of them invalid for some layers, as in life). */
const ARG_VALUES: Record<string, string[]> = {
  filters: ['1', '2', '3', '8', '16', '64', '0'],
  units: ['1', '2', '10', '32', '0'],
  kernelSize: ['1', '2', '3', '5', '7', '[1, 3]', '[3, 1]', '[2, 2]'],
  strides: ['1', '2', '3', '[2, 1]', '[1, 2]'],
  poolSize: ['1', '2', '3', '[2, 1]', '[3, 3]'],
  padding: ["'same'", "'valid'", "'causal'"],
  dilationRate: ['1', '2', '3'],
  depthMultiplier: ['1', '2', '3'],
  useBias: ['true', 'false'],
};

/** A literal argument value: a number, an array of numbers, a quoted string or a boolean. */
const ARG_RE = new RegExp(`\\b(${Object.keys(ARG_VALUES).join('|')})\\s*:\\s*(\\[[\\d\\s,]*\\]|'[^']*'|"[^"]*"|true|false|-?\\d+(\\.\\d+)?)`, 'g');
const LAYER_LINE = /\blayers\.\w+\(|\.add\(/;

export const LAYER_MUTATIONS: Record<string, Mutation> = {
  setLayerArg: (t, r) => {
    const args = [...t.matchAll(ARG_RE)];
    if (!args.length) return t;
    const m = pick(args, r);
    return `${t.slice(0, m.index)}${m[1]}: ${pick(ARG_VALUES[m[1]!]!, r)}${t.slice(m.index! + m[0].length)}`;
  },
  setInputDim: (t, r) => {
    const shapes = [...t.matchAll(/\b(shape|inputShape|batchInputShape)\s*:\s*\[([^\]]*)\]/g)];
    if (!shapes.length) return t;
    const m = pick(shapes, r);
    const dims = m[2]!.split(',');
    const k = Math.floor(r() * dims.length);
    if (!/^\s*(\d+|null)\s*$/.test(dims[k]!)) return t;
    dims[k] = ` ${pick(['1', '2', '5', '7', '16', '31', '64'], r)}`;
    return `${t.slice(0, m.index)}${m[1]}: [${dims.join(',').trim()}]${t.slice(m.index! + m[0].length)}`;
  },
  deleteLayer: (t, r) => spliceLine(t, r, (l) => LAYER_LINE.test(l), false),
  duplicateLayer: (t, r) => spliceLine(t, r, (l) => LAYER_LINE.test(l), true),
};
