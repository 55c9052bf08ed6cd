/**
 * Profile Model's measured latency, end to end as the VS Code command runs it: the worker process
 * (dist/worker.js) on GoogLeNet and ResNet-50, default backend. Time from start to the first
 * measured latency the panel can show (the first `profile` event) and to the last. Figures from
 * this run only, never pass/fail (DESIGN.md).
 *   npm run build && node --import tsx bench/profile.bench.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startProfile } from '../server/src/runtime/supervisor';

/** CPU seconds a process has used (Linux /proc: utime + stime in clock ticks, 100 per second): unlike wall time, not inflated by a busy machine. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

export interface ProfileBenchRow {
  model: string;
  layers: number;
  backend: string;
  firstMs: number | null;
  lastMs: number;
  /** The worker's CPU seconds at the first measured latency and at the last. */
  firstCpuS: number | null;
  lastCpuS: number | null;
  batches: string;
  progressEvents: number;
}

export async function benchProfile(fixtures = ['googlenet', 'resnet50']): Promise<ProfileBenchRow[]> {
  const rows: ProfileBenchRow[] = [];
  for (const f of fixtures) {
    const t0 = performance.now();
    let first: number | null = null;
    let firstCpu: number | null = null;
    let lastCpu: number | null = null;
    let progress = 0;
    // CONVLENS_WORKER: another build's worker, to compare before and after a change.
    const handle = startProfile(
      { workerPath: process.env.CONVLENS_WORKER ?? resolve(__dirname, '../dist/worker.js'), trusted: true, file: resolve(__dirname, `../test/fixtures/models/${f}.ts`), timeoutMs: 15 * 60_000 },
      (e) => {
        if (e.type === 'profile') {
          if (first === null) {
            first = performance.now() - t0;
            firstCpu = cpuSeconds(handle.pid);
          }
          lastCpu = cpuSeconds(handle.pid);
        }
        if ((e as { type: string }).type === 'progress') progress++;
      },
    );
    const out = await handle.done;
    if (!out.result) throw new Error(`${f}: ${out.message}`);
    rows.push({ model: f, layers: out.result.layers.length, backend: out.result.backend, firstMs: first, lastMs: performance.now() - t0, firstCpuS: firstCpu, lastCpuS: lastCpu, batches: out.result.batchSizes.join(' / '), progressEvents: progress });
  }
  return rows;
}

export function formatRow(r: ProfileBenchRow): string {
  return `${r.model} (${r.layers} layers, ${r.backend}, batch ${r.batches}): first measured latency after ${((r.firstMs ?? NaN) / 1000).toFixed(1)} s wall / ${r.firstCpuS?.toFixed(1) ?? '?'} s worker CPU, all after ${(r.lastMs / 1000).toFixed(1)} s / ${r.lastCpuS?.toFixed(1) ?? '?'} s CPU, ${r.progressEvents} progress events`;
}

if (require.main === module)
  void benchProfile(process.argv.slice(2).length ? process.argv.slice(2) : undefined).then((rows) => {
    for (const r of rows) console.log(formatRow(r));
  });
