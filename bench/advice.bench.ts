/**
 * Design advice on big models: analysis alone, then analysis + advice with every fix read (what
 * `convlens lint` prints), at N = 200 / 1,000 / 5,000 layers. Figures and ratios from one run:
 * advice ÷ analysis stays flat and ms per layer does not grow with N when advice is linear.
 *   node --import tsx bench/advice.bench.ts
 */
import type * as Engine from '../server/src/engine';
import { conv5x5Stack, denseStack } from '../test/helpers/generated_models';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyzeSource } = require('../dist/engine.js') as typeof Engine;

export interface AdviceBenchRow {
  family: string;
  layers: number;
  analysisMs: number;
  adviceMs: number;
  findings: number;
  fixes: number;
}

function best(run: () => void, times: number): number {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    run();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

export function benchAdvice(sizes = [200, 1000, 5000]): AdviceBenchRow[] {
  const rows: AdviceBenchRow[] = [];
  // Warm the JIT first, or the smallest case pays for compiling the engine.
  for (let i = 0; i < 3; i++) analyzeSource(denseStack(1000), '/bench/warm.ts', undefined, { advice: true });
  for (const [family, gen] of [
    ['dense, no activation', denseStack],
    ['5×5 convs', conv5x5Stack],
  ] as const) {
    for (const n of sizes) {
      const text = gen(n);
      const file = `/bench/${n}.ts`;
      const repeats = n >= 5000 ? 2 : 3;
      const analysisMs = best(() => analyzeSource(text, file), repeats);
      let findings = 0;
      let fixes = 0;
      const adviceMs = best(() => {
        const r = analyzeSource(text, file, undefined, { advice: true });
        findings = r.findings!.length;
        fixes = r.findings!.filter((f) => f.fix).length;
      }, repeats);
      rows.push({ family, layers: n, analysisMs, adviceMs, findings, fixes });
    }
  }
  return rows;
}

if (require.main === module) for (const r of benchAdvice()) console.log(r);
