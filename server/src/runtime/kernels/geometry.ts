/** Strides, dilations and padding of a 2-D convolution, as tfjs itself resolves them. */
import type { Tf } from '../tf_types';

export interface ConvGeometry {
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

export function convGeometry(
  tf: Tf,
  xShape: number[],
  filterShape: [number, number, number, number],
  attrs: Record<string, unknown>,
  dyShape: number[],
  depthwise: boolean,
): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC' && attrs.dataFormat !== 'channelsLast') {
    throw new Error(`ConvLens training kernels support dataFormat NHWC only (got ${String(attrs.dataFormat)})`);
  }
  const dilations = (attrs.dilations ?? [1, 1]) as number | [number, number];
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    attrs.strides as number | [number, number],
    dilations,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  if (info.outHeight !== dyShape[1] || info.outWidth !== dyShape[2]) {
    throw new Error(`gradient shape ${JSON.stringify(dyShape)} does not match the convolution output ${JSON.stringify(info.outShape)}`);
  }
  return {
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilationH: info.dilationHeight,
    dilationW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    outH: info.outHeight,
    outW: info.outWidth,
  };
}
