/**
 * Picks the tfjs backend the runtime trains on: tfjs-node-gpu, the panel's GPU (webgpu, webgl),
 * tfjs-node, wasm, cpu, in that order (or from the configured one down), and says why each other
 * one was not used. A panel backend is not loaded here: the worker hands the check to the panel.
 * Native packages are looked up in the user's project first (that is how a user turns the GPU on:
 * `npm install @tensorflow/tfjs-node-gpu` there), then in ConvLens's own install. A native package
 * is first loaded in a throwaway child process: TensorFlow reports missing CUDA libraries only on
 * stderr (as warnings, then silently runs on the CPU), and a broken addon can crash the process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BACKEND_ORDER,
  CUDA_REQUIREMENT,
  PACKAGE,
  SOFTWARE_RENDERER,
  describeAttempts,
  diagnoseGpuLog,
  diagnoseRequireError,
  diagnoseWasmInit,
  isPanelBackend,
  panelAttempt,
  PANEL_BACKENDS,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type PanelBackendName,
  type PanelDevice,
} from './backend_diagnosis';
import { registerTrainingKernels } from './kernels';
import type { Tf } from './tf_types';

export * from './backend_diagnosis';

export interface BackendOptions {
  choice?: BackendChoice;
  /** Folder of the analysed file; native packages are resolved from here first (walking up). */
  projectDir?: string;
  /** Skip ConvLens's own install when resolving native packages (tests). */
  projectOnly?: boolean;
  /** Limit for the child process that tries a native package (libtensorflow loads in ~1-3 s). */
  probeTimeoutMs?: number;
  /** Register ConvLens's training kernels on wasm / cpu (default true; the bench turns it off). */
  kernels?: boolean;
  /** The panel's GPU as its probe found it (VS Code); absent on the command line. */
  panel?: PanelDevice;
  /**
   * Prepares the user's file for the panel (panel_bundle.ts); called once, only when a panel
   * backend is about to be chosen. A refusal (Node imports) sends the check down the list.
   */
  panelBundle?: () => { ok: true } | { ok: false; reason: string };
}

/** The check goes to the panel: which API, and the attempts so far (the chosen one 'used'). */
export interface PanelChoice {
  panel: PanelBackendName;
  attempts: BackendAttempt[];
}

export interface LoadedBackend {
  name: BackendName;
  tf: Tf;
  /** Where the math runs. tfjs-node-gpu without a usable GPU runs on the CPU. */
  device: 'gpu' | 'cpu';
  /** One per backend in order, the used one included. */
  attempts: BackendAttempt[];
  /** Kernels ConvLens registered for this backend. */
  kernels: string[];
  packagePath?: string;
  tfjsVersion: string;
  /** The tfjs module every '@tensorflow/tfjs*' import of the user's code must receive. */
  module: Record<string, unknown>;
  /** webgpu-node: the adapter Dawn found, and whether it is a software one. */
  adapter?: string;
  software?: boolean;
}

const own = createRequire(__filename);

/**
 * ConvLens's own tfjs. Static requires, so that the .vsix build bundles tfjs and the wasm backend
 * into dist/worker.js (the extension ships no node_modules); the development build resolves them
 * from node_modules.
 */
function bundledTfjs(): Tf {
  return require('@tensorflow/tfjs') as Tf;
}

/** The .wasm binaries: next to the worker in the .vsix, in the package folder otherwise. */
function wasmBinariesDir(): string {
  if (existsSync(join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  return dirname(own.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** Loads a Node backend (the CLI, tests, benches: no panel). */
export async function loadBackend(options: BackendOptions = {}): Promise<LoadedBackend> {
  const r = await selectBackend({ ...options, panel: undefined });
  if ('panel' in r) throw new Error('a panel backend was chosen without a panel');
  return r;
}

/** The configured order: from the chosen backend down (webgpu-node: then the CPU backends). */
function order(choice: BackendChoice): { tried: BackendName[]; skipped: BackendName[] } {
  if (choice === 'auto') return { tried: BACKEND_ORDER.filter((b) => b !== 'webgpu-node'), skipped: [] };
  if (choice === 'webgpu-node') return { tried: ['webgpu-node', 'tfjs-node', 'wasm', 'cpu'], skipped: ['tfjs-node-gpu', 'webgpu', 'webgl'] };
  const start = BACKEND_ORDER.indexOf(choice);
  if (start < 0) throw new Error(`unknown backend '${choice}' (use auto, ${BACKEND_ORDER.join(', ')})`);
  return { tried: BACKEND_ORDER.slice(start).filter((b) => b !== 'webgpu-node'), skipped: BACKEND_ORDER.slice(0, start) };
}

/** Picks the backend: a loaded Node backend, or the panel API the check is handed to. */
export async function selectBackend(options: BackendOptions = {}): Promise<LoadedBackend | PanelChoice> {
  const choice = options.choice ?? 'auto';
  if (isPanelBackend(choice) && !options.panel) {
    throw new Error(`the ${choice} backend runs in a Web Worker of the ConvLens panel in VS Code; the command line has no panel (use auto, wasm, tfjs-node or tfjs-node-gpu)`);
  }
  const { tried, skipped } = order(choice);
  const attempts: BackendAttempt[] = skipped.map((b) => ({ backend: b, status: 'not-tried', kind: 'not-tried', reason: `--backend ${choice} was asked for` }));
  const notTriedAfter = (name: BackendName) => {
    const rest = [...tried.slice(tried.indexOf(name) + 1), ...(choice !== 'webgpu-node' ? (['webgpu-node'] as BackendName[]) : [])];
    for (const b of rest) {
      const reason = b === 'webgpu-node' ? 'experimental: tried only when convlens.training.backend (--backend) is webgpu-node' : `${name} was available first`;
      attempts.push({ backend: b, status: 'not-tried', kind: 'not-tried', reason });
    }
  };
  let bundle: { ok: true } | { ok: false; reason: string } | undefined;
  const panelReady = (name: PanelBackendName): BackendAttempt => {
    const a = panelAttempt(name, options.panel, choice === name);
    if (a.status !== 'used') return a;
    bundle ??= options.panelBundle?.() ?? { ok: false, reason: 'the model file could not be prepared for the panel' };
    return bundle.ok ? a : { ...a, status: 'failed', kind: 'node-imports', reason: `${bundle.reason}.` };
  };
  for (const name of tried) {
    if (isPanelBackend(name)) {
      const a = panelReady(name);
      attempts.push(a);
      if (a.status === 'used') {
        notTriedAfter(name);
        return { panel: name, attempts };
      }
      continue;
    }
    const r = name === 'wasm' ? await tryWasm(options) : name === 'cpu' ? await tryCpu(options) : name === 'webgpu-node' ? await tryWebgpuNode(options) : await tryNative(name, options);
    if ('loaded' in r) {
      // tfjs-node-gpu on the CPU (no usable CUDA) loses to a hardware GPU in the panel.
      if (name === 'tfjs-node-gpu' && r.loaded.device === 'cpu' && choice === 'auto' && PANEL_BACKENDS.some((p) => panelAttempt(p, options.panel, false).status === 'used')) {
        const first = PANEL_BACKENDS.find((p) => panelReady(p).status === 'used');
        if (first) {
          attempts.push({ ...r.attempt, status: 'failed', reason: `${r.attempt.reason} The panel's GPU is used instead.` });
          continue;
        }
      }
      attempts.push(r.attempt);
      notTriedAfter(name);
      return { ...r.loaded, attempts };
    }
    attempts.push(r.attempt);
  }
  throw new Error(`no tfjs backend could be loaded:\n${describeAttempts(attempts).join('\n')}`);
}

type Outcome = { loaded: Omit<LoadedBackend, 'attempts'>; attempt: BackendAttempt } | { attempt: BackendAttempt };

/** Resolve a package from the project (walking up to node_modules), then from ConvLens. */
export function resolvePackage(pkg: string, projectDir: string | undefined, projectOnly = false): { path: string; from: 'project' | 'convlens' } | { error: NodeJS.ErrnoException } {
  let error: NodeJS.ErrnoException | undefined;
  if (projectDir) {
    try {
      return { path: createRequire(join(projectDir, '__convlens__.js')).resolve(pkg), from: 'project' };
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    }
  }
  if (!projectOnly) {
    try {
      return { path: own.resolve(pkg), from: 'convlens' };
    } catch (e) {
      error ??= e as NodeJS.ErrnoException;
    }
  }
  return { error: error ?? Object.assign(new Error(`Cannot find module '${pkg}'`), { code: 'MODULE_NOT_FOUND' }) };
}

const PROBE = `
const path = process.argv[1];
try {
  const tf = require(path);
  const b = tf.backend();
  process.stdout.write('\\n' + JSON.stringify({ ok: true, usingGpu: !!(b && b.isUsingGpuDevice), version: tf.version && tf.version['tfjs-core'] }) + '\\n');
} catch (e) {
  process.stdout.write('\\n' + JSON.stringify({ ok: false, code: e && e.code, message: String(e && e.message || e) }) + '\\n');
  process.exitCode = 1;
}`;

interface ProbeResult {
  ok: boolean;
  usingGpu?: boolean;
  code?: string;
  message?: string;
  stderr: string;
}

/** Load a native package in a child process and report what happened (never crashes this one). */
export function probeNative(path: string, timeoutMs = 60_000): ProbeResult {
  const r = spawnSync(process.execPath, ['-e', PROBE, path], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '0' } });
  const stderr = r.stderr ?? '';
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return { ...(JSON.parse(last) as Omit<ProbeResult, 'stderr'>), stderr };
  } catch {
    const why = r.error ? `${r.error.message}` : r.signal ? `the process was killed by ${r.signal}` : `it exited with code ${r.status}`;
    return { ok: false, message: `loading the package crashed: ${why}\n${stderr.slice(-2000)}`, stderr };
  }
}

async function tryNative(name: 'tfjs-node-gpu' | 'tfjs-node', options: BackendOptions): Promise<Outcome> {
  const pkg = PACKAGE[name];
  const found = resolvePackage(pkg, options.projectDir, options.projectOnly);
  if ('error' in found) {
    const a = diagnoseRequireError(name, found.error);
    if (a.kind === 'not-installed') {
      a.reason = `${pkg} is not installed${options.projectDir ? ` (looked from ${options.projectDir} up, and in ConvLens's own install)` : ''}.`;
      const gpu = name === 'tfjs-node-gpu' ? nvidiaGpu() : undefined;
      if (gpu) {
        a.reason += ` This machine has an NVIDIA GPU (${gpu}) it could train on.`;
        const cuda = cudaLibraryGap(ldconfigList());
        if (cuda) a.fix = `${a.fix}; ${cuda}`;
      }
    }
    return { attempt: a };
  }
  const probe = probeNative(found.path, options.probeTimeoutMs);
  if (!probe.ok) return { attempt: { ...diagnoseRequireError(name, { code: probe.code, message: `${probe.message ?? ''}\n${probe.stderr}` }), packagePath: found.path } };
  let mod: Record<string, unknown>;
  try {
    mod = own(found.path) as Record<string, unknown>;
  } catch (e) {
    return { attempt: { ...diagnoseRequireError(name, e as Error), packagePath: found.path } };
  }
  const tf = mod as unknown as Tf;
  let ok = false;
  let why = '';
  try {
    quiet(tf);
    ok = await tf.setBackend('tensorflow');
  } catch (e) {
    why = `: ${(e as Error).message}`;
  }
  if (!ok) {
    return { attempt: { backend: name, status: 'failed', kind: 'init-failed', reason: `${pkg} loaded but its 'tensorflow' backend did not initialise${why}.`, packagePath: found.path } };
  }
  const usingGpu = name === 'tfjs-node-gpu' && !!(tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
  const gpuProblem = name === 'tfjs-node-gpu' ? diagnoseGpuLog(usingGpu, probe.stderr) : undefined;
  const where = found.from === 'project' ? `from ${dirname(found.path)}` : 'from ConvLens';
  const attempt: BackendAttempt = gpuProblem
    ? { ...gpuProblem, status: 'used', packagePath: found.path }
    : { backend: name, status: 'used', reason: `${pkg} ${where}${usingGpu ? ', on the GPU' : ''}`, packagePath: found.path };
  return {
    attempt,
    loaded: { name, tf, device: usingGpu ? 'gpu' : 'cpu', kernels: [], packagePath: found.path, tfjsVersion: tf.version_core, module: mod },
  };
}

async function tryWasm(options: BackendOptions): Promise<Outcome> {
  let tf: Tf;
  let wasm: { setWasmPaths(prefix: string): void };
  let wasmDir: string;
  try {
    tf = bundledTfjs();
    wasm = require('@tensorflow/tfjs-backend-wasm') as typeof wasm;
    wasmDir = wasmBinariesDir();
  } catch (e) {
    return { attempt: diagnoseRequireError('wasm', e as Error) };
  }
  quiet(tf);
  // Node has no fetch of file URLs for the .wasm; point tfjs at the files. One thread: the
  // threaded build needs cross-origin isolation in browsers and gains little on 2 cores here.
  wasm.setWasmPaths(`${wasmDir}/`);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void warnings.push(a.map(String).join(' '));
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    warnings.push((e as Error).message);
  } finally {
    console.warn = warn;
  }
  if (!ok) return { attempt: diagnoseWasmInit(warnings.join('\n')) };
  const kernels = options.kernels === false ? [] : registerTrainingKernels(tf, 'wasm');
  return {
    attempt: { backend: 'wasm', status: 'used', reason: `WebAssembly with SIMD, 1 thread${kernels.length ? `; ConvLens training kernels: ${kernels.join(', ')}` : ''}` },
    loaded: { name: 'wasm', tf, device: 'cpu', kernels, tfjsVersion: tf.version_core, module: tf as unknown as Record<string, unknown> },
  };
}

async function tryCpu(options: BackendOptions): Promise<Outcome> {
  const tf = bundledTfjs();
  quiet(tf);
  await tf.setBackend('cpu');
  const kernels = options.kernels === false ? [] : registerTrainingKernels(tf, 'cpu');
  return {
    attempt: { backend: 'cpu', status: 'used', reason: `plain JavaScript${kernels.length ? `; ConvLens training kernels: ${kernels.join(', ')}` : ''}` },
    loaded: { name: 'cpu', tf, device: 'cpu', kernels, tfjsVersion: tf.version_core, module: tf as unknown as Record<string, unknown> },
  };
}

/**
 * Experimental: WebGPU in Node through Dawn (the npm package `webgpu`, resolved like tfjs-node:
 * from the project, then ConvLens's install; not a dependency, 130 MB of prebuilt binaries) and
 * @tensorflow/tfjs-backend-webgpu. On Linux Dawn needs libvulkan.so.1 and a Vulkan driver.
 */
async function tryWebgpuNode(options: BackendOptions): Promise<Outcome> {
  const base = { backend: 'webgpu-node' as const, status: 'failed' as const };
  const found = resolvePackage('webgpu', options.projectDir, options.projectOnly);
  if ('error' in found) {
    return { attempt: { ...base, kind: 'not-installed', reason: 'the npm package webgpu (Dawn for Node) is not installed.', fix: 'run `npm install webgpu` in your project (experimental; it needs a Vulkan, Metal or Direct3D 12 driver)' } };
  }
  let gpu: { requestAdapter(): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean } | null> };
  try {
    // An ES module: import() it (a CommonJS require of ESM is not in every Node / Electron).
    const dawn = (await import(pathToFileURL(found.path).href)) as { create(flags: string[]): typeof gpu; globals: Record<string, unknown> };
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]);
  } catch (e) {
    return { attempt: { ...diagnoseRequireError('webgpu-node', e as Error), packagePath: found.path } };
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    const vulkan = process.platform !== 'linux' || /libvulkan\.so\.1\b/.test(ldconfigList());
    return {
      attempt: {
        ...base,
        kind: 'no-adapter',
        reason: `Dawn found no GPU adapter${vulkan ? '' : ': libvulkan.so.1 is not installed'}.`,
        fix: vulkan ? 'check that the GPU has a Vulkan driver (`vulkaninfo --summary`); Dawn refuses software Vulkan (lavapipe)' : 'install the Vulkan loader (Debian/Ubuntu: `apt install libvulkan1`) and the GPU vendor\'s Vulkan driver',
        packagePath: found.path,
      },
    };
  }
  const info = adapter.info ?? {};
  const name = ['vendor', 'architecture', 'device', 'description'].map((k) => String(info[k] ?? '')).filter(Boolean).join(' ');
  const software = !!(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || SOFTWARE_RENDERER.test(name);
  const tf = bundledTfjs();
  quiet(tf);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu }), configurable: true, writable: true });
  let ok = false;
  let why = '';
  try {
    require('@tensorflow/tfjs-backend-webgpu');
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    why = `: ${(e as Error).message}`;
  }
  const adapterLine = `WebGPU (Dawn) · ${name || 'unnamed adapter'}`;
  if (!ok) return { attempt: { ...base, kind: 'init-failed', reason: `tfjs's webgpu backend did not initialise on ${adapterLine}${why}.`, adapter: adapterLine, software, packagePath: found.path } };
  return {
    attempt: { backend: 'webgpu-node', status: 'used', reason: `experimental: ${adapterLine}${software ? ' (a software adapter)' : ''}`, adapter: adapterLine, software, packagePath: found.path },
    loaded: { name: 'webgpu-node', tf, device: software ? 'cpu' : 'gpu', kernels: [], packagePath: found.path, tfjsVersion: tf.version_core, module: tf as unknown as Record<string, unknown>, adapter: adapterLine, software },
  };
}

/**
 * An NVIDIA GPU this process could use, from the kernel driver's files (Linux): no CUDA and no
 * tfjs package needed to tell. Undefined when there is none or the platform does not say.
 */
export function nvidiaGpu(root = '/'): string | undefined {
  try {
    const devices = readdirSync(join(root, 'dev')).filter((d) => /^nvidia\d+$/.test(d));
    if (!devices.length) return undefined;
    const versionFile = join(root, 'proc/driver/nvidia/version');
    const driver = existsSync(versionFile) ? /Kernel Module(?: for \S+)?\s+([\d.]+)/.exec(readFileSync(versionFile, 'utf8'))?.[1] : undefined;
    return `${devices.length} device${devices.length > 1 ? 's' : ''}${driver ? `, driver ${driver}` : ''}`;
  } catch {
    return undefined;
  }
}

/** The shared-library cache (`ldconfig -p`), where CUDA installs register; '' when unavailable. */
function ldconfigList(): string {
  if (process.platform !== 'linux') return '';
  for (const bin of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const r = spawnSync(bin, ['-p'], { encoding: 'utf8', timeout: 5000 });
    if (r.status === 0 && r.stdout) return r.stdout;
  }
  return '';
}

/**
 * When the CUDA/cuDNN the system has are not the ones tfjs-node-gpu 4.x loads (libcudart.so.11.0,
 * libcudnn.so.8), say so before the user installs it: a CUDA 12/13 or cuDNN 9 machine otherwise
 * ends up on the CPU with only a warning in TensorFlow's log.
 */
export function cudaLibraryGap(ldconfig: string): string | undefined {
  const found = (re: RegExp) => [...new Set([...ldconfig.matchAll(re)].map((m) => m[1]!))].sort();
  const cudart = found(/\b(libcudart\.so\.[\d.]+)/g);
  const cudnn = found(/\b(libcudnn\.so\.[\d.]+)/g);
  if (!cudart.length && !cudnn.length) return undefined;
  const missing = [!cudart.includes('libcudart.so.11.0') && 'libcudart.so.11.0', !cudnn.includes('libcudnn.so.8') && 'libcudnn.so.8'].filter(Boolean);
  if (!missing.length) return undefined;
  const has = [...cudart, ...cudnn].join(', ') || 'none of them';
  return `note that this machine has ${has} but not ${missing.join(' or ')}, which tfjs-node-gpu 4.x loads: install ${CUDA_REQUIREMENT} alongside`;
}

/** tfjs prints a "you are running in Node.js" banner and similar warnings unless PROD is set. */
function quiet(tf: Tf): void {
  tf.env().set('PROD', true);
}
