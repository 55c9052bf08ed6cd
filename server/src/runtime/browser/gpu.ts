/**
 * The panel's GPU, seen from its Web Worker: which WebGPU adapter and WebGL2 renderer the browser
 * gives, whether they are software rasterisers, whether WebGL can render to float32 textures, and
 * the tfjs backend set up on one of them (WebGPU only after a matmul self-test). No Node modules.
 */
import type { PanelApiInfo, PanelDevice } from '../../../../protocol/worker';
import { SOFTWARE_RENDERER } from '../backend_diagnosis';
import type { Tf } from '../tf_types';

interface GpuAdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<Record<string, unknown>>;
}
type NavigatorGpu = { gpu?: { requestAdapter(o?: object): Promise<GpuAdapterLike | null> } };

export async function probeWebgpu(): Promise<PanelApiInfo> {
  const gpu = (globalThis.navigator as unknown as NavigatorGpu | undefined)?.gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing (this browser has WebGPU off, or it is not exposed to workers)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { available: false, reason: `requestAdapter() threw: ${(e as Error).message}` };
  }
  if (!adapter) return { available: false, reason: 'requestAdapter() gave no adapter (no WebGPU-capable GPU, or the browser blocks it)' };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  const parts = ['vendor', 'architecture', 'device', 'description'].map((k) => String(info[k] ?? '')).filter(Boolean);
  const name = `WebGPU · ${parts.join(' ') || 'unnamed adapter'}`;
  const software = !!(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || SOFTWARE_RENDERER.test(name);
  return { available: true, adapter: name, software, float32: true };
}

/** WebGL2 on an OffscreenCanvas (what tfjs's webgl backend uses inside a worker). */
export function probeWebgl(tf?: Tf): PanelApiInfo {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, reason: 'OffscreenCanvas is missing in the worker' };
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch (e) {
    return { available: false, reason: `getContext('webgl2') threw: ${(e as Error).message}` };
  }
  if (!gl) return { available: false, reason: 'no WebGL2 context (the GPU is blocklisted or hardware acceleration is off)' };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  const name = `WebGL2 · ${renderer || 'unnamed renderer'}`;
  // tfjs's own test when it can run it; else the extension it rests on in WebGL2.
  const float32 = tf ? tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE') : !!gl.getExtension('EXT_color_buffer_float');
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, adapter: name, software: SOFTWARE_RENDERER.test(renderer), float32 };
}

export async function probeDevice(): Promise<PanelDevice> {
  return { webgpu: await probeWebgpu(), webgl: probeWebgl(), userAgent: globalThis.navigator?.userAgent };
}

/**
 * A small matmul on the backend against the same product in plain JS: an adapter that computes
 * wrong (a broken driver) must not run the check. Relative 1e-4: float32 sums of 64 terms.
 */
export async function selfTest(tf: Tf): Promise<string | undefined> {
  const n = 64;
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 97) / 97 - 0.5);
  const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 89) / 89 - 0.5);
  const got = await tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n]))).data();
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      worst = Math.max(worst, Math.abs(got[i * n + j]! - s) / Math.max(1, Math.abs(s)));
    }
  }
  return worst <= 1e-4 ? undefined : `a 64×64 matmul on it is off by ${worst.toExponential(1)} (relative)`;
}
