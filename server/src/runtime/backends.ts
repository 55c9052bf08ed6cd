/**
 * Picks the tfjs backend the runtime trains on: tfjs-node-gpu, tfjs-node, wasm, cpu, in that order
 * (or from the configured one down), and says why each other one was not used.
 * Native packages are looked up in the user's project first (that is how a user turns the GPU on:
 * `npm install @tensorflow/tfjs-node-gpu` there), then in ConvLens's own install. A native package
 * is first loaded in a throwaway child process: TensorFlow reports missing CUDA libraries only on
 * stderr (as warnings, then silently runs on the CPU), and a broken addon can crash the process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  BACKEND_ORDER,
  CUDA_REQUIREMENT,
  PACKAGE,
  describeAttempts,
  diagnoseGpuLog,
  diagnoseRequireError,
  diagnoseWasmInit,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
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

export async function loadBackend(options: BackendOptions = {}): Promise<LoadedBackend> {
  const choice = options.choice ?? 'auto';
  const start = choice === 'auto' ? 0 : BACKEND_ORDER.indexOf(choice);
  if (start < 0) throw new Error(`unknown backend '${choice}' (use auto, ${BACKEND_ORDER.join(', ')})`);
  const attempts: BackendAttempt[] = BACKEND_ORDER.slice(0, start).map((b) => ({
    backend: b,
    status: 'not-tried',
    kind: 'not-tried',
    reason: `--backend ${choice} was asked for`,
  }));
  for (const name of BACKEND_ORDER.slice(start)) {
    const r = name === 'wasm' ? await tryWasm(options) : name === 'cpu' ? await tryCpu(options) : await tryNative(name, options);
    if ('loaded' in r) {
      const loaded = r.loaded;
      attempts.push(r.attempt);
      for (const rest of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(name) + 1)) {
        attempts.push({ backend: rest, status: 'not-tried', kind: 'not-tried', reason: `${name} was available first` });
      }
      return { ...loaded, attempts };
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
