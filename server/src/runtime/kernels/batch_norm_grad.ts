/**
 * FusedBatchNorm's gradient without its Tile. tfjs-core builds dx by tiling 1/√(var+ε) to the full
 * activation shape before multiplying; on wasm that Tile is a plain loop and took a fifth of a
 * ResNet-20 training step. Broadcasting gives the same numbers. Everything else is tfjs's formula.
 * Registered with the public `tf.registerGradient`, for the pure-JS backends only.
 */
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../tf_types';

export function batchNormGradConfig(tf: Tf) {
  return {
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const g = dy as Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
      const scaleValue = scale == null ? tf.scalar(1) : scale;
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const perChannel = mean.rank === 1;
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(g, scaleValue);
      const rstd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(rstd, rstd), rstd), tf.scalar(-0.5));
      const reduce = (t: Tensor) => tf.reshape(perChannel ? tf.sum(t, reductionAxes) : t, mean.shape);
      return {
        x: () => {
          const r = perChannel ? tf.reshape(rstd, [...x.shape.slice(0, -1).map(() => 1), mean.shape[0]!]) : rstd;
          return tf.reshape(tf.mul(tf.mul(g, r), scaleValue), x.shape);
        },
        mean: () => reduce(tf.mul(tf.mul(rstd, tf.scalar(-1)), dyTimesScale)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, rstd))),
        offset: () => reduce(g),
      };
    },
  };
}
