/**
 * Runtime throughput on the reference CNN (32×32×3 → conv 3×3 16 → pool → conv 3×3 32 → pool →
 * dense 10, 16,618 params, batch 32): images per second trained on wasm with ConvLens's kernels,
 * on cpu with them, and on stock tfjs cpu (its Conv2DBackpropFilter loop takes seconds per call,
 * so a couple of steps suffice); and the sanity check's training loop (the harness) against a bare
 * model.fit on the same backend, same model, same batch. Ratios from one run, never a pass/fail
 * timer (DESIGN.md). Stock wasm cannot train at all (no Conv2DBackpropFilter kernel).
 *   node --import tsx bench/runtime.bench.ts
 */
import { loadBackend } from '../server/src/runtime/backends';
import { unregisterTrainingKernels, registerTrainingKernels } from '../server/src/runtime/kernels';
import { runSanityCheck } from '../server/src/runtime/sanity_check';
import { buildUserModel } from '../server/src/runtime/user_module';
import { resolve } from 'node:path';
import type { LayersModel, Tensor, Tf } from '../server/src/runtime/tf_types';

const BATCH = 32;

/** The runtime tests' reference CNN (test/fixtures/runtime/tiny_cnn.ts), built on the given backend's tfjs. */
async function referenceCnn(tf: Tf): Promise<LayersModel> {
  const { model } = await buildUserModel(resolve(__dirname, '../test/fixtures/runtime/tiny_cnn.ts'), 'tinyCnn', tf as unknown as Record<string, unknown>);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

function batch(tf: Tf): { x: Tensor; y: Tensor } {
  return { x: tf.randomNormal([BATCH, 32, 32, 3], 0, 1, 'float32', 1), y: tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10).asType('float32') };
}

/** ms per step of trainOnBatch after `warm` untimed steps. */
async function trainOnBatchMs(model: LayersModel, x: Tensor, y: Tensor, steps: number, warm = 2): Promise<number> {
  for (let i = 0; i < warm; i++) await model.trainOnBatch(x, y);
  const t = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  return (performance.now() - t) / steps;
}

/** ms per step of a bare model.fit: one epoch = one batch, so `steps` epochs. */
async function fitMs(model: LayersModel, x: Tensor, y: Tensor, steps: number): Promise<number> {
  await model.fit(x, y, { epochs: 2, batchSize: BATCH, verbose: 0 });
  const t = performance.now();
  await model.fit(x, y, { epochs: steps, batchSize: BATCH, verbose: 0 });
  return (performance.now() - t) / steps;
}

/** ms per step of the sanity check's overfit loop: wall time between its step events (emit and yield included). */
async function harnessMs(tf: Tf, model: LayersModel, steps: number): Promise<{ stepMs: number; checkMs: number }> {
  const stamps: number[] = [];
  const t = performance.now();
  await runSanityCheck({
    tf,
    model,
    file: 'bench',
    name: 'referenceCnn',
    backend: { name: 'wasm', device: 'cpu', attempts: [], kernels: [] },
    steps: steps + 2,
    batchSize: BATCH,
    emit: (e) => e.type === 'step' && stamps.push(performance.now()),
  });
  const checkMs = performance.now() - t;
  // Steps 1-2 are warm-up (as in fitMs); the rest are timed.
  return { stepMs: (stamps[stamps.length - 1]! - stamps[1]!) / (stamps.length - 2), checkMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function benchRuntime(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const ips = (ms: number) => (1000 * BATCH) / ms;

  // wasm with ConvLens kernels: the harness against a bare model.fit, alternated to share the noise.
  const wasm = await loadBackend({ choice: 'wasm' });
  let tf = wasm.tf;
  const steps = 30;
  const fits: number[] = [];
  const harness: number[] = [];
  let checkMs = 0;
  for (let round = 0; round < 3; round++) {
    const m1 = await referenceCnn(tf);
    const { x, y } = batch(tf);
    fits.push(await fitMs(m1, x, y, steps));
    m1.dispose();
    const m2 = await referenceCnn(tf);
    const h = await harnessMs(tf, m2, steps);
    harness.push(h.stepMs);
    checkMs = h.checkMs;
    m2.dispose();
    tf.dispose([x, y]);
  }
  const fit = median(fits);
  const har = median(harness);
  out['wasm + ConvLens kernels, sanity-check loop (img/s)'] = ips(har);
  out['wasm + ConvLens kernels, bare model.fit (img/s)'] = ips(fit);
  out['harness overhead per step vs model.fit (%)'] = (100 * (har - fit)) / fit;
  out[`whole check incl. forward, gradient passes (ms, ${steps + 2} steps)`] = checkMs;
  out[`bare model.fit for the same ${steps + 2} steps (ms)`] = (steps + 2) * fit;
  {
    const m = await referenceCnn(tf);
    const { x, y } = batch(tf);
    out['wasm + ConvLens kernels, trainOnBatch (img/s)'] = ips(await trainOnBatchMs(m, x, y, steps));
    m.dispose();
    tf.dispose([x, y]);
  }

  // cpu with ConvLens kernels, then stock cpu (our kernels removed).
  const cpu = await loadBackend({ choice: 'cpu' });
  tf = cpu.tf;
  {
    const m = await referenceCnn(tf);
    const { x, y } = batch(tf);
    out['cpu + ConvLens kernels, trainOnBatch (img/s)'] = ips(await trainOnBatchMs(m, x, y, 4, 1));
    unregisterTrainingKernels(tf, 'cpu');
    try {
      out['stock tfjs cpu, trainOnBatch (img/s)'] = ips(await trainOnBatchMs(m, x, y, 2, 1));
    } finally {
      registerTrainingKernels(tf, 'cpu');
    }
    m.dispose();
    tf.dispose([x, y]);
  }
  out['wasm + ConvLens / stock cpu (×)'] = out['wasm + ConvLens kernels, trainOnBatch (img/s)']! / out['stock tfjs cpu, trainOnBatch (img/s)']!;
  out['cpu + ConvLens / stock cpu (×)'] = out['cpu + ConvLens kernels, trainOnBatch (img/s)']! / out['stock tfjs cpu, trainOnBatch (img/s)']!;
  return out;
}

if (require.main === module) {
  void benchRuntime().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v.toFixed(1)}`);
  });
}
