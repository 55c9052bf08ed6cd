/**
 * What the training worker streams, one JSON object per line on stdout, and what its callers
 * (the CLI, the VS Code client, the panel's Training view) receive. Plain data only.
 *
 * Order of a check run:
 *   started → backend → phase(analyse…) → model → check(forward-shape) → check(finite-output)
 *   → check(initial-loss) → gradients(first) → step × N → gradients(last) → check(overfit)
 *   → check(gradient-flow) → check(throughput) → result
 * A profile run: started → backend → model → (phase(profile) → progress × n → profile(partial))
 *   per batch size but the last → phase(profile) → progress × n → profile → (result-less) end.
 * A run that cannot go on sends `error` (and nothing after). `log` may come at any point: it is
 * the user's own console output (the builder may print), never mixed into stdout's JSON.
 * The supervisor adds `exit` itself when the process ends for any reason.
 */
import type { Range, Shape } from '../server/src/engine/report/types';

// ---- backends (the runtime's backend_diagnosis.ts explains each failure in words)
export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export type FailureKind =
  | 'not-installed' // require() gives MODULE_NOT_FOUND
  | 'native-addon-missing' // installed without its install script, or its download failed
  | 'cuda-libraries-missing' // tfjs-node-gpu loaded, TensorFlow could not dlopen CUDA/cuDNN
  | 'shared-library-missing' // the native addon itself could not be loaded (a .so it links)
  | 'no-gpu' // tfjs-node-gpu loaded, libraries fine, no CUDA device visible
  | 'init-failed' // the backend threw while initialising
  | 'not-tried'; // an earlier backend was chosen

export interface BackendAttempt {
  backend: BackendName;
  status: 'used' | 'failed' | 'not-tried';
  kind?: FailureKind;
  /** One sentence: what happened. */
  reason: string;
  /** What to do about it, when anything can be done. */
  fix?: string;
  /** Where the package was found (the user's project or ConvLens's own install). */
  packagePath?: string;
  /** Shared libraries TensorFlow reported missing (libcudart.so.11.0, libcudnn.so.8, ...). */
  missingLibraries?: string[];
  /** The first line of the original error, for a bug report. */
  detail?: string;
}

export type CheckId = 'forward-shape' | 'finite-output' | 'initial-loss' | 'overfit' | 'gradient-flow' | 'throughput';

export interface CheckVerdict {
  id: CheckId;
  /** Short name for a heading: 'Output shape', 'Loss at init', ... */
  title: string;
  /** 'skip' when the check does not apply (e.g. initial loss for a regression head). */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  /** False only for 'fail'. */
  passed: boolean;
  /** One or two sentences with the numbers. */
  message: string;
  /** Who is at fault when it fails: the model, or ConvLens itself (engine and tfjs disagree). */
  blame?: 'model' | 'convlens';
  /** Layers the message is about (indices into the engine report's `layers`). */
  layers?: number[];
}

/** Gradient of one layer's trainable weights (all of them together, L2 norm). */
export interface LayerGradient {
  /** Index into the engine report's `layers`; null when ConvLens could not pair it. */
  layerIndex: number | null;
  /** tfjs's layer name ('conv2d_Conv2D3' or the user's name). */
  name: string;
  className: string;
  /** The layer-constructing call, from the engine report. */
  range?: Range;
  file?: string;
  /** ‖∂loss/∂W‖₂ over the layer's trainable weights at this step. */
  norm: number;
  /** ‖W‖₂, to read the norm against (an update ratio ‖ΔW‖/‖W‖ is what matters). */
  weightNorm: number;
  flag?: 'vanishing' | 'exploding' | 'dead' | 'not-finite';
}

export interface StepTiming {
  /** Median wall time of one training step, warm-up excluded. */
  stepMs: number;
  imagesPerSecond: number;
  batchSize: number;
  /** Largest tf.memory().numBytes seen (tensors alive at once), and the peak inside one step (tf.profile). */
  peakBytes: number;
}

export interface CheckResult {
  file: string;
  model: string;
  backend: BackendName;
  device: 'gpu' | 'cpu';
  backendAttempts: BackendAttempt[];
  /** Kernels ConvLens registered on this backend. */
  kernels: string[];
  passed: boolean;
  checks: CheckVerdict[];
  /** Loss before training (index 0) and after each step. */
  losses: number[];
  imagesPerSecond: number | null;
  timing: StepTiming | null;
  /** At the first step, with `lastNorm` from the last one. */
  gradients: (LayerGradient & { lastNorm: number | null })[];
  batchSize: number;
  /** What seeded the weights, the batch, the labels and dropout: the same seed repeats the run. */
  seed: number;
  steps: number;
  lossName: string;
  optimizerName: string;
  compiledByBuilder: boolean;
  /** Wall time of each phase, ms. */
  phases: Record<string, number>;
}

export interface LatencyRow {
  /** Index into the engine report's `layers` (null: not paired). */
  layerIndex: number | null;
  name: string;
  className: string;
  range?: Range;
  /** Median ms per batch size, same order as ProfileResult.batchSizes. */
  ms: number[];
}

export interface GroupLatency {
  /** The engine graph's group id and label ('inceptionBlock(…)'). */
  groupId: string;
  label: string;
  range?: Range;
  ms: number[];
}

export interface ProfileResult {
  file: string;
  model: string;
  backend: BackendName;
  device: 'gpu' | 'cpu';
  backendAttempts: BackendAttempt[];
  batchSizes: number[];
  /** model.predict end to end, median ms per batch size. */
  totalMs: number[];
  /** Sum of the per-layer medians (layer by layer adds sync points; compare with totalMs). */
  layerSumMs: number[];
  layers: LatencyRow[];
  groups: GroupLatency[];
  /** The most timed runs a measurement was allowed (it stops earlier once two runs agree). */
  repeats: number;
  /** Timed runs in all (set on the final result). */
  runs?: number;
}

export type Phase = 'analyse' | 'transpile' | 'build' | 'forward' | 'initial-loss' | 'overfit' | 'gradients' | 'throughput' | 'profile';

export interface RunError {
  /** Where it failed: the user's code, the environment, or ConvLens. */
  stage: 'options' | 'backend' | 'analyse' | 'transpile' | 'build' | 'train' | 'profile' | 'internal';
  message: string;
  /** Set when the cause is memory (e.g. the 4 GiB WebAssembly address space), for the supervisor's verdict. */
  kind?: 'out-of-memory';
  /** Source position in the user's file when the error points there. */
  file?: string;
  line?: number;
  stack?: string;
}

export type WorkerEvent =
  | { type: 'started'; pid: number; mode: 'check' | 'profile'; file: string; model: string | null; time: number }
  | { type: 'backend'; backend: BackendName; device: 'gpu' | 'cpu'; attempts: BackendAttempt[]; kernels: string[]; tfjsVersion: string }
  | { type: 'phase'; phase: Phase; message: string }
  /** How far a long phase is: `done` of `total` units (a profile: layers per batch size), and what runs now. */
  | { type: 'progress'; phase: Phase; done: number; total: number; message: string }
  | {
      type: 'model';
      name: string;
      params: number;
      layers: number;
      inputShapes: Shape[];
      outputShapes: Shape[];
      batchSize: number;
      lossName: string;
      optimizerName: string;
      compiledByBuilder: boolean;
      /** The overfit check passes when the loss falls below this fraction of its first value. */
      lossFraction?: number;
      /** Models the file holds, for a picker. */
      available: string[];
    }
  | { type: 'check'; check: CheckVerdict }
  /** One training step on the fixed batch. step counts from 1; `loss` is the loss this step computed (before its update). */
  | { type: 'step'; step: number; total: number; loss: number; ms: number }
  | { type: 'gradients'; when: 'first' | 'last'; step: number; layers: LayerGradient[] }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; text: string }
  | { type: 'result'; result: CheckResult }
  /** Measured latency; `partial`: the batch sizes measured so far, more follows. */
  | { type: 'profile'; result: ProfileResult; partial?: boolean }
  | { type: 'error'; error: RunError }
  /** Added by the supervisor, never written by the worker. */
  | { type: 'exit'; code: number | null; signal: string | null; reason: ExitReason };

export type ExitReason = 'done' | 'cancelled' | 'timeout' | 'out-of-memory' | 'crashed' | 'failed';

/** Options the supervisor passes to the worker (argv[2], JSON). */
export interface WorkerOptions {
  mode: 'check' | 'profile';
  file: string;
  /** Model name as the engine reports it; default: the first model in the file. */
  model?: string;
  backend?: BackendChoice;
  /** Overfit steps (default 50). */
  steps?: number;
  /** Batch size for the overfit batch (default: 32, smaller for big inputs). */
  batchSize?: number;
  /** The check passes when the loss falls below this fraction of its start (default 0.5). */
  lossFraction?: number;
  /** Seed for Math.random (so the weights and dropout), the random batch and the labels (default 1). */
  seed?: number;
  /** Profile: the larger batch size measured besides 1 (default 8). */
  profileBatch?: number;
  /** Profile: at most this many timed runs per measurement (median taken; fewer once two agree; default 5). */
  repeats?: number;
  /** Soft time budget (ms since the worker started): training stops early, the check still reports. */
  budgetMs?: number;
}

/** The one-line form of an event on the wire. */
export function encodeEvent(e: WorkerEvent): string {
  return JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Parses a line from the worker; non-JSON lines (a native library printing) become logs. */
export function decodeEvent(line: string): WorkerEvent {
  try {
    const v = JSON.parse(line) as WorkerEvent;
    if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') return reviveNumbers(v);
  } catch {
    // fall through
  }
  return { type: 'log', level: 'log', text: line };
}

/** JSON has no NaN/Infinity: encodeEvent writes them as strings; put them back for numeric fields. */
function reviveNumbers<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => reviveNumbers(x)) as unknown as T;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') o[k] = Number(x);
      else o[k] = reviveNumbers(x);
    }
  }
  return v;
}
