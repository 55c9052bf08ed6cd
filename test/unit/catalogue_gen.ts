/**
 * Seeded random layer configurations for the catalogue's differential test and bench.
 * Each case is a tf.layers factory, a plain-data config and batch-inclusive input shapes. About a
 * third are mutated towards something wrong (too-small inputs, wrong ranks, bad values, missing
 * keys, mismatched merges, ...); the oracle (real tfjs), not the generator, decides validity.
 */
import { mulberry32 } from '../helpers/prng';

export { mulberry32 };
export type GenShape = (number | null)[];
export type GenConfig = Record<string, unknown>;

export interface GenCase {
  id: number;
  factory: string;
  family: string;
  config: GenConfig;
  inputs: GenShape[];
  /** What was done to the base config, or 'base'. */
  mutation: string;
}

export const SEED = 0x5eed2026;


class R {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A number or, sometimes, a per-axis tuple. */
  tuple(n: number, lo: number, hi: number, pTuple = 0.3): number | number[] {
    if (n > 1 && this.chance(pTuple)) return Array.from({ length: n }, () => this.int(lo, hi));
    return this.int(lo, hi);
  }
}

type Made = { config: GenConfig; inputs: GenShape[]; mutation: string };
type Gen = (r: R) => Made;

const ACTS = ['relu', 'linear', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'relu6', 'swish', 'gelu', 'mish', 'hardSigmoid', 'softplus', 'softsign', 'logSoftmax', 'gelu_new', 'relu', 'relu', 'ReLU', 'LeakyReLU', 'MaxNorm', 'Dropout'];
const BAD_ACTS = ['Relu', 'RELU', 'bogus', 'leakyRelu', 'hard_sigmoid'];

const asList = (v: number | number[], n: number): number[] => (Array.isArray(v) ? v : new Array<number>(n).fill(v));

/** Batch dim: usually null, sometimes a known size (exercises tfjs paths that need it). */
function batch(r: R): number | null {
  return r.chance(0.15) ? r.int(1, 3) : null;
}

function commonMutations(r: R, m: Made): void {
  if (r.chance(0.05)) {
    m.config.trainable = false;
    m.mutation += '+untrainable';
  }
}

// ---------------------------------------------------------------- convolutions

function convGen(rank: 1 | 2 | 3, kind: 'conv' | 'transpose' | 'separable' | 'depthwise'): Gen {
  return (r) => {
    const maxS = rank === 1 ? 40 : rank === 2 ? 20 : 8;
    const k = r.tuple(rank, 1, rank === 3 ? 3 : 5);
    const ks = asList(k, rank);
    let strides: number | number[] = r.chance(0.6) ? 1 : r.tuple(rank, 1, 3);
    let dilation: number | number[] = 1;
    if (kind !== 'transpose' && asList(strides, rank).every((s) => s === 1) && r.chance(0.25)) dilation = r.tuple(rank, 1, 3);
    const padding = r.pick(['valid', 'same', 'same']);
    const df = rank === 1 || r.chance(0.8) ? undefined : 'channelsFirst';
    const C = r.int(1, 16);
    const eff = ks.map((kk, i) => kk + (kk - 1) * (asList(dilation, rank)[i]! - 1));
    const space = eff.map((e) => (padding === 'valid' ? r.int(Math.min(e, maxS), maxS) : r.int(1, maxS)));
    const b = batch(r);
    const config: GenConfig = { kernelSize: k };
    if (kind !== 'depthwise') config.filters = r.int(1, 16);
    if (kind === 'separable' || kind === 'depthwise') if (r.chance(0.4)) config.depthMultiplier = r.int(1, 3);
    if (!(Array.isArray(strides) ? false : strides === 1) || r.chance(0.3)) config.strides = strides;
    if (dilation !== 1) config.dilationRate = dilation;
    if (padding !== 'valid' || r.chance(0.3)) config.padding = padding;
    if (df) config.dataFormat = df;
    if (r.chance(0.3)) config.useBias = r.chance(0.5);
    if (r.chance(0.5)) config.activation = r.pick(ACTS);
    if (kind === 'separable' && df === 'channelsFirst') config.useBias = false;
    let input: GenShape = df ? [b, C, ...space] : [b, ...space, C];
    const m: Made = { config, inputs: [input], mutation: 'base' };
    if (r.chance(0.38)) {
      const mut = r.pick(['small', 'small', 'rank', 'filters', 'kernel', 'strides', 'dilstride', 'causal', 'padding', 'dataFormat', 'activation', 'nulldims', 'nullchannel', 'init', 'activityReg', 'missing', 'dilation', 'cfsep', 'depthMult']);
      m.mutation = mut;
      switch (mut) {
        case 'small': {
          config.padding = 'valid';
          const sp = ks.map((kk) => r.int(1, Math.max(1, kk - 1)));
          input = df ? [b, C, ...sp] : [b, ...sp, C];
          if (r.chance(0.5)) config.kernelSize = ks.map((kk) => kk + 2);
          break;
        }
        case 'rank':
          input = r.chance(0.5) ? input.slice(0, -1) : [...input, r.int(1, 4)];
          break;
        case 'filters':
          config.filters = r.pick([0, -3, 2.5, '16', null, NaN]);
          break;
        case 'kernel':
          config.kernelSize = r.pick([0, -1, 2.5, '3', [3], [3, 3, 3, 3], [2, 0, 2].slice(0, rank), [1.5, 2, 2].slice(0, rank), [], [3, 3].slice(0, rank === 1 ? 2 : rank - 1)]);
          break;
        case 'strides':
          config.strides = r.pick([0, -1, 1.5, '2', [1], [2, 2, 2, 2], [0, 1, 1].slice(0, rank), 2.5]);
          break;
        case 'dilstride':
          config.strides = r.int(2, 3);
          config.dilationRate = r.chance(0.5) ? 2 : [2, 1, 1].slice(0, rank);
          input = df ? [b, C, ...space.map((s) => s + 6)] : [b, ...space.map((s) => s + 6), C];
          break;
        case 'dilation':
          config.dilationRate = r.pick([0, -2, 1.5, [2], '2', [2, 2, 2, 2]]);
          break;
        case 'causal':
          config.padding = 'causal';
          break;
        case 'padding':
          config.padding = r.pick(['SAME', 'full', 'Valid', 3]);
          break;
        case 'dataFormat':
          config.dataFormat = r.pick(['channels_first', 'NHWC', 'channelsFirst', 'channelsLast']);
          break;
        case 'activation':
          config.activation = r.pick(BAD_ACTS);
          break;
        case 'nulldims':
          input = input.map((d, i) => (i === 0 ? d : (df ? i >= 2 : i < input.length - 1) && r.chance(0.7) ? null : d));
          break;
        case 'nullchannel':
          input = input.map((d, i) => (i === (df ? 1 : input.length - 1) ? null : d));
          break;
        case 'init':
          config[r.pick(['kernelInitializer', 'biasInitializer'])] = r.pick(['heNormal', 'glorotUniform', 'he_normal', 'xavier', 'zeros', 'Ones']);
          if (kind === 'separable') {
            delete config.kernelInitializer;
            config.depthwiseInitializer = r.pick(['heNormal', 'bogus']);
          }
          break;
        case 'activityReg':
          config.activityRegularizer = 'l1l2';
          break;
        case 'missing':
          delete config[r.pick(['kernelSize', 'filters'])];
          break;
        case 'cfsep':
          config.dataFormat = 'channelsFirst';
          delete config.useBias;
          input = [b, C, ...space];
          break;
        case 'depthMult':
          config.depthMultiplier = r.pick([0, -1, 1.5, 2]);
          break;
      }
      m.inputs = [input];
    }
    commonMutations(r, m);
    return m;
  };
}

// ---------------------------------------------------------------- pooling

function poolGen(rank: 1 | 2 | 3): Gen {
  return (r) => {
    const maxS = rank === 1 ? 40 : rank === 2 ? 20 : 8;
    const pool = r.chance(0.2) ? undefined : r.tuple(rank, 1, 4);
    const ps = asList(pool ?? 2, rank);
    const strides = r.chance(0.5) ? undefined : r.tuple(rank, 1, 3);
    const padding = r.pick(['valid', 'same', undefined]);
    const df = rank > 1 && r.chance(0.2) ? 'channelsFirst' : undefined;
    const C = r.int(1, 16);
    const space = ps.map((p) => (padding === 'same' ? r.int(1, maxS) : r.int(Math.min(p, maxS), maxS)));
    const b = batch(r);
    const config: GenConfig = {};
    if (pool !== undefined) config.poolSize = pool;
    if (strides !== undefined) config.strides = strides;
    if (padding) config.padding = padding;
    if (df) config.dataFormat = df;
    let input: GenShape = df ? [b, C, ...space] : [b, ...space, C];
    const m: Made = { config, inputs: [input], mutation: 'base' };
    if (r.chance(0.35)) {
      const mut = r.pick(['small', 'small', 'rank', 'poolSize', 'strides', 'causal', 'padding', 'dataFormat', 'nulldims']);
      m.mutation = mut;
      switch (mut) {
        case 'small': {
          delete config.padding;
          const big = ps.map((p) => p + r.int(1, 3));
          config.poolSize = rank === 1 && r.chance(0.5) ? big[0] : big;
          const sp = big.map((p) => r.int(1, p - 1));
          input = df ? [b, C, ...sp] : [b, ...sp, C];
          break;
        }
        case 'rank':
          input = r.chance(0.5) ? input.slice(0, -1) : [...input, 2];
          break;
        case 'poolSize':
          config.poolSize = r.pick([0, -2, 1.5, '2', [2], [2, 2], [2, 2, 2], [2, 2, 2, 2], [0, 2, 2].slice(0, rank)]);
          break;
        case 'strides':
          config.strides = r.pick([0, -1, 1.5, '1', [1], [2, 2], [2, 2, 2], [2, 2, 2, 2]]);
          break;
        case 'causal':
          config.padding = 'causal';
          break;
        case 'padding':
          config.padding = r.pick(['SAME', 'full']);
          break;
        case 'dataFormat':
          config.dataFormat = r.pick(['channels_first', 'NCHW']);
          break;
        case 'nulldims':
          input = input.map((d, i) => (i === 0 || i === (df ? 1 : input.length - 1) ? d : null));
          break;
      }
      m.inputs = [input];
    }
    return m;
  };
}

function globalPoolGen(rank: 1 | 2): Gen {
  return (r) => {
    const df = rank === 2 && r.chance(0.3) ? r.pick(['channelsFirst', 'channelsLast']) : undefined;
    const space = Array.from({ length: rank }, () => r.int(1, 16));
    const C = r.int(1, 32);
    let input: GenShape = df === 'channelsFirst' ? [batch(r), C, ...space] : [batch(r), ...space, C];
    const config: GenConfig = df ? { dataFormat: df } : {};
    let mutation = 'base';
    if (r.chance(0.3)) {
      mutation = r.pick(['rank', 'dataFormat', 'nulldims']);
      if (mutation === 'rank') input = r.chance(0.5) ? input.slice(0, -1) : [...input, 3];
      if (mutation === 'dataFormat') config.dataFormat = 'channels_last';
      if (mutation === 'nulldims') input = input.map((d, i) => (i > 0 && i < input.length - 1 ? null : d));
    }
    return { config, inputs: [input], mutation };
  };
}

// ---------------------------------------------------------------- core

const denseGen: Gen = (r) => {
  const rank = r.pick([2, 2, 2, 3, 4]);
  const input: GenShape = [batch(r), ...Array.from({ length: rank - 1 }, () => r.int(1, 32))];
  const config: GenConfig = { units: r.int(1, 32) };
  if (r.chance(0.4)) config.activation = r.pick(ACTS);
  if (r.chance(0.3)) config.useBias = r.chance(0.5);
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['units', 'units', 'rank1', 'nulllast', 'activation', 'activityReg', 'init', 'missing']);
    if (m.mutation === 'units') config.units = r.pick([0, -1, 2.5, '10', NaN]);
    if (m.mutation === 'rank1') m.inputs = [[input[0]!]];
    if (m.mutation === 'nulllast') m.inputs = [[...input.slice(0, -1), null]];
    if (m.mutation === 'activation') config.activation = r.pick(BAD_ACTS);
    if (m.mutation === 'activityReg') config.activityRegularizer = 'l1l2';
    if (m.mutation === 'init') config.kernelInitializer = r.pick(['varianceScaling', 'glorot_uniform', 'leCunNormal']);
    if (m.mutation === 'missing') delete config.units;
  }
  commonMutations(r, m);
  return m;
};

const flattenGen: Gen = (r) => {
  const rank = r.int(3, 5);
  const input: GenShape = [batch(r), ...Array.from({ length: rank - 1 }, () => r.int(1, 8))];
  const config: GenConfig = r.chance(0.2) ? { dataFormat: r.pick(['channelsFirst', 'channelsLast']) } : {};
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.3)) {
    m.mutation = r.pick(['rank2', 'nulldim', 'dataFormat']);
    if (m.mutation === 'rank2') m.inputs = [[input[0]!, r.int(1, 8)]];
    if (m.mutation === 'nulldim') m.inputs = [input.map((d, i) => (i === 1 ? null : d))];
    if (m.mutation === 'dataFormat') config.dataFormat = 'channels_first';
  }
  return m;
};

function factorize(n: number, parts: number, r: R): number[] {
  const out: number[] = [];
  let rest = n;
  for (let i = 0; i < parts - 1; i++) {
    const divs = [];
    for (let d = 1; d <= rest; d++) if (rest % d === 0) divs.push(d);
    const d = r.pick(divs);
    out.push(d);
    rest /= d;
  }
  out.push(rest);
  return out;
}

const reshapeGen: Gen = (r) => {
  const rank = r.int(2, 4);
  const dims = Array.from({ length: rank - 1 }, () => r.int(1, 8));
  const size = dims.reduce((a, b) => a * b, 1);
  const target: (number | string | null)[] = factorize(size, r.int(1, 3), r);
  if (r.chance(0.4)) target[r.int(0, target.length - 1)] = r.pick([-1, -1, -1, null, -2]);
  const b = r.chance(0.3) ? r.int(1, 3) : null;
  const config: GenConfig = { targetShape: target };
  const m: Made = { config, inputs: [[b, ...dims]], mutation: 'base' };
  if (r.chance(0.4)) {
    m.mutation = r.pick(['wrongsize', 'wrongsize', 'twoinfer', 'zero', 'notarray', 'missing', 'string', 'fraction', 'nulldim']);
    if (m.mutation === 'wrongsize') {
      target[0] = (typeof target[0] === 'number' && target[0] > 0 ? target[0] : 1) + r.int(1, 3);
      if (target.includes(-1) && r.chance(0.5)) target[target.indexOf(-1)] = size + 1;
    }
    if (m.mutation === 'twoinfer') config.targetShape = [-1, -1, ...target.slice(1)];
    if (m.mutation === 'zero') config.targetShape = [0, ...target];
    if (m.mutation === 'notarray') config.targetShape = size;
    if (m.mutation === 'missing') delete config.targetShape;
    if (m.mutation === 'string') config.targetShape = target.map(String);
    if (m.mutation === 'fraction') config.targetShape = [size / 2.5, 2.5];
    if (m.mutation === 'nulldim') m.inputs = [[b, null, ...dims.slice(1)]];
  }
  return m;
};

const permuteGen: Gen = (r) => {
  const n = r.int(1, 4);
  const dims = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(0, i);
    [dims[i], dims[j]] = [dims[j]!, dims[i]!];
  }
  const input: GenShape = [batch(r), ...Array.from({ length: n }, () => r.int(1, 8))];
  const config: GenConfig = { dims };
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.4)) {
    m.mutation = r.pick(['zero', 'dup', 'missing', 'notarray', 'rank', 'strings']);
    if (m.mutation === 'zero') config.dims = [0, ...dims];
    if (m.mutation === 'dup') config.dims = [1, 1];
    if (m.mutation === 'missing') delete config.dims;
    if (m.mutation === 'notarray') config.dims = 1;
    if (m.mutation === 'rank') m.inputs = [[...input, 2]];
    if (m.mutation === 'strings') config.dims = dims.map(String);
  }
  return m;
};

const repeatGen: Gen = (r) => {
  const config: GenConfig = { n: r.int(1, 6) };
  const m: Made = { config, inputs: [[batch(r), r.int(1, 16)]], mutation: 'base' };
  if (r.chance(0.4)) {
    m.mutation = r.pick(['n', 'missing', 'rank']);
    if (m.mutation === 'n') config.n = r.pick([0, -1, 1.5, '3']);
    if (m.mutation === 'missing') delete config.n;
    if (m.mutation === 'rank') m.inputs = [[null, 3, 4]];
  }
  return m;
};

function anyInput(r: R, minRank = 2, maxRank = 4): GenShape {
  return [batch(r), ...Array.from({ length: r.int(minRank, maxRank) - 1 }, () => r.int(1, 10))];
}

function rateGen(key: 'rate' | 'stddev', rank3 = false): Gen {
  return (r) => {
    const config: GenConfig = { [key]: r.pick([0, 0.1, 0.25, 0.5, 0.9]) };
    const input = rank3 ? [batch(r), r.int(1, 10), r.int(1, 10)] : anyInput(r, 2, 5);
    const m: Made = { config, inputs: [input], mutation: 'base' };
    if (key === 'rate' && r.chance(0.1)) config.noiseShape = null;
    if (r.chance(0.35)) {
      m.mutation = r.pick(['missing', 'range', 'string', 'rank']);
      if (m.mutation === 'missing') delete config[key];
      if (m.mutation === 'range') config[key] = r.pick([-0.1, 1.5, 50]);
      if (m.mutation === 'string') config[key] = '0.5';
      if (m.mutation === 'rank') m.inputs = [rank3 ? [null, 4] : [null]];
    }
    return m;
  };
}

function simpleActGen(key?: string, values?: unknown[], bad?: unknown[]): Gen {
  return (r) => {
    const config: GenConfig = {};
    if (key && values && r.chance(0.6)) config[key] = r.pick(values);
    const m: Made = { config, inputs: [anyInput(r, 2, 5)], mutation: 'base' };
    if (key && bad && r.chance(0.3)) {
      m.mutation = 'bad-' + key;
      config[key] = r.pick(bad);
    }
    return m;
  };
}

const activationGen: Gen = (r) => {
  const config: GenConfig = { activation: r.pick(ACTS) };
  const m: Made = { config, inputs: [anyInput(r, 2, 5)], mutation: 'base' };
  if (r.chance(0.3)) {
    m.mutation = r.pick(['bad', 'missing']);
    if (m.mutation === 'bad') config.activation = r.pick(BAD_ACTS);
    if (m.mutation === 'missing') delete config.activation;
  }
  return m;
};

const softmaxGen: Gen = (r) => {
  const input = anyInput(r, 2, 4);
  const config: GenConfig = {};
  const mut = r.pick(['default', 'default', 'last', 'lastpos', 'multi', 'middle', 'range', 'empty']);
  if (mut === 'last') config.axis = -1;
  if (mut === 'lastpos') config.axis = input.length - 1;
  if (mut === 'multi') config.axis = input.length > 2 ? r.pick([[1, 2], [-2, -1], [-1, 1]]) : [1];
  if (mut === 'middle') config.axis = input.length > 2 ? 1 : -2;
  if (mut === 'range') config.axis = r.pick([input.length, -input.length - 1]);
  if (mut === 'empty') config.axis = [];
  return { config, inputs: [input], mutation: mut };
};

const preluGen: Gen = (r) => {
  const input = anyInput(r, 2, 4);
  const config: GenConfig = {};
  let mutation = 'base';
  if (r.chance(0.5)) config.sharedAxes = input.length > 2 ? r.pick([1, [1, 2], [2]]) : 1;
  if (r.chance(0.3)) {
    mutation = r.pick(['range', 'zero', 'nulldim', 'nullshared', 'string']);
    if (mutation === 'range') config.sharedAxes = [input.length];
    if (mutation === 'zero') config.sharedAxes = 0;
    if (mutation === 'nulldim') input[input.length - 1] = null;
    if (mutation === 'nullshared') {
      input[1] = null;
      config.sharedAxes = [1];
    }
    if (mutation === 'string') config.sharedAxes = 'all';
  }
  return { config, inputs: [input], mutation };
};

const bnGen: Gen = (r) => {
  const input = anyInput(r, 2, 4);
  const config: GenConfig = {};
  if (r.chance(0.4)) config.axis = r.pick([-1, 1, input.length - 1, [-1]]);
  if (r.chance(0.3)) config.center = r.chance(0.5);
  if (r.chance(0.3)) config.scale = r.chance(0.5);
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['rank5', 'range', 'axis0', 'nulldim', 'arr2', 'frac']);
    if (m.mutation === 'rank5') m.inputs = [[null, 2, 3, 2, 4]];
    if (m.mutation === 'range') config.axis = input.length;
    if (m.mutation === 'axis0') config.axis = 0;
    if (m.mutation === 'nulldim') m.inputs = [[...input.slice(0, -1), null]];
    if (m.mutation === 'arr2') config.axis = [1, 2];
    if (m.mutation === 'frac') config.axis = 1.5;
  }
  commonMutations(r, m);
  return m;
};

const lnGen: Gen = (r) => {
  const input = anyInput(r, 2, 4);
  const config: GenConfig = {};
  if (r.chance(0.5)) config.axis = input.length > 2 ? r.pick([-1, [1, 2], [-2, -1], 1]) : r.pick([-1, 1, [1]]);
  if (r.chance(0.3)) config.center = r.chance(0.5);
  if (r.chance(0.3)) config.scale = r.chance(0.5);
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['rank5', 'range', 'dup', 'axis0', 'frac', 'string']);
    if (m.mutation === 'rank5') m.inputs = [[null, 2, 3, 2, 4]];
    if (m.mutation === 'range') config.axis = input.length;
    if (m.mutation === 'dup') config.axis = [-1, input.length - 1];
    if (m.mutation === 'axis0') config.axis = 0;
    if (m.mutation === 'frac') config.axis = 0.5;
    if (m.mutation === 'string') config.axis = 'last';
  }
  return m;
};

// ---------------------------------------------------------------- padding / cropping / upsampling

const image = (r: R, df?: unknown, maxS = 12): GenShape => {
  const [h, w, c] = [r.int(1, maxS), r.int(1, maxS), r.int(1, 8)];
  return df === 'channelsFirst' ? [batch(r), c, h, w] : [batch(r), h, w, c];
};

const zeroPadGen: Gen = (r) => {
  const df = r.chance(0.2) ? 'channelsFirst' : undefined;
  const config: GenConfig = {};
  const form = r.int(0, 3);
  if (form === 1) config.padding = r.int(0, 3);
  if (form === 2) config.padding = [r.int(0, 3), r.int(0, 3)];
  if (form === 3) config.padding = [[r.int(0, 3), r.int(0, 3)], [r.int(0, 3), r.int(0, 3)]];
  if (df) config.dataFormat = df;
  const m: Made = { config, inputs: [image(r, df)], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['negative', 'bigneg', 'shape', 'mixed', 'frac', 'dataFormat', 'rank', 'nulldim']);
    if (m.mutation === 'negative') config.padding = -1;
    if (m.mutation === 'bigneg') config.padding = -20;
    if (m.mutation === 'shape') config.padding = r.pick([[1], [1, 2, 3], [[1, 1, 1], [1, 1]]]);
    if (m.mutation === 'mixed') config.padding = [1, [2, 3]];
    if (m.mutation === 'frac') config.padding = 1.5;
    if (m.mutation === 'dataFormat') config.dataFormat = 'NCHW';
    if (m.mutation === 'rank') m.inputs = [[null, 4, 4]];
    if (m.mutation === 'nulldim') m.inputs = [[null, null, 5, 3]];
  }
  return m;
};

const cropGen: Gen = (r) => {
  const df = r.chance(0.2) ? 'channelsFirst' : undefined;
  const config: GenConfig = {};
  const form = r.int(1, 3);
  if (form === 1) config.cropping = r.int(0, 2);
  if (form === 2) config.cropping = [r.int(0, 2), r.int(0, 2)];
  if (form === 3) config.cropping = [[r.int(0, 2), r.int(0, 2)], [r.int(0, 2), r.int(0, 2)]];
  if (df) config.dataFormat = df;
  const input = image(r, df);
  const sp = df ? input.slice(2) : input.slice(1, 3);
  if (sp.some((d) => (d as number) <= 4)) {
    for (let i = 0; i < 2; i++) if ((sp[i] as number) <= 4) input[df ? i + 2 : i + 1] = (sp[i] as number) + 5;
  }
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['toomuch', 'negative', 'missing', 'dataFormat', 'rank', 'nulldim', 'shape']);
    if (m.mutation === 'toomuch') config.cropping = 10;
    if (m.mutation === 'negative') config.cropping = -1;
    if (m.mutation === 'missing') delete config.cropping;
    if (m.mutation === 'dataFormat') config.dataFormat = 'channels_first';
    if (m.mutation === 'rank') m.inputs = [[null, 9, 9]];
    if (m.mutation === 'nulldim') m.inputs = [[null, null, 9, 3]];
    if (m.mutation === 'shape') config.cropping = [[1, 1]];
  }
  return m;
};

const upGen: Gen = (r) => {
  const df = r.chance(0.2) ? 'channelsFirst' : undefined;
  const config: GenConfig = {};
  if (r.chance(0.7)) config.size = [r.int(1, 3), r.int(1, 3)];
  if (r.chance(0.3)) config.interpolation = r.pick(['nearest', 'bilinear']);
  if (df) config.dataFormat = df;
  const m: Made = { config, inputs: [image(r, df, 8)], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['scalar', 'zero', 'short', 'long', 'frac', 'interp', 'rank', 'nulldim', 'negative']);
    if (m.mutation === 'scalar') config.size = 2;
    if (m.mutation === 'zero') config.size = [0, 2];
    if (m.mutation === 'short') config.size = [2];
    if (m.mutation === 'long') config.size = [2, 2, 2];
    if (m.mutation === 'frac') config.size = [1.5, 2];
    if (m.mutation === 'interp') config.interpolation = 'bicubic';
    if (m.mutation === 'rank') m.inputs = [[null, 4, 4]];
    if (m.mutation === 'nulldim') m.inputs = [[null, null, 4, 3]];
    if (m.mutation === 'negative') config.size = [-1, 2];
  }
  return m;
};

// ---------------------------------------------------------------- embedding / masking

const embeddingGen: Gen = (r) => {
  const rank = r.pick([2, 2, 3]);
  const input: GenShape = [batch(r), ...Array.from({ length: rank - 1 }, () => r.int(1, 10))];
  const config: GenConfig = { inputDim: r.int(1, 50), outputDim: r.int(1, 16) };
  if (r.chance(0.3)) config.inputLength = rank === 2 ? input[1] : r.chance(0.5) ? input.slice(1) : [null, input[2]];
  if (r.chance(0.2)) config.maskZero = true;
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['inputDim', 'outputDim', 'missing', 'lenmismatch', 'lenrank', 'activityReg']);
    if (m.mutation === 'inputDim') config.inputDim = r.pick([0, -1, 2.5]);
    if (m.mutation === 'outputDim') config.outputDim = r.pick([0, '8']);
    if (m.mutation === 'missing') delete config[r.pick(['inputDim', 'outputDim'])];
    if (m.mutation === 'lenmismatch') config.inputLength = (input[1] as number) + 1;
    if (m.mutation === 'lenrank') config.inputLength = [2, 3, 4];
    if (m.mutation === 'activityReg') config.activityRegularizer = 'l1l2';
  }
  return m;
};

const maskingGen: Gen = (r) => {
  const config: GenConfig = r.chance(0.5) ? { maskValue: r.pick([0, -1, 0.5]) } : {};
  const m: Made = { config, inputs: [anyInput(r, 2, 4)], mutation: 'base' };
  if (r.chance(0.2)) {
    m.mutation = 'string';
    config.maskValue = 'x';
  }
  return m;
};

const rescalingGen: Gen = (r) => {
  const config: GenConfig = { scale: r.pick([1 / 255, 2, -1, 0.5]) };
  if (r.chance(0.4)) config.offset = r.pick([0, -1, 0.5]);
  const m: Made = { config, inputs: [anyInput(r, 2, 5)], mutation: 'base' };
  if (r.chance(0.15)) {
    m.mutation = 'missing scale';
    delete config.scale;
  } else if (r.chance(0.15)) {
    m.mutation = 'string';
    config.scale = 'x';
  }
  return m;
};

// ---------------------------------------------------------------- merges

function mergeGen(kind: 'elementwise' | 'concat' | 'dot'): Gen {
  return (r) => {
    const n = kind === 'dot' ? 2 : r.pick([2, 2, 3]);
    const rank = kind === 'dot' ? r.pick([2, 3]) : r.int(2, 4);
    const base: GenShape = [null, ...Array.from({ length: rank - 1 }, () => r.int(1, 8))];
    if (r.chance(0.1)) base[0] = 2;
    const config: GenConfig = {};
    let inputs: GenShape[] = Array.from({ length: n }, () => base.slice());
    let axis = -1;
    if (kind === 'concat') {
      axis = r.pick([-1, -1, rank - 1, 1, rank > 2 ? 2 : 1, 0, -rank, -2]);
      if (axis !== -1 || r.chance(0.3)) config.axis = axis;
      const ax = axis < 0 ? rank + axis : axis;
      inputs = inputs.map((s) => s.map((d, i) => (i === ax ? r.int(1, 8) : d)));
    }
    if (kind === 'dot') {
      const axes = rank === 2 ? r.pick([1, -1, [1, 1], [-1, -1]]) : r.pick([2, -1, [2, 2], [1, 1], [1, 2], [2, 1]]);
      config.axes = axes;
      const [a0, a1] = Array.isArray(axes) ? axes : [axes, axes];
      const s1 = base.slice();
      const s2: GenShape = [null, ...Array.from({ length: (r.chance(0.3) ? (rank === 2 ? 3 : 2) : rank) - 1 }, () => r.int(1, 8))];
      const i0 = a0! < 0 ? s1.length + a0! : a0!;
      let i1 = a1! < 0 ? s2.length + a1! : a1!;
      if (i1 >= s2.length) i1 = s2.length - 1;
      if (Array.isArray(config.axes)) config.axes = [config.axes[0], a1! < 0 ? a1 : i1];
      else if (i1 !== (a1! < 0 ? s2.length + a1! : a1!)) config.axes = [a0, i1];
      s2[i1] = s1[i0]!;
      inputs = [s1, s2];
    }
    const m: Made = { config, inputs, mutation: 'base' };
    if (kind === 'elementwise' && r.chance(0.15)) {
      m.mutation = 'broadcast';
      const k = r.int(1, rank - 1);
      inputs[1] = inputs[1]!.map((d, i) => (i === k ? 1 : d));
    }
    if (r.chance(0.35)) {
      const muts = kind === 'elementwise' ? ['mismatch', 'mismatch', 'lowrank', 'single', 'batch', 'nulldim'] : kind === 'concat' ? ['mismatch', 'mismatch', 'rank', 'single', 'axisrange', 'nulldim'] : ['mismatch', 'rank4', 'axis0', 'missing', 'three'];
      m.mutation = r.pick(muts);
      const last = rank - 1;
      switch (m.mutation) {
        case 'mismatch': {
          const k = kind === 'concat' ? r.int(1, last) : kind === 'dot' ? -1 : r.int(1, last);
          if (kind === 'dot') {
            const a = config.axes as number | number[];
            const [a0] = Array.isArray(a) ? a : [a];
            const i0 = a0! < 0 ? inputs[0]!.length + a0! : a0!;
            inputs[0]![i0] = (inputs[0]![i0] as number) + 1;
          } else {
            const ax = kind === 'concat' ? (axis < 0 ? rank + axis : axis) : -1;
            const kk = k === ax ? (k === 1 ? last : 1) : k;
            if (kk !== ax) inputs[1]![kk] = (inputs[1]![kk] as number) + r.int(1, 3);
          }
          break;
        }
        case 'lowrank':
          inputs[1] = [null, ...inputs[1]!.slice(2)];
          if (inputs[1].length === 1) inputs[1].push(r.int(1, 4));
          break;
        case 'single':
          inputs = [inputs[0]!];
          break;
        case 'batch':
          inputs[0]![0] = 2;
          inputs[1]![0] = 3;
          break;
        case 'nulldim':
          inputs[0]![1] = null;
          break;
        case 'rank':
          inputs[1] = [...inputs[1]!, 2];
          break;
        case 'axisrange':
          config.axis = r.pick([rank, -rank - 1, 7]);
          break;
        case 'rank4':
          inputs = [[null, 2, 3, 4], [null, 2, 3, 4]];
          config.axes = -1;
          break;
        case 'axis0':
          config.axes = 0;
          break;
        case 'missing':
          delete config.axes;
          break;
        case 'three':
          inputs = [inputs[0]!, inputs[0]!, inputs[0]!];
          break;
      }
      m.inputs = inputs;
    }
    return m;
  };
}

// ---------------------------------------------------------------- input / recurrent

const inputLayerGen: Gen = (r) => {
  const dims = Array.from({ length: r.int(1, 4) }, () => r.int(1, 32));
  const config: GenConfig = r.chance(0.7) ? { inputShape: dims } : { batchInputShape: [r.chance(0.5) ? null : r.int(1, 4), ...dims] };
  if (config.inputShape && r.chance(0.2)) config.batchSize = r.int(1, 8);
  if (config.inputShape && dims.length === 1 && r.chance(0.3)) config.inputShape = dims[0];
  const m: Made = { config, inputs: [], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['both', 'neither', 'batchSize', 'zero', 'string', 'frac', 'nulldim']);
    if (m.mutation === 'both') {
      config.inputShape = dims;
      config.batchInputShape = [null, ...dims];
    }
    if (m.mutation === 'neither') {
      delete config.inputShape;
      delete config.batchInputShape;
    }
    if (m.mutation === 'batchSize') {
      delete config.inputShape;
      config.batchInputShape = [null, ...dims];
      config.batchSize = 4;
    }
    if (m.mutation === 'zero') config.inputShape = [0, ...dims];
    if (m.mutation === 'string') config.inputShape = dims.map(String);
    if (m.mutation === 'frac') config.inputShape = [2.5];
    if (m.mutation === 'nulldim') {
      delete config.batchInputShape;
      config.inputShape = [null, ...dims];
    }
  }
  return m;
};

function rnnGen(factory: string): Gen {
  return (r) => {
    const input: GenShape = [batch(r), r.int(1, 8), r.int(1, 8)];
    const config: GenConfig = { units: r.int(1, 12) };
    if (r.chance(0.4)) config.returnSequences = r.chance(0.6);
    if (r.chance(0.2)) config.useBias = false;
    if (r.chance(0.15)) config.goBackwards = true;
    if (r.chance(0.15)) config.returnState = true;
    if (r.chance(0.2)) config.activation = r.pick(['tanh', 'relu', 'sigmoid']);
    const m: Made = { config, inputs: [input], mutation: 'base' };
    if (r.chance(0.35)) {
      m.mutation = r.pick(['units', 'rank2', 'rank4', 'missing', 'stateful', 'nulltime', 'resetAfter', 'activation']);
      if (m.mutation === 'units') config.units = r.pick([0, -4, 2.5]);
      if (m.mutation === 'rank2') m.inputs = [[null, 5]];
      if (m.mutation === 'rank4') m.inputs = [[null, 3, 4, 5]];
      if (m.mutation === 'missing') delete config.units;
      if (m.mutation === 'stateful') config.stateful = true;
      if (m.mutation === 'nulltime') m.inputs = [[input[0]!, null, input[2]!]];
      if (m.mutation === 'resetAfter') config.resetAfter = factory === 'gru' ? true : false;
      if (m.mutation === 'activation') config.activation = 'bogus';
    }
    commonMutations(r, m);
    return m;
  };
}

/** ConvLSTM2D: small sequences of small images (its forward pass runs eight convolutions a step). */
const convLstm2dGen: Gen = (r) => {
  const k = r.tuple(2, 1, 3);
  const ks = asList(k, 2);
  const strides: number | number[] = r.chance(0.7) ? 1 : r.tuple(2, 1, 2);
  const dilation: number | number[] = asList(strides, 2).every((x) => x === 1) && r.chance(0.2) ? r.tuple(2, 1, 2) : 1;
  const padding = r.pick(['valid', 'same', undefined]);
  const df = r.chance(0.25) ? 'channelsFirst' : undefined;
  const C = r.int(1, 4);
  const T = r.int(1, 3);
  const eff = ks.map((kk, i) => kk + (kk - 1) * (asList(dilation, 2)[i]! - 1));
  const space = eff.map((e) => (padding === 'same' ? r.int(1, 7) : r.int(e, e + 5)));
  const b = batch(r);
  const config: GenConfig = { filters: r.int(1, 4), kernelSize: k };
  if (strides !== 1) config.strides = strides;
  if (dilation !== 1) config.dilationRate = dilation;
  if (padding) config.padding = padding;
  if (df) config.dataFormat = df;
  if (r.chance(0.4)) config.returnSequences = r.chance(0.6);
  if (r.chance(0.2)) config.useBias = false;
  if (r.chance(0.15)) config.returnState = true;
  if (r.chance(0.15)) config.unitForgetBias = true;
  if (r.chance(0.1)) config.goBackwards = true;
  const img = (sp: GenShape, c: number | null = C): GenShape => (df ? [c, ...sp] : [...sp, c]);
  const m: Made = { config, inputs: [[b, T, ...img(space)]], mutation: 'base' };
  if (r.chance(0.4)) {
    m.mutation = r.pick(['small', 'rank4', 'rank6', 'filters', 'kernel', 'strides', 'falsy', 'dilstride', 'causal', 'padding', 'dataFormat', 'nullchannel', 'nulldims', 'nulltime', 'stateful', 'unroll', 'missing', 'activation', 'init']);
    switch (m.mutation) {
      case 'small':
        config.padding = 'valid';
        config.kernelSize = ks.map((kk) => kk + 2);
        m.inputs = [[b, T, ...img(ks.map((kk) => r.int(1, kk + 1)))]];
        break;
      case 'rank4':
        m.inputs = [[b, ...img(space)]];
        break;
      case 'rank6':
        m.inputs = [[b, T, ...img(space), 1]];
        break;
      case 'filters':
        config.filters = r.pick([0, -2, 2.5, '4', undefined]);
        break;
      case 'kernel':
        config.kernelSize = r.pick([0, -1, 1.5, [3], [3, 3, 3], [2, 0], '3']);
        break;
      case 'strides':
        config.strides = r.pick([-1, 1.5, [1], [2, 2, 2], [0, 1], '2']);
        break;
      case 'falsy':
        config[r.pick(['strides', 'dilationRate', 'padding', 'dataFormat'])] = r.pick([0, '', false]);
        break;
      case 'dilstride':
        config.strides = 2;
        config.dilationRate = r.pick([2, [1, 2]]);
        m.inputs = [[b, T, ...img(space.map((x) => x + 4))]];
        break;
      case 'causal':
        config.padding = 'causal';
        break;
      case 'padding':
        config.padding = r.pick(['SAME', 'full', 3]);
        break;
      case 'dataFormat':
        config.dataFormat = r.pick(['channels_first', 'NHWC', 'channelsLast']);
        break;
      case 'nullchannel':
        m.inputs = [[b, T, ...img(space, null)]];
        break;
      case 'nulldims':
        m.inputs = [[b, T, ...img(space.map((x) => (r.chance(0.7) ? null : x)))]];
        break;
      case 'nulltime':
        m.inputs = [[b, null, ...img(space)]];
        break;
      case 'stateful':
        config.stateful = true;
        break;
      case 'unroll':
        config.unroll = true;
        break;
      case 'missing':
        delete config[r.pick(['filters', 'kernelSize'])];
        break;
      case 'activation':
        config[r.pick(['activation', 'recurrentActivation'])] = r.pick(BAD_ACTS);
        break;
      case 'init':
        config[r.pick(['kernelInitializer', 'recurrentInitializer', 'biasInitializer'])] = r.pick(['heNormal', 'orthogonal', 'he_normal', 'bogus']);
        break;
    }
  }
  commonMutations(r, m);
  return m;
};

// ---------------------------------------------------------------- wrappers

/**
 * A wrapper's `layer` is a layer object, which plain data cannot hold: the case carries
 * `{[INNER_LAYER]: factory, config}` and each side makes the inner layer its own way (see innerLayers).
 */
export const INNER_LAYER = '__innerLayer';

const inner = (factory: string, config: GenConfig): GenConfig => ({ [INNER_LAYER]: factory, config });

/** Replaces the inner-layer placeholder of a wrapper's config with `make(factory, config)`; may throw. */
export function innerLayers(config: GenConfig, make: (factory: string, config: GenConfig) => unknown): GenConfig {
  const l = config.layer as GenConfig | undefined;
  if (!l || typeof l !== 'object' || !(INNER_LAYER in l)) return config;
  return { ...config, layer: make(l[INNER_LAYER] as string, structuredClone(l.config as GenConfig)) };
}

function rnnInner(r: R): GenConfig {
  const config: GenConfig = { units: r.int(1, 12) };
  if (r.chance(0.5)) config.returnSequences = r.chance(0.6);
  if (r.chance(0.2)) config.useBias = false;
  if (r.chance(0.1)) config.goBackwards = true;
  if (r.chance(0.1)) config.returnState = true;
  if (r.chance(0.05)) config.trainable = false;
  return config;
}

const bidirectionalGen: Gen = (r) => {
  const input: GenShape = [batch(r), r.int(1, 8), r.int(1, 8)];
  const config: GenConfig = { layer: inner(r.pick(['lstm', 'gru', 'simpleRNN']), rnnInner(r)) };
  if (r.chance(0.5)) config.mergeMode = r.pick(['concat', 'sum', 'mul', 'ave', null]);
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['mergeMode', 'rank2', 'rank4', 'missing', 'plainLayer', 'innerDense', 'innerBad', 'stateful', 'nulltime', 'wrapperUntrainable', 'weights']);
    const l = config.layer as GenConfig;
    const lc = l.config as GenConfig;
    if (m.mutation === 'mergeMode') config.mergeMode = r.pick(['Concat', 'max', 'average', 0]);
    if (m.mutation === 'rank2') m.inputs = [[null, r.int(1, 8)]];
    if (m.mutation === 'rank4') m.inputs = [[null, 3, 4, 5]];
    if (m.mutation === 'missing') delete config.layer;
    if (m.mutation === 'plainLayer') config.layer = { units: 4 };
    if (m.mutation === 'innerDense') config.layer = inner('dense', { units: r.int(1, 8) });
    if (m.mutation === 'innerBad') lc.units = r.pick([0, -2, 2.5]);
    if (m.mutation === 'stateful') lc.stateful = true;
    if (m.mutation === 'nulltime') m.inputs = [[input[0]!, null, input[2]!]];
    if (m.mutation === 'wrapperUntrainable') config.trainable = false;
    if (m.mutation === 'weights') config.weights = [];
  }
  return m;
};

const timeDistributedGen: Gen = (r) => {
  const b = batch(r);
  const T = r.int(1, 6);
  const kind = r.pick(['dense', 'dense', 'conv2d', 'conv1d', 'flatten', 'maxPooling2d', 'dropout', 'batchNormalization', 'lstm']);
  let config: GenConfig;
  let input: GenShape;
  const img = (): GenShape => [b, T, r.int(3, 8), r.int(3, 8), r.int(1, 4)];
  switch (kind) {
    case 'conv2d': {
      const cc: GenConfig = { filters: r.int(1, 8), kernelSize: r.int(1, 3) };
      if (r.chance(0.4)) cc.padding = 'same';
      if (r.chance(0.3)) cc.strides = 2;
      config = { layer: inner('conv2d', cc) };
      input = img();
      break;
    }
    case 'conv1d':
      config = { layer: inner('conv1d', { filters: r.int(1, 8), kernelSize: r.int(1, 3) }) };
      input = [b, T, r.int(3, 10), r.int(1, 4)];
      break;
    case 'flatten':
      config = { layer: inner('flatten', {}) };
      input = r.chance(0.5) ? img() : [b, T, r.int(1, 5), r.int(1, 5)];
      break;
    case 'maxPooling2d':
      config = { layer: inner('maxPooling2d', { poolSize: 2 }) };
      input = img();
      break;
    case 'dropout':
      config = { layer: inner('dropout', { rate: 0.25 }) };
      input = [b, T, r.int(1, 8)];
      break;
    case 'batchNormalization':
      config = { layer: inner('batchNormalization', {}) };
      input = r.chance(0.5) ? img() : [b, T, r.int(1, 8)];
      break;
    case 'lstm':
      config = { layer: inner('lstm', rnnInner(r)) };
      // TimeDistributed reads an inner returnState's list of shapes as one shape (no real shape; the engine says unknown).
      delete ((config.layer as GenConfig).config as GenConfig).returnState;
      input = [b, T, r.int(1, 5), r.int(1, 5)];
      break;
    default: {
      const dc: GenConfig = { units: r.int(1, 12) };
      if (r.chance(0.2)) dc.useBias = false;
      if (r.chance(0.05)) dc.trainable = false;
      config = { layer: inner('dense', dc) };
      input = r.chance(0.7) ? [b, T, r.int(1, 8)] : [b, T, r.int(1, 4), r.int(1, 4)];
    }
  }
  const m: Made = { config, inputs: [input], mutation: 'base' };
  if (r.chance(0.35)) {
    m.mutation = r.pick(['rank2', 'missing', 'plainLayer', 'innerRank', 'small', 'nulltime', 'wrapperUntrainable']);
    if (m.mutation === 'rank2') m.inputs = [[b, r.int(1, 8)]];
    if (m.mutation === 'missing') delete config.layer;
    if (m.mutation === 'plainLayer') config.layer = { units: 4 };
    if (m.mutation === 'innerRank') m.inputs = [input.slice(0, -1)];
    if (m.mutation === 'small') {
      config.layer = inner('conv2d', { filters: 2, kernelSize: 5 });
      m.inputs = [[b, T, r.int(1, 4), r.int(1, 4), 2]];
    }
    if (m.mutation === 'nulltime') m.inputs = [input.map((d, i) => (i === 1 ? null : d))];
    if (m.mutation === 'wrapperUntrainable') config.trainable = false;
  }
  return m;
};

// ---------------------------------------------------------------- registry

/** factory -> [family label, generator]; aliases share generators with their canonical factory. */
export const GENERATORS: Record<string, [string, Gen]> = {
  conv1d: ['conv', convGen(1, 'conv')],
  conv2d: ['conv', convGen(2, 'conv')],
  conv3d: ['conv', convGen(3, 'conv')],
  conv2dTranspose: ['conv', convGen(2, 'transpose')],
  conv3dTranspose: ['conv', convGen(3, 'transpose')],
  separableConv2d: ['conv', convGen(2, 'separable')],
  depthwiseConv2d: ['conv', convGen(2, 'depthwise')],
  maxPooling1d: ['pooling', poolGen(1)],
  maxPool1d: ['pooling', poolGen(1)],
  maxPooling2d: ['pooling', poolGen(2)],
  maxPool2d: ['pooling', poolGen(2)],
  maxPooling3d: ['pooling', poolGen(3)],
  averagePooling1d: ['pooling', poolGen(1)],
  avgPool1d: ['pooling', poolGen(1)],
  avgPooling1d: ['pooling', poolGen(1)],
  averagePooling2d: ['pooling', poolGen(2)],
  avgPool2d: ['pooling', poolGen(2)],
  avgPooling2d: ['pooling', poolGen(2)],
  averagePooling3d: ['pooling', poolGen(3)],
  avgPool3d: ['pooling', poolGen(3)],
  avgPooling3d: ['pooling', poolGen(3)],
  globalAveragePooling1d: ['pooling', globalPoolGen(1)],
  globalAveragePooling2d: ['pooling', globalPoolGen(2)],
  globalMaxPooling1d: ['pooling', globalPoolGen(1)],
  globalMaxPool1d: ['pooling', globalPoolGen(1)],
  globalMaxPooling2d: ['pooling', globalPoolGen(2)],
  globalMaxPool2d: ['pooling', globalPoolGen(2)],
  dense: ['dense', denseGen],
  flatten: ['reshaping', flattenGen],
  reshape: ['reshaping', reshapeGen],
  permute: ['reshaping', permuteGen],
  repeatVector: ['reshaping', repeatGen],
  dropout: ['regularization', rateGen('rate')],
  spatialDropout1d: ['regularization', rateGen('rate', true)],
  gaussianNoise: ['regularization', rateGen('stddev')],
  gaussianDropout: ['regularization', rateGen('rate')],
  alphaDropout: ['regularization', rateGen('rate')],
  activation: ['activation', activationGen],
  reLU: ['activation', simpleActGen('maxValue', [6, 1, 0, 0.5], [-1, -6])],
  leakyReLU: ['activation', simpleActGen('alpha', [0.1, 0.3, 0])],
  prelu: ['activation', preluGen],
  elu: ['activation', simpleActGen('alpha', [1, 1.0], [0.5, 2])],
  softmax: ['activation', softmaxGen],
  thresholdedReLU: ['activation', simpleActGen('theta', [0.5, 1, 2])],
  batchNormalization: ['normalization', bnGen],
  layerNormalization: ['normalization', lnGen],
  zeroPadding2d: ['reshaping', zeroPadGen],
  cropping2D: ['reshaping', cropGen],
  upSampling2d: ['reshaping', upGen],
  embedding: ['embedding', embeddingGen],
  masking: ['other', maskingGen],
  rescaling: ['other', rescalingGen],
  add: ['merge', mergeGen('elementwise')],
  multiply: ['merge', mergeGen('elementwise')],
  average: ['merge', mergeGen('elementwise')],
  maximum: ['merge', mergeGen('elementwise')],
  minimum: ['merge', mergeGen('elementwise')],
  concatenate: ['merge', mergeGen('concat')],
  dot: ['merge', mergeGen('dot')],
  inputLayer: ['input', inputLayerGen],
  simpleRNN: ['recurrent', rnnGen('simpleRNN')],
  lstm: ['recurrent', rnnGen('lstm')],
  gru: ['recurrent', rnnGen('gru')],
  convLstm2d: ['recurrent', convLstm2dGen],
  bidirectional: ['wrapper', bidirectionalGen],
  timeDistributed: ['wrapper', timeDistributedGen],
};

/** Heavier generators (conv, merges) get more cases than one-line layers. */
const WEIGHT: Record<string, number> = { conv: 3, pooling: 1, merge: 2, reshaping: 1.5, normalization: 2, recurrent: 1, wrapper: 3 };

export function generateCases(seed = SEED, count = 3000): GenCase[] {
  const r = new R(mulberry32(seed));
  const factories = Object.keys(GENERATORS);
  const weights = factories.map((f) => WEIGHT[GENERATORS[f]![0]] ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const cases: GenCase[] = [];
  // Every factory gets its share (at least 12), then the rest goes by weight.
  factories.forEach((f, i) => {
    const n = Math.max(12, Math.round((count * weights[i]!) / total));
    for (let k = 0; k < n; k++) {
      const [family, gen] = GENERATORS[f]!;
      const made = gen(r);
      cases.push({ id: cases.length, factory: f, family, config: made.config, inputs: made.inputs, mutation: made.mutation });
    }
  });
  return cases;
}

