/**
 * Convolutions (tfjs-layers layers/convolutional.ts, convolutional_depthwise.ts).
 * One configure/apply pair serves the five kinds; the differences are tfjs's own and noted inline.
 */
import { Args, checkIdentifiers, type Maybe } from './args';
import {
  DATA_FORMATS, PADDINGS, checkRank, convLength, deconvLength, dims, doesNotFit, emptyOutput, mul, one, prod, shapeError,
  weight, windowRF, type DataFormat, type Padding,
} from './shape_utils';
import type { Dim, LayerConfig, LayerOutput, LayerSpec, RFTransform, Shape, WeightSpec } from './types';

type Kind = 'conv' | 'transpose' | 'separable' | 'depthwise';

export interface ConvConfig {
  cls: string;
  kind: Kind;
  rank: 1 | 2 | 3;
  filters: Maybe<number>; // unused by depthwise
  kernel: Dim[];
  strides: Dim[];
  dilation: Dim[];
  padding: Maybe<Padding>;
  dataFormat: Maybe<DataFormat>;
  useBias: Maybe<boolean>;
  depthMultiplier: Maybe<number>;
  activation: Maybe<string>;
  trainable: boolean;
}

const allOne = (xs: Dim[]): boolean => xs.every((x) => x === 1);

function configure(cls: string, kind: Kind, rank: 1 | 2 | 3, config: LayerConfig): ConvConfig {
  const a: Args = new Args(cls, config);
  const kernel = a.tuple('kernelSize', rank, undefined, 'kernel size');
  const strides = a.tuple('strides', rank, 1, 'stride');
  const padding = a.oneOf('padding', PADDINGS, 'valid');
  const dataFormat = a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast');
  const activation = a.activation();
  const useBias = a.flag('useBias', true);
  const dilation = a.tuple('dilationRate', rank, 1, 'dilation rate');
  const filters = kind === 'depthwise' ? null : a.posInt('filters', { hint: 'e.g. filters: 32 (the number of output channels)' });
  const depthMultiplier = kind === 'separable' || kind === 'depthwise' ? a.posInt('depthMultiplier', { def: 1 }) : 1;

  // Each class reads only its own keys: DepthwiseConv2D ignores kernel*, Conv ignores depthwise*.
  const own = kind === 'separable' ? ['depthwise', 'pointwise', 'bias'] : kind === 'depthwise' ? ['depthwise', 'bias'] : ['kernel', 'bias'];
  checkIdentifiers(a, {
    init: own.map((p) => `${p}Initializer`),
    reg: [...own.map((p) => `${p}Regularizer`), 'activityRegularizer'],
    con: own.map((p) => `${p}Constraint`),
  });
  // topology.ts apply(): any activityRegularizer makes apply() throw NotImplementedError in 4.22.
  if (a.known('activityRegularizer')) {
    a.fail('tfjs 4.22 cannot apply a layer that has an activityRegularizer (NotImplementedError).', 'remove activityRegularizer; use kernelRegularizer instead');
  }
  if (kind === 'separable' && ['kernelInitializer', 'kernelRegularizer', 'kernelConstraint'].some((k) => a.known(k))) {
    // convolutional.ts SeparableConv constructor.
    a.fail('kernelInitializer, kernelRegularizer and kernelConstraint are not accepted.', 'use depthwiseInitializer/pointwiseInitializer (and the depthwise/pointwise regularizers and constraints)');
  }
  if (padding === 'causal' && kind !== 'depthwise') {
    // Transposed and separable constructors reject it; Conv1D/2D/3D accept it but call() throws
    // NotImplementedError ("CAUSAL padding mode ... not implemented yet").
    a.fail("padding 'causal' is not implemented by tfjs for this layer (running the model throws).", "use padding: 'valid' with a tf.layers.zeroPadding (or left-pad the sequence yourself), or 'same'");
  }
  if (kind === 'conv' && rank === 1 && dataFormat === 'channelsFirst') {
    // Conv1D.computeOutputShape honours channelsFirst but conv1dWithBias returns NWC: the shape
    // tfjs reports ([b, filters, steps]) is not the tensor it computes ([b, steps, filters]).
    a.fail("dataFormat 'channelsFirst' is broken in tfjs 4.22: the layer reports [batch, filters, steps] but computes [batch, steps, filters].", "keep channelsLast; transpose the input with tf.layers.permute({dims: [2, 1]}) if it is channels-first");
  }
  if ((kind === 'conv' || kind === 'separable') && !allOne(strides) && !allOne(dilation) && strides.every((s) => s !== null) && dilation.every((d) => d !== null)) {
    // tfjs-core conv1d/conv2d/conv3d/depthwiseConv2d assert this at execution time only.
    a.fail(`strides ${dims(strides)} together with dilationRate ${dims(dilation)}: tfjs requires all strides or all dilation rates to be 1 (running the model throws).`, 'use a stride of 1 with the dilation, and downsample with a separate pooling or strided layer');
  }
  if (kind === 'separable' && dataFormat === 'channelsFirst' && useBias) {
    // SeparableConv.call computes NHWC, then biasAdd(…, 'channelsFirst') broadcasts the bias over
    // the height axis: it throws, or silently adds along the wrong axis when height == filters.
    a.fail("with dataFormat 'channelsFirst' tfjs 4.22 adds the bias along the wrong axis (it throws, or silently mis-adds).", "use channelsLast, or useBias: false");
  }
  return { cls, kind, rank, filters, kernel, strides, dilation, padding, dataFormat, useBias, depthMultiplier, activation, trainable: a.trainable() };
}

/** For an input one axis short: almost always the missing channel axis. */
const RANK_HINT: Record<number, string> = {
  1: 'sequences need a channel axis: e.g. inputShape: [100, 1] for 100 scalar steps',
  2: 'images need a channel axis: e.g. inputShape: [28, 28, 1] (reshape [28, 28] data to [28, 28, 1])',
  3: 'volumes need a channel axis: e.g. inputShape: [16, 64, 64, 1]',
};

function apply(c: ConvConfig, inputs: Shape[]): LayerOutput {
  const x = one(c.cls, inputs);
  const want = c.rank + 2;
  const layout = c.rank === 1 ? '[batch, steps, channels]' : c.rank === 2 ? (c.dataFormat === 'channelsFirst' ? '[batch, channels, height, width]' : '[batch, height, width, channels]') : '[batch, depth, height, width, channels]';
  checkRank(c.cls, x, { eq: want }, layout, x.length === want - 1 ? RANK_HINT[c.rank] : 'reshape the input to this rank first');

  const cf = c.dataFormat === 'channelsFirst';
  const fmtKnown = c.dataFormat !== null;
  const cin: Dim = fmtKnown ? x[cf ? 1 : want - 1]! : null;
  const space: Dim[] = fmtKnown ? (cf ? x.slice(2) : x.slice(1, want - 1)) : new Array<Dim>(c.rank).fill(null);
  // DepthwiseConv2D and the transposed convs ignore dilationRate entirely (shape and kernel call).
  const dil = c.kind === 'depthwise' || c.kind === 'transpose' ? space.map(() => 1) : c.dilation;

  const outSpace = space.map((len, i) =>
    c.kind === 'transpose' ? deconvLength(len, c.strides[i]!, c.kernel[i]!, c.padding) : convLength(len, c.kernel[i]!, c.padding, c.strides[i]!, dil[i]!),
  );
  const warnings: string[] = [];
  if (outSpace.some((d) => d !== null && d < 0)) {
    const eff = c.kernel.map((k, i) => (k === null || dil[i] === null ? null : k + (k - 1) * (dil[i]! - 1)));
    const dilated = dil.some((d) => d !== 1) ? ` dilated by ${dims(dil)} (spanning ${dims(eff)})` : '';
    shapeError(
      c.cls,
      doesNotFit('kernel', c.kernel, dilated, c.padding ?? '?', space, outSpace),
      "use padding: 'same', a smaller kernel, or remove a downsampling layer before it",
    );
  }
  if (outSpace.some((d) => d === 0))
    warnings.push(`${c.cls}: ${emptyOutput('kernel', c.kernel, c.padding ?? '?', space, outSpace, "Use padding: 'same', a smaller kernel, or remove a downsampling layer before it.")}`);

  const dm = c.depthMultiplier;
  const cout: Dim = c.kind === 'depthwise' ? mul(cin, dm) : c.filters;
  const outShape: Shape = !fmtKnown ? [x[0]!, ...new Array<Dim>(want - 1).fill(null)] : cf ? [x[0]!, cout, ...outSpace] : [x[0]!, ...outSpace, cout];

  const t = c.trainable;
  const weights: WeightSpec[] = [];
  const nOut = prod(outSpace);
  const kk = prod(c.kernel);
  let macs: Dim;
  switch (c.kind) {
    case 'conv':
      weights.push(weight('kernel', [...c.kernel, cin, c.filters], t));
      macs = mul(nOut, kk, cin, c.filters);
      break;
    case 'transpose':
      // Kernel is [..., filters, inputDim] (Conv2DTranspose.build); MACs over the *input* grid (fvcore).
      weights.push(weight('kernel', [...c.kernel, c.filters, cin], t));
      macs = mul(prod(space), kk, cin, c.filters);
      break;
    case 'separable':
      weights.push(weight('depthwise_kernel', [...c.kernel, cin, dm], t));
      weights.push(weight('pointwise_kernel', [...c.kernel.map(() => 1), mul(cin, dm), c.filters], t));
      macs = sumDims(mul(nOut, kk, cin, dm), mul(nOut, cin, dm, c.filters));
      break;
    case 'depthwise':
      weights.push(weight('depthwise_kernel', [...c.kernel, cin, dm], t));
      macs = mul(nOut, kk, cin, dm);
      break;
  }
  // An unknown useBias: a bias of unknown size, so the count stays unknown.
  if (c.useBias !== false) weights.push(weight('bias', c.useBias === null ? [null] : [cout], t));

  const rf: RFTransform =
    c.kind === 'transpose'
      ? c.kernel.every((k) => k !== null) && c.strides.every((s) => s !== null)
        ? { kind: 'transpose', kernel: c.kernel as number[], stride: c.strides as number[] }
        : { kind: 'drop' }
      : windowRF(c.kernel, c.strides, dil);
  return { outputShape: outShape, weights, macs, rf, ...(warnings.length ? { warnings } : {}) };
}

function sumDims(a: Dim, b: Dim): Dim {
  return a === null || b === null ? null : a + b;
}

const q = (d: Dim): string => (d === null ? '?' : String(d));

function strideText(s: Dim[], sign: '/' | '×'): string {
  if (s.every((x) => x === 1)) return '';
  return s.every((x) => x === s[0]) ? `, ${sign}${q(s[0]!)}` : `, ${sign}${dims(s)}`;
}

function describe(c: ConvConfig): string {
  const k = dims(c.kernel);
  const name = c.kind === 'transpose' ? 'deconv' : c.kind === 'separable' ? 'sep conv' : c.kind === 'depthwise' ? 'depthwise conv' : 'conv';
  const suffix = c.rank === 2 ? '' : `${c.rank}d`;
  const ch = c.kind === 'depthwise' ? (c.depthMultiplier === 1 ? '' : `, ×${q(c.depthMultiplier)}`) : `, ${q(c.filters)}`;
  const dil = c.kind !== 'depthwise' && c.kind !== 'transpose' && !c.dilation.every((d) => d === 1) ? `, dilation ${dims(c.dilation)}` : '';
  return `${k} ${name}${suffix}${ch}${strideText(c.strides, c.kind === 'transpose' ? '×' : '/')}${dil}`;
}

function spec(cls: string, kind: Kind, rank: 1 | 2 | 3, factories: string[]): LayerSpec<ConvConfig> {
  return { className: cls, factories, family: 'conv', configure: (cfg) => configure(cls, kind, rank, cfg), apply, describe };
}

export const convSpecs: LayerSpec<ConvConfig>[] = [
  spec('Conv1D', 'conv', 1, ['conv1d']),
  spec('Conv2D', 'conv', 2, ['conv2d']),
  spec('Conv3D', 'conv', 3, ['conv3d']),
  spec('Conv2DTranspose', 'transpose', 2, ['conv2dTranspose']),
  spec('Conv3DTranspose', 'transpose', 3, ['conv3dTranspose']),
  spec('SeparableConv2D', 'separable', 2, ['separableConv2d']),
  spec('DepthwiseConv2D', 'depthwise', 2, ['depthwiseConv2d']),
];

