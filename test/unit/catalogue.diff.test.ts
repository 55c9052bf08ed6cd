/**
 * Differential test: the layer catalogue against real @tensorflow/tfjs 4.22 (cpu backend).
 *
 * For every generated case tfjs is the oracle: construct the layer, apply it to symbolic inputs,
 * read the output shape and the (non-)trainable weights, and, when cheap, run one real forward pass
 * (which catches the errors tfjs only raises at execution time, and shapes it reports but does not
 * compute). A case is *valid* when all of that succeeds with every dim null or a positive integer.
 * Valid: our output shape, weights and param counts must agree exactly. Invalid: we must throw a
 * LayerError. The two documented exceptions are listed in `deliberate` and `lenient` below.
 */
import { TFJS_LAYERS_KEYS } from '../../server/src/engine/tfjs/layers_keys';
import { TFJS_LAYER_MEMBERS, TFJS_MODEL_MEMBERS } from '../../server/src/engine/tfjs/member_names';
import { tfjsMemberNames } from '../helpers/tfjs_members';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { allLayerSpecs, findLayerSpec, LayerError, type LayerOutput, type Shape } from '../../server/src/engine/layers/index';
import { GENERATORS, SEED, generateCases, innerLayers, type GenCase, type GenConfig } from './catalogue_gen';

type Dims = unknown[];
interface TfjsResult {
  ok: boolean;
  stage: 'ok' | 'constructor' | 'apply' | 'dims' | 'forward' | 'mismatch' | 'hazard';
  error?: string;
  shape?: Dims;
  /** Every output's shape, when the layer has several (an RNN with returnState, Bidirectional with mergeMode null). */
  shapes?: Dims[];
  trainable?: string[];
  nonTrainable?: string[];
  params?: number;
  forwarded?: boolean;
}

const TRANSPOSED = new Set(['conv2dTranspose', 'conv3dTranspose']);
const CONV = new Set(['conv1d', 'conv2d', 'conv3d', 'conv2dTranspose', 'conv3dTranspose', 'separableConv2d', 'depthwiseConv2d']);

const goodDim = (d: unknown) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0);
/**
 * A conv or pooling window one too big gives an output of size 0: tfjs builds that layer and runs it
 * on an empty tensor, so the catalogue returns the shape (with a warning); negative sizes are errors.
 */
const goodOutDim = (d: unknown) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const notPosInt = (v: unknown) => !(typeof v === 'number' && Number.isInteger(v) && v > 0);
const suffix = (name: string) => name.slice(name.lastIndexOf('/') + 1);
const wkey = (name: string, shape: Dims) => `${name}:${JSON.stringify(shape)}`;
const clone = (c: GenConfig): GenConfig => structuredClone(c);
const hasNullSpatial = (c: GenCase) => c.inputs.some((s) => s.slice(1).some((d) => d === null));

/** Runs tfjs. Stride 0 on a transposed conv makes tfjs's cpu kernel loop forever: never run it. */
function oracle(c: GenCase): TfjsResult {
  const layers = tf.layers as unknown as Record<string, (cfg: unknown) => tf.layers.Layer>;
  let layer: tf.layers.Layer;
  try {
    layer = layers[c.factory]!(innerLayers(clone(c.config), (f, cfg) => layers[f]!(cfg)));
  } catch (e) {
    return { ok: false, stage: 'constructor', error: String((e as Error).message) };
  }
  if (c.factory === 'inputLayer') {
    const shape = (layer as unknown as { batchInputShape: Dims }).batchInputShape;
    if (!Array.isArray(shape) || !shape.every(goodDim)) return { ok: false, stage: 'dims', shape, error: `batchInputShape ${JSON.stringify(shape)}` };
    return { ok: true, stage: 'ok', shape, trainable: [], nonTrainable: [], params: 0 };
  }
  try {
    return symbolicAndForward(c, layer);
  } finally {
    try {
      layer.dispose();
    } catch {
      /* never built */
    }
  }
}

function symbolicAndForward(c: GenCase, layer: tf.layers.Layer): TfjsResult {
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    const ins = c.inputs.map((s) => tf.input({ batchShape: s }));
    out = layer.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
  } catch (e) {
    return { ok: false, stage: 'apply', error: String((e as Error).message) };
  }
  const shape = (Array.isArray(out) ? out[0]! : out).shape as Dims;
  const trainable = layer.trainableWeights.map((w) => wkey(suffix(w.name), w.shape));
  const nonTrainable = layer.nonTrainableWeights.map((w) => wkey(suffix(w.name), w.shape));
  const res: TfjsResult = { ok: true, stage: 'ok', shape, trainable, nonTrainable, params: layer.countParams() };
  if (Array.isArray(out)) res.shapes = out.map((t) => t.shape as Dims);
  if (!shape.every(goodOutDim) || !layer.weights.flatMap((w) => w.shape).every(goodDim)) return { ...res, ok: false, stage: 'dims', error: `non-positive or non-integer dim in ${JSON.stringify(shape)} / weights ${JSON.stringify([...trainable, ...nonTrainable])}` };
  if (TRANSPOSED.has(c.factory) && list(c.config.strides).some((s) => typeof s === 'number' && s <= 0)) {
    return { ...res, ok: false, stage: 'hazard', error: 'stride 0: the cpu conv transpose kernel never terminates' };
  }
  // Forward pass on concrete zeros, when the shapes are known and small.
  const concrete = c.inputs.map((s) => s.map((d, i) => (i === 0 && d === null ? 2 : d)));
  const elems = concrete.reduce((n, s) => n + s.reduce<number>((p, d) => p * (d ?? 0), 1), 0);
  const outElems = shape.reduce<number>((p, d) => p * ((d as number | null) ?? 2), 1);
  if (concrete.every((s) => s.every((d) => d !== null)) && elems <= 100_000 && outElems <= 400_000) {
    try {
      const fwdShape = tf.tidy(() => {
        const xs = concrete.map((s) => tf.zeros(s as number[]));
        const y = layer.apply(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
        return (Array.isArray(y) ? y[0]! : y).shape;
      });
      res.forwarded = true;
      const expected = shape.map((d, i) => (i === 0 && d === null ? 2 : d));
      const same = fwdShape.length === expected.length && expected.every((d, i) => d === null || d === fwdShape[i]);
      if (!same) return { ...res, ok: false, stage: 'mismatch', error: `tfjs reports ${JSON.stringify(shape)} but computes ${JSON.stringify(fwdShape)}` };
    } catch (e) {
      return { ...res, ok: false, stage: 'forward', error: String((e as Error).message) };
    }
  }
  return res;
}

/**
 * Where we deliberately reject a config tfjs runs: each entry is a tfjs behaviour that silently
 * does something other than what the code says. Listed here so the divergence stays explicit.
 */
function deliberate(c: GenCase): string | null {
  const k = c.config;
  const f = c.factory;
  if (CONV.has(f) && ['strides', 'dilationRate', 'kernelSize', 'depthMultiplier'].some((key) => key in k && list(k[key]).some(notPosInt))) {
    return 'conv kernelSize/strides/dilationRate/depthMultiplier must be positive integers (tfjs takes 1.5 or 0 and computes nonsense shapes)';
  }
  if (['dropout', 'spatialDropout1d', 'gaussianDropout', 'alphaDropout'].includes(f) && !(typeof k.rate === 'number' && k.rate >= 0 && k.rate < 1)) {
    return 'rate required in [0, 1) (tfjs: missing → NaN, out of range → clamped, layer silently inactive)';
  }
  if (f === 'gaussianNoise' && !(typeof k.stddev === 'number' && k.stddev >= 0)) return 'stddev required, >= 0';
  if (f === 'repeatVector' && k.n === 0) return 'repeatVector n must be >= 1 (tfjs takes 0 and repeats into an empty tensor)';
  if (['flatten', 'cropping2D'].includes(f) && 'dataFormat' in k && !['channelsFirst', 'channelsLast'].includes(k.dataFormat as string)) {
    return 'dataFormat checked (tfjs ignores a typo here)';
  }
  if (f === 'prelu' && k.sharedAxes !== undefined && list(k.sharedAxes).some(notPosInt)) return 'sharedAxes must be axes >= 1 (tfjs silently ignores 0)';
  if (f === 'prelu' && list(k.sharedAxes).some((a) => typeof a === 'number' && a >= c.inputs[0]!.length)) return 'sharedAxes beyond the input rank (tfjs grows alpha by an axis; it only runs by broadcasting luck)';
  if (f === 'conv1d' && k.dataFormat === 'channelsFirst') return "conv1d channelsFirst (tfjs reports [b, filters, steps] but computes [b, steps, filters]; equal only when steps == filters)";
  if (f === 'dot' && (k.axes === undefined || list(k.axes).some((a) => a === 0))) return 'dot axes required and not the batch axis';
  const rank = /3d$/i.test(f) ? 3 : /2d$/i.test(f) ? 2 : 1;
  if (/pool/i.test(f) && !/global/i.test(f) && Array.isArray(k.poolSize) && k.poolSize.length !== rank) return 'poolSize needs one entry per axis (tfjs ignores extras)';
  if (f === 'upSampling2d' && Array.isArray(k.size) && (k.size.length !== 2 || k.size.some(notPosInt))) return 'size must be 2 positive integers';
  if (f === 'zeroPadding2d' && k.padding !== undefined && JSON.stringify(k.padding).match(/\d\.\d/)) return 'padding must be integers';
  if (f === 'reshape' && Array.isArray(k.targetShape) && k.targetShape.some((d) => typeof d === 'string')) return "targetShape entries must be numbers (tfjs happens to read '-1' as -1)";
  if (f === 'dot' && Array.isArray(k.axes) && k.axes.some((a) => typeof a === 'number' && a < 0)) return 'dot sizes checked for negative array axes (tfjs skips the check and broadcasting can hide a mismatch)';
  if (f === 'concatenate' && typeof k.axis === 'number' && k.axis < -1) return 'concatenate axis < -1 (tfjs reports that axis but concatenates along the last one; seen here only where no forward pass ran)';
  if (f === 'separableConv2d' && k.dataFormat === 'channelsFirst' && k.useBias !== false) return 'separableConv2d channelsFirst adds the bias along the wrong axis';
  if (f === 'timeDistributed' && c.mutation === 'innerRank') return "timeDistributed: the wrapped layer's input rank is checked (tfjs builds it unchecked; a conv then reads the batch axis as an image axis and runs only when the batch is 1)";
  return null;
}

/** Where tfjs throws and we do not: a null non-batch dim means "unknown" to us, not "dynamic". */
function lenient(c: GenCase): string | null {
  return hasNullSpatial(c) ? 'null non-batch dim: unknown to the analysis, never an error by itself' : null;
}

function oursOf(c: GenCase): { ok: true; out: LayerOutput } | { ok: false; error: unknown } {
  const spec = findLayerSpec(c.factory)!;
  try {
    // A wrapper's inner layer, as the engine hands it over: its spec and normalised config.
    const raw = innerLayers(clone(c.config), (f, cfg) => {
      const s = findLayerSpec(f)!;
      return { className: s.className, spec: s, config: s.configure(cfg as never) };
    });
    const cfg = spec.configure(raw as never);
    return { ok: true, out: spec.apply(cfg, c.inputs.map((s) => s.slice()) as Shape[]) };
  } catch (error) {
    return { ok: false, error };
  }
}

function compare(c: GenCase, t: TfjsResult, out: LayerOutput): string | null {
  const nullable = hasNullSpatial(c);
  const s = t.shape!;
  const o = out.outputShape;
  if (o === null) return `output shape: tfjs ${JSON.stringify(s)} vs ours unknown`;
  const shapeOk = s.length === o.length && s.every((d, i) => d === o[i] || (nullable && o[i] === null));
  if (!shapeOk) return `output shape: tfjs ${JSON.stringify(s)} vs ours ${JSON.stringify(o)}`;
  // Several outputs: as many, each the same shape.
  const ours = out.outputShapes;
  if ((t.shapes?.length ?? 1) !== (ours?.length ?? 1)) return `outputs: tfjs ${t.shapes?.length ?? 1} vs ours ${ours?.length ?? 1}`;
  for (const [k, ts] of (t.shapes ?? []).entries()) {
    const os = ours![k];
    if (!os || ts.length !== os.length || !ts.every((d, i) => d === os[i] || (nullable && os[i] === null))) return `output ${k}: tfjs ${JSON.stringify(ts)} vs ours ${JSON.stringify(os)}`;
  }
  if (nullable && out.weights.some((w) => w.shape.some((d) => d === null))) return null; // tfjs could not build these
  const tr = out.weights.filter((w) => w.trainable).map((w) => wkey(suffix(w.name), w.shape)).sort();
  const nt = out.weights.filter((w) => !w.trainable).map((w) => wkey(suffix(w.name), w.shape)).sort();
  if (JSON.stringify(tr) !== JSON.stringify(t.trainable!.slice().sort())) return `trainable weights: tfjs ${JSON.stringify(t.trainable)} vs ours ${JSON.stringify(tr)}`;
  if (JSON.stringify(nt) !== JSON.stringify(t.nonTrainable!.slice().sort())) return `non-trainable weights: tfjs ${JSON.stringify(t.nonTrainable)} vs ours ${JSON.stringify(nt)}`;
  const params = out.weights.reduce((n, w) => n + w.shape.reduce<number>((p, d) => p * (d as number), 1), 0);
  if (params !== t.params) return `params: tfjs ${t.params} vs ours ${params}`;
  return null;
}

test('catalogue covers every tf.layers factory it claims, and the generator covers the catalogue', () => {
  const exported = new Set(Object.keys(tf.layers));
  const catalogued = allLayerSpecs().flatMap((s) => s.factories);
  for (const f of catalogued) assert.ok(exported.has(f), `tf.layers.${f} does not exist in tfjs 4.22`);
  for (const f of catalogued) assert.ok(f in GENERATORS, `no generator for ${f}`);
  for (const f of Object.keys(GENERATORS)) assert.ok(findLayerSpec(f), `no spec for ${f}`);
  // The engine's list of what tf.layers has (a call of anything else is a runtime-error warning).
  assert.deepEqual([...TFJS_LAYERS_KEYS].sort(), [...exported].sort());
  // The engine's lists of what a layer and a model have (calling anything else is a runtime-error
  // warning); rerun scripts/gen-member-names.ts when tfjs changes.
  const members = tfjsMemberNames();
  assert.deepEqual([...TFJS_LAYER_MEMBERS].sort(), members.layer);
  assert.deepEqual([...TFJS_MODEL_MEMBERS].sort(), members.model);
});

test('catalogue agrees with @tensorflow/tfjs on generated layers', async () => {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = () => {};
  // CATALOGUE_SEED / CATALOGUE_COUNT explore other cases; the default run is fixed.
  const seed = process.env.CATALOGUE_SEED ? Number(process.env.CATALOGUE_SEED) : SEED;
  const cases = generateCases(seed, process.env.CATALOGUE_COUNT ? Number(process.env.CATALOGUE_COUNT) : 3000);
  const stats = { valid: 0, invalid: 0, forwarded: 0, deliberate: 0, lenient: 0 };
  const perFamily = new Map<string, { valid: number; invalid: number }>();
  const stages = new Map<string, number>();
  const reasons = new Map<string, number>();
  const mismatches: string[] = [];
  const t0 = Date.now();
  try {
    for (const c of cases) {
      const t = oracle(c);
      const o = oursOf(c);
      const fam = perFamily.get(c.family) ?? { valid: 0, invalid: 0 };
      perFamily.set(c.family, fam);
      if (t.ok) (stats.valid++, fam.valid++);
      else (stats.invalid++, fam.invalid++, stages.set(t.stage, (stages.get(t.stage) ?? 0) + 1));
      if (t.forwarded) stats.forwarded++;
      const where = () => `#${c.id} ${c.factory} (${c.mutation}) config=${JSON.stringify(c.config)} inputs=${JSON.stringify(c.inputs)}`;
      if (!o.ok && !(o.error instanceof LayerError)) {
        mismatches.push(`${where()}\n    ours threw a raw ${(o.error as Error)?.constructor?.name}: ${(o.error as Error)?.message}`);
        continue;
      }
      if (t.ok && o.ok) {
        const why = compare(c, t, o.out);
        if (why) mismatches.push(`${where()}\n    ${why}`);
      } else if (t.ok && !o.ok) {
        const why = deliberate(c);
        if (why) (stats.deliberate++, reasons.set(why, (reasons.get(why) ?? 0) + 1));
        else mismatches.push(`${where()}\n    tfjs works (${JSON.stringify(t.shape)}) but ours threw: ${(o.error as Error).message}`);
      } else if (!t.ok && o.ok) {
        const why = lenient(c);
        if (why) (stats.lenient++, reasons.set(why, (reasons.get(why) ?? 0) + 1));
        else mismatches.push(`${where()}\n    tfjs fails at ${t.stage} (${t.error?.slice(0, 160)}) but ours returned ${JSON.stringify(o.out.outputShape)}`);
      }
    }
  } finally {
    console.warn = warn;
  }
  console.log(`catalogue differential test: seed 0x${seed.toString(16)}, ${cases.length} configurations compared in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`  valid ${stats.valid} (${stats.forwarded} also run forward), invalid ${stats.invalid}; we are deliberately stricter on ${stats.deliberate}, lenient on ${stats.lenient}`);
  console.log(`  invalid by tfjs stage: ${[...stages].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const [fam, n] of [...perFamily].sort()) console.log(`  ${fam.padEnd(14)} valid ${String(n.valid).padStart(4)}  invalid ${String(n.invalid).padStart(4)}`);
  for (const [why, n] of reasons) console.log(`  exempt ×${n}: ${why}`);
  if (mismatches.length) console.log(`${mismatches.length} mismatches:\n  ${mismatches.slice(0, 30).join('\n  ')}`);
  assert.ok(stats.valid + stats.invalid >= 2500, 'at least 2,500 configurations');
  assert.equal(mismatches.length, 0, `${mismatches.length} mismatches with tfjs (first ones printed above)`);
});
