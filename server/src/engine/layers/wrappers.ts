/**
 * Bidirectional and TimeDistributed (tfjs-layers layers/wrappers.ts): layers that hold another
 * layer (`tf.layers.bidirectional({layer: tf.layers.lstm({units: 64})})`) and apply it through the
 * catalogue spec of that inner layer.
 *
 * The inner layer arrives in the config as whatever the engine made of `tf.layers.x(...)`: anything
 * with the inner `spec`, its normalised `config` and `className` (see InnerLayer). A layer the
 * catalogue cannot see into (an unknown value, an unmodelled layer, a model used as a layer) makes
 * the wrapper's output and weights unknown, never an error and never a guess.
 */
import { isUnknown } from '../unknown';
import { Args, show } from './args';
import { DROP, checkRank, mul, one, shapeError, weight } from './shape_utils';
import { LayerError, type Dim, type LayerOutput, type LayerSpec, type RFTransform, type Shape, type WeightSpec } from './types';

/** The view of a wrapped layer the catalogue needs (the engine's layer objects have these fields). */
export interface InnerLayer {
  className: string;
  spec: LayerSpec | undefined;
  config: unknown;
  configError?: unknown;
}

/** A resolved inner layer, or null when it is a layer the catalogue cannot see into. */
type Inner = { className: string; spec: LayerSpec; config: unknown } | null;

function isInnerLayer(v: unknown): v is InnerLayer {
  return typeof v === 'object' && v !== null && 'className' in v && 'spec' in v && 'config' in v;
}

/**
 * tfjs calls `args.layer.getConfig()` (Bidirectional) or `this.layer.build` (TimeDistributed), so a
 * missing layer or plain data fails there. Class instances we cannot read (a model used as a layer,
 * a user's custom layer) are layers all the same: unknown, not wrong.
 */
function readInner(a: Args, cls: string): Inner {
  const v = a.raw('layer');
  if (isUnknown(v)) return null;
  if (v === undefined || v === null) a.fail("'layer' is required: the layer to wrap.", `e.g. tf.layers.${cls === 'Bidirectional' ? 'bidirectional({layer: tf.layers.lstm({units: 32})})' : 'timeDistributed({layer: tf.layers.dense({units: 10})})'}`);
  if (isInnerLayer(v)) {
    // An inner layer whose own config is wrong has already been reported where it was made.
    if (!v.spec || v.configError) return null;
    return { className: v.className, spec: v.spec, config: v.config };
  }
  const plainData = typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;
  if (plainData) a.fail(`'layer' must be a layer made by tf.layers.*, got ${show(v)}.`, "e.g. layer: tf.layers.lstm({units: 32}) (a layer object, not its config)");
  return null;
}

/** Runs the inner spec (on the input and any initial states), naming the wrapper in its errors. */
function applyInner(cls: string, inner: { className: string; spec: LayerSpec; config: unknown }, input: Shape, states: Shape[] = []): LayerOutput {
  try {
    return inner.spec.apply(inner.config, [input, ...states]);
  } catch (e) {
    if (e instanceof LayerError) throw new LayerError(`${cls}: ${e.message}`, e.kind, e.hint);
    throw e;
  }
}

/** Weights of a layer we cannot see into: present, of unknown size, so every count above is null. */
function unknownWeights(): WeightSpec[] {
  return [weight('weights of the wrapped layer (unknown)', [null], true)];
}

// ---------------------------------------------------------------- Bidirectional

type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;
const MERGE_MODES: readonly MergeMode[] = ['sum', 'mul', 'concat', 'ave'];

interface BidirectionalConfig {
  inner: Inner;
  /** null: mergeMode null (two outputs); undefined: unknown. */
  mergeMode: MergeMode | undefined;
}

export const bidirectionalSpec: LayerSpec<BidirectionalConfig> = {
  className: 'Bidirectional',
  factories: ['bidirectional'],
  family: 'recurrent',
  configure(cfg) {
    const a = new Args('Bidirectional', cfg);
    const inner = readInner(a, 'Bidirectional');
    const m = a.raw('mergeMode');
    let mergeMode: MergeMode | undefined;
    if (m === undefined) mergeMode = 'concat';
    else if (m === null) mergeMode = null;
    else if (isUnknown(m)) mergeMode = undefined;
    else if (typeof m === 'string' && (MERGE_MODES as readonly unknown[]).includes(m)) mergeMode = m as MergeMode;
    else a.fail(`'mergeMode' must be one of 'concat', 'sum', 'mul', 'ave' or null; got ${show(m)}.`);
    if (a.known('weights')) a.fail('initial weights are not supported for Bidirectional layers by tfjs 4.22 (NotImplementedError).', 'remove weights; call setWeights() after the model is built');
    return { inner, mergeMode };
  },
  apply(c, inputs) {
    // Inputs after the first are initial states: the first half the forward layer's, the rest the
    // backward layer's (Bidirectional.apply), each half checked by the inner RNN's build.
    const [x, ...states] = inputs as [Shape, ...Shape[]];
    if (states.length % 2) shapeError('Bidirectional', `got ${states.length} initial states: it takes the forward layer's states, then the backward layer's, as many of each (tfjs: "When passing \`initialState\` to a Bidrectional RNN, the state should be an Array containing the states of the underlying RNNs").`);
    if (!c.inner) {
      // tfjs copies the inner RNN's inputSpec: a 3-D input is all that is certain.
      checkRank('Bidirectional', x, { eq: 3 }, '[batch, timesteps, features]');
      return { outputShape: null, weights: [...unknownWeights(), ...unknownWeights()], macs: null, rf: DROP };
    }
    const half = states.length / 2;
    const fwd = applyInner('Bidirectional', c.inner, x, states.slice(0, half));
    if (half) applyInner('Bidirectional', c.inner, x, states.slice(half));
    // The backward copy differs only in goBackwards: same shapes, same weights again.
    const dup = (prefix: string) => fwd.weights.map((w) => ({ ...w, name: `${prefix}/${w.name}` }));
    const weights = [...dup('forward'), ...dup('backward')];
    // With returnState the inner layer gives [output, ...states]; the wrapper returns its merged
    // output(s), then the forward states, then the backward ones (computeOutputShape).
    const innerStates = fwd.outputShapes ? fwd.outputShapes.slice(1) : [];
    let outputShape: Shape | null = fwd.outputShape;
    if (outputShape) {
      const last = outputShape.length - 1;
      // computeOutputShape: concat doubles the last axis; sum/mul/ave keep it; null returns both
      // outputs separately.
      if (c.mergeMode === 'concat') outputShape = outputShape.map((d, i) => (i === last ? mul(d, 2) : d));
      else if (c.mergeMode === undefined) outputShape = outputShape.map((d, i) => (i === last ? null : d));
    }
    const outputs = c.mergeMode === null ? [outputShape, outputShape] : [outputShape];
    // Both directions do the inner layer's work (0 for an RNN: MACs count conv/dense only, DESIGN.md).
    const out = { outputShape, weights, macs: mul(fwd.macs, 2), rf: fwd.rf };
    // An unknown mergeMode may be null (two outputs): how many there are is unknown then.
    if (c.mergeMode === undefined && innerStates.length) return { ...out, outputShape: null };
    const all = [...outputs, ...innerStates, ...innerStates];
    return all.length > 1 ? { ...out, outputShapes: all } : out;
  },
  describe: (c) => `bidirectional(${c.inner ? (c.inner.spec.describe?.(c.inner.config) ?? c.inner.className) : '?'}${c.mergeMode === 'concat' || c.mergeMode === undefined ? '' : `, ${c.mergeMode ?? 'no merge'}`})`,
};

// ---------------------------------------------------------------- TimeDistributed

interface TimeDistributedConfig {
  inner: Inner;
}

/** The inner layer's RF transform with the time axis (spatial axis 0 here) left untouched. */
function withTimeAxis(rf: RFTransform): RFTransform {
  switch (rf.kind) {
    case 'window':
      return { kind: 'window', kernel: [1, ...rf.kernel], stride: [1, ...rf.stride], dilation: [1, ...rf.dilation] };
    case 'transpose':
      return { kind: 'transpose', kernel: [1, ...rf.kernel], stride: [1, ...rf.stride] };
    case 'upsample':
      return { kind: 'upsample', factor: [1, ...rf.factor] };
    default:
      return rf;
  }
}

export const timeDistributedSpec: LayerSpec<TimeDistributedConfig> = {
  className: 'TimeDistributed',
  factories: ['timeDistributed'],
  family: 'other',
  configure(cfg) {
    const a = new Args('TimeDistributed', cfg);
    return { inner: readInner(a, 'TimeDistributed') };
  },
  apply(c, inputs) {
    const x = one('TimeDistributed', inputs);
    checkRank('TimeDistributed', x, { min: 3 }, '[batch, timesteps, ...]', 'the wrapped layer is applied to every step of axis 1: add a time axis');
    if (!c.inner) return { outputShape: null, weights: unknownWeights(), macs: null, rf: DROP };
    const steps: Dim = x[1]!;
    // build(): the inner layer sees [batch, ...x[2:]]; the output puts the time axis back.
    const out = applyInner('TimeDistributed', c.inner, [x[0]!, ...x.slice(2)]);
    // An inner layer with several outputs (an RNN with returnState): tfjs's computeOutputShape reads
    // their list as one shape, so what comes out is not a shape the catalogue states.
    const outputShape = out.outputShape && !out.outputShapes ? [out.outputShape[0]!, steps, ...out.outputShape.slice(1)] : null;
    return { outputShape, weights: out.weights, macs: mul(out.macs, steps), rf: withTimeAxis(out.rf) };
  },
  describe: (c) => `timeDistributed(${c.inner ? (c.inner.spec.describe?.(c.inner.config) ?? c.inner.className) : '?'})`,
};

export const wrapperSpecs: LayerSpec[] = [bidirectionalSpec, timeDistributedSpec];
