/**
 * The backend loader and its diagnosis, on the error texts the packages really produce: a live
 * MODULE_NOT_FOUND, the native-addon message recorded from tfjs-node installed with
 * --ignore-scripts, and TensorFlow's CUDA log lines from tfjs issues 8269/8362
 * (test/fixtures/runtime/errors/README.md). Stub packages in a temporary project check that native
 * packages are looked up in the user's project first and probed in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  describeAttempts,
  diagnoseGpuLog,
  diagnoseRequireError,
  loadBackend,
  cudaLibraryGap,
  missingLibraries,
  nvidiaGpu,
  probeNative,
  resolvePackage,
} from '../../server/src/runtime/backends';
import { repoRoot } from './worker_bundle';

const errors = (f: string) => readFileSync(join(repoRoot, 'test/fixtures/runtime/errors', f), 'utf8');

/** A real MODULE_NOT_FOUND for `pkg`, resolved from an empty folder (ConvLens may have it installed). */
function liveModuleNotFound(pkg: string): NodeJS.ErrnoException {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-empty-'));
  try {
    createRequire(join(dir, 'x.js'))(pkg);
  } catch (e) {
    return e as NodeJS.ErrnoException;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`${pkg} resolves from an empty folder; the test expects it not to`);
}

test('MODULE_NOT_FOUND: not installed, with the install command', () => {
  const a = diagnoseRequireError('tfjs-node-gpu', liveModuleNotFound('@tensorflow/tfjs-node-gpu'));
  assert.equal(a.kind, 'not-installed');
  assert.match(a.fix!, /npm install @tensorflow\/tfjs-node-gpu/);
  assert.match(a.fix!, /CUDA 11\.2 and cuDNN 8\.1/);
});

test('the native addon message (installed with --ignore-scripts)', () => {
  for (const [backend, file] of [['tfjs-node', 'tfjs-node_binding_missing.txt'], ['tfjs-node-gpu', 'tfjs-node-gpu_binding_missing.txt']] as const) {
    const a = diagnoseRequireError(backend, new Error(errors(file)));
    assert.equal(a.kind, 'native-addon-missing', file);
    assert.match(a.reason, /native addon \(tfjs_binding\.node\) is missing/);
    assert.match(a.fix!, new RegExp(`npm rebuild @tensorflow/${backend}\``));
    assert.match(a.detail!, /tfjs_binding\.node\) can not be found at path/);
  }
});

test('CUDA and cuDNN libraries TensorFlow could not load are named, with the fix', () => {
  const cudnn = diagnoseGpuLog(false, errors('tfjs-node-gpu_libcudnn_missing.log'))!;
  assert.equal(cudnn.kind, 'cuda-libraries-missing');
  assert.deepEqual(cudnn.missingLibraries, ['libcudnn.so.8']);
  assert.match(cudnn.fix!, /cuDNN 8\.1/);
  const cudart = diagnoseGpuLog(false, errors('tfjs-node-gpu_libcudart_missing.log'))!;
  assert.deepEqual(cudart.missingLibraries, ['libcudart.so.11.0']);
  assert.match(cudart.fix!, /CUDA 11\.2/);
  assert.match(cudart.fix!, /CUDA 12 does not provide the \.so\.11 names/);
  assert.match(cudart.fix!, /LD_LIBRARY_PATH/);
  // A hard load failure names the library too (tfjs issue 708's form).
  const hard = diagnoseRequireError('tfjs-node-gpu', new Error('libcublas.so.11: cannot open shared object file: No such file or directory'));
  assert.equal(hard.kind, 'cuda-libraries-missing');
  assert.deepEqual(hard.missingLibraries, ['libcublas.so.11']);
});

test('no GPU visible, and a GPU in use', () => {
  const a = diagnoseGpuLog(false, errors('tfjs-node-gpu_no_device.log'))!;
  assert.equal(a.kind, 'no-gpu');
  assert.match(a.reason, /no CUDA GPU is visible/);
  assert.match(a.fix!, /nvidia-smi/);
  assert.equal(diagnoseGpuLog(true, errors('tfjs-node-gpu_libcudnn_missing.log')), undefined);
  assert.deepEqual(missingLibraries("Could not load dynamic library 'libcublasLt.so.11'; dlerror: libcublasLt.so.11: cannot open shared object file"), ['libcublasLt.so.11']);
});

/** A project folder with stub tfjs-node packages. */
function stubProject(stubs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-project-'));
  for (const [pkg, body] of Object.entries(stubs)) {
    const p = join(dir, 'node_modules', pkg);
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js' }));
    writeFileSync(join(p, 'index.js'), body);
  }
  mkdirSync(join(dir, 'src'));
  return dir;
}

test("native packages are found in the user's project first and probed in a child process", async () => {
  const binding = errors('tfjs-node_binding_missing.txt');
  const dir = stubProject({ '@tensorflow/tfjs-node': `throw new Error(${JSON.stringify(binding)});` });
  try {
    const found = resolvePackage('@tensorflow/tfjs-node', join(dir, 'src'));
    assert.ok('path' in found && found.from === 'project' && found.path.startsWith(dir));
    // projectOnly: on machines where ConvLens's own optional tfjs-node installed, it must not interfere.
    const be = await loadBackend({ projectDir: join(dir, 'src'), projectOnly: true });
    assert.equal(be.name, 'wasm');
    // The panel's WebGPU / WebGL sit between the CUDA GPU and the CPU backends; no panel here.
    const [gpu, webgpu, webgl, node, wasm, cpu, dawn] = be.attempts;
    assert.equal(gpu!.kind, 'not-installed');
    assert.deepEqual([webgpu!.kind, webgl!.kind], ['no-panel', 'no-panel']);
    assert.equal(dawn!.status, 'not-tried');
    assert.equal(node!.kind, 'native-addon-missing');
    assert.ok(node!.packagePath!.startsWith(dir));
    assert.equal(wasm!.status, 'used');
    assert.equal(cpu!.status, 'not-tried');
    const lines = describeAttempts(be.attempts);
    assert.match(lines[0]!, /^tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed .* Fix: run `npm install @tensorflow\/tfjs-node-gpu` in your project/);
    assert.match(lines[3]!, /^tfjs-node: .*native addon .* Fix: with network access, run `npm rebuild @tensorflow\/tfjs-node`/);
    assert.match(lines[4]!, /^wasm: used \(WebAssembly with SIMD, 1 thread; ConvLens training kernels: Conv2DBackpropFilter/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the probe reads the GPU warnings from the child and survives a crashing addon', () => {
  const log = errors('tfjs-node-gpu_libcudnn_missing.log');
  const dir = stubProject({
    '@tensorflow/tfjs-node-gpu': `process.stderr.write(${JSON.stringify(log)});\nexports.backend = () => ({ isUsingGpuDevice: false });\nexports.version = { 'tfjs-core': '4.22.0' };`,
    '@tensorflow/tfjs-node': 'process.abort();',
  });
  try {
    const gpu = probeNative(join(dir, 'node_modules/@tensorflow/tfjs-node-gpu/index.js'));
    assert.equal(gpu.ok, true);
    assert.equal(gpu.usingGpu, false);
    assert.deepEqual(diagnoseGpuLog(false, gpu.stderr)!.missingLibraries, ['libcudnn.so.8']);
    const crash = probeNative(join(dir, 'node_modules/@tensorflow/tfjs-node/index.js'));
    assert.equal(crash.ok, false);
    assert.match(crash.message!, /loading the package crashed: the process was killed by SIGABRT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a configured backend skips the ones before it', async () => {
  const be = await loadBackend({ choice: 'cpu' });
  assert.equal(be.name, 'cpu');
  assert.deepEqual(be.attempts.map((a) => [a.backend, a.status]), [
    ['tfjs-node-gpu', 'not-tried'],
    ['webgpu', 'not-tried'],
    ['webgl', 'not-tried'],
    ['tfjs-node', 'not-tried'],
    ['wasm', 'not-tried'],
    ['cpu', 'used'],
    ['webgpu-node', 'not-tried'],
  ]);
  assert.match(describeAttempts(be.attempts)[0]!, /not tried \(--backend cpu was asked for\)/);
  await assert.rejects(loadBackend({ choice: 'gpu' as never }), /unknown backend 'gpu'/);
});

test('an NVIDIA GPU is recognised from the driver files, without CUDA or tfjs', () => {
  const root = mkdtempSync(join(tmpdir(), 'convlens-root-'));
  try {
    mkdirSync(join(root, 'dev'));
    assert.equal(nvidiaGpu(root), undefined);
    for (const d of ['nvidia0', 'nvidia1', 'nvidiactl', 'nvidia-uvm']) writeFileSync(join(root, 'dev', d), '');
    assert.equal(nvidiaGpu(root), '2 devices');
    mkdirSync(join(root, 'proc/driver/nvidia'), { recursive: true });
    writeFileSync(join(root, 'proc/driver/nvidia/version'), 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\nGCC version:  gcc version 12.3.0\n');
    assert.equal(nvidiaGpu(root), '2 devices, driver 550.54.15');
    // The open kernel module's wording (seen on an H200 machine).
    writeFileSync(join(root, 'proc/driver/nvidia/version'), 'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build  (nixbld@)\n');
    assert.equal(nvidiaGpu(root), '2 devices, driver 580.159.04');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a CUDA 13 / cuDNN 9 machine is told tfjs-node-gpu 4.x needs the .so.11.0 / .so.8 libraries', () => {
  // `ldconfig -p` lines as on the H200 device machine (CUDA 13, cuDNN 9).
  const ld = [
    '\tlibcudnn.so.9 (libc6,x86-64) => /lib/x86_64-linux-gnu/libcudnn.so.9',
    '\tlibcudnn_ops.so.9 (libc6,x86-64) => /lib/x86_64-linux-gnu/libcudnn_ops.so.9',
    '\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13',
  ].join('\n');
  const gap = cudaLibraryGap(ld)!;
  assert.match(gap, /has libcudart\.so\.13, libcudnn\.so\.9 but not libcudart\.so\.11\.0 or libcudnn\.so\.8/);
  assert.match(gap, /CUDA 11\.2 and cuDNN 8\.1/);
  assert.equal(cudaLibraryGap(`${ld}\n\tlibcudart.so.11.0 (libc6) => /x\n\tlibcudnn.so.8 (libc6) => /y`), undefined);
  assert.equal(cudaLibraryGap(''), undefined);
});
