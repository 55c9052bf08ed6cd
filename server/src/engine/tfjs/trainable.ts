/**
 * Which weights train, as tfjs decides at the end of the builder: a weight trains when the catalogue
 * says it can (BatchNormalization's moving statistics never do), its layer is trainable (its config,
 * or `layer.trainable = x` / `model.trainable = x` in code, the last word counting), and, for a model
 * used as a layer, the model is trainable too (tfjs's Container.trainableWeights).
 */
import type { WeightSpec } from '../layers/types';
import { type LayerValue, ModelValue } from './values';
import { modelLayers } from './session';
import { noteStackOverflow } from '../stack_overflow';
import { isUnknown } from '../unknown';
import { openKeys } from '../layers/args';

/**
 * Whether a layer config leaves `trainable` unknown: an unknown value, or absent from a config an
 * unknown object was spread into. Which weights train is then unknown (the total is not).
 */
export function trainableUnknown(rawConfig: Record<string, unknown>): boolean {
  const v = rawConfig.trainable;
  return isUnknown(v) || (v === undefined && openKeys(rawConfig) !== undefined && !Object.prototype.hasOwnProperty.call(rawConfig, 'trainable'));
}

/** Whether the report must leave a layer's trainable count open: its config does not say, and no code set it. */
export function trainableOpen(layer: LayerValue, state: TrainableState): boolean {
  return !layer.model && state(layer) === undefined && trainableUnknown(layer.rawConfig);
}

/** The `trainable` a layer or model was given in code (undefined: never set), at the moment that counts. */
export type TrainableState = (x: LayerValue | ModelValue) => boolean | undefined;
const live: TrainableState = (x) => x.trainableSet;

/**
 * A model is reported as its builder returned it: a caller that freezes it afterwards (to build
 * something else on it) does not change what the builder makes. Recorded when the model is returned.
 * A model nested in it that the same call made and no function returned (the builder's local
 * `cnn`, reported as `builder › cnn`) is reported as of that moment too, so the two reports agree.
 */
export function snapshotTrainable(model: ModelValue, madeByThisCall: (m: ModelValue) => boolean = () => false): void {
  const snap = new Map<LayerValue | ModelValue, boolean | undefined>();
  const visit = (m: ModelValue) => {
    snap.set(m, m.trainableSet);
    for (const l of modelLayers(m)) {
      snap.set(l, l.trainableSet);
      if (l.model && !snap.has(l.model)) visit(l.model);
    }
  };
  visit(model);
  model.trainableAtReturn = snap;
  // The innermost such call counts (the one whose report names it); outer callers may freeze it since.
  for (const m of snap.keys())
    if (m !== model && m instanceof ModelValue && !m.returnedBy && !m.trainableAtReturn && madeByThisCall(m)) m.trainableAtReturn = snap;
}

/** The state a model's report uses: as returned by its builder, else as the analysis ended. */
export function trainableStateOf(model: ModelValue): TrainableState {
  const snap = model.trainableAtReturn;
  return snap ? (x) => (snap.has(x) ? snap.get(x) : x.trainableSet) : live;
}

export function effectiveWeights(layer: LayerValue, state: TrainableState = live): WeightSpec[] | undefined {
  if (!layer.weights) return undefined;
  const set = state(layer);
  if (layer.model) {
    // The inner layers' weights, each with its own flags, all off when the model layer is frozen.
    const on = set ?? state(layer.model) ?? true;
    const out: WeightSpec[] = [];
    for (const l of modelLayers(layer.model)) {
      if (l.className === 'InputLayer') continue;
      const w = effectiveWeights(l, state);
      if (!w) return layer.weights;
      for (const x of w) out.push(on ? x : { ...x, trainable: false });
    }
    return out.length === layer.weights.length ? out : layer.weights;
  }
  if (set === undefined) return layer.weights;
  if (set === false) return layer.weights.map((w) => (w.trainable ? { ...w, trainable: false } : w));
  // Unfrozen in code after a config said trainable: false: the flags the catalogue gives a trainable layer.
  if (layer.rawConfig.trainable === false && layer.spec && layer.nodes[0]) {
    try {
      const cfg = layer.spec.configure({ ...layer.rawConfig, trainable: true } as never);
      const shapes = layer.nodes[0].inputs.map((t) => t.shape);
      if (shapes.every((s) => s !== null)) return layer.spec.apply(cfg, shapes as never).weights;
    } catch (e) {
      noteStackOverflow(e);
      /* keep the configured flags */
    }
  }
  return layer.weights;
}
