/**
 * Per-layer gradient norms: one backward pass of the training loss (no update), the norm of
 * ∂loss/∂W over each layer's trainable weights, and the verdicts.
 *
 * Thresholds, and why:
 * - vanishing: ‖g‖ < 1e-5 × the largest layer's ‖g‖ at the same step. Relative, because absolute
 *   sizes depend on the loss and on how far training went (an overfit batch has tiny gradients
 *   everywhere). Under SGD such a layer learns 10⁵ times slower than the fastest one, i.e. not at
 *   all in a run of this length; under Adam its per-weight gradients sit far below Adam's ε (1e-7
 *   in tfjs), where the normalised step shrinks in proportion. A 30-layer plain ReLU CNN at Glorot
 *   init puts its first ~10 layers there; its residual twin puts none.
 * - dead: exactly zero: nothing reaches the layer (every ReLU after it is off, or a frozen path).
 * - exploding: ‖g‖ > 100 × max(‖W‖, 1): at a learning rate of 1e-2, one SGD step would move the
 *   weights by more than their own norm.
 * - not-finite: NaN or ±Infinity anywhere in the layer's gradient.
 */
import type { Tf, Tensor } from './tf_types';
import type { LayerGradient } from '../../../protocol/worker';
import type { PairedLayer } from './layer_map';

export const VANISHING_RATIO = 1e-5;
export const EXPLODING_FACTOR = 100;

export interface GradientPass {
  loss: number;
  layers: LayerGradient[];
}

/**
 * One backward pass (no update) and each layer's ‖g‖ and ‖W‖. All sums are read back in one async
 * read: WebGPU has no cheap synchronous readback (tfjs emulates dataSync there through canvases).
 */
export async function measureGradients(tf: Tf, lossFn: () => Tensor, pairs: PairedLayer[], file?: string): Promise<GradientPass> {
  const withWeights = pairs.filter((p) => p.layer.trainableWeights.length > 0);
  const vars = withWeights.flatMap((p) => p.layer.trainableWeights.map((w) => w.read())) as unknown as import('@tensorflow/tfjs').Variable[];
  const { value, grads } = tf.variableGrads(lossFn as () => import('@tensorflow/tfjs').Scalar, vars);
  const zero = () => tf.scalar(0);
  // Per layer: [Σg², ΣW²] over its trainable weights, and the loss last.
  const sums = tf.tidy(() => {
    const rows = withWeights.flatMap((p) => {
      let g2 = zero();
      let w2 = zero();
      for (const w of p.layer.trainableWeights) {
        const v = w.read() as unknown as Tensor & { name: string };
        const g = grads[v.name];
        if (g) g2 = tf.add(g2, tf.sum(tf.square(g)));
        w2 = tf.add(w2, tf.sum(tf.square(v)));
      }
      return [g2, w2];
    });
    return tf.stack([...rows, tf.reshape(value, [])]);
  });
  const read = await sums.data();
  tf.dispose([sums, value, ...Object.values(grads)]);
  const layers: LayerGradient[] = withWeights.map((p, i) => {
    const row: LayerGradient = {
      layerIndex: p.index,
      name: p.layer.name,
      className: p.layer.getClassName(),
      norm: Math.sqrt(read[2 * i]!),
      weightNorm: Math.sqrt(read[2 * i + 1]!),
    };
    if (p.report) {
      row.range = p.report.range;
      row.file = p.report.file ?? file;
    }
    return row;
  });
  return { loss: read[read.length - 1]!, layers };
}

/** Flags for a pass. At the first step all four; later only not-finite and exploding (see above). */
export function flagGradients(layers: LayerGradient[], first: boolean): LayerGradient[] {
  const finite = layers.filter((l) => Number.isFinite(l.norm));
  const max = Math.max(0, ...finite.map((l) => l.norm));
  return layers.map((l) => {
    const out = { ...l };
    delete out.flag;
    if (!Number.isFinite(l.norm)) out.flag = 'not-finite';
    else if (l.norm > EXPLODING_FACTOR * Math.max(l.weightNorm, 1)) out.flag = 'exploding';
    else if (first && l.norm === 0) out.flag = 'dead';
    else if (first && max > 0 && l.norm < VANISHING_RATIO * max) out.flag = 'vanishing';
    return out;
  });
}
