/** Embedding (tfjs-layers layers/embeddings.ts). */
import { isUnknown } from '../unknown';
import { Args, checkIdentifiers, isInt, show, type Maybe } from './args';
import { IDENTITY, fmt, shapeError, one, weight } from './shape_utils';
import type { Dim, LayerSpec } from './types';

export interface EmbeddingConfig {
  inputDim: Maybe<number>;
  outputDim: Maybe<number>;
  /** undefined: not given; null entries: null in the config or Unknown. */
  inputLength: Dim[] | undefined;
  trainable: boolean;
}

/** `inputLength` as generic_utils.toList reads it: a number or an array. */
export function readInputLength(a: Args): Dim[] | undefined {
  const v = a.raw('inputLength');
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return [null];
  const list = Array.isArray(v) ? v : [v];
  return list.map((e) => {
    if (e === null || isUnknown(e)) return null;
    if (!isInt(e) || e < 1) a.fail(`'inputLength' must be a positive integer (or an array of them), got ${show(v)}.`, 'e.g. inputLength: 100 (tokens per example)');
    return e;
  });
}

export const embeddingSpec: LayerSpec<EmbeddingConfig> = {
  className: 'Embedding',
  factories: ['embedding'],
  family: 'embedding',
  configure(cfg) {
    const a: Args = new Args('Embedding', cfg);
    const inputDim = a.posInt('inputDim', { hint: 'inputDim is the vocabulary size (largest token id + 1)' });
    const outputDim = a.posInt('outputDim', { hint: 'outputDim is the size of each embedding vector, e.g. 64' });
    checkIdentifiers(a, { init: ['embeddingsInitializer'], reg: ['embeddingsRegularizer', 'activityRegularizer'], con: ['embeddingsConstraint'] });
    if (a.known('activityRegularizer')) {
      a.fail('tfjs 4.22 cannot apply a layer that has an activityRegularizer (NotImplementedError).', 'remove activityRegularizer');
    }
    return { inputDim, outputDim, inputLength: readInputLength(a), trainable: a.trainable() };
  },
  apply(c, inputs) {
    const x = one('Embedding', inputs);
    const w = [weight('embeddings', [c.inputDim, c.outputDim], c.trainable)];
    if (c.inputLength === undefined) return { outputShape: [...x, c.outputDim], weights: w, macs: 0, rf: IDENTITY };
    // Embedding.computeOutputShape: one inputLength per non-batch axis; known sizes must agree.
    const lens = c.inputLength;
    if (lens.length !== x.length - 1) shapeError('Embedding', `inputLength ${fmt(lens)} does not match the input ${fmt(x)}: it needs one length per non-batch axis.`);
    const out = lens.map((l, k) => {
      const s = x[k + 1]!;
      if (l !== null && s !== null && l !== s) shapeError('Embedding', `inputLength ${fmt(lens)} does not match the input ${fmt(x)}.`, 'make inputLength the sequence length of the data, or drop it');
      return l === null ? s : l;
    });
    return { outputShape: [x[0]!, ...out, c.outputDim], weights: w, macs: 0, rf: IDENTITY };
  },
  describe: (c) => `embedding ${c.inputDim ?? '?'}→${c.outputDim ?? '?'}`,
};
