/**
 * Builds a kernel out of other kernels of the same backend. Kernels work on TensorInfo (no Tensor
 * objects, no tape), so intermediates are released through the backend's reference counting.
 */
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';

export class KernelScope {
  private readonly made: TensorInfo[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = this.tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo | TensorInfo[];
    const info = Array.isArray(out) ? out[0]! : out;
    this.made.push(info);
    return info;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Crop to `size` from the origin when the tensor is larger; otherwise return it as is. */
  cropTo(x: TensorInfo, size: number[]): TensorInfo {
    if (x.shape.every((d, i) => d === size[i])) return x;
    return this.run('Slice', { x }, { begin: size.map(() => 0), size });
  }

  /** Releases every intermediate except `result`, which the caller hands to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}
