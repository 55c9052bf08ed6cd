/**
 * Seeded fuzzing: the fixtures, mutated the ways half-typed code looks (truncated, tokens and lines
 * deleted or duplicated, numbers changed, brackets unbalanced, a `while (true)` dropped in). The
 * engine must never throw and must finish every case within its step budget (a budget overrun is a
 * diagnostic, not a hang). Prints the case count and the slowest case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { mulberry32 } from '../helpers/prng';

const SEED = Number(process.env.CONVLENS_FUZZ_SEED ?? 20261127);
const CASES = Number(process.env.CONVLENS_FUZZ_CASES ?? 5000);


const dirs = [resolve(__dirname, '../fixtures/models'), resolve(__dirname, '../fixtures/broken'), resolve(__dirname, '../../examples')];
const corpus = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f)).map((f) => ({ path: join(d, f), text: readFileSync(join(d, f), 'utf8') })));

type Mutation = (text: string, rnd: () => number) => string;
const pick = <T>(xs: T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

function tokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /[A-Za-z_$][\w$]*|\d+(\.\d+)?|[^\s\w]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  deleteToken: (t, r) => {
    const k = pick(tokens(t), r);
    return t.slice(0, k.start) + t.slice(k.end);
  },
  duplicateToken: (t, r) => {
    const k = pick(tokens(t), r);
    return t.slice(0, k.end) + t.slice(k.start, k.end) + t.slice(k.end);
  },
  deleteLine: (t, r) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1);
    return lines.join('\n');
  },
  duplicateLine: (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, lines[i]!);
    return lines.join('\n');
  },
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

test(`fuzz: ${CASES} mutated files never throw and stay within budget (seed ${SEED})`, () => {
  const rnd = mulberry32(SEED);
  const names = Object.keys(MUTATIONS);
  let slowest = { ms: 0, what: '' };
  let budgetHits = 0;
  const counts: Record<string, number> = {};
  for (let i = 0; i < CASES; i++) {
    const src = pick(corpus, rnd);
    const name = pick(names, rnd);
    let text = MUTATIONS[name]!(src.text, rnd);
    if (rnd() < 0.3) text = MUTATIONS[pick(names, rnd)]!(text, rnd); // sometimes two mutations
    counts[name] = (counts[name] ?? 0) + 1;
    const advice = i % 10 === 0;
    const t0 = performance.now();
    let result;
    try {
      result = analyzeSource(text, src.path, undefined, { advice });
    } catch (e) {
      assert.fail(`case ${i} (${name} of ${src.path}, advice ${advice}) threw: ${(e as Error).stack}\n--- text ---\n${text}`);
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, what: `case ${i}: ${name} of ${src.path.split('/').pop()}${advice ? ' (with advice)' : ''}` };
    if (result.diagnostics.some((d) => d.code === 'analysis-budget')) budgetHits++;
    assert.ok(Array.isArray(result.models));
  }
  console.log(`fuzz: ${CASES} cases (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}); ${budgetHits} hit the budget; slowest ${slowest.ms.toFixed(1)} ms (${slowest.what})`);
});
