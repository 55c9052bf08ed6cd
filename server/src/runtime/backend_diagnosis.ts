/**
 * Why a tfjs backend did not load, in words a person can act on. Pure functions over the error
 * texts the packages really produce (recorded in test/fixtures/runtime/errors/), so they are
 * unit-tested without the packages.
 */
import type { BackendAttempt, BackendName, BackendChoice, FailureKind, PanelBackendName, PanelDevice } from '../../../protocol/worker';

export type { BackendAttempt, BackendName, BackendChoice, FailureKind, PanelBackendName, PanelDevice };
/**
 * `auto` tries these in order: a CUDA GPU through tfjs-node-gpu, the user's GPU through the panel
 * (WebGPU, then WebGL2; hardware only), native TensorFlow on the CPU, wasm with ConvLens's kernels,
 * plain JS. A configured backend starts the list there. `webgpu-node` (Dawn for Node) is
 * experimental: tried only when configured, then the CPU backends after it.
 */
export const BACKEND_ORDER: BackendName[] = ['tfjs-node-gpu', 'webgpu', 'webgl', 'tfjs-node', 'wasm', 'cpu', 'webgpu-node'];
export const PANEL_BACKENDS: PanelBackendName[] = ['webgpu', 'webgl'];
export const isPanelBackend = (b: string): b is PanelBackendName => b === 'webgpu' || b === 'webgl';

export const PACKAGE: Record<BackendName, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  'tfjs-node': '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
  'webgpu-node': 'webgpu',
};

/** Renderer / adapter names of software rasterisers: a GPU API computing on the CPU. */
export const SOFTWARE_RENDERER = /SwiftShader|llvmpipe|softpipe|lavapipe|Software Rasterizer|Microsoft Basic Render|\bWARP\b/i;

const PANEL_LABEL: Record<PanelBackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL2' };

/**
 * Whether the panel can run `name`, from what its probe found: an attempt that is 'used' when it
 * would run there. Under `auto` a software rasteriser or a WebGL without float32 render targets is
 * passed over (wasm is faster on a CPU; float16 is too coarse for the check); configured, it runs.
 */
export function panelAttempt(name: PanelBackendName, panel: PanelDevice | undefined, configured: boolean): BackendAttempt {
  const label = PANEL_LABEL[name];
  const setting = `set convlens.training.backend to ${name} to use it anyway`;
  if (!panel) {
    return { backend: name, status: 'failed', kind: 'no-panel', reason: `${label} runs in a Web Worker of the ConvLens panel in VS Code; the command line has no panel.` };
  }
  const info = panel[name];
  const adapter = info?.adapter;
  if (!info?.available) {
    return { backend: name, status: 'failed', kind: 'no-adapter', reason: `the panel has no ${label}${info?.reason ? `: ${info.reason}` : ''}.`, ...(adapter ? { adapter } : {}) };
  }
  const software = !!info.software || SOFTWARE_RENDERER.test(adapter ?? '');
  const base = { backend: name, adapter, software };
  if (name === 'webgl' && info.float32 === false && !configured) {
    return { ...base, status: 'failed', kind: 'no-float32', reason: `${adapter} cannot render to float32 textures (WEBGL_RENDER_FLOAT32_CAPABLE is false): tfjs would train in float16, too coarse for the check.`, fix: setting };
  }
  if (software && !configured) {
    return { ...base, status: 'failed', kind: 'software-renderer', reason: `${adapter} is a software rasteriser: the GPU API would compute on the CPU, slower than wasm.`, fix: setting };
  }
  const notes = [software && 'a software rasteriser, computing on the CPU', name === 'webgl' && info.float32 === false && 'no float32 render targets: float16 precision'].filter(Boolean);
  return { ...base, status: 'used', reason: `${adapter ?? label} in the panel${notes.length ? ` (${notes.join('; ')})` : ''}` };
}

/** tfjs-node-gpu 4.x ships libtensorflow 2.9.1, built against these (tfjs issues 8269, 8362, 8505). */
export const CUDA_REQUIREMENT = 'CUDA 11.2 and cuDNN 8.1 (NVIDIA driver 450 or newer)';

const INSTALL_HINT: Partial<Record<BackendName, string>> = {
  'tfjs-node-gpu': `run \`npm install @tensorflow/tfjs-node-gpu\` in your project (needs Linux x64, an NVIDIA GPU, ${CUDA_REQUIREMENT})`,
  'tfjs-node': 'run `npm install @tensorflow/tfjs-node` in your project for native TensorFlow on the CPU (several times faster than wasm)',
  wasm: 'reinstall ConvLens (its @tensorflow/tfjs-backend-wasm dependency is missing)',
};

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? '';
}

/** Missing shared libraries named in an error or in TensorFlow's log (dso_loader / dlopen lines). */
export function missingLibraries(text: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /Could not load dynamic library '([^']+)'/g,
    /(lib[\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file/g,
    /Library not loaded: [^\n]*?(lib[\w.+-]+\.dylib)/g,
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.add(m[1]!);
  return [...found];
}

/** Advice for each missing library, naming the package that ships it. */
export function cudaFix(libs: string[]): string {
  const parts: string[] = [];
  const has = (re: RegExp) => libs.some((l) => re.test(l));
  if (has(/^libcuda\.so/)) parts.push('libcuda.so.1 comes with the NVIDIA driver: install the driver (check with `nvidia-smi`)');
  if (has(/^libcu(dart|blas|blasLt|fft|rand|solver|sparse)\b/)) {
    parts.push('install the CUDA 11.2 toolkit libraries (libcudart.so.11.0, libcublas.so.11, ...; a newer CUDA 12 does not provide the .so.11 names)');
  }
  if (has(/^libcudnn/)) parts.push('install cuDNN 8.1 for CUDA 11.x (it provides libcudnn.so.8)');
  if (has(/^libnvinfer/)) parts.push('TensorRT (libnvinfer) is optional; this one can be ignored');
  parts.push('then make the libraries findable (e.g. `export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64:$LD_LIBRARY_PATH`) and restart VS Code / the shell');
  return parts.join('; ');
}

/** A require() of a native tfjs package threw. */
export function diagnoseRequireError(backend: BackendName, error: { code?: string; message: string }): BackendAttempt {
  const pkg = PACKAGE[backend];
  const msg = error.message ?? String(error);
  const base = { backend, status: 'failed' as const, detail: firstLine(msg) };
  if (error.code === 'MODULE_NOT_FOUND' && msg.includes(`Cannot find module '${pkg}'`)) {
    return { ...base, kind: 'not-installed', reason: `${pkg} is not installed.`, fix: INSTALL_HINT[backend] };
  }
  if (/tfjs_binding\.node\) can not be found|tfjs_binding\.node/.test(msg) && /can not be found|Cannot find module|specified module could not be found/.test(msg)) {
    return {
      ...base,
      kind: 'native-addon-missing',
      reason: `${pkg} is installed but its native addon (tfjs_binding.node) is missing: the install script did not run (npm --ignore-scripts) or could not download libtensorflow.`,
      fix: `with network access, run \`npm rebuild ${pkg}\` in your project (it downloads libtensorflow from storage.googleapis.com); behind a proxy set HTTPS_PROXY first`,
    };
  }
  const libs = missingLibraries(msg);
  if (libs.length) {
    const cuda = libs.some((l) => /^lib(cuda|cudart|cublas|cudnn|cufft|curand|cusolver|cusparse|nvinfer)/.test(l));
    return {
      ...base,
      kind: cuda ? 'cuda-libraries-missing' : 'shared-library-missing',
      missingLibraries: libs,
      reason: `${pkg} could not load ${libs.join(', ')}.`,
      fix: cuda ? `${pkg} 4.x needs ${CUDA_REQUIREMENT}: ${cudaFix(libs)}` : `reinstall the package (\`npm rebuild ${pkg}\`); the library should sit in its deps/lib folder`,
    };
  }
  if (error.code === 'MODULE_NOT_FOUND') {
    return { ...base, kind: 'init-failed', reason: `${pkg} is installed but one of its own dependencies is missing: ${firstLine(msg)}`, fix: 'run `npm install` in your project again' };
  }
  return { ...base, kind: 'init-failed', reason: `${pkg} failed to load: ${firstLine(msg)}` };
}

/**
 * tfjs-node-gpu loaded (TensorFlow falls back to its CPU when it cannot use the GPU, printing
 * warnings only): tell from its log and its `isUsingGpuDevice` whether the GPU is really used.
 */
export function diagnoseGpuLog(usingGpu: boolean, log: string): BackendAttempt | undefined {
  if (usingGpu) return undefined;
  const libs = missingLibraries(log);
  const detail = firstLine(log.split('\n').find((l) => /dso_loader|cuInit|CUDA|GPU/.test(l)) ?? '');
  if (libs.length) {
    return {
      backend: 'tfjs-node-gpu',
      status: 'failed',
      kind: 'cuda-libraries-missing',
      missingLibraries: libs,
      reason: `TensorFlow could not load ${libs.join(', ')}, so it skipped the GPU and runs on the CPU.`,
      fix: `@tensorflow/tfjs-node-gpu 4.x needs ${CUDA_REQUIREMENT}: ${cudaFix(libs)}`,
      detail,
    };
  }
  const noDevice = /CUDA_ERROR_NO_DEVICE|no CUDA-capable device|cuInit|CUDA_VISIBLE_DEVICES/.test(log);
  return {
    backend: 'tfjs-node-gpu',
    status: 'failed',
    kind: 'no-gpu',
    reason: noDevice ? 'no CUDA GPU is visible to TensorFlow (cuInit found no device), so it runs on the CPU.' : 'TensorFlow found no usable GPU, so it runs on the CPU.',
    fix: 'check `nvidia-smi` lists the GPU, that CUDA_VISIBLE_DEVICES does not hide it, and (in a container) that it was started with GPU access (`--gpus all`)',
    detail,
  };
}

/** wasm's backend initialisation failed (setBackend returned false; tfjs only logs the error). */
export function diagnoseWasmInit(log: string): BackendAttempt {
  return {
    backend: 'wasm',
    status: 'failed',
    kind: 'init-failed',
    reason: `the WebAssembly backend did not initialise: ${firstLine(log) || 'no reason given'}.`,
    fix: 'check that node_modules/@tensorflow/tfjs-backend-wasm/dist/ holds the .wasm files (reinstall ConvLens)',
    detail: firstLine(log),
  };
}

/** One line per backend, for the CLI, the panel and logs. */
export function describeAttempts(attempts: BackendAttempt[]): string[] {
  return attempts.map((a) => {
    if (a.status === 'used') return `${a.backend}: used${a.reason ? ` (${a.reason})` : ''}`;
    if (a.status === 'not-tried') return `${a.backend}: not tried (${a.reason})`;
    return `${a.backend}: ${a.reason}${a.fix ? ` Fix: ${a.fix}.` : ''}`;
  });
}
