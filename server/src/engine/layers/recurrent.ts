/** SimpleRNN, LSTM, GRU (tfjs-layers layers/recurrent.ts). */
import { Args, checkIdentifiers, type Maybe } from './args';
import { DROP, checkRank, mul, one, shapeError, weight } from './shape_utils';
import type { LayerSpec, WeightSpec } from './types';

interface RNNConfig {
  cls: string;
  gates: number; // kernel columns per unit: 1 (SimpleRNN), 3 (GRU), 4 (LSTM)
  units: Maybe<number>;
  useBias: Maybe<boolean>;
  returnSequences: Maybe<boolean>;
  returnState: boolean;
  stateful: boolean;
  trainable: boolean;
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
        returnState: a.bool('returnState', false),
        stateful: a.bool('stateful', false),
        trainable: a.trainable(),
      };
    },
    apply(c, inputs) {
      const x = one(cls, inputs);
      checkRank(cls, x, { eq: 3 }, '[batch, timesteps, features]', x.length === 2 ? 'add a time axis: e.g. inputShape: [timesteps, features]' : x.length > 3 ? 'flatten the per-step features (e.g. timeDistributed(flatten)) first' : undefined);
      // RNN.resetStates (run by build for stateful layers) needs the batch size.
      if (c.stateful && x[0] === null) shapeError(cls, 'a stateful RNN needs a known batch size.', 'give the first layer batchInputShape (Sequential) or tf.input a batchShape');
      const k = c.gates;
      const t = c.trainable;
      const w: WeightSpec[] = [weight('kernel', [x[2]!, mul(c.units, k)], t), weight('recurrent_kernel', [c.units, mul(c.units, k)], t)];
      if (c.useBias !== false) w.push(weight('bias', c.useBias === null ? [null] : [mul(c.units, k)], t));
      // With returnState tfjs returns [output, ...states]; the contract carries the first one.
      // Whether the time axis stays decides the rank: unknown when returnSequences is.
      const outputShape = c.returnSequences === null ? null : c.returnSequences ? [x[0]!, x[1]!, c.units] : [x[0]!, c.units];
      // MACs are counted for conv/dense layers only (DESIGN.md); the time axis ends here for the RF.
      return { outputShape, weights: w, macs: 0, rf: DROP };
    },
    describe: (c) => `${factory === 'simpleRNN' ? 'rnn' : factory} ${c.units ?? '?'}${c.returnSequences ? ', sequences' : ''}`,
  };
}

export const recurrentSpecs: LayerSpec[] = [rnn('SimpleRNN', 'simpleRNN', 1), rnn('LSTM', 'lstm', 4), rnn('GRU', 'gru', 3)];
