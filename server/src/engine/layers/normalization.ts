/** BatchNormalization and LayerNormalization (tfjs-layers layers/normalization.ts). */
import { isUnknown } from '../unknown';
import { Args, checkIdentifiers, isInt, show, type Maybe } from './args';
import { IDENTITY, fmt, one, shapeError, weight } from './shape_utils';
import type { Dim, LayerSpec, Shape, WeightSpec } from './types';

const BN_INITS = ['betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer'];

/** tfjs-core batchNormalization (used by both layers' call) only exists up to rank 4. */
function checkCoreRank(layer: string, x: Shape): void {
  if (x.length > 4) {
    shapeError(layer, `tfjs 4.22 only implements normalization for inputs of rank 4 or less; ${fmt(x)} is ${x.length}-D (running the model throws NotImplementedError).`, 'reshape to 4-D around it, or normalise before the 3-D part of the network');
  }
}

/** Normalises an axis against the input rank; the batch axis cannot carry weights when its size is null. */
function axisDim(layer: string, x: Shape, axis: number, hasWeights = true): Dim {
  const r = x.length;
  const ax = axis < 0 ? axis + r : axis;
  if (ax < 0 || ax >= r) shapeError(layer, `axis ${axis} is out of range for the ${r}-D input ${fmt(x)}.`, 'use axis: -1 (the channels, for channelsLast data)');
  if (ax === 0 && x[0] === null && hasWeights) shapeError(layer, `axis ${axis} is the batch axis, whose size is unknown, so its weights cannot be created.`, 'normalise over the channel axis (axis: -1 for channelsLast, 1 for channelsFirst)');
  return x[ax]!;
}

interface BNConfig {
  axis: Maybe<number>;
  center: Maybe<boolean>;
  scale: Maybe<boolean>;
  trainable: boolean;
}

export const batchNormSpec: LayerSpec<BNConfig> = {
  className: 'BatchNormalization',
  factories: ['batchNormalization'],
  family: 'normalization',
  configure(cfg) {
    const a: Args = new Args('BatchNormalization', cfg);
    let v = a.raw('axis');
    // The constructor stores axis unchecked; build() does `axis >= 0 ? axis : axis + rank`, which
    // JavaScript coerces for a one-element array: [3] works like 3, but [-1] + 4 is the string
    // '-14' and fails. Longer arrays fail too.
    if (Array.isArray(v) && v.length === 1 && (isUnknown(v[0]) || (isInt(v[0]) && v[0] >= 0))) v = v[0];
    let axis: Maybe<number> = -1;
    if (isUnknown(v)) axis = null;
    else if (v !== undefined && v !== null) {
      if (!isInt(v)) a.fail(`'axis' must be a single integer axis, got ${show(a.raw('axis'))}.`, Array.isArray(v) && v.length === 1 ? `write axis: ${show(v[0])} (a number: tfjs mangles a negative axis inside an array)` : 'e.g. axis: -1 (channels last) or axis: 1 (channels first)');
      axis = v;
    }
    a.num('momentum', 0.99);
    a.num('epsilon', 1e-3);
    checkIdentifiers(a, { init: BN_INITS, reg: ['betaRegularizer', 'gammaRegularizer'], con: ['betaConstraint', 'gammaConstraint'] });
    return { axis, center: a.flag('center', true), scale: a.flag('scale', true), trainable: a.trainable() };
  },
  apply(c, inputs) {
    const x = one('BatchNormalization', inputs);
    const dim = c.axis === null ? null : axisDim('BatchNormalization', x, c.axis);
    checkCoreRank('BatchNormalization', x);
    const t = c.trainable;
    const w: WeightSpec[] = [];
    if (c.scale !== false) w.push(weight('gamma', c.scale === null ? [null] : [dim], t));
    if (c.center !== false) w.push(weight('beta', c.center === null ? [null] : [dim], t));
    // The moving statistics are never trained (addWeight(..., trainable false)).
    w.push(weight('moving_mean', [dim], false), weight('moving_variance', [dim], false));
    return { outputShape: x.slice(), weights: w, macs: 0, rf: IDENTITY };
  },
  describe: () => 'batch norm',
};

interface LNConfig {
  axes: Maybe<number>[] | null;
  center: Maybe<boolean>;
  scale: Maybe<boolean>;
  trainable: boolean;
}

export const layerNormSpec: LayerSpec<LNConfig> = {
  className: 'LayerNormalization',
  factories: ['layerNormalization'],
  family: 'normalization',
  configure(cfg) {
    const a: Args = new Args('LayerNormalization', cfg);
    const v = a.raw('axis');
    let axes: Maybe<number>[] | null = [-1];
    if (isUnknown(v)) axes = null;
    else if (Array.isArray(v)) axes = v.map((e) => (isUnknown(e) ? null : isInt(e) ? e : a.fail(`'axis' must be an integer or an array of integers, got ${show(v)}.`)));
    else if (v !== undefined && v !== null) {
      if (!isInt(v)) a.fail(`'axis' must be an integer or an array of integers, got ${show(v)}.`);
      axes = [v];
    }
    a.num('epsilon', 1e-3);
    checkIdentifiers(a, { init: ['betaInitializer', 'gammaInitializer'], reg: ['betaRegularizer', 'gammaRegularizer'] });
    return { axes, center: a.flag('center', true), scale: a.flag('scale', true), trainable: a.trainable() };
  },
  apply(c, inputs) {
    const x = one('LayerNormalization', inputs);
    let param: Dim[] | null = null;
    if (c.axes !== null && c.axes.every((ax) => ax !== null)) {
      const norm = (c.axes as number[]).map((ax) => (ax < 0 ? ax + x.length : ax));
      if (new Set(norm).size !== norm.length) shapeError('LayerNormalization', `duplicate axes in ${fmt(c.axes)} for the ${x.length}-D input.`, 'list each axis once');
      param = (c.axes as number[]).map((ax) => axisDim('LayerNormalization', x, ax, c.center !== false || c.scale !== false));
    }
    checkCoreRank('LayerNormalization', x);
    const shape = param ?? (c.axes ?? [null]).map(() => null);
    const w: WeightSpec[] = [];
    if (c.scale !== false) w.push(weight('gamma', c.scale === null ? [null] : shape, c.trainable));
    if (c.center !== false) w.push(weight('beta', c.center === null ? [null] : shape, c.trainable));
    return { outputShape: x.slice(), weights: w, macs: 0, rf: IDENTITY };
  },
  describe: () => 'layer norm',
};

export const normalizationSpecs: LayerSpec[] = [batchNormSpec, layerNormSpec];
