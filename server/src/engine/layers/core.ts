/** Dense and Masking (tfjs-layers layers/core.ts). */
import { Args, checkIdentifiers, type Maybe } from './args';
import { IDENTITY, checkRank, mul, one, passThrough, prod, weight } from './shape_utils';
import type { Dim, LayerSpec, WeightSpec } from './types';

interface DenseConfig {
  units: Maybe<number>;
  useBias: Maybe<boolean>;
  activation: Maybe<string>;
  trainable: boolean;
}

export const denseSpec: LayerSpec<DenseConfig> = {
  className: 'Dense',
  factories: ['dense'],
  family: 'dense',
  configure(cfg) {
    const a: Args = new Args('Dense', cfg);
    const units = a.posInt('units', { hint: 'e.g. units: 10 (the number of outputs)' });
    const activation = a.activation();
    checkIdentifiers(a, { init: ['kernelInitializer', 'biasInitializer'], reg: ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer'], con: ['kernelConstraint', 'biasConstraint'] });
    if (a.known('activityRegularizer')) {
      a.fail('tfjs 4.22 cannot apply a layer that has an activityRegularizer (NotImplementedError).', 'remove activityRegularizer; use kernelRegularizer instead');
    }
    return { units, useBias: a.flag('useBias', true), activation, trainable: a.trainable() };
  },
  apply(c, inputs) {
    const x = one('Dense', inputs);
    checkRank('Dense', x, { min: 2 }, '[batch, features]');
    const inDim: Dim = x[x.length - 1]!;
    const weights: WeightSpec[] = [weight('kernel', [inDim, c.units], c.trainable)];
    if (c.useBias !== false) weights.push(weight('bias', c.useBias === null ? [null] : [c.units], c.trainable));
    // Dense acts on the last axis only; every other non-batch position repeats the matmul.
    const macs = mul(prod(x.slice(1, -1)), inDim, c.units);
    return { outputShape: [...x.slice(0, -1), c.units], weights, macs, rf: IDENTITY };
  },
  describe: (c) => `dense ${c.units ?? '?'}`,
};

export const maskingSpec: LayerSpec<{ maskValue: Maybe<number> }> = {
  className: 'Masking',
  factories: ['masking'],
  family: 'other',
  // Not checked by the constructor, but a non-number fails in call() ("Can not upcast float32 with string").
  configure: (cfg) => ({ maskValue: new Args('Masking', cfg).num('maskValue', 0) }),
  apply: (_c, inputs) => passThrough(one('Masking', inputs)),
  describe: (c) => `masking ${c.maskValue ?? '?'}`,
};
