/**
 * Seeded fuzzing: the fixtures, mutated the ways half-typed code looks (truncated, tokens and lines
 * deleted or duplicated, numbers changed, brackets unbalanced, a `while (true)` dropped in). The
 * engine must never throw and must finish every case within its step budget (a budget overrun is a
 * diagnostic, not a hang). Prints the case count and the slowest case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { mulberry32 } from '../helpers/prng';
import { fuzzCorpus, MUTATIONS, pick } from '../helpers/mutations';

const SEED = Number(process.env.CONVLENS_FUZZ_SEED ?? 20261127);
const CASES = Number(process.env.CONVLENS_FUZZ_CASES ?? 5000);

const corpus = fuzzCorpus([resolve(__dirname, '../fixtures/models'), resolve(__dirname, '../fixtures/broken'), resolve(__dirname, '../../examples')]);

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
