/**
 * What the training worker streams, one JSON object per line on a pipe of its own (fd 3 under the
 * supervisor: the user's code prints to stdout, so a printed line can never pass for an event), and
 * what its callers (the CLI, the VS Code client, the panel's Training view) receive. Plain data only.
 *
 * Order of a check run:
 *   started → backend → phase(analyse…) → model → check(forward-shape) → check(finite-output)
 *   → check(initial-loss) → gradients(first) → step × N → gradients(last) → check(overfit)
 *   → check(gradient-flow) → check(throughput) → result
 * A profile run: started → backend → model → (phase(profile) → progress × n → profile(partial))
 *   per batch size but the last → phase(profile) → progress × n → profile → (result-less) end.
 * A run that cannot go on sends `error` (and nothing after). `log` may come at any point: it is
 * the user's own console output (the builder may print; the supervisor also turns what reaches
 * stdout and stderr into `log` events, in bounded lines and up to a total).
 * The supervisor adds `exit` itself when the process ends for any reason.
 */
import type { ModelReport, Range, Shape } from '../server/src/engine/report/types';

// ---- backends (the runtime's backend_diagnosis.ts explains each failure in words)
/**
 * Node backends run in the worker process; `webgpu` and `webgl` run in a Web Worker inside the
 * ConvLens panel (the webview), on the user's GPU through the browser. `webgpu-node` is Dawn for
 * Node (the npm package `webgpu`): experimental, used only when the setting asks for it.
 */
export type BackendName = 'tfjs-node-gpu' | 'webgpu' | 'webgl' | 'tfjs-node' | 'wasm' | 'cpu' | 'webgpu-node';
export type PanelBackendName = 'webgpu' | 'webgl';
export type BackendChoice = 'auto' | BackendName;

export type FailureKind =
  | 'not-installed' // require() gives MODULE_NOT_FOUND
  | 'native-addon-missing' // installed without its install script, or its download failed
  | 'cuda-libraries-missing' // tfjs-node-gpu loaded, TensorFlow could not dlopen CUDA/cuDNN
  | 'shared-library-missing' // the native addon itself could not be loaded (a .so it links)
  | 'no-gpu' // tfjs-node-gpu loaded, libraries fine, no CUDA device visible
  | 'init-failed' // the backend threw while initialising
  | 'no-panel' // webgpu / webgl: no ConvLens panel to run in (the command line)
  | 'no-adapter' // webgpu / webgl / webgpu-node: the browser (or Dawn) gave no adapter or context
  | 'software-renderer' // the panel's GPU is a software rasteriser (SwiftShader, llvmpipe): wasm is faster
  | 'no-float32' // WebGL cannot render to float32 textures (WEBGL_RENDER_FLOAT32_CAPABLE false)
  | 'self-test-failed' // WebGPU's adapter computed a wrong matmul
  | 'node-imports' // the builder imports Node modules or packages the panel cannot load
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
  /** webgpu / webgl / webgpu-node: the adapter or renderer, as the browser (or Dawn) names it. */
  adapter?: string;
  /** True when `adapter` is a software rasteriser (SwiftShader, llvmpipe, lavapipe, WARP). */
  software?: boolean;
}

/** What the panel found about one GPU API (its `probe`), sent to the worker to pick a backend. */
export interface PanelApiInfo {
  available: boolean;
  /** 'WebGL2 · ANGLE (NVIDIA GeForce RTX 3060 ...)' or 'WebGPU · nvidia ampere (…)'. */
  adapter?: string;
  software?: boolean;
  /** WebGL: WEBGL_RENDER_FLOAT32_CAPABLE. WebGPU is float32 always. */
  float32?: boolean;
  /** Why it is not available, or what the self-test saw. */
  reason?: string;
}

/** The panel's GPU, as probed in a Web Worker there (OffscreenCanvas / navigator.gpu). */
export interface PanelDevice {
  webgpu: PanelApiInfo;
  webgl: PanelApiInfo;
  /** The browser's user agent (which Chromium / Electron). */
  userAgent?: string;
}

/** What the Node worker hands the panel when the check is to run on the panel's GPU. */
export interface PanelHandoff {
  backend: PanelBackendName;
  /** Attempts so far (Node backends, the other panel API); the panel adds its own. */
  attempts: BackendAttempt[];
  file: string;
  model: string;
  available: string[];
  /** The engine's report of the model (expected shapes, layer ranges); absent when it has none. */
  report?: ModelReport;
  /** The user's file and its local imports as a script for the panel's worker (runtime/panel_bundle.ts). */
  bundle: string;
  /** webgpu handoffs: whether WebGL2 may take over in the panel if WebGPU fails its self-test (a hardware renderer, or configured). */
  webglFallback?: boolean;
  seed: number;
  steps?: number;
  batchSize?: number;
  lossFraction?: number;
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
  /** The GPU adapter or renderer it ran on (panel backends, webgpu-node). */
  adapter?: string;
  /** True when that adapter is a software rasteriser. */
  software?: boolean;
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
  | { type: 'backend'; backend: BackendName; device: 'gpu' | 'cpu'; attempts: BackendAttempt[]; kernels: string[]; tfjsVersion: string; adapter?: string; software?: boolean; float32?: boolean }
  /** The worker chose a panel backend: the panel runs the check (its events follow from there); the worker ends. */
  | { type: 'handoff'; handoff: PanelHandoff }
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
  /** The panel's GPU, when a panel can run the check (VS Code); absent on the command line. */
  panel?: PanelDevice;
}

/** The one-line form of an event on the wire. */
export function encodeEvent(e: WorkerEvent): string {
  return JSON.stringify(e, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/**
 * The fields each event's readers rely on ('[]' an array, '{}' an object; nested objects by path).
 * The event pipe is private, but code in the worker's process can still write to it: an event
 * missing them must not reach a renderer that would throw on it.
 */
const EVENT_FIELDS: Record<WorkerEvent['type'], Record<string, 'string' | 'number' | 'boolean' | '[]' | '{}'>> = {
  started: { pid: 'number', mode: 'string', file: 'string', time: 'number' },
  backend: { backend: 'string', device: 'string', attempts: '[]', kernels: '[]' },
  handoff: { handoff: '{}' },
  phase: { phase: 'string', message: 'string' },
  progress: { phase: 'string', done: 'number', total: 'number', message: 'string' },
  model: { name: 'string', params: 'number', layers: 'number', inputShapes: '[]', outputShapes: '[]', batchSize: 'number', available: '[]' },
  check: { check: '{}', 'check.id': 'string', 'check.title': 'string', 'check.status': 'string', 'check.passed': 'boolean', 'check.message': 'string' },
  step: { step: 'number', total: 'number', loss: 'number', ms: 'number' },
  gradients: { step: 'number', layers: '[]' },
  log: { level: 'string', text: 'string' },
  result: {
    result: '{}',
    'result.file': 'string',
    'result.model': 'string',
    'result.backend': 'string',
    'result.passed': 'boolean',
    'result.checks': '[]',
    'result.losses': '[]',
    'result.gradients': '[]',
    'result.backendAttempts': '[]',
    'result.kernels': '[]',
    'result.steps': 'number',
    'result.batchSize': 'number',
  },
  profile: { result: '{}', 'result.file': 'string', 'result.model': 'string', 'result.batchSizes': '[]', 'result.totalMs': '[]', 'result.layerSumMs': '[]', 'result.layers': '[]', 'result.groups': '[]' },
  error: { error: '{}', 'error.stage': 'string', 'error.message': 'string' },
  exit: { reason: 'string' },
};

/** The first field `v` lacks or holds with the wrong type, or undefined when it has them all. */
function missingField(v: Record<string, unknown>, fields: Record<string, string>): string | undefined {
  for (const [path, kind] of Object.entries(fields)) {
    let x: unknown = v;
    for (const k of path.split('.')) x = x !== null && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined;
    const ok = kind === '[]' ? Array.isArray(x) : kind === '{}' ? x !== null && typeof x === 'object' && !Array.isArray(x) : typeof x === kind;
    if (!ok) return path;
  }
  return undefined;
}

/**
 * Parses a line from the worker; non-JSON lines (a native library printing) become logs, and an
 * event of an unknown type or missing a field its readers need becomes a warning saying so.
 */
export function decodeEvent(line: string): WorkerEvent {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { type: 'log', level: 'log', text: line };
  }
  if (!v || typeof v !== 'object' || typeof (v as { type?: unknown }).type !== 'string') return { type: 'log', level: 'log', text: line };
  const e = reviveNumbers(v as WorkerEvent);
  const fields = Object.hasOwn(EVENT_FIELDS, e.type) ? EVENT_FIELDS[e.type] : undefined;
  const missing = fields ? missingField(e as unknown as Record<string, unknown>, fields) : 'type';
  if (missing === undefined) return e;
  return { type: 'log', level: 'warn', text: `[convlens] a malformed '${String(e.type).slice(0, 40)}' event was dropped (${missing} missing or of the wrong type)` };
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
