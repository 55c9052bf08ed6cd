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
