/**
 * Conv2DBackpropInput as one forward convolution. wasm's stock kernel is a plain loop (half the
 * training step of a ResNet-20 on wasm); XNNPACK's forward convolution is many times faster.
 *   dx[b,h,w,c] = Σ_i,j,o dy[b, (h + pt − i·d)/s, (w + pl − j·d)/s, o] · W[i,j,c,o]   (integral indices)
 * = a valid correlation of dy spread on the stride grid (zeros between samples) and framed by
 *   (K−1)·d − pt, with the filter flipped in space and its channel axes swapped.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';
import { KernelScope, type KernelArgs } from './compose';
import { convGeometry } from './geometry';

export function conv2dBackpropInput(
  tf: Tf,
  backendName: string,
  args: KernelArgs,
): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const g = convGeometry(tf, inputShape, filterShape, attrs, dy.shape, false);
  const k = new KernelScope(tf, args.backend as KernelBackend, backendName);
  const [kh, kw] = filterShape;
  const [, h, w] = inputShape;

  const framed = k.frameForInputGrad(k.spread(dy, g.strideH, g.strideW), h, w, kh, kw, g);
  const flipped = kh === 1 && kw === 1 ? filter : k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = k.transpose(flipped, [0, 1, 3, 2]); // [KH, KW, O, C]
  return k.finish(k.run('Conv2D', { x: framed, filter: swapped }, {
    strides: [1, 1],
    dilations: [g.dilationH, g.dilationW],
    pad: 'valid',
    dataFormat: 'NHWC',
    dimRoundingMode: 'floor',
  } as unknown as NamedAttrMap));
}
