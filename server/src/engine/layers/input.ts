/**
 * InputLayer, and the input shape a first layer declares (tfjs-layers engine/input_layer.ts and the
 * Layer constructor in engine/topology.ts; Dense and Embedding add their own shortcuts).
 */
import { isUnknown } from '../unknown';
import { Args, isInt, openKeys, show } from './args';
import { readInputLength } from './embedding';
import { IDENTITY, shapeError } from './shape_utils';
import type { ConfigValue, Dim, LayerConfig, LayerSpec, Shape } from './types';

/**
 * `[batchSize].concat(inputShape)`, as tfjs writes it: a bare number works like [number]. tfjs takes
 * any entries; a 0, negative, fractional or string dim only fails later, so we check them here.
 */
function dimsOf(a: Args, key: string, v: ConfigValue): Dim[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((d) => {
    if (d === null || d === undefined || isUnknown(d)) return null;
    if (!isInt(d) || d < 1) a.fail(`every entry of '${key}' must be a positive integer or null, got ${show(v)}.`, typeof d === 'string' ? `write numbers, not strings: ${key}: [${list.map((e) => (typeof e === 'string' ? e : show(e))).join(', ')}]` : 'e.g. inputShape: [28, 28, 1]');
    return d;
  });
}

function batchSize(a: Args): Dim {
  return a.given('batchSize') ? a.posInt('batchSize') : null;
}

/** Layer constructor: batchInputShape wins over inputShape (+ batchSize). */
function fromLayerArgs(a: Args): Shape | undefined {
  if (a.given('batchInputShape')) {
    const v = a.raw('batchInputShape');
    return isUnknown(v) ? undefined : dimsOf(a, 'batchInputShape', v);
  }
  if (a.given('inputShape')) {
    const v = a.raw('inputShape');
    return isUnknown(v) ? undefined : [batchSize(a), ...dimsOf(a, 'inputShape', v)];
  }
  return undefined;
}

/**
 * The batch input shape a layer config declares for the model in front of it (Sequential's first
 * layer, or an InputLayer), undefined when it declares none (or its rank is unknown; see
 * hasDeclaredInputShape). `className` selects the Dense (inputDim) and Embedding (inputLength)
 * shortcuts, whose keys mean something else elsewhere.
 */
export function declaredInputShape(config: LayerConfig, className?: string): Shape | undefined {
  const a: Args = new Args(className ?? 'Layer', config);
  if (className === 'InputLayer') return inputLayerShape(a);
  const s = fromLayerArgs(a);
  if (s !== undefined || a.given('batchInputShape') || a.given('inputShape')) return s;
  if (className === 'Dense' && a.given('inputDim')) {
    // Dense constructor: batchInputShape = [batchSize, inputDim].
    return [batchSize(a), a.posInt('inputDim')];
  }
  if (className === 'Embedding') {
    // Embedding always sets batchInputShape: [batchSize, ...inputLength] or [batchSize, null].
    return [batchSize(a), ...(readInputLength(a) ?? [null])];
  }
  return undefined;
}

/** True when the config names an input shape at all, even one whose value is unknown. */
export function hasDeclaredInputShape(config: LayerConfig, className?: string): boolean {
  if (isUnknown(config)) return true; // the whole config is unknown: assume it may declare one
  // A key an unknown object spread into the config may set counts as given.
  const open = openKeys(config) !== undefined;
  const has = (k: string) => (config[k] !== undefined && config[k] !== null) || (open && !Object.prototype.hasOwnProperty.call(config, k));
  return has('inputShape') || has('batchInputShape') || (className === 'Dense' && has('inputDim')) || className === 'Embedding';
}

/** InputLayer constructor (input_layer.ts): exactly one of inputShape / batchInputShape. */
function inputLayerShape(a: Args): Shape | undefined {
  if (a.known('inputShape') && a.known('batchInputShape')) a.fail('give inputShape or batchInputShape, not both.');
  if (!a.given('inputShape') && !a.given('batchInputShape')) a.fail('needs an inputShape or a batchInputShape.', 'e.g. tf.layers.inputLayer({inputShape: [28, 28, 1]})');
  if (a.known('batchInputShape') && a.known('batchSize')) a.fail('cannot take batchSize together with batchInputShape.', 'put the batch size as the first entry of batchInputShape');
  return fromLayerArgs(a);
}

/** tf.input({shape | batchShape}) (input_layer.ts Input). */
export function inputConfigShape(config: LayerConfig): Shape | undefined {
  const a: Args = new Args('tf.input', config);
  if (a.known('shape') && a.known('batchShape')) a.fail('give shape or batchShape, not both.');
  if (a.given('batchShape')) return isUnknown(a.raw('batchShape')) ? undefined : dimsOf(a, 'batchShape', a.raw('batchShape'));
  if (!a.given('shape')) a.fail('needs a shape or a batchShape.', 'e.g. tf.input({shape: [28, 28, 1]}) (the batch dimension is implied)');
  return isUnknown(a.raw('shape')) ? undefined : [null, ...dimsOf(a, 'shape', a.raw('shape'))];
}

export const inputLayerSpec: LayerSpec<{ shape: Shape | undefined }> = {
  className: 'InputLayer',
  factories: ['inputLayer'],
  family: 'input',
  configure: (cfg) => ({ shape: inputLayerShape(new Args('InputLayer', cfg)) }),
  apply(c, inputs) {
    if (inputs.length > 0) shapeError('InputLayer', 'cannot be applied to a tensor; it is where a model starts.', 'use tf.input({shape}) for functional models, or give the first layer an inputShape');
    return { outputShape: c.shape ? c.shape.slice() : [null], weights: [], macs: 0, rf: IDENTITY };
  },
  describe: (c) => `input [${c.shape ? c.shape.map((d) => (d === null ? 'null' : d)).join(', ') : '?'}]`,
};
