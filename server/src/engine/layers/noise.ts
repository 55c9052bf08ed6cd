/** Dropout and noise layers (layers/core.ts Dropout, SpatialDropout1D; layers/noise.ts). */
import { Args, type Maybe } from './args';
import { checkRank, one, passThrough } from './shape_utils';
import type { LayerSpec } from './types';

/**
 * tfjs reads `rate` blindly: a missing one is NaN and Dropout clamps anything outside [0, 1], so a
 * typo silently disables the layer. We require a rate in [0, 1) (1 would drop everything, and tfjs
 * then silently drops nothing).
 */
function rate(a: Args): Maybe<number> {
  const r = a.requiredNum('rate', 'e.g. rate: 0.5 (the fraction of units to drop)');
  if (r !== null && !(r >= 0 && r < 1)) a.fail(`'rate' must be at least 0 and below 1, got ${r}.`, r >= 1 && r < 100 ? `a fraction, not a percentage: rate: ${r / 100}` : 'e.g. rate: 0.5');
  return r;
}

function noise(className: string, factory: string, label: string, read: (a: Args) => Maybe<number>, rank3 = false): LayerSpec<{ value: Maybe<number> }> {
  return {
    className,
    factories: [factory],
    family: 'regularization',
    configure: (cfg) => ({ value: read(new Args(className, cfg)) }),
    apply(_c, inputs) {
      const x = one(className, inputs);
      if (rank3) checkRank(className, x, { eq: 3 }, '[batch, steps, channels]');
      return passThrough(x); // identity at inference; same shape when training
    },
    describe: (c) => `${label} ${c.value ?? '?'}`,
  };
}

export const noiseSpecs: LayerSpec[] = [
  noise('Dropout', 'dropout', 'dropout', rate),
  noise('SpatialDropout1D', 'spatialDropout1d', 'spatial dropout', rate, true),
  noise('GaussianDropout', 'gaussianDropout', 'gaussian dropout', rate),
  noise('AlphaDropout', 'alphaDropout', 'alpha dropout', rate),
  noise('GaussianNoise', 'gaussianNoise', 'gaussian noise', (a) => {
    const s = a.requiredNum('stddev', 'e.g. stddev: 0.1');
    if (s !== null && s < 0) a.fail(`'stddev' must be 0 or more, got ${s}.`);
    return s;
  }),
];
