/**
 * Textbook loops for convolution gradients, the reference the fast kernels are checked against.
 * Padding follows TensorFlow's rule (same: total = max((out−1)·s + (k−1)·d + 1 − in, 0), top = ⌊total/2⌋).
 */
import { mulberry32 } from '../helpers/prng';
export interface Conv {
  stride: number;
  dilation: number;
  pad: 'same' | 'valid';
  k: number;
}

export function outSize(n: number, c: Conv): number {
  return c.pad === 'same' ? Math.ceil(n / c.stride) : Math.ceil((n - (c.k - 1) * c.dilation) / c.stride);
}

export function padBefore(n: number, c: Conv): number {
  if (c.pad === 'valid') return 0;
  const total = Math.max((outSize(n, c) - 1) * c.stride + (c.k - 1) * c.dilation + 1 - n, 0);
  return Math.floor(total / 2);
}

/** x: [B,H,W,C], dy: [B,OH,OW,O] → dW: [K,K,C,O]. */
export function conv2dFilterGrad(x: Float32Array, xs: number[], dy: Float32Array, c: Conv, cout: number): Float64Array {
  const [B, H, W, C] = xs as [number, number, number, number];
  const OH = outSize(H, c), OW = outSize(W, c), pt = padBefore(H, c), pl = padBefore(W, c);
  const out = new Float64Array(c.k * c.k * C * cout);
  for (let i = 0; i < c.k; i++)
    for (let j = 0; j < c.k; j++)
      for (let ci = 0; ci < C; ci++)
        for (let o = 0; o < cout; o++) {
          let s = 0;
          for (let b = 0; b < B; b++)
            for (let y = 0; y < OH; y++) {
              const iy = y * c.stride + i * c.dilation - pt;
              if (iy < 0 || iy >= H) continue;
              for (let xx = 0; xx < OW; xx++) {
                const ix = xx * c.stride + j * c.dilation - pl;
                if (ix < 0 || ix >= W) continue;
                s += x[((b * H + iy) * W + ix) * C + ci]! * dy[((b * OH + y) * OW + xx) * cout + o]!;
              }
            }
          out[((i * c.k + j) * C + ci) * cout + o] = s;
        }
  return out;
}

/** Input gradient. dy: [B,OH,OW,O], w: [K,K,C,O] → dx: [B,H,W,C]. */
export function conv2dInputGrad(dy: Float32Array, xs: number[], w: Float32Array, c: Conv, cout: number): Float64Array {
  const [B, H, W, C] = xs as [number, number, number, number];
  const OH = outSize(H, c), OW = outSize(W, c), pt = padBefore(H, c), pl = padBefore(W, c);
  const dx = new Float64Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < OH; y++)
      for (let xx = 0; xx < OW; xx++)
        for (let i = 0; i < c.k; i++) {
          const iy = y * c.stride + i * c.dilation - pt;
          if (iy < 0 || iy >= H) continue;
          for (let j = 0; j < c.k; j++) {
            const ix = xx * c.stride + j * c.dilation - pl;
            if (ix < 0 || ix >= W) continue;
            for (let ci = 0; ci < C; ci++) {
              let s = 0;
              for (let o = 0; o < cout; o++) s += dy[((b * OH + y) * OW + xx) * cout + o]! * w[((i * c.k + j) * C + ci) * cout + o]!;
              dx[((b * H + iy) * W + ix) * C + ci]! += s;
            }
          }
        }
  return dx;
}

/** Depthwise, multiplier m. x: [B,H,W,C], dy: [B,OH,OW,C·m] → dW: [K,K,C,m]. */
export function depthwiseFilterGrad(x: Float32Array, xs: number[], dy: Float32Array, c: Conv, m: number): Float64Array {
  const [B, H, W, C] = xs as [number, number, number, number];
  const OH = outSize(H, c), OW = outSize(W, c), pt = padBefore(H, c), pl = padBefore(W, c);
  const out = new Float64Array(c.k * c.k * C * m);
  for (let i = 0; i < c.k; i++)
    for (let j = 0; j < c.k; j++)
      for (let ci = 0; ci < C; ci++)
        for (let q = 0; q < m; q++) {
          let s = 0;
          for (let b = 0; b < B; b++)
            for (let y = 0; y < OH; y++) {
              const iy = y * c.stride + i * c.dilation - pt;
              if (iy < 0 || iy >= H) continue;
              for (let xx = 0; xx < OW; xx++) {
                const ix = xx * c.stride + j * c.dilation - pl;
                if (ix < 0 || ix >= W) continue;
                s += x[((b * H + iy) * W + ix) * C + ci]! * dy[((b * OH + y) * OW + xx) * C * m + ci * m + q]!;
              }
            }
          out[((i * c.k + j) * C + ci) * m + q] = s;
        }
  return out;
}

/** Depthwise input gradient. dy: [B,OH,OW,C·m], w: [K,K,C,m] → dx: [B,H,W,C]. */
export function depthwiseInputGrad(dy: Float32Array, xs: number[], w: Float32Array, c: Conv, m: number): Float64Array {
  const [B, H, W, C] = xs as [number, number, number, number];
  const OH = outSize(H, c), OW = outSize(W, c), pt = padBefore(H, c), pl = padBefore(W, c);
  const dx = new Float64Array(B * H * W * C);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < OH; y++)
      for (let xx = 0; xx < OW; xx++)
        for (let i = 0; i < c.k; i++) {
          const iy = y * c.stride + i * c.dilation - pt;
          if (iy < 0 || iy >= H) continue;
          for (let j = 0; j < c.k; j++) {
            const ix = xx * c.stride + j * c.dilation - pl;
            if (ix < 0 || ix >= W) continue;
            for (let ci = 0; ci < C; ci++)
              for (let q = 0; q < m; q++)
                dx[((b * H + iy) * W + ix) * C + ci]! +=
                  dy[((b * OH + y) * OW + xx) * C * m + ci * m + q]! * w[((i * c.k + j) * C + ci) * m + q]!;
          }
        }
  return dx;
}

/** max |a − b| / max |b|: one scale for the whole tensor, so near-zero entries do not dominate. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Small deterministic PRNG so a failing case can be replayed. */
export const rng = mulberry32;
