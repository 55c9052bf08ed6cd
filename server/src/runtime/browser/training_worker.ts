/**
 * The training check's second host: a Web Worker in the ConvLens panel (dist/training_worker.js),
 * training on the user's GPU through WebGPU or WebGL2 (an OffscreenCanvas; the panel stays
 * responsive and Cancel terminates the worker). The same checks, verdicts and events as the Node
 * worker (sanity_check.ts); Math.random is seeded before the builder runs, as there.
 *
 * The panel starts it from a blob: the user's bundle (panel_bundle.ts) followed by this script.
 * Messages in: { type: 'probe' } | { type: 'start', handoff, budgetMs? }.
 * Messages out: { type: 'device', device } | { type: 'event', event } | { type: 'done', code }.
 */
import * as tfjs from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendAttempt, PanelBackendName, PanelHandoff, RunError, WorkerEvent } from '../../../../protocol/worker';
import { callBuilder } from '../builder_call';
import { runSanityCheck } from '../sanity_check';
import { seedMathRandom } from '../seeded_random';
import type { Tf } from '../tf_types';
import { probeDevice, probeWebgl, probeWebgpu, selfTest } from './gpu';
import { loadBundle, userBundle } from './user_bundle';

const tf = tfjs as unknown as Tf;
const scope = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((ev: MessageEvent) => void) | null };
const emit = (event: WorkerEvent) => scope.postMessage({ type: 'event', event });
const done = (code: number) => scope.postMessage({ type: 'done', code });

function runError(stage: RunError['stage'], e: unknown): RunError {
  const err = e as Error;
  return { stage, message: err?.message ?? String(e), ...(err?.stack ? { stack: err.stack } : {}) };
}

/** Puts the user's console output into `log` events, as the Node worker does. */
function captureConsole(): void {
  const fmt = (a: unknown[]) => a.map((x) => (typeof x === 'string' ? x : (() => { try { return JSON.stringify(x); } catch { return String(x); } })())).join(' ');
  const as = (level: 'log' | 'warn' | 'error') => (...a: unknown[]) => emit({ type: 'log', level, text: fmt(a) });
  console.log = console.info = console.debug = as('log');
  console.warn = as('warn');
  console.error = as('error');
}

interface Ready {
  name: PanelBackendName;
  adapter: string;
  software: boolean;
  float32: boolean;
  attempts: BackendAttempt[];
}

/** Set up tfjs on the chosen API; WebGPU must pass the self-test, else WebGL2 takes over. */
async function setUp(handoff: PanelHandoff): Promise<Ready> {
  const attempts = handoff.attempts.map((a) => ({ ...a }));
  const at = (b: PanelBackendName) => attempts.findIndex((a) => a.backend === b);
  tf.env().set('PROD', true);
  if (handoff.backend === 'webgpu') {
    const info = await probeWebgpu();
    let why = info.reason;
    if (info.available) {
      try {
        if (await tf.setBackend('webgpu')) {
          why = await selfTest(tf);
          if (!why) return { name: 'webgpu', adapter: info.adapter!, software: !!info.software, float32: true, attempts };
        } else why = "tfjs's webgpu backend did not initialise";
      } catch (e) {
        why = (e as Error).message;
      }
    }
    attempts[at('webgpu')] = { backend: 'webgpu', status: 'failed', kind: info.available ? 'self-test-failed' : 'no-adapter', reason: `WebGPU in the panel: ${why}.`, ...(info.adapter ? { adapter: info.adapter } : {}) };
    if (!handoff.webglFallback) throw new Error(`WebGPU failed in the panel (${why}) and its WebGL2 is not one to train on here (see the panel's probe); set convlens.training.backend to wasm`);
    const gl = at('webgl');
    attempts[gl] = { backend: 'webgl', status: 'used', reason: 'WebGL2 in the panel (WebGPU failed)' };
  }
  if (!(await tf.setBackend('webgl'))) throw new Error("tfjs's webgl backend did not initialise in the panel");
  const info = probeWebgl(tf);
  const i = at('webgl');
  attempts[i] = { ...attempts[i]!, adapter: info.adapter, software: !!info.software };
  return { name: 'webgl', adapter: info.adapter ?? 'WebGL2', software: !!info.software, float32: info.float32 !== false, attempts };
}

async function run(handoff: PanelHandoff, budgetMs: number | undefined): Promise<number> {
  const started = Date.now();
  emit({ type: 'started', pid: 0, mode: 'check', file: handoff.file, model: handoff.model, time: started });
  let ready: Ready;
  try {
    ready = await setUp(handoff);
  } catch (e) {
    emit({ type: 'error', error: runError('backend', e) });
    return 2;
  }
  const device = ready.software ? 'cpu' : 'gpu';
  emit({ type: 'backend', backend: ready.name, device, attempts: ready.attempts, kernels: [], tfjsVersion: tf.version_core, adapter: ready.adapter, software: ready.software, float32: ready.float32 });
  if (!ready.float32) emit({ type: 'log', level: 'warn', text: `${ready.adapter} cannot render to float32 textures: tfjs computes in float16 here, so losses and gradients are coarse.` });

  const bundle = userBundle();
  if (!bundle) {
    emit({ type: 'error', error: { stage: 'internal', message: "the panel's worker started without the model's bundle" } });
    return 2;
  }
  emit({ type: 'phase', phase: 'build', message: `building ${handoff.model}` });
  // Seeded before the builder runs: weight initialisers and dropout draw from Math.random.
  seedMathRandom(handoff.seed);
  let model;
  try {
    ({ model } = await callBuilder(handoff.model, (extra) => loadBundle(bundle, tfjs as unknown as Record<string, unknown>, extra), handoff.file));
  } catch (e) {
    emit({ type: 'error', error: runError('build', e) });
    return 2;
  }
  try {
    const result = await runSanityCheck({
      tf,
      model,
      report: handoff.report,
      file: handoff.file,
      name: handoff.model,
      backend: { name: ready.name, device, attempts: ready.attempts, kernels: [], adapter: ready.adapter, software: ready.software },
      steps: handoff.steps,
      batchSize: handoff.batchSize,
      lossFraction: handoff.lossFraction,
      seed: handoff.seed,
      budgetMs: budgetMs === undefined ? undefined : budgetMs - (Date.now() - started),
      available: handoff.available,
      emit,
    });
    emit({ type: 'result', result });
    return result.passed ? 0 : 1;
  } catch (e) {
    emit({ type: 'error', error: runError('train', e) });
    return 2;
  }
}

captureConsole();
scope.onmessage = (ev: MessageEvent) => {
  const m = ev.data as { type?: string; handoff?: PanelHandoff; budgetMs?: number };
  if (m?.type === 'probe') void probeDevice().then((device) => scope.postMessage({ type: 'device', device }));
  else if (m?.type === 'start' && m.handoff) void run(m.handoff, m.budgetMs).then(done, (e) => (emit({ type: 'error', error: runError('internal', e) }), done(2)));
};
