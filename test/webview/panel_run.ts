/**
 * Driving the check on the panel's GPU in headless Chromium: probe the panel's WebGPU / WebGL2,
 * get a handoff from the real Node worker (the supervisor, as the client does), run it in the
 * panel's Web Worker and collect the events the panel posts back to the host.
 */
import type { PanelDevice, PanelHandoff, WorkerEvent } from '../../protocol/worker';
import { decodeEvent } from '../../protocol/worker';
import { startCheck, type CheckOutcome, type SupervisorOptions } from '../../server/src/runtime/supervisor';
import { workerBundle } from '../runtime/worker_bundle';
import type { Panel } from './harness';

/**
 * SwiftShader for WebGL2 (software Vulkan under ANGLE) and for WebGPU: what a machine without a
 * GPU has. Both the npm Chromium (143) and Debian's (156) give an adapter with these flags.
 */
export const SOFTWARE_GPU_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

export async function probePanel(p: Panel): Promise<PanelDevice> {
  const before = (await p.posted()).length;
  await p.send({ type: 'probeGpu' });
  const h = await p.page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.slice(n).find((m) => m.type === 'gpuInfo'), before, { timeout: 60_000 });
  return ((await h.jsonValue()) as unknown as { device: PanelDevice }).device;
}

/** The Node worker's decision for this file, as the client gets it. */
export async function nodeWorker(options: Omit<SupervisorOptions, 'workerPath' | 'trusted'>): Promise<{ outcome: CheckOutcome; events: WorkerEvent[] }> {
  const events: WorkerEvent[] = [];
  const outcome = await startCheck({ workerPath: workerBundle(), trusted: true, timeoutMs: 180_000, ...options }, (e) => events.push(e)).done;
  return { outcome, events };
}

/** Runs a handoff in the panel; resolves with the events it posted to the host, `exit` last. */
export async function runInPanel(p: Panel, handoff: PanelHandoff, opts: { budgetMs?: number; timeoutMs?: number; onStep?: (n: number) => Promise<void> | void } = {}): Promise<WorkerEvent[]> {
  const from = (await p.posted()).length;
  await p.send({ type: 'runCheck', handoff, budgetMs: opts.budgetMs });
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  let seenSteps = 0;
  for (;;) {
    const lines = (await p.posted()).slice(from).filter((m) => m.type === 'trainingEvent').map((m) => decodeEvent(m.line as string));
    const steps = lines.filter((e) => e.type === 'step').length;
    if (opts.onStep && steps > seenSteps) {
      seenSteps = steps;
      await opts.onStep(steps);
    }
    if (lines.some((e) => e.type === 'exit')) return lines;
    if (Date.now() > deadline) throw new Error(`the panel's check did not finish in time; last events: ${JSON.stringify(lines.slice(-3)).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
