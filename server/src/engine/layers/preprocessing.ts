/** Preprocessing layers (tfjs-layers layers/preprocessing/). */
import { Args, type Maybe } from './args';
import { one, passThrough } from './shape_utils';
import type { LayerSpec } from './types';

interface RescalingConfig {
  scale: Maybe<number>;
  offset: Maybe<number>;
}

/** Rescaling: x * scale + offset, any rank, no weights (image_preprocessing.ts). */
export const rescalingSpec: LayerSpec<RescalingConfig> = {
  className: 'Rescaling',
  factories: ['rescaling'],
  family: 'other',
  configure(cfg) {
    const a: Args = new Args('Rescaling', cfg);
    // The constructor stores scale unchecked; call() multiplies by it, so a missing or non-number
    // scale (or offset) only fails when the model runs.
    return { scale: a.requiredNum('scale', 'e.g. scale: 1 / 255 to map pixels to [0, 1]'), offset: a.num('offset', 0) };
  },
  apply: (_c, inputs) => passThrough(one('Rescaling', inputs)),
  describe: (c) => `rescale ×${c.scale ?? '?'}${c.offset ? ` + ${c.offset}` : ''}`,
};

/**
 * Preprocessing layers tf.layers has in 4.22 but a model cannot use (checked against tfjs in
 * test/unit/layer_breadth.test.ts). They are not catalogued: the engine leaves what follows them
 * unknown and says why, rather than state the shape the layer was meant to give. Keyed by factory;
 * `always`: running any model that contains it throws (a warning where it is applied), otherwise
 * whether it runs depends on what precedes it (a note only).
 */
export const UNUSABLE_IN_A_MODEL: Readonly<Record<string, { className: string; always: boolean; why: string }>> = {
  resizing: {
    className: 'Resizing',
    always: true,
    why: "tfjs 4.22's Resizing cannot run in a model: its computeOutputShape drops the batch axis (it reports [height, width, inputShape[2]]), and in a model call() is given a list of tensors, so tf.image.resizeBilinear throws 'x must be rank 3 or 4, but got rank 1' on predict. It only works on a concrete tensor (layer.apply(tensor)); inside a model use tf.layers.upSampling2d, or resize the data with tf.image.resizeBilinear before the model",
  },
  centerCrop: {
    className: 'CenterCrop',
    always: false,
    why: "tfjs 4.22's CenterCrop writes the cropped size into its input's shape array (computeOutputShape edits it in place): applied to a model input (or through a layer that passes its shape on, such as rescaling or activation) the model then expects the cropped size as its input and predict rejects the real one, and elsewhere the layer before it reports the cropped shape. A crop larger than the input throws on predict. Use tf.layers.cropping2D, which crops the same way and is modelled",
  },
  categoryEncoding: {
    className: 'CategoryEncoding',
    always: false,
    why: "tfjs 4.22's CategoryEncoding writes numTokens into its input's shape array (computeOutputShape edits it in place): applied to a model input (the usual place) the model then expects [batch, numTokens] as its input and predict rejects the token ids, and elsewhere the layer before it reports the wrong shape. Encode the ids outside the model (tf.oneHot) or use tf.layers.embedding",
  },
};

/** The reason a tf.layers factory (or saved class name) is left unmodelled, when it is one a model cannot use. */
export function unusableInAModel(factoryOrClass: string): { className: string; always: boolean; why: string } | undefined {
  return UNUSABLE_IN_A_MODEL[factoryOrClass] ?? Object.values(UNUSABLE_IN_A_MODEL).find((u) => u.className === factoryOrClass);
}
