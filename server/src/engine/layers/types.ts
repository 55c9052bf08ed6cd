/**
 * The contract between the layer catalogue and the rest of the engine.
 *
 * The catalogue knows, for each tf.layers factory, what tfjs does with a config and an input shape:
 * the validation tfjs performs (and the checks it forgets), the output shape, the weights, the MACs
 * and how the layer transforms the receptive field. It knows nothing about source code.
 */
import type { Unknown } from '../unknown';

/** A dimension: a number, or null when unknown (the batch dim is always null unless batchInputShape fixes it). */
export type Dim = number | null;
/** A shape *including* the batch dimension at index 0, as tfjs prints it: [null, 224, 224, 3]. */
export type Shape = Dim[];

/**
 * A config value as the interpreter hands it over: plain JS data, where any leaf (or a whole
 * sub-tree) may be an `Unknown`. Functions and tfjs objects (initializers, regularizers) arrive as
 * opaque objects and are ignored unless they matter for shapes.
 */
export type ConfigValue =
  | number
  | string
  | boolean
  | null
  | undefined
  | Unknown
  | ConfigValue[]
  | { [key: string]: ConfigValue }
  | object;
export type LayerConfig = Record<string, ConfigValue>;

export type Family =
  | 'input'
  | 'conv'
  | 'pooling'
  | 'dense'
  | 'normalization'
  | 'activation'
  | 'merge'
  | 'reshaping'
  | 'regularization'
  | 'embedding'
  | 'recurrent'
  | 'other';

/** One weight variable as tfjs creates it in build(). A null dim means the size is unknown. */
export interface WeightSpec {
  name: string; // 'kernel', 'bias', 'depthwise_kernel', 'gamma', 'moving_mean', ...
  shape: Dim[];
  trainable: boolean;
}

/**
 * How a layer changes the receptive field along each spatial axis (in spatial order, whatever the
 * data format). The graph applies it to the RF/jump it carries on tensors.
 */
export type RFTransform =
  | { kind: 'identity' } // element-wise, normalisation, dropout, merge, dense on the channel axis
  | { kind: 'window'; kernel: number[]; stride: number[]; dilation: number[] } // conv, pooling
  | { kind: 'transpose'; kernel: number[]; stride: number[] } // conv2dTranspose
  | { kind: 'upsample'; factor: number[] } // upSampling2d
  | { kind: 'shift' } // padding / cropping: the field is unchanged, offsets only
  | { kind: 'drop' }; // flatten, global pooling, reshape, permute: spatial axes end here

export interface LayerOutput {
  /** null: not even the rank is known (a Reshape to an unknown targetShape, a wrapper around a layer the catalogue cannot see into). */
  outputShape: Shape | null;
  /** Every output, for a layer with several (a model with several outputs used as a layer); outputShape is the first. */
  outputShapes?: (Shape | null)[];
  weights: WeightSpec[];
  /** Multiply-accumulates for batch 1 (DESIGN.md); null when a dim it needs is unknown. */
  macs: number | null;
  rf: RFTransform;
  /** What tfjs builds without complaint but is almost surely a mistake (an output of size 0), worded for a person. */
  warnings?: string[];
}

/** A config tfjs would reject (or that makes no sense), worded for a person. */
export class LayerError extends Error {
  constructor(
    message: string,
    /** 'config': the constructor would throw; 'shape': applying to this input would fail. */
    readonly kind: 'config' | 'shape',
    /** What to change, when we can say. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface LayerSpec<C = unknown> {
  /** As tfjs getClassName(): 'Conv2D', 'MaxPooling2D', 'Add', ... */
  className: string;
  /** The tf.layers.* factory names that build it, aliases included (conv2d, convolution2d). */
  factories: string[];
  family: Family;
  /** Validate and normalise a config as tfjs's constructor does; throws LayerError('config'). */
  configure(config: LayerConfig): C;
  /**
   * Apply to input shapes (batch dim included; one entry for single-input layers, several for
   * merges). Throws LayerError('shape') where tfjs would throw at apply/build time, and also where
   * tfjs would silently produce a zero or negative dimension.
   */
  apply(config: C, inputShapes: Shape[]): LayerOutput;
  /** Short description of the key configuration for a graph node: '3×3 conv, 64, /2'. */
  describe?(config: C): string;
}
