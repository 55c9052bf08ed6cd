/**
 * Training kernels ConvLens registers (public `tf.registerKernel`) so the pure-JS backends can
 * train: wasm has no Conv2DBackpropFilter and no depthwise gradients, and its Conv2DBackpropInput
 * is a plain loop; the cpu backend's Conv2DBackpropFilter is a JS loop, seconds per call. Native backends (tfjs-node) need none.
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';
import { batchNormGradConfig } from './batch_norm_grad';
import { conv2dBackpropFilter } from './conv2d_backprop_filter';
import { conv2dBackpropInput } from './conv2d_backprop_input';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise_backprop';

type Impl = (tf: Tf, backendName: string, args: Parameters<KernelFunc>[0]) => ReturnType<KernelFunc>;

/** Which kernels each backend gets: missing ones, and slow stock ones worth replacing. */
const PLAN: Record<string, Record<string, Impl>> = {
  wasm: {
    Conv2DBackpropFilter: conv2dBackpropFilter,
    Conv2DBackpropInput: conv2dBackpropInput,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  },
  cpu: {
    Conv2DBackpropFilter: conv2dBackpropFilter,
  },
};

const stock = new Map<string, KernelConfig>();
const gradientReplaced = new WeakSet<object>();

/** Registers ConvLens's kernels for `backendName`; returns their names. Idempotent. */
export function registerTrainingKernels(tf: Tf, backendName: string): string[] {
  const plan = PLAN[backendName];
  if (!plan) return [];
  const names: string[] = [];
  for (const [kernelName, impl] of Object.entries(plan)) {
    const key = `${backendName}/${kernelName}`;
    const existing = tf.getKernel(kernelName, backendName);
    if (existing && (existing as { convlens?: boolean }).convlens) {
      names.push(kernelName);
      continue;
    }
    if (existing) {
      stock.set(key, existing);
      tf.unregisterKernel(kernelName, backendName);
    }
    const config = {
      kernelName,
      backendName,
      kernelFunc: ((args) => impl(tf, backendName, args)) as KernelFunc,
      convlens: true,
    };
    tf.registerKernel(config);
    names.push(kernelName);
  }
  // Gradients are registered per tfjs instance, not per backend: the pure-JS backends share one.
  if (!gradientReplaced.has(tf)) {
    gradientReplaced.add(tf);
    tf.registerGradient(batchNormGradConfig(tf) as unknown as Parameters<Tf['registerGradient']>[0]);
  }
  names.push('FusedBatchNorm gradient (broadcast instead of Tile)');
  return names;
}

/** Puts the stock kernels back (the benchmark measures stock tfjs against ours). */
export function unregisterTrainingKernels(tf: Tf, backendName: string): void {
  for (const kernelName of Object.keys(PLAN[backendName] ?? {})) {
    const existing = tf.getKernel(kernelName, backendName);
    if (!existing || !(existing as { convlens?: boolean }).convlens) continue;
    tf.unregisterKernel(kernelName, backendName);
    const original = stock.get(`${backendName}/${kernelName}`);
    if (original) tf.registerKernel(original);
  }
}

/** Kernel names ConvLens provides for a backend (for the backend report). */
export function plannedKernels(backendName: string): string[] {
  return Object.keys(PLAN[backendName] ?? {});
}
