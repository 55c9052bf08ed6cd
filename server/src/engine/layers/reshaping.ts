/** Flatten, Reshape, Permute, RepeatVector (tfjs-layers layers/core.ts). */
import { isUnknown } from '../unknown';
import { Args, isInt, show, type Maybe } from './args';
import { DATA_FORMATS, DROP, checkRank, fmt, one, prod, shapeError, type DataFormat } from './shape_utils';
import type { Dim, LayerOutput, LayerSpec, Shape } from './types';

const drop = (outputShape: Shape): LayerOutput => ({ outputShape, weights: [], macs: 0, rf: DROP });

export const flattenSpec: LayerSpec<{ dataFormat: Maybe<DataFormat> }> = {
  className: 'Flatten',
  factories: ['flatten'],
  family: 'reshaping',
  // tfjs never checks Flatten's dataFormat (a typo silently keeps channelsLast order): we do.
  configure: (cfg) => ({ dataFormat: new Args('Flatten', cfg).oneOf('dataFormat', DATA_FORMATS, 'channelsLast') }),
  apply(_c, inputs) {
    const x = one('Flatten', inputs);
    checkRank('Flatten', x, { min: 3 }, '', x.length === 2 ? 'the input is already flat: remove the flatten' : undefined);
    // tfjs throws when a non-batch dim is null (unknown to it); for us null means "not known
    // statically", so the size is simply unknown.
    return drop([x[0]!, prod(x.slice(1))]);
  },
  describe: () => 'flatten',
};

interface ReshapeConfig {
  /** Entries: a size, 'infer' (a negative number, tfjs's unknown marker), or null (Unknown). */
  target: (number | 'infer' | null)[] | null;
}

export const reshapeSpec: LayerSpec<ReshapeConfig> = {
  className: 'Reshape',
  factories: ['reshape'],
  family: 'reshaping',
  configure(cfg) {
    const a: Args = new Args('Reshape', cfg);
    const v = a.raw('targetShape');
    if (v === undefined || v === null) a.fail("'targetShape' is required.", 'e.g. targetShape: [7, 7, 64] (without the batch dimension)');
    if (isUnknown(v)) return { target: null };
    // A non-array passes the constructor and apply() but fails when the model runs.
    if (!Array.isArray(v)) a.fail(`'targetShape' must be an array, got ${show(v)}.`, `write targetShape: [${show(v)}]`);
    const target = v.map((d) => {
      if (isUnknown(d)) return null;
      if (d === null || (isInt(d) && d < 0)) return 'infer' as const; // Reshape.isUnknown: dim < 0 || dim == null
      // 0 is accepted (tfjs builds it): reshaping an empty tensor (after a window one too big) to [0].
      if (!isInt(d)) a.fail(`every entry of 'targetShape' must be a non-negative integer or -1, got ${show(v)}.`);
      return d;
    });
    if (target.filter((d) => d === 'infer').length > 1) {
      a.fail(`only one dimension of 'targetShape' can be inferred (-1), got ${show(v)}.`, 'give every dimension but one explicitly');
    }
    return { target };
  },
  apply(c, inputs) {
    const x = one('Reshape', inputs);
    if (c.target === null) return { outputShape: null, weights: [], macs: 0, rf: DROP };
    const rest = x.slice(1);
    const size = prod(rest);
    const fixed = c.target.filter((d): d is number => typeof d === 'number');
    const known = prod(fixed);
    const inferIdx = c.target.indexOf('infer');
    if (size !== null && c.target.every((d) => d !== null)) {
      // Reshape.fixUnknownDimension, which tfjs only runs when the batch size is known, i.e. on
      // the real tensor: a wrong target passes apply() and fails when the model runs.
      const ok = inferIdx >= 0 ? size % known! === 0 : size === known;
      if (!ok) {
        shapeError(
          'Reshape',
          `cannot reshape ${fmt(x)} (${size} values per example) into [${c.target.map((d) => (d === 'infer' ? -1 : d)).join(', ')}]${inferIdx >= 0 ? ` (${size} is not a multiple of ${known})` : ` (${known} values)`}: tfjs builds the model, but running the model throws.`,
          'the target must hold the same number of values; use -1 for one dimension to infer it',
        );
      }
    }
    // Reshape.computeOutputShape: with any unknown input dim (the batch, normally) tfjs leaves the
    // inferred dim null; only a fully known input shape gets it resolved.
    const resolvable = x.every((d) => d !== null) && c.target.every((d) => d !== null);
    const out: Dim[] = c.target.map((d) => (d === 'infer' ? (resolvable ? size! / known! : null) : d));
    return drop([x[0]!, ...out]);
  },
  describe: (c) => `reshape [${c.target === null ? '?' : c.target.map((d) => (d === 'infer' ? -1 : d ?? '?')).join(', ')}]`,
};

export const permuteSpec: LayerSpec<{ dims: Maybe<number>[] | null }> = {
  className: 'Permute',
  factories: ['permute'],
  family: 'reshaping',
  configure(cfg) {
    const a: Args = new Args('Permute', cfg);
    const v = a.raw('dims');
    if (v === undefined || v === null) a.fail("'dims' is required.", 'e.g. dims: [2, 1] swaps the two non-batch axes');
    if (isUnknown(v)) return { dims: null };
    if (!Array.isArray(v)) a.fail(`'dims' must be an array, got ${show(v)}.`);
    const dims = v.map((d) => (isUnknown(d) ? null : (d as number)));
    if (dims.every((d) => d !== null)) {
      // Permute constructor: `dims.slice().sort()` must equal 1..n. The default sort is
      // lexicographic, so tfjs also rejects valid permutations of 10 or more axes.
      const sorted = (dims as unknown[]).slice().sort();
      if (!sorted.every((d, i) => d === i + 1)) {
        a.fail(`'dims' must be a permutation of 1..${dims.length} (axis 0, the batch, stays put), got ${show(v)}.`, `e.g. dims: [${dims.map((_, i) => dims.length - i).join(', ')}]`);
      }
    }
    return { dims };
  },
  apply(c, inputs) {
    const x = one('Permute', inputs);
    if (c.dims === null) return drop(x.map((d, i) => (i === 0 ? d : null)));
    if (x.length !== c.dims.length + 1) {
      shapeError('Permute', `dims ${fmt(c.dims)} reorder ${c.dims.length} axes, so the input must be ${c.dims.length + 1}-D; got ${fmt(x)} (${x.length}-D).`, `list every non-batch axis once: ${x.length - 1} entries`);
    }
    return drop([x[0]!, ...c.dims.map((d) => (d === null ? null : x[d]!))]);
  },
  describe: (c) => `permute [${c.dims === null ? '?' : c.dims.map((d) => d ?? '?').join(', ')}]`,
};

export const repeatVectorSpec: LayerSpec<{ n: Maybe<number> }> = {
  className: 'RepeatVector',
  factories: ['repeatVector'],
  family: 'reshaping',
  // tfjs never checks n; a missing, 0 or fractional n fails (or yields 0) only when the model runs.
  configure: (cfg) => ({ n: new Args('RepeatVector', cfg).posInt('n', { hint: 'e.g. n: 4 (how many times to repeat)' }) }),
  apply(c, inputs) {
    const x = one('RepeatVector', inputs);
    checkRank('RepeatVector', x, { eq: 2 }, '[batch, features]', x.length > 2 ? 'flatten it first' : undefined);
    return drop([x[0]!, c.n, x[1]!]);
  },
  describe: (c) => `repeat ×${c.n ?? '?'}`,
};

export const reshapingSpecs: LayerSpec[] = [flattenSpec, reshapeSpec, permuteSpec, repeatVectorSpec];
