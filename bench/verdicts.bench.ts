/**
 * How stable the sanity check's verdicts are across seeds: the check seeds everything it draws
 * (weights via Math.random, the batch, the labels), so one seed always gives one verdict; this
 * measures how often a verdict would differ had the seed been another. It runs the whole check
 * N times (default 200) on the reference CNN (healthy: every check must pass) and on models broken
 * in a textbook way (each must fail its check), one seed per run, in process on wasm.
 *   npm run bench -- verdicts            (CONVLENS_VERDICT_RUNS=200 by default)
 */
import { resolve } from 'node:path';
import { loadBackend } from '../server/src/runtime/backends';
import type { CheckId } from '../protocol/worker';
import { runSanityCheck } from '../server/src/runtime/sanity_check';
import { seedMathRandom } from '../server/src/runtime/seeded_random';
import { buildUserModel } from '../server/src/runtime/user_module';

interface Case {
  label: string;
  file: string;
  builder: string;
  /** The check that must fail (undefined: every check must pass). */
  mustFail?: CheckId;
  batchSize: number;
  steps: number;
}

const FIXTURES = resolve(__dirname, '../test/fixtures/runtime');
const CASES: Case[] = [
  { label: 'healthy reference CNN (every check passes)', file: 'tiny_cnn.ts', builder: 'tinyCnn', batchSize: 32, steps: 30 },
  { label: 'over-confident head (initial-loss must fail)', file: 'cannot_learn.ts', builder: 'overconfidentHead', mustFail: 'initial-loss', batchSize: 16, steps: 3 },
  { label: 'softmax twice (overfit must fail)', file: 'cannot_learn.ts', builder: 'doubleSoftmax', mustFail: 'overfit', batchSize: 16, steps: 40 },
];

export async function benchVerdicts(runs = Number(process.env.CONVLENS_VERDICT_RUNS ?? 200)): Promise<Record<string, string>> {
  const be = await loadBackend({ choice: 'wasm' });
  const out: Record<string, string> = {};
  for (const c of CASES) {
    let wrong = 0;
    const ratios: number[] = [];
    const statuses = new Map<string, number>();
    for (let seed = 1; seed <= runs; seed++) {
      const restore = seedMathRandom(seed);
      try {
        const { model } = await buildUserModel(resolve(FIXTURES, c.file), c.builder, be.module);
        const r = await runSanityCheck({ tf: be.tf, model, file: c.file, name: c.builder, backend: be, seed, steps: c.steps, batchSize: c.batchSize });
        model.dispose();
        const init = r.checks.find((v) => v.id === 'initial-loss');
        const m = init && /, expected about ([\d.]+)/.exec(init.message);
        if (m) ratios.push(r.losses[0]! / Number(m[1]));
        for (const v of r.checks) statuses.set(`${v.id}:${v.status}`, (statuses.get(`${v.id}:${v.status}`) ?? 0) + 1);
        const ok = c.mustFail ? r.checks.find((v) => v.id === c.mustFail)?.status === 'fail' : r.passed && r.checks.every((v) => v.status === 'pass' || v.status === 'skip');
        if (!ok) wrong++;
      } finally {
        restore();
      }
    }
    ratios.sort((a, b) => a - b);
    const q = (p: number) => ratios[Math.min(ratios.length - 1, Math.floor(p * ratios.length))]?.toFixed(3);
    out[c.label] =
      `${wrong}/${runs} runs with the wrong verdict; loss at init / reference: min ${q(0)}, median ${q(0.5)}, max ${q(1)}; ` +
      [...statuses].filter(([k]) => !k.endsWith(':pass')).map(([k, n]) => `${k} ×${n}`).join(', ');
  }
  return out;
}

if (require.main === module) void benchVerdicts().then((r) => console.log(r));
