/** SimpleRNN, LSTM, GRU (tfjs-layers layers/recurrent.ts) and ConvLSTM2D (layers/convolutional_recurrent.ts). */
import { isUnknown } from '../unknown';
import { Args, checkIdentifiers, type Maybe } from './args';
import {
  DATA_FORMATS, DROP, PADDINGS, checkRank, convLength, dims, doesNotFit, emptyOutput, mul, shapeError, weight,
  type DataFormat, type Padding,
} from './shape_utils';
import type { Dim, LayerConfig, LayerSpec, Shape, WeightSpec } from './types';

interface RNNConfig {
  cls: string;
  gates: number; // kernel columns per unit: 1 (SimpleRNN), 3 (GRU), 4 (LSTM)
  units: Maybe<number>;
  useBias: Maybe<boolean>;
  returnSequences: Maybe<boolean>;
  returnState: Maybe<boolean>;
  stateful: boolean;
  trainable: boolean;
}

/**
 * The initial states an RNN was applied with (`lstm.apply([x, h, c])`, or `{initialState: [h, c]}`,
 * which tfjs appends to the inputs the same way): RNN.build throws unless there is one per entry of
 * the cell's stateSize and each one's last axis is that size (tfjs compares the two lists).
 */
export function checkInitialStates(cls: string, stateSize: Dim[], states: Shape[]): void {
  if (!states.length) return;
  const sizes = states.map((s) => s[s.length - 1] ?? null);
  const fits = sizes.length === stateSize.length && sizes.every((d, i) => d === null || stateSize[i] === null || d === stateSize[i]);
  if (fits) return;
  const want = stateSize.length === 2 ? `2 states (h and c) of size ${stateSize[0] ?? '?'}` : `1 state of size ${stateSize[0] ?? '?'}`;
  shapeError(cls, `the initial state does not fit the cell: it takes ${want}, got ${states.length} of size ${sizes.map((d) => d ?? '?').join(', ') || '-'} (tfjs: "An initialState was passed that is not compatible with cell.stateSize").`,
    stateSize.length === 2 ? 'pass [h, c], each [batch, units], e.g. the states an LSTM with returnState returned' : 'pass one state [batch, units]');
}

function rnn(cls: string, factory: string, gates: number): LayerSpec<RNNConfig> {
  return {
    className: cls,
    factories: [factory],
    family: 'recurrent',
    configure(cfg) {
      const a: Args = new Args(cls, cfg);
      const units = a.posInt('units', { hint: 'e.g. units: 64 (the size of the hidden state)' });
      a.activation();
      if (gates > 1) a.activation('recurrentActivation');
      a.num('dropout', 0);
      a.num('recurrentDropout', 0);
      // GRUCell constructor: resetAfter (Keras's CuDNN-compatible GRU) is not supported.
      if (gates === 3 && a.bool('resetAfter', false)) a.fail('resetAfter: true is not supported by tfjs.', 'remove resetAfter');
      checkIdentifiers(a, {
        init: ['kernelInitializer', 'recurrentInitializer', 'biasInitializer'],
        reg: ['kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'],
        con: ['kernelConstraint', 'recurrentConstraint', 'biasConstraint'],
      });
      return {
        cls, gates, units,
        useBias: a.flag('useBias', true),
        returnSequences: a.flag('returnSequences', false),
        returnState: a.flag('returnState', false),
        stateful: a.bool('stateful', false),
        trainable: a.trainable(),
      };
    },
    apply(c, inputs) {
      // Inputs after the first are initial states (RNN.apply's standardizeArgs).
      const [x, ...states] = inputs as [Shape, ...Shape[]];
      checkRank(cls, x, { eq: 3 }, '[batch, timesteps, features]', x.length === 2 ? 'add a time axis: e.g. inputShape: [timesteps, features]' : x.length > 3 ? 'flatten the per-step features (e.g. timeDistributed(flatten)) first' : undefined);
      // RNN.resetStates (run by build for stateful layers) needs the batch size.
      if (c.stateful && x[0] === null) shapeError(cls, 'a stateful RNN needs a known batch size.', 'give the first layer batchInputShape (Sequential) or tf.input a batchShape');
      // cell.stateSize: [units, units] for LSTM (h and c), [units] for GRU and SimpleRNN.
      const stateSize: Dim[] = gates === 4 ? [c.units, c.units] : [c.units];
      checkInitialStates(cls, stateSize, states);
      const k = c.gates;
      const t = c.trainable;
      const w: WeightSpec[] = [weight('kernel', [x[2]!, mul(c.units, k)], t), weight('recurrent_kernel', [c.units, mul(c.units, k)], t)];
      if (c.useBias !== false) w.push(weight('bias', c.useBias === null ? [null] : [mul(c.units, k)], t));
      // Whether the time axis stays decides the rank: unknown when returnSequences is.
      const outputShape = c.returnSequences === null ? null : c.returnSequences ? [x[0]!, x[1]!, c.units] : [x[0]!, c.units];
      // MACs are counted for conv/dense layers only (DESIGN.md); the time axis ends here for the RF.
      const out = { outputShape, weights: w, macs: 0, rf: DROP };
      // returnState: [output, ...states], each state [batch, size] (computeOutputShape). Whether
      // there are several outputs at all is unknown when returnState is: so is the output.
      if (c.returnState === null) return { ...out, outputShape: null };
      return c.returnState ? { ...out, outputShapes: [outputShape, ...stateSize.map((d): Shape => [x[0]!, d])] } : out;
    },
    describe: (c) => `${factory === 'simpleRNN' ? 'rnn' : factory} ${c.units ?? '?'}${c.returnSequences ? ', sequences' : ''}`,
  };
}

// ---------------------------------------------------------------- ConvLSTM2D

interface ConvLSTM2DConfig {
  filters: Maybe<number>;
  kernel: Dim[];
  strides: Dim[];
  dilation: Dim[];
  padding: Maybe<Padding>;
  dataFormat: Maybe<DataFormat>;
  useBias: Maybe<boolean>;
  returnSequences: Maybe<boolean>;
  returnState: Maybe<boolean>;
  stateful: boolean;
  trainable: boolean;
}

/**
 * ConvLSTM2DCell reads `strides || 1`, `padding || 'valid'`, `dataFormat || 'channelsLast'` and
 * `dilationRate || 1`: a falsy value (0, '', false, NaN) is the default there, not an error.
 */
function falsyIsDefault(cfg: LayerConfig): LayerConfig {
  if (cfg === null || typeof cfg !== 'object' || isUnknown(cfg)) return cfg;
  const out: LayerConfig = { ...cfg };
  for (const k of ['strides', 'padding', 'dataFormat', 'dilationRate']) {
    const v = out[k];
    if (v !== undefined && v !== null && !isUnknown(v) && !v) delete out[k];
  }
  return out;
}

/**
 * ConvLSTM2D: an LSTM whose four gates are 2-D convolutions (of the step's image with `kernel`, and
 * of the previous state with `recurrent_kernel`, stride 1 and 'same' padding). Input
 * [batch, time, height, width, channels] (channelsFirst: [batch, time, channels, height, width]);
 * the output's spatial size is conv2d's arithmetic on the input's, and returnSequences keeps the
 * time axis.
 */
export const convLstm2dSpec: LayerSpec<ConvLSTM2DConfig> = {
  className: 'ConvLSTM2D',
  factories: ['convLstm2d'],
  family: 'recurrent',
  configure(cfg) {
    const cls = 'ConvLSTM2D';
    const a: Args = new Args(cls, falsyIsDefault(cfg));
    // ConvRNN2D constructor, before anything else.
    if (a.bool('unroll', false)) a.fail('unroll: true is not possible with convolutional RNNs (tfjs throws NotImplementedError).', 'remove unroll');
    // LSTMCell reads filters as its units (assertPositiveInteger), then ConvLSTM2DCell the rest.
    const filters = a.posInt('filters', { hint: 'e.g. filters: 32 (the number of output channels)' });
    const kernel = a.tuple('kernelSize', 2, undefined, 'kernel size');
    const strides = a.tuple('strides', 2, 1, 'stride');
    const padding = a.oneOf('padding', PADDINGS, 'valid');
    const dataFormat = a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast');
    const dilation = a.tuple('dilationRate', 2, 1, 'dilation rate');
    a.activation();
    a.activation('recurrentActivation');
    a.num('dropout', 0);
    a.num('recurrentDropout', 0);
    checkIdentifiers(a, {
      init: ['kernelInitializer', 'recurrentInitializer', 'biasInitializer'],
      reg: ['kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer'],
      con: ['kernelConstraint', 'recurrentConstraint', 'biasConstraint'],
    });
    if (padding === 'causal') {
      // checkPaddingMode accepts it; the cell's tf.conv2d throws "Unknown padding parameter: causal" when the model runs.
      a.fail("padding 'causal' is not implemented by tfjs for ConvLSTM2D (running the model throws).", "use padding: 'valid' or 'same'");
    }
    if (strides.some((s) => s !== null && s !== 1) && dilation.some((d) => d !== null && d !== 1) && [...strides, ...dilation].every((x) => x !== null)) {
      // The input convolution is tf.conv2d, which asserts this at execution time only.
      a.fail(`strides ${dims(strides)} together with dilationRate ${dims(dilation)}: tfjs requires all strides or all dilation rates to be 1 (running the model throws).`, 'use a stride of 1 with the dilation, and downsample with a separate pooling or strided layer');
    }
    return {
      filters, kernel, strides, dilation, padding, dataFormat,
      useBias: a.flag('useBias', true),
      returnSequences: a.flag('returnSequences', false),
      returnState: a.flag('returnState', false),
      stateful: a.bool('stateful', false),
      trainable: a.trainable(),
    };
  },
  apply(c, inputs) {
    const cls = 'ConvLSTM2D';
    // Inputs after the first are initial states. tfjs 4.22's ConvRNN2D.computeOutputShape reads the
    // whole list as one shape then (apply throws TypeError, tfjs/session.ts warns; with returnState
    // it yields malformed shapes): the outputs are unknown, never a guess.
    const [x, ...states] = inputs as [Shape, ...Shape[]];
    const cf = c.dataFormat === 'channelsFirst';
    checkRank(cls, x, { eq: 5 }, cf ? '[batch, time, channels, height, width]' : '[batch, time, height, width, channels]',
      x.length === 4 ? 'ConvLSTM2D reads a sequence of images: add a time axis, e.g. inputShape: [frames, height, width, channels]' : undefined);
    // ConvRNN2D.resetStates (run by build for stateful layers) needs the batch size.
    if (c.stateful && x[0] === null) shapeError(cls, 'a stateful RNN needs a known batch size.', 'give the first layer batchInputShape (Sequential) or tf.input a batchShape');
    const fmtKnown = c.dataFormat !== null;
    const cin: Dim = fmtKnown ? x[cf ? 2 : 4]! : null;
    const space: Dim[] = fmtKnown ? (cf ? [x[3]!, x[4]!] : [x[2]!, x[3]!]) : [null, null];
    // computeSingleOutputShape: convOutputLength on height and width; the recurrent convolution keeps that grid.
    const outSpace = space.map((len, i) => convLength(len, c.kernel[i]!, c.padding, c.strides[i]!, c.dilation[i]!));
    const warnings: string[] = [];
    if (outSpace.some((d) => d !== null && d < 0)) {
      const eff = c.kernel.map((k, i) => (k === null || c.dilation[i] === null ? null : k + (k - 1) * (c.dilation[i]! - 1)));
      const dilated = c.dilation.some((d) => d !== 1) ? ` dilated by ${dims(c.dilation)} (spanning ${dims(eff)})` : '';
      shapeError(cls, doesNotFit('kernel', c.kernel, dilated, c.padding ?? '?', space, outSpace), "use padding: 'same', a smaller kernel, or remove a downsampling layer before it");
    }
    if (outSpace.some((d) => d === 0))
      warnings.push(`${cls}: ${emptyOutput('kernel', c.kernel, c.padding ?? '?', space, outSpace, "Use padding: 'same', a smaller kernel, or remove a downsampling layer before it.")}`);

    const f = c.filters;
    const t = c.trainable;
    const w: WeightSpec[] = [
      weight('kernel', [...c.kernel, cin, mul(f, 4)], t),
      weight('recurrent_kernel', [...c.kernel, f, mul(f, 4)], t),
    ];
    if (c.useBias !== false) w.push(weight('bias', c.useBias === null ? [null] : [mul(f, 4)], t));

    const frame: Dim[] = !fmtKnown ? [null, null, null] : cf ? [f, ...outSpace] : [...outSpace, f];
    const outputShape: Shape | null = states.length || c.returnSequences === null ? null : c.returnSequences ? [x[0]!, x[1]!, ...frame] : [x[0]!, ...frame];
    // returnState: [output, h, c], each state one frame [batch, ...output.slice(-3)] (computeOutputShape);
    // how many outputs there are is unknown when returnState is.
    const stateShape: Shape | null = states.length ? null : [x[0]!, ...frame];
    const several = c.returnState === null ? { outputShape: null } : c.returnState ? { outputShapes: [outputShape, stateShape, stateShape] } : {};
    // MACs: 0, the convention of SimpleRNN/LSTM/GRU above (MACs count conv/dense layers only; the
    // recurrent family is not counted, and Bidirectional doubles that 0). Counted like conv2d, one
    // step would be Hout·Wout·kh·kw·4·filters·(channels + filters) (input and recurrent convolutions),
    // times the timesteps; not counted here so that the recurrent layers stay on one convention.
    // RF: each output step sees every earlier step through the recurrent convolution, so its field
    // grows with the time index; no single window describes it, and the field stops here (as for LSTM).
    return { outputShape, weights: w, macs: 0, rf: DROP, ...several, ...(warnings.length ? { warnings } : {}) };
  },
  describe: (c) => {
    const q = (d: Dim) => (d === null ? '?' : String(d));
    const s = c.strides.every((x) => x === 1) ? '' : c.strides.every((x) => x === c.strides[0]) ? `, /${q(c.strides[0]!)}` : `, /${dims(c.strides)}`;
    return `${dims(c.kernel)} convLstm2d, ${q(c.filters)}${s}${c.returnSequences ? ', sequences' : ''}`;
  },
};

export const recurrentSpecs: LayerSpec[] = [rnn('SimpleRNN', 'simpleRNN', 1), rnn('LSTM', 'lstm', 4), rnn('GRU', 'gru', 3), convLstm2dSpec as LayerSpec];
