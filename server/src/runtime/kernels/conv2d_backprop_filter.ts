/**
 * Conv2DBackpropFilter as one forward convolution. The stock cpu kernel loops in JS (seconds per
 * call on a small CNN) and wasm has none, so training stops there. The filter gradient
 *   dW[i,j,c,o] = Σ_b,y,x  x[b, y·s + i·d − pt, x·s + j·d − pl, c] · dy[b, y, x, o]
 * is a convolution whose batch is c, whose channels are b and whose filter is dy: so
 *   dW = transpose( conv2d(transpose(x → [C,H,W,B]), transpose(dy → [OH,OW,B,O]),
 *                          strides = d, dilations = s), → [KH,KW,C,O])
 * which runs on XNNPACK (wasm) or the backend's own conv. 1×1 unpadded filters are a plain matmul Xᵀ·dY.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';
import { KernelScope, type KernelArgs } from './compose';
import { convGeometry } from './geometry';

export function conv2dBackpropFilter(
  tf: Tf,
  backendName: string,
  args: KernelArgs,
): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = convGeometry(tf, x.shape, filterShape, attrs, dy.shape, false);
  const k = new KernelScope(tf, args.backend as KernelBackend, backendName);
  const [kh, kw, cin, cout] = filterShape;
  const batch = x.shape[0]!;

  if (kh === 1 && kw === 1 && g.padTop === 0 && g.padLeft === 0) {
    // dW[0,0] = Xᵀ·dY over the sampled pixels.
    let xs = x;
    if (g.strideH > 1 || g.strideW > 1) {
      xs = k.run('StridedSlice', { x }, {
        begin: [0, 0, 0, 0], end: [batch, g.strideH * (g.outH - 1) + 1, g.strideW * (g.outW - 1) + 1, cin],
        strides: [1, g.strideH, g.strideW, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
      });
    }
    const n = batch * g.outH * g.outW;
    // Transposing first: wasm's BatchMatMul with transposeA is ~4× slower than a transpose plus a plain one.
    const a = k.transpose(k.reshape(xs, [1, n, cin]), [0, 2, 1]);
    const b = k.reshape(dy, [1, n, cout]);
    const m = k.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    return k.finish(k.reshape(m, [1, 1, cin, cout]));
  }

  const xt = k.transpose(x, [3, 1, 2, 0]); // [C, H, W, B]
  const dyt = k.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, O]
  // Pad the bottom/right far enough that the output covers the whole filter; crop any excess.
  const padBottom = Math.max(0, (kh - 1) * g.dilationH + (g.outH - 1) * g.strideH + 1 - x.shape[1]! - g.padTop);
  const padRight = Math.max(0, (kw - 1) * g.dilationW + (g.outW - 1) * g.strideW + 1 - x.shape[2]! - g.padLeft);
  const conv = k.run('Conv2D', { x: xt, filter: dyt }, {
    strides: [g.dilationH, g.dilationW],
    dilations: [g.strideH, g.strideW],
    pad: [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]],
    dataFormat: 'NHWC',
    dimRoundingMode: 'floor',
  } as unknown as NamedAttrMap); // [C, ≥KH, ≥KW, O]
  const cropped = k.cropTo(conv, [cin, kh, kw, cout]);
  return k.finish(k.transpose(cropped, [1, 2, 0, 3]));
}
