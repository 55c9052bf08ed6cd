/**
 * Which weights train, as tfjs decides at the end of the builder: a weight trains when the catalogue
 * says it can (BatchNormalization's moving statistics never do), its layer is trainable (its config,
 * or `layer.trainable = x` / `model.trainable = x` in code, the last word counting), and, for a model
 * used as a layer, the model is trainable too (tfjs's Container.trainableWeights).
 */
import type { WeightSpec } from '../layers/types';
import type { LayerValue } from './values';
import { modelLayers } from './session';

export function effectiveWeights(layer: LayerValue): WeightSpec[] | undefined {
  if (!layer.weights) return undefined;
  if (layer.model) {
    // The inner layers' weights, each with its own flags, all off when the model layer is frozen.
    const on = layer.trainableSet ?? layer.model.trainableSet ?? true;
    const out: WeightSpec[] = [];
    for (const l of modelLayers(layer.model)) {
      if (l.className === 'InputLayer') continue;
      const w = effectiveWeights(l);
      if (!w) return layer.weights;
      for (const x of w) out.push(on ? x : { ...x, trainable: false });
    }
    return out.length === layer.weights.length ? out : layer.weights;
  }
  if (layer.trainableSet === undefined) return layer.weights;
  if (layer.trainableSet === false) return layer.weights.map((w) => (w.trainable ? { ...w, trainable: false } : w));
  // Unfrozen in code after a config said trainable: false: the flags the catalogue gives a trainable layer.
  if (layer.rawConfig.trainable === false && layer.spec && layer.nodes[0]) {
    try {
      const cfg = layer.spec.configure({ ...layer.rawConfig, trainable: true } as never);
      const shapes = layer.nodes[0].inputs.map((t) => t.shape);
      if (shapes.every((s) => s !== null)) return layer.spec.apply(cfg, shapes as never).weights;
    } catch {
      /* keep the configured flags */
    }
  }
  return layer.weights;
}
