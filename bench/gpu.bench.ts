/**
 * Training throughput of the check on the panel's GPU against the Node backends, side by side, on
 * the reference CNN (test/fixtures/runtime/tiny_cnn.ts, batch 32): WebGL2 and WebGPU in the
 * panel's Web Worker in headless Chromium (SwiftShader here: software, computing on the CPU), wasm
 * with ConvLens's kernels and stock tfjs cpu in this process. Each figure is the check's own
 * median step (warm-up step excluded), so the panel and wasm are measured by the same code.
 * The load average is printed with the figures: these machines are shared.
 *   node --import tsx bench/gpu.bench.ts
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { analyzeSource } from '../server/src/engine';
import { diskHost } from '../server/src/host/disk_host';
import { bundleForPanel } from '../server/src/runtime/panel_bundle';
import { loadBackend } from '../server/src/runtime/backends';
import { unregisterTrainingKernels, registerTrainingKernels } from '../server/src/runtime/kernels';
import { buildUserModel } from '../server/src/runtime/user_module';
import type { CheckResult, PanelBackendName, PanelHandoff } from '../protocol/worker';
import { launch, openPanel, skipReason } from '../test/webview/harness';
import { SOFTWARE_GPU_ARGS, probePanel, runInPanel } from '../test/webview/panel_run';
import { checkFixture } from '../test/runtime/run_fixture';

const FILE = resolve(__dirname, '../test/fixtures/runtime/tiny_cnn.ts');
const BATCH = 32;

function handoff(backend: PanelBackendName, steps: number): PanelHandoff {
  const report = analyzeSource(readFileSync(FILE, 'utf8'), FILE, diskHost).models.find((m) => m.report.name === 'tinyCnn')!.report;
  const b = bundleForPanel(FILE, 'tinyCnn');
  if (!b.ok) throw new Error(b.reason);
  return { backend, attempts: [{ backend, status: 'used', reason: 'bench' }], file: FILE, model: 'tinyCnn', available: ['tinyCnn'], report, bundle: b.script, seed: 1, steps, batchSize: BATCH };
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' / ');

/** Stock tfjs cpu (ConvLens's kernels removed): its Conv2DBackpropFilter is seconds per call, so two timed steps. */
async function stockCpu(): Promise<number> {
  const cpu = await loadBackend({ choice: 'cpu' });
  const tf = cpu.tf;
  const { model } = await buildUserModel(FILE, 'tinyCnn', tf as unknown as Record<string, unknown>);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([BATCH, 32, 32, 3], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10).asType('float32');
  unregisterTrainingKernels(tf, 'cpu');
  try {
    await model.trainOnBatch(x, y);
    const ms: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      await model.trainOnBatch(x, y);
      ms.push(performance.now() - t);
    }
    return (1000 * BATCH) / ms.sort((a, b) => a - b)[0]!;
  } finally {
    registerTrainingKernels(tf, 'cpu');
    model.dispose();
    tf.dispose([x, y]);
  }
}

export async function benchGpu(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  out['load average at start (1 / 5 / 15 min)'] = load();
  const ips = (r: CheckResult | undefined) => (r?.imagesPerSecond ? r.imagesPerSecond : NaN);
  const why = skipReason();
  if (why) out['panel GPU'] = `skipped: ${why}`;
  else {
    const browser = await launch(SOFTWARE_GPU_ARGS);
    try {
      const p = await openPanel(browser);
      const device = await probePanel(p);
      for (const [backend, steps] of [['webgl', 20], ['webgpu', 8]] as const) {
        const info = device[backend];
        if (!info.available) {
          out[`${backend} in the panel`] = `no adapter: ${info.reason}`;
          continue;
        }
        const events = await runInPanel(p, handoff(backend, steps), { timeoutMs: 600_000 });
        const r = events.find((e) => e.type === 'result');
        out[`${backend} in the panel, ${info.adapter}${info.software ? ' (software)' : ''}, ${steps} steps (img/s)`] = r && r.type === 'result' ? ips(r.result) : `failed: ${JSON.stringify(events.find((e) => e.type === 'error'))}`;
      }
    } finally {
      await browser.close();
    }
  }
  out['wasm + ConvLens kernels, the same check, 20 steps (img/s)'] = ips((await checkFixture('test/fixtures/runtime/tiny_cnn.ts', 'tinyCnn', { steps: 20, batchSize: BATCH })).result);
  out['stock tfjs cpu, trainOnBatch (img/s)'] = await stockCpu();
  out['load average at end (1 / 5 / 15 min)'] = load();
  return out;
}

if (require.main === module) {
  void benchGpu().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
  });
}
