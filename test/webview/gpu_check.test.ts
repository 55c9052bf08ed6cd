/**
 * The check on the panel's GPU, in headless Chromium on SwiftShader (CI has no GPU): the panel's
 * probe, the worker's auto choice on a software rasteriser, the whole check on WebGL2 (and WebGPU
 * when the browser gives an adapter) on the reference CNN and the dead-ReLU model with the same
 * verdicts as wasm, the first-step numerics against wasm on the same seed, Cancel, and the CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, openPanel, skipReason, DIST, type Panel } from './harness';
import { SOFTWARE_GPU_ARGS, nodeWorker, probePanel, runInPanel } from './panel_run';
import { checkFixture } from '../runtime/run_fixture';
import type { CheckResult, LayerGradient, PanelDevice, PanelBackendName, WorkerEvent } from '../../protocol/worker';
import { existsSync, readFileSync } from 'node:fs';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';

const TINY = resolve(__dirname, '../fixtures/runtime/tiny_cnn.ts');
const BAD = resolve(__dirname, '../fixtures/runtime/cannot_learn.ts');
const FS = resolve(__dirname, '../fixtures/runtime/node_imports.ts');

/**
 * Same seed, so the same weights, batch and labels (tfjs draws its random tensors in JS, the same
 * on every backend): what differs is float32 arithmetic on the GPU path (summation order, fused
 * ops), ~1e-6 relative per op; 1e-3 leaves room for a backward pass through a few layers.
 */
const REL = 1e-3;
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

const why = skipReason() ?? (existsSync(resolve(DIST, 'training_worker.js')) ? undefined : 'dist/training_worker.js missing: run npm run build');

describe('the check on the panel GPU (SwiftShader)', { skip: why }, () => {
  let browser: Browser;
  let p: Panel;
  let device: PanelDevice;
  before(async () => {
    browser = await launch(SOFTWARE_GPU_ARGS);
    p = await openPanel(browser, { width: 1100, height: 900 });
    // The host opens the panel on the Training view for a check.
    const r = analyzeSource(readFileSync(TINY, 'utf8'), TINY, diskHost);
    await p.send({ type: 'model', uri: `file://${TINY}`, version: 1, models: r.models.map(({ report, graph }) => ({ report, graph })), diagnostics: [], selected: 'tinyCnn', view: 'training' });
    device = await probePanel(p);
  });
  after(() => browser?.close());

  /** The Node worker asked for `backend` with this panel, then the panel running what it handed over. */
  async function inPanel(backend: PanelBackendName, file: string, model: string, steps: number, batchSize: number): Promise<{ result: CheckResult; events: WorkerEvent[] }> {
    const { outcome } = await nodeWorker({ file, model, backend, panel: device, steps, batchSize });
    assert.ok(outcome.handoff, `the worker kept the check: ${outcome.message}`);
    assert.equal(outcome.handoff.backend, backend);
    const events = await runInPanel(p, outcome.handoff);
    const result = events.find((e) => e.type === 'result');
    assert.ok(result && result.type === 'result', `no result: ${JSON.stringify(events.filter((e) => e.type === 'error'))}`);
    assert.deepEqual(events.at(-1), { type: 'exit', code: result.result.passed ? 0 : 1, signal: null, reason: 'done' });
    return { result: result.result, events };
  }

  /** Same verdicts as wasm, and the first step's loss and gradient norms within REL. */
  async function compareWithWasm(r: CheckResult, file: string, model: string, steps: number, batchSize: number, t?: { diagnostic(s: string): void }): Promise<void> {
    const wasm = (await checkFixture(file.slice(resolve(__dirname, '../..').length + 1), model, { steps, batchSize })).result;
    assert.deepEqual(r.checks.map((c) => [c.id, c.status]), wasm.checks.map((c) => [c.id, c.status]), `verdicts on ${r.backend} vs wasm:\n${r.checks.map((c) => c.message).join('\n')}`);
    assert.ok(rel(r.losses[0]!, wasm.losses[0]!) < REL, `loss at init ${r.losses[0]} vs wasm ${wasm.losses[0]}`);
    assert.equal(r.gradients.length, wasm.gradients.length);
    r.gradients.forEach((g: LayerGradient, i) => {
      const w = wasm.gradients[i]!;
      assert.equal(g.name.replace(/\d+$/, ''), w.name.replace(/\d+$/, ''));
      assert.ok(rel(g.norm, w.norm) < REL, `${g.name}: ‖g‖ ${g.norm} vs wasm ${w.norm}`);
      assert.ok(rel(g.weightNorm, w.weightNorm) < REL, `${g.name}: same initial weights (‖W‖ ${g.weightNorm} vs ${w.weightNorm})`);
      assert.equal(g.flag, w.flag);
    });
    const worst = Math.max(...r.gradients.map((g, i) => rel(g.norm, wasm.gradients[i]!.norm)));
    t?.diagnostic(`${r.backend} vs wasm on ${model}: loss at init ${r.losses[0]} vs ${wasm.losses[0]} (relative ${rel(r.losses[0]!, wasm.losses[0]!).toExponential(1)}), worst layer ‖g‖ relative ${worst.toExponential(1)}; ${Math.round(r.imagesPerSecond ?? 0)} vs ${Math.round(wasm.imagesPerSecond ?? 0)} images/s`);
  }

  test('the probe names the renderer and says it is a software rasteriser; WebGL renders float32', () => {
    assert.equal(device.webgl.available, true, device.webgl.reason);
    assert.match(device.webgl.adapter!, /^WebGL2 · ANGLE \(.*SwiftShader/);
    assert.equal(device.webgl.software, true);
    assert.equal(device.webgl.float32, true);
    if (device.webgpu.available) {
      assert.match(device.webgpu.adapter!, /^WebGPU · .*swiftshader/i);
      assert.equal(device.webgpu.software, true);
    }
  });

  test('auto on a software GPU: the check stays on wasm and the diagnosis says why', async () => {
    const { outcome } = await nodeWorker({ file: TINY, model: 'tinyCnn', backend: 'auto', panel: device, steps: 2, batchSize: 4 });
    assert.equal(outcome.handoff, undefined);
    assert.equal(outcome.result?.backend, 'wasm', outcome.message);
    const webgl = outcome.result!.backendAttempts.find((a) => a.backend === 'webgl')!;
    assert.equal(webgl.kind, 'software-renderer');
    assert.match(webgl.reason, /SwiftShader.*is a software rasteriser/);
  });

  test('WebGL2: the reference CNN passes every check, as on wasm; the backend line names SwiftShader', async (t) => {
    const { result } = await inPanel('webgl', TINY, 'tinyCnn', 30, 16);
    assert.equal(result.backend, 'webgl');
    assert.equal(result.device, 'cpu', 'a software rasteriser computes on the CPU');
    assert.equal(result.software, true);
    assert.equal(result.passed, true, result.checks.map((c) => c.message).join('\n'));
    await compareWithWasm(result, TINY, 'tinyCnn', 30, 16, t);
    await p.page.waitForSelector('.training-view .run-status.pass');
    const line = await p.page.textContent('.training-view .backend-device');
    assert.match(line!, /WebGL2 · ANGLE \(.*SwiftShader.*\) — a software rasteriser: the GPU API computes on the CPU/);
    assert.match((await p.page.textContent('.training-view .run-status'))!, /All checks passed on webgl/);
    // A wasm run of the same model afterwards: its throughput is shown beside webgl's.
    const wasm = await nodeWorker({ file: TINY, model: 'tinyCnn', backend: 'wasm', steps: 3, batchSize: 16 });
    for (const e of wasm.events) await p.send({ type: 'training', event: e });
    const ips = Math.round(wasm.outcome.result!.imagesPerSecond!);
    assert.equal(await p.page.textContent('.training-view .throughput-compare'), `On this model wasm trained ${ips} images/s (batch 16); webgl did ${Math.round(result.imagesPerSecond!)} images/s (batch 16): this run went ${(wasm.outcome.result!.imagesPerSecond! / result.imagesPerSecond!).toFixed(2)}× as fast.`);
  });

  test('WebGL2: the dead-ReLU model fails overfit and gradient flow, as on wasm', async (t) => {
    const { result } = await inPanel('webgl', BAD, 'deadRelu', 20, 16);
    assert.equal(result.checks.find((c) => c.id === 'overfit')!.status, 'fail');
    const flow = result.checks.find((c) => c.id === 'gradient-flow')!;
    assert.equal(flow.status, 'fail');
    assert.match(flow.message, /dead \(zero gradient\) in 2 layer\(s\)/);
    assert.deepEqual(flow.layers, [0, 1]);
    await compareWithWasm(result, BAD, 'deadRelu', 20, 16, t);
  });

  test('WebGPU (when the browser gives an adapter): both models, the same verdicts and numerics as wasm', async (t) => {
    if (!device.webgpu.available) return t.skip(`no WebGPU adapter in this Chromium: ${device.webgpu.reason}`);
    // WebGPU on SwiftShader compiles every shader on the CPU first: few steps, small batches.
    const dead = await inPanel('webgpu', BAD, 'deadRelu', 8, 8);
    assert.equal(dead.result.backend, 'webgpu');
    assert.match(dead.result.adapter!, /swiftshader/i);
    await compareWithWasm(dead.result, BAD, 'deadRelu', 8, 8, t);
    const tiny = await inPanel('webgpu', TINY, 'tinyCnn', 8, 8);
    await compareWithWasm(tiny.result, TINY, 'tinyCnn', 8, 8, t);
  });

  test('Cancel in the panel terminates the worker mid-run; the panel stayed responsive while it trained', async () => {
    const { outcome } = await nodeWorker({ file: TINY, model: 'tinyCnn', backend: 'webgl', panel: device, steps: 1000, batchSize: 16 });
    assert.ok(outcome.handoff);
    let statusMidRun = '';
    const events = await runInPanel(p, outcome.handoff, {
      onStep: async (n) => {
        if (n < 2 || statusMidRun) return;
        // The main thread renders step events while the worker trains, and the button is there.
        statusMidRun = (await p.page.textContent('.training-view .run-status')) ?? '';
        await p.page.click('.training-view .run-cancel');
      },
    });
    assert.match(statusMidRun, /^Step \d+ of 1000 on webgl/);
    const exit = events.at(-1)!;
    assert.deepEqual(exit, { type: 'exit', code: null, signal: null, reason: 'cancelled' });
    assert.equal(events.filter((e) => e.type === 'result').length, 0);
    const count = (await p.posted()).length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await p.posted()).length, count, 'nothing arrives from a terminated worker');
    assert.match((await p.page.textContent('.training-view .run-status'))!, /The worker cancelled/);
    assert.equal(await p.page.isVisible('.training-view .run-cancel'), false);
  });

  test('a builder importing fs: the Training view shows why the panel could not run it', async () => {
    const { outcome, events } = await nodeWorker({ file: FS, model: 'fromDisk', backend: 'webgl', panel: device, steps: 2, batchSize: 4 });
    assert.equal(outcome.result?.backend, 'wasm');
    for (const e of events) await p.send({ type: 'training', event: e });
    const text = await p.page.textContent('.training-view .attempts');
    assert.match(text!, /webgl: the model file imports 'fs' \(node_imports\.ts:4, a Node module\)/);
  });

  test('no CSP violation or page error through all of it', () => {
    assert.deepEqual(p.errors, []);
  });
});
