/** Activation layers (tfjs-layers layers/core.ts Activation, layers/advanced_activations.ts). */
import { isUnknown } from '../unknown';
import { Args, checkIdentifiers, isInt, show, type Maybe } from './args';
import { IDENTITY, fmt, one, passThrough, shapeError, weight } from './shape_utils';
import type { Dim, LayerConfig, LayerSpec } from './types';

/** A shape-preserving, weightless layer whose only config is checked by `read`. */
function simple<C>(className: string, factory: string, read: (a: Args) => C, describe: (c: C) => string): LayerSpec<C> {
  return {
    className,
    factories: [factory],
    family: 'activation',
    configure: (cfg: LayerConfig) => read(new Args(className, cfg)),
    apply: (_c, inputs) => passThrough(one(className, inputs)),
    describe,
  };
}

export const activationSpec = simple('Activation', 'activation', (a) => ({ activation: a.activation() }), (c) => c.activation ?? 'activation ?');

export const reluSpec = simple(
  'ReLU',
  'reLU',
  (a) => {
    const maxValue = a.given('maxValue') ? a.num('maxValue', 0) : undefined;
    // call() clips to [0, maxValue]; tfjs-core clipByValue throws when maxValue < 0.
    if (maxValue != null && maxValue < 0) a.fail(`'maxValue' must be 0 or more, got ${maxValue}.`, 'e.g. maxValue: 6 for ReLU6');
    return { maxValue };
  },
  (c) => (c.maxValue === undefined ? 'relu' : `relu (max ${c.maxValue ?? '?'})`),
);

export const leakyReluSpec = simple('LeakyReLU', 'leakyReLU', (a) => ({ alpha: a.num('alpha', 0.3) }), (c) => `leaky relu ${c.alpha ?? '?'}`);

export const eluSpec = simple(
  'ELU',
  'elu',
  (a) => {
    // advanced_activations.ts ELU constructor: NotImplementedError for any alpha but 1.
    const alpha = a.num('alpha', 1);
    if (alpha !== null && alpha !== 1) a.fail(`only alpha 1 is supported by tfjs, got ${alpha}.`, 'remove alpha (or use activation: \'elu\')');
    return { alpha };
  },
  () => 'elu',
);

export const thresholdedReluSpec = simple('ThresholdedReLU', 'thresholdedReLU', (a) => ({ theta: a.num('theta', 1) }), (c) => `thresholded relu ${c.theta ?? '?'}`);

interface SoftmaxConfig {
  axis: Maybe<number> | Maybe<number>[];
}

export const softmaxSpec: LayerSpec<SoftmaxConfig> = {
  className: 'Softmax',
  factories: ['softmax'],
  family: 'activation',
  configure(cfg) {
    const a: Args = new Args('Softmax', cfg);
    const v = a.raw('axis');
    if (Array.isArray(v)) {
      return { axis: v.map((e) => (isUnknown(e) ? null : isInt(e) ? e : a.fail(`every entry of 'axis' must be an integer, got ${show(v)}.`))) };
    }
    return { axis: a.int('axis', 1) }; // tfjs's Softmax layer defaults to axis 1, not -1
  },
  apply(c, inputs) {
    const x = one('Softmax', inputs);
    const r = x.length;
    const axes = Array.isArray(c.axis) ? c.axis : [c.axis];
    if (axes.every((ax) => ax !== null)) {
      const bad = axes.find((ax) => ax! < -r || ax! >= r);
      if (bad !== undefined) shapeError('Softmax', `axis ${bad} is out of range for the ${r}-D input ${fmt(x)}.`, 'use axis: -1');
      // One axis goes to tfjs-core softmax, which only supports the last one; several go through
      // logSumExp, which accepts any.
      if (axes.length === 1 && axes[0] !== -1 && axes[0] !== r - 1) {
        const dflt = !Array.isArray(c.axis) && c.axis === 1 ? "tfjs's softmax layer defaults to axis 1, and " : '';
        shapeError('Softmax', `${dflt}tfjs only supports softmax over the last axis; on the ${r}-D input ${fmt(x)} axis ${axes[0]} throws when the model runs.`, "pass axis: -1, or use activation: 'softmax' on the previous layer");
      }
    }
    return passThrough(x);
  },
  describe: () => 'softmax',
};

interface PReLUConfig {
  sharedAxes: Maybe<number>[] | null;
  trainable: boolean;
}

export const preluSpec: LayerSpec<PReLUConfig> = {
  className: 'PReLU',
  factories: ['prelu'],
  family: 'activation',
  configure(cfg) {
    const a: Args = new Args('PReLU', cfg);
    checkIdentifiers(a, { init: ['alphaInitializer'], reg: ['alphaRegularizer'], con: ['alphaConstraint'] });
    const v = a.raw('sharedAxes');
    let shared: Maybe<number>[] | null = null;
    if (isUnknown(v)) shared = [null];
    else if (typeof v === 'number') shared = [v];
    else if (Array.isArray(v)) shared = v.map((e) => (isUnknown(e) ? null : (e as number)));
    else if (v !== undefined && v !== null) a.fail(`'sharedAxes' must be a number or an array of numbers, got ${show(v)}.`);
    // PReLU.build sets paramShape[axis - 1] = 1: axis 0 or a negative axis lands on no element and
    // is silently ignored by tfjs, so we reject it (the batch axis cannot share anyway).
    for (const ax of shared ?? []) {
      if (ax !== null && (!isInt(ax) || ax < 1)) a.fail(`every entry of 'sharedAxes' must be an axis of 1 or more (axis 0 is the batch), got ${show(v)}.`, 'e.g. sharedAxes: [1, 2] to share alpha across height and width');
    }
    return { sharedAxes: shared, trainable: a.trainable() };
  },
  apply(c, inputs) {
    const x = one('PReLU', inputs);
    const param: Dim[] = x.slice(1);
    let unknownAxes = false;
    for (const ax of c.sharedAxes ?? []) {
      if (ax === null) unknownAxes = true;
      else if (ax > param.length) shapeError('PReLU', `sharedAxes ${ax} is out of range for the ${x.length}-D input ${fmt(x)}.`, `use axes 1..${x.length - 1}`);
      else param[ax - 1] = 1;
    }
    const alpha = unknownAxes ? param.map(() => null) : param;
    return { outputShape: x.slice(), weights: [weight('alpha', alpha, c.trainable)], macs: 0, rf: IDENTITY };
  },
  describe: () => 'prelu',
};

export const activationSpecs: LayerSpec[] = [activationSpec, reluSpec, leakyReluSpec, eluSpec, thresholdedReluSpec, softmaxSpec, preluSpec];

