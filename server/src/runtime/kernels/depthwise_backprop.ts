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
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';
import { KernelScope } from './compose';
import { convGeometry } from './geometry';

type Args = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

export function depthwiseBackpropFilter(tf: Tf, backendName: string, args: Args): TensorInfo {
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

export function depthwiseBackpropInput(tf: Tf, backendName: string, args: Args): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const g = convGeometry(tf, inputShape, filterShape, attrs, dy.shape, true);
  const k = new KernelScope(tf, args.backend as KernelBackend, backendName);
  const [kh, kw, c, m] = filterShape;
  const [b, h, w] = inputShape;

  // dy on the stride grid: [B, OH·s, OW·s, C·m] with zeros between samples.
  let spread = dy;
  if (g.strideH > 1 || g.strideW > 1) {
    const six = k.reshape(dy, [b, g.outH, 1, g.outW, 1, c * m]);
    const padded = k.run('PadV2', { x: six }, {
      paddings: [[0, 0], [0, 0], [0, g.strideH - 1], [0, 0], [0, g.strideW - 1], [0, 0]],
      constantValue: 0,
    } as unknown as NamedAttrMap);
    spread = k.reshape(padded, [b, g.outH * g.strideH, g.outW * g.strideW, c * m]);
  }
  // Output row h reads spread[h + pt − i·d]; with the filter flipped that is a forward correlation
  // over spread padded by (KH−1)·d − pt on top. Negative padding becomes a crop.
  const top = (kh - 1) * g.dilationH - g.padTop;
  const left = (kw - 1) * g.dilationW - g.padLeft;
  const bottom = h + (kh - 1) * g.dilationH - top - spread.shape[1]!;
  const right = w + (kw - 1) * g.dilationW - left - spread.shape[2]!;
  const framed = frame(k, spread, top, bottom, left, right);

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

/** Pads (positive amounts) or crops (negative amounts) the two spatial axes. */
function frame(k: KernelScope, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  let t = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, ch] = t.shape as [number, number, number, number];
    const y0 = Math.max(0, -top);
    const x0 = Math.max(0, -left);
    const hh = h - y0 - Math.max(0, -bottom);
    const ww = w - x0 - Math.max(0, -right);
    t = k.run('Slice', { x: t }, { begin: [0, y0, x0, 0], size: [b, hh, ww, ch] });
  }
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    t = k.run('PadV2', { x: t }, {
      paddings: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
      constantValue: 0,
    } as unknown as NamedAttrMap);
  }
  return t;
}
