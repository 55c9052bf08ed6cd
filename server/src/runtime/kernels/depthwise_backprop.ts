/**
 * The two depthwise-convolution gradients wasm lacks (MobileNet-style models stop there), built
 * from depthwise forward convolutions, which wasm runs on XNNPACK.
 *
 * Filter: dW[i,j,c,q] = Σ_b,y,x  x[b, y·s + i·d − pt, x·s + j·d − pl, c] · dy[b, y, x, c·m + q].
 *   Put (c, b) on the channel axis of one image and give each channel its own dy slice as filter:
 *   a depthwise conv with strides d and dilations s, then a sum over b.
 * Input: dx[b,h,w,c] = Σ_i,j,q dy[b, (h + pt − i·d)/s, …, c·m + q] · W[i,j,c,q]  (integral indices only).
 *   Spread dy onto the stride grid with zeros, pad, and correlate with the spatially flipped filter
 *   (one output per dy channel), then sum the m channels of each input channel.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';
import { KernelScope, type KernelArgs } from './compose';
import { convGeometry } from './geometry';

export function depthwiseBackpropFilter(tf: Tf, backendName: string, args: KernelArgs): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = convGeometry(tf, x.shape, filterShape, attrs, dy.shape, true);
  const k = new KernelScope(tf, args.backend as KernelBackend, backendName);
  const [kh, kw, c, m] = filterShape;
  const [b, h, w] = x.shape as [number, number, number, number];

  const img = k.reshape(k.transpose(x, [1, 2, 3, 0]), [1, h, w, c * b]); // channel c·B + b
  const dy5 = k.reshape(dy, [b, g.outH, g.outW, c, m]);
  const filt = k.reshape(k.transpose(dy5, [1, 2, 3, 0, 4]), [g.outH, g.outW, c * b, m]);
  const padBottom = Math.max(0, (kh - 1) * g.dilationH + (g.outH - 1) * g.strideH + 1 - h - g.padTop);
  const padRight = Math.max(0, (kw - 1) * g.dilationW + (g.outW - 1) * g.strideW + 1 - w - g.padLeft);
  const conv = k.run('DepthwiseConv2dNative', { x: img, filter: filt }, {
    strides: [g.dilationH, g.dilationW],
    dilations: [g.strideH, g.strideW],
    pad: [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]],
    dimRoundingMode: 'floor',
  } as unknown as NamedAttrMap); // [1, ≥KH, ≥KW, C·B·m]
  const cropped = k.cropTo(conv, [1, kh, kw, c * b * m]);
  const perBatch = k.reshape(cropped, [kh, kw, c, b, m]);
  return k.finish(k.run('Sum', { x: perBatch }, { axis: [3], keepDims: false }));
}

export function depthwiseBackpropInput(tf: Tf, backendName: string, args: KernelArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const g = convGeometry(tf, inputShape, filterShape, attrs, dy.shape, true);
  const k = new KernelScope(tf, args.backend as KernelBackend, backendName);
  const [kh, kw, c, m] = filterShape;
  const [b, h, w] = inputShape;

  const framed = k.frameForInputGrad(k.spread(dy, g.strideH, g.strideW), h, w, kh, kw, g);
  const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const perOut = k.reshape(flipped, [kh, kw, c * m, 1]);
  const conv = k.run('DepthwiseConv2dNative', { x: framed, filter: perOut }, {
    strides: [1, 1],
    dilations: [g.dilationH, g.dilationW],
    pad: 'valid',
    dimRoundingMode: 'floor',
  } as unknown as NamedAttrMap); // [B, H, W, C·m]
  if (m === 1) return k.finish(conv);
  const split = k.reshape(conv, [b, h, w, c, m]);
  return k.finish(k.run('Sum', { x: split }, { axis: [4], keepDims: false }));
}
