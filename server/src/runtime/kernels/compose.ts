/**
 * Builds a kernel out of other kernels of the same backend. Kernels work on TensorInfo (no Tensor
 * objects, no tape), so intermediates are released through the backend's reference counting.
 */
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';

/** What tfjs passes a registered kernel function. */
export type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

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

  /**
   * Places dy on the stride grid of the input it came from: [B, OH·sh, OW·sw, C] with zeros
   * between samples (what a strided convolution's input gradient correlates with).
   */
  spread(dy: TensorInfo, sh: number, sw: number): TensorInfo {
    if (sh === 1 && sw === 1) return dy;
    const [b, oh, ow, c] = dy.shape as [number, number, number, number];
    const six = this.reshape(dy, [b, oh, 1, ow, 1, c]);
    const padded = this.run('PadV2', { x: six }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    } as unknown as NamedAttrMap);
    return this.reshape(padded, [b, oh * sh, ow * sw, c]);
  }

  /** Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. */
  frame(x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
    let t = x;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [b, h, w, ch] = t.shape as [number, number, number, number];
      const y0 = Math.max(0, -top);
      const x0 = Math.max(0, -left);
      const hh = h - y0 - Math.max(0, -bottom);
      const ww = w - x0 - Math.max(0, -right);
      t = this.run('Slice', { x: t }, { begin: [0, y0, x0, 0], size: [b, hh, ww, ch] });
    }
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      t = this.run('PadV2', { x: t }, {
        paddings: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
        constantValue: 0,
      } as unknown as NamedAttrMap);
    }
    return t;
  }

  /**
   * The input gradient of a convolution is a correlation of the spread dy with the flipped
   * filter: output row h reads spread[h + pt − i·d], i.e. a valid correlation over spread padded
   * by (K−1)·d − pt on top, sized so that exactly H rows come out.
   */
  frameForInputGrad(spread: TensorInfo, inH: number, inW: number, kh: number, kw: number, g: { dilationH: number; dilationW: number; padTop: number; padLeft: number }): TensorInfo {
    const top = (kh - 1) * g.dilationH - g.padTop;
    const left = (kw - 1) * g.dilationW - g.padLeft;
    const bottom = inH + (kh - 1) * g.dilationH - top - spread.shape[1]!;
    const right = inW + (kw - 1) * g.dilationW - left - spread.shape[2]!;
    return this.frame(spread, top, bottom, left, right);
  }

  /** Releases every intermediate except `result`, which the caller hands to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}
