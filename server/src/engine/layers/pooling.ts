/** Pooling (tfjs-layers layers/pooling.ts). */
import { Args, type Maybe } from './args';
import { DATA_FORMATS, PADDINGS, checkRank, convLength, dims, doesNotFit, emptyOutput, one, shapeError, windowRF, DROP, type DataFormat, type Padding } from './shape_utils';
import type { Dim, LayerConfig, LayerOutput, LayerSpec, Shape } from './types';

export interface PoolConfig {
  cls: string;
  mode: 'max' | 'avg';
  rank: 1 | 2 | 3;
  pool: Dim[];
  strides: Dim[];
  padding: Maybe<Padding>;
  dataFormat: Maybe<DataFormat>;
}

function configure(cls: string, mode: 'max' | 'avg', rank: 1 | 2 | 3, config: LayerConfig): PoolConfig {
  const a: Args = new Args(cls, config);
  // Pooling1D/2D/3D constructors: poolSize defaults to 2 per axis; strides default to poolSize;
  // both go through assertPositiveInteger. Pooling2D/3D accept a poolSize array of any length
  // (extra entries are ignored, a short one yields NaN dims): we insist on one per axis.
  const pool = a.tuple('poolSize', rank, 2, 'pool size');
  const strides = a.given('strides') || a.unknown('strides') ? a.tuple('strides', rank, 1, 'stride') : pool.slice();
  const padding = a.oneOf('padding', PADDINGS, 'valid'); // 'causal' is accepted and pools as 'valid'
  // Pooling1D has no dataFormat option (ignored); 2D/3D check it.
  const dataFormat = rank === 1 ? 'channelsLast' : a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast');
  return { cls, mode, rank, pool, strides, padding, dataFormat };
}

function apply(c: PoolConfig, inputs: Shape[]): LayerOutput {
  const x = one(c.cls, inputs);
  const want = c.rank + 2;
  const layout = c.rank === 1 ? '[batch, steps, channels]' : c.rank === 2 ? '[batch, height, width, channels]' : '[batch, depth, height, width, channels]';
  checkRank(c.cls, x, { eq: want }, layout, c.rank === 2 ? 'images need a channel axis: e.g. inputShape: [28, 28, 1]' : undefined);
  const cf = c.dataFormat === 'channelsFirst';
  const known = c.dataFormat !== null;
  const space: Dim[] = known ? (cf ? x.slice(2) : x.slice(1, want - 1)) : new Array<Dim>(c.rank).fill(null);
  const out = space.map((len, i) => convLength(len, c.pool[i]!, c.padding, c.strides[i]!));
  if (out.some((d) => d !== null && d < 0)) {
    shapeError(
      c.cls,
      doesNotFit('window', c.pool, '', c.padding === 'causal' ? "causal, pooled as 'valid'" : c.padding ?? '?', space, out),
      "use padding: 'same', a smaller poolSize, or remove a downsampling layer before it",
    );
  }
  const outShape: Shape = !known ? [x[0]!, ...new Array<Dim>(want - 1).fill(null)] : cf ? [x[0]!, x[1]!, ...out] : [x[0]!, ...out, x[want - 1]!];
  const warnings = out.some((d) => d === 0)
    ? [`${c.cls}: ${emptyOutput('window', c.pool, c.padding === 'causal' ? "causal, pooled as 'valid'" : c.padding ?? '?', space, out, "Use padding: 'same', a smaller poolSize, or remove a downsampling layer before it.")}`]
    : undefined;
  return { outputShape: outShape, weights: [], macs: 0, rf: windowRF(c.pool, c.strides, c.pool.map(() => 1)), ...(warnings ? { warnings } : {}) };
}

function describe(c: PoolConfig): string {
  const s = c.strides;
  const stride = s.every((x) => x === 1) ? '' : s.every((x) => x === s[0]) ? `, /${s[0] ?? '?'}` : `, /${dims(s)}`;
  return `${dims(c.pool)} ${c.mode} pool${c.rank === 2 ? '' : `${c.rank}d`}${stride}`;
}

function pool(cls: string, mode: 'max' | 'avg', rank: 1 | 2 | 3, factories: string[]): LayerSpec<PoolConfig> {
  return { className: cls, factories, family: 'pooling', configure: (cfg) => configure(cls, mode, rank, cfg), apply, describe };
}

interface GlobalConfig {
  cls: string;
  mode: 'max' | 'avg';
  rank: 1 | 2;
  dataFormat: Maybe<DataFormat>;
}

function globalPool(cls: string, mode: 'max' | 'avg', rank: 1 | 2, factories: string[]): LayerSpec<GlobalConfig> {
  return {
    className: cls,
    factories,
    family: 'pooling',
    // GlobalPooling1D ignores dataFormat; GlobalPooling2D checks it.
    configure: (cfg) => ({ cls, mode, rank, dataFormat: rank === 1 ? 'channelsLast' : new Args(cls, cfg).oneOf('dataFormat', DATA_FORMATS, 'channelsLast') }),
    apply(c, inputs) {
      const x = one(cls, inputs);
      checkRank(cls, x, { eq: rank + 2 }, rank === 1 ? '[batch, steps, channels]' : '[batch, height, width, channels]');
      const ch: Dim = c.dataFormat === null ? null : c.dataFormat === 'channelsFirst' ? x[1]! : x[rank + 1]!;
      return { outputShape: [x[0]!, ch], weights: [], macs: 0, rf: DROP };
    },
    describe: () => `global ${mode} pool${rank === 1 ? '1d' : ''}`,
  };
}

export const poolingSpecs: LayerSpec[] = [
  pool('MaxPooling1D', 'max', 1, ['maxPooling1d', 'maxPool1d']),
  pool('MaxPooling2D', 'max', 2, ['maxPooling2d', 'maxPool2d']),
  pool('MaxPooling3D', 'max', 3, ['maxPooling3d']),
  pool('AveragePooling1D', 'avg', 1, ['averagePooling1d', 'avgPool1d', 'avgPooling1d']),
  pool('AveragePooling2D', 'avg', 2, ['averagePooling2d', 'avgPool2d', 'avgPooling2d']),
  pool('AveragePooling3D', 'avg', 3, ['averagePooling3d', 'avgPool3d', 'avgPooling3d']),
  globalPool('GlobalAveragePooling1D', 'avg', 1, ['globalAveragePooling1d']),
  globalPool('GlobalAveragePooling2D', 'avg', 2, ['globalAveragePooling2d']),
  globalPool('GlobalMaxPooling1D', 'max', 1, ['globalMaxPooling1d', 'globalMaxPool1d']),
  globalPool('GlobalMaxPooling2D', 'max', 2, ['globalMaxPooling2d', 'globalMaxPool2d']),
];
