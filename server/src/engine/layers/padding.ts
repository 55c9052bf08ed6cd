/** ZeroPadding2D (layers/padding.ts), Cropping2D and UpSampling2D (layers/convolutional.ts). */
import { isUnknown } from '../unknown';
import { Args, isInt, show, type Maybe } from './args';
import { DATA_FORMATS, SHIFT, checkRank, dims, mul, one, shapeError, type DataFormat } from './shape_utils';
import type { ConfigValue, Dim, LayerSpec, Shape } from './types';

/** [[top, bottom], [left, right]]; null entries are Unknown. */
type Pads = [[Dim, Dim], [Dim, Dim]];

/**
 * The number | [h, w] | [[top, bottom], [left, right]] form both layers take (ZeroPadding2D and
 * Cropping2D constructors). tfjs checks lengths but not the entries, so [1, [2, 3]] yields string
 * "dims"; we require integers, at least `min`.
 */
function readPads(a: Args, key: string, v: ConfigValue, min: number): Pads {
  const entry = (e: ConfigValue): Dim => {
    if (isUnknown(e)) return null;
    if (!isInt(e) || e < min) a.fail(`every entry of '${key}' must be ${min === 0 ? 'a non-negative' : 'an'} integer, got ${show(v)}.`, `e.g. ${key}: 1 or ${key}: [[1, 1], [2, 2]]`);
    return e;
  };
  if (isUnknown(v)) return [[null, null], [null, null]];
  if (typeof v === 'number') {
    const p = entry(v);
    return [[p, p], [p, p]];
  }
  if (!Array.isArray(v) || v.length !== 2) a.fail(`'${key}' must be a number, [height, width] or [[top, bottom], [left, right]], got ${show(v)}.`);
  if (!Array.isArray(v[0]) && !isUnknown(v[0])) {
    const h = entry(v[0]);
    const w = entry(v[1]);
    return [[h, h], [w, w]];
  }
  const pair = (p: ConfigValue): [Dim, Dim] => {
    if (isUnknown(p)) return [null, null];
    if (!Array.isArray(p) || p.length !== 2) a.fail(`'${key}' must be [[top, bottom], [left, right]], got ${show(v)}.`);
    return [entry(p[0]), entry(p[1])];
  };
  return [pair(v[0]), pair(v[1])];
}

const add = (...xs: Dim[]): Dim => (xs.some((x) => x === null) ? null : xs.reduce<number>((s, x) => s + x!, 0));

function spatial(x: Shape, df: Maybe<DataFormat>): [Dim, Dim] {
  if (df === null) return [null, null];
  return df === 'channelsFirst' ? [x[2]!, x[3]!] : [x[1]!, x[2]!];
}

function assemble(x: Shape, df: Maybe<DataFormat>, h: Dim, w: Dim): Shape {
  if (df === null) return [x[0]!, null, null, null];
  return df === 'channelsFirst' ? [x[0]!, x[1]!, h, w] : [x[0]!, h, w, x[3]!];
}

interface PadConfig {
  pads: Pads;
  dataFormat: Maybe<DataFormat>;
}

const padText = (p: Pads): string =>
  p.flat().every((x) => x === p[0][0]) ? String(p[0][0] ?? '?') : `[[${p[0].map((x) => x ?? '?').join(', ')}], [${p[1].map((x) => x ?? '?').join(', ')}]]`;

export const zeroPaddingSpec: LayerSpec<PadConfig> = {
  className: 'ZeroPadding2D',
  factories: ['zeroPadding2d'],
  family: 'reshaping',
  configure(cfg) {
    const a: Args = new Args('ZeroPadding2D', cfg);
    const v = a.raw('padding');
    // Negative padding crops in tfjs (tfc.pad accepts it), so it is allowed here too.
    const pads = v === undefined || v === null ? ([[1, 1], [1, 1]] as Pads) : readPads(a, 'padding', v, -Infinity);
    // Not checked by the constructor, but spatial2dPadding throws on anything else when run.
    return { pads, dataFormat: a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast') };
  },
  apply(c, inputs) {
    const x = one('ZeroPadding2D', inputs);
    checkRank('ZeroPadding2D', x, { eq: 4 }, '[batch, height, width, channels]');
    const [h, w] = spatial(x, c.dataFormat);
    const out: [Dim, Dim] = [add(h, c.pads[0][0], c.pads[0][1]), add(w, c.pads[1][0], c.pads[1][1])];
    if (out.some((d) => d !== null && d < 0)) shapeError('ZeroPadding2D', `padding ${padText(c.pads)} crops more than the ${dims([h, w])} input has (${dims(out)}).`, 'negative padding crops: use smaller values');
    // Cropped to exactly nothing: tfjs builds it and runs it on an empty tensor, as a conv whose
    // window is one too big (an error would be false; say it as a warning).
    const warnings = out.some((d) => d === 0)
      ? [`ZeroPadding2D: padding ${padText(c.pads)} leaves nothing of the ${dims([h, w])} input (${dims(out)}); every later layer sees an empty tensor. Negative padding crops: use smaller values.`]
      : undefined;
    return { outputShape: assemble(x, c.dataFormat, ...out), weights: [], macs: 0, rf: SHIFT, ...(warnings ? { warnings } : {}) };
  },
  describe: (c) => `zero pad ${padText(c.pads)}`,
};

export const croppingSpec: LayerSpec<PadConfig> = {
  className: 'Cropping2D',
  factories: ['cropping2D'],
  family: 'reshaping',
  configure(cfg) {
    const a: Args = new Args('Cropping2D', cfg);
    const v = a.raw('cropping');
    if (v === undefined || v === null) a.fail("'cropping' is required.", 'e.g. cropping: [[1, 1], [2, 2]] (top, bottom), (left, right)');
    // Negative crops fail when run ("slice() does not support negative begin indexing"). tfjs does
    // not check dataFormat, and then computes a different shape from the one it reports.
    return { pads: readPads(a, 'cropping', v, 0), dataFormat: a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast') };
  },
  apply(c, inputs) {
    const x = one('Cropping2D', inputs);
    checkRank('Cropping2D', x, { eq: 4 }, '[batch, height, width, channels]');
    const [h, w] = spatial(x, c.dataFormat);
    const neg = (p: Dim): Dim => (p === null ? null : -p);
    // Cropping2D.computeOutputShape does `null - a - b` (a negative number); null stays null here.
    const out: [Dim, Dim] = [add(h, neg(c.pads[0][0]), neg(c.pads[0][1])), add(w, neg(c.pads[1][0]), neg(c.pads[1][1]))];
    if (out.some((d) => d !== null && d < 0)) shapeError('Cropping2D', `cropping ${padText(c.pads)} removes more than the ${dims([h, w])} input has (${dims(out)} left).`, 'crop less, or crop before downsampling');
    // Cropped to exactly nothing: tfjs builds it and runs it on an empty tensor (as ZeroPadding2D
    // cropping to 0): an error would be false; say it as a warning.
    const warnings = out.some((d) => d === 0)
      ? [`Cropping2D: cropping ${padText(c.pads)} removes all of the ${dims([h, w])} input (${dims(out)} left); every later layer sees an empty tensor. Crop less, or crop before downsampling.`]
      : undefined;
    return { outputShape: assemble(x, c.dataFormat, ...out), weights: [], macs: 0, rf: SHIFT, ...(warnings ? { warnings } : {}) };
  },
  describe: (c) => `crop ${padText(c.pads)}`,
};

interface UpConfig {
  size: Dim[];
  dataFormat: Maybe<DataFormat>;
}

export const upSamplingSpec: LayerSpec<UpConfig> = {
  className: 'UpSampling2D',
  factories: ['upSampling2d'],
  family: 'reshaping',
  configure(cfg) {
    const a: Args = new Args('UpSampling2D', cfg);
    // tfjs reads size[0] and size[1] without checks: a plain number gives NaN dims, 0 gives empty
    // tensors, 1.5 silently resizes by a fraction.
    if (typeof a.raw('size') === 'number') a.fail(`'size' must be an array [rows, cols], got ${show(a.raw('size'))}.`, `write size: [${show(a.raw('size'))}, ${show(a.raw('size'))}]`);
    const size = a.tuple('size', 2, [2, 2], 'factor');
    a.oneOf('interpolation', ['nearest', 'bilinear'] as const, 'nearest');
    return { size, dataFormat: a.oneOf('dataFormat', DATA_FORMATS, 'channelsLast') };
  },
  apply(c, inputs) {
    const x = one('UpSampling2D', inputs);
    checkRank('UpSampling2D', x, { eq: 4 }, '[batch, height, width, channels]');
    const [h, w] = spatial(x, c.dataFormat);
    const rf = c.size.every((s) => s !== null) ? { kind: 'upsample' as const, factor: c.size as number[] } : { kind: 'drop' as const };
    return { outputShape: assemble(x, c.dataFormat, mul(h, c.size[0]!), mul(w, c.size[1]!)), weights: [], macs: 0, rf };
  },
  describe: (c) => `upsample ×${c.size.every((s) => s === c.size[0]) ? c.size[0] ?? '?' : dims(c.size)}`,
};

export const paddingSpecs: LayerSpec[] = [zeroPaddingSpec, croppingSpec, upSamplingSpec];
