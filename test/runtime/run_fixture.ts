/** Runs the sanity check in this process on a fixture model, the way the worker does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { loadBackend } from '../../server/src/runtime/backends';
import type { BackendName, CheckResult, WorkerEvent } from '../../protocol/worker';
import { runSanityCheck, type SanityInput } from '../../server/src/runtime/sanity_check';
import { buildUserModel } from '../../server/src/runtime/user_module';
import { DEFAULT_SEED, seedMathRandom } from '../../server/src/runtime/seeded_random';
import { repoRoot } from './worker_bundle';

export async function checkFixture(
  relFile: string,
  name: string,
  opts: Partial<Pick<SanityInput, 'steps' | 'batchSize' | 'lossFraction' | 'seed'>> & { backend?: BackendName } = {},
): Promise<{ result: CheckResult; events: WorkerEvent[] }> {
  const file = join(repoRoot, relFile);
  const { backend = 'wasm', ...rest } = opts;
  const be = await loadBackend({ choice: backend });
  const analysis = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
  const report = analysis.models.find((m) => m.report.name === name)?.report;
  // As the worker does: Math.random seeded before the builder, so the weights repeat too.
  const seed = rest.seed ?? DEFAULT_SEED;
  const restore = seedMathRandom(seed);
  try {
    const { model } = await buildUserModel(file, name, be.module);
    const events: WorkerEvent[] = [];
    try {
      const result = await runSanityCheck({ tf: be.tf, model, report, file, name, backend: be, ...rest, seed, emit: (e) => events.push(e) });
      return { result, events };
    } finally {
      model.dispose();
    }
  } finally {
    restore();
  }
}

export const verdictOf = (r: CheckResult, id: string) => r.checks.find((c) => c.id === id)!;
