/**
 * Symbolic sizes for a model whose numbers depend on values the file leaves open (issue 11): a size
 * read from a parameter or a field the analysis cannot know (`inputShape: [numFeatures]`, `units:
 * numClasses`, `inputDim: meta.vocabSize`) is a named symbol, and the output shapes and parameter
 * counts and MACs of the layers below are expressions in it (`64·numFeatures + 64`, `⌊(height − 3)/1⌋ + 1`).
 *
 * This is a second pass over the graph the catalogue already built, for the layers whose arithmetic
 * it knows (dense, conv/pool 1D/2D, flatten, embedding, global pooling, normalisation, element-wise
 * layers): every number the catalogue stated is taken as it is, and every expression that folds to a
 * constant must equal the catalogue's number, or the model gets no expressions at all. A layer it
 * does not know, an unknown without a name, or a data format it does not model leaves the
 * expressions that depend on it absent (the numbers stay null: unknown, never guessed).
 */
import { Unknown } from '../unknown';
import type { LayerNode, LayerValue, ModelValue, TensorValue } from '../tfjs/values';
import { modelNodes } from '../tfjs/session';
import { effectiveWeights, trainableOpen, trainableStateOf } from '../tfjs/trainable';
import type { ModelReport, LayerReport } from './types';
import { ExprTooBig, type Poly, type SymExpr, add, constant, divide, integral, mul, num, product, sub, sum, sym, toSymExpr } from '../symbolic/expr';
import { symbolName } from '../symbolic/arith';

/** A dim: an expression, or null (the batch dim, or a size nobody can name). */
type SDim = Poly | null;
type SShape = SDim[];

interface SLayer {
  shape: SShape | null;
  /** An RNN's returnState outputs after the first (h, and c for LSTM): [batch, units] each. */
  states?: SShape[];
  /** Per weight (the catalogue's names): its size. */
  weights: { name: string; size: Poly | null }[] | null;
}

class Inconsistent extends Error {}

/**
 * Symbols used bare as a size somewhere in the model: integers in any run tfjs accepts, so integer
 * parts may leave a ⌊⌋ they appear in. A symbol met only inside computed sizes (`scale` in
 * `Math.floor(64 * scale)`) is not known to be one.
 */
let integers = new Set<string>();

/** A config leaf as a size: a number, a named unknown (a symbol), a size computed from them, else null. */
function dimOf(v: unknown): SDim {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return num(v);
  if (!(v instanceof Unknown) || v.dflt) return null;
  if (v.expr) return integral(v.expr as Poly) ? (v.expr as Poly) : null;
  const name = v.key !== undefined ? symbolName(v.key) : undefined;
  if (!name) return null;
  integers.add(name);
  return sym(name);
}

const isInteger = (name: string) => integers.has(name);

function intList(v: unknown, rank: number, dflt: number): number[] | undefined {
  if (v === undefined || v === null) return new Array(rank).fill(dflt);
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return new Array(rank).fill(v);
  if (Array.isArray(v) && v.length === rank && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0)) return v as number[];
  return undefined;
}

/** The shape a first layer or an input declares: inputShape / shape (batch dim added) or batchInputShape / batchShape. */
function declared(raw: Record<string, unknown>): SShape | null {
  const b = raw.batchInputShape ?? raw.batchShape;
  if (Array.isArray(b)) return b.map((d) => (d === null ? null : dimOf(d)));
  const s = raw.inputShape ?? raw.shape;
  if (Array.isArray(s)) return [null, ...s.map((d) => (d === null ? null : dimOf(d)))];
  if (raw.inputDim !== undefined && raw.inputLength !== undefined) return [null, dimOf(raw.inputLength)];
  return null;
}

const RNNS = new Set(['SimpleRNN', 'LSTM', 'GRU']);
const ELEMENTWISE = new Set(['Dropout', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'ThresholdedReLU', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D', 'SpatialDropout2D', 'Masking']);

/** Output shape and weight sizes of one layer from its input's symbolic shape; undefined: not a layer this pass knows. */
function applyLayer(layer: LayerValue, x: SShape): SLayer | undefined {
  const c = layer.rawConfig;
  const last = x[x.length - 1] ?? null;
  const bias = (units: SDim) => (c.useBias === false ? [] : c.useBias === undefined || c.useBias === true ? [{ name: 'bias', size: units }] : [{ name: 'bias', size: null }]);
  switch (layer.className) {
    case 'Dense': {
      const units = dimOf(c.units);
      return { shape: [...x.slice(0, -1), units], weights: [{ name: 'kernel', size: last && units ? mul(last, units) : null }, ...bias(units)] };
    }
    case 'Embedding': {
      const inDim = dimOf(c.inputDim);
      const outDim = dimOf(c.outputDim);
      return { shape: [...x, outDim], weights: [{ name: 'embeddings', size: inDim && outDim ? mul(inDim, outDim) : null }] };
    }
    case 'Flatten':
      return { shape: [x[0] ?? null, x.slice(1).every((d) => d) ? product(x.slice(1) as Poly[]) : null], weights: [] };
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') return undefined;
      return { shape: [x[0] ?? null, last], weights: [] };
    case 'BatchNormalization': {
      if (c.axis !== undefined && c.axis !== -1 && c.axis !== x.length - 1) return undefined;
      const w = [
        ...(c.scale === false ? [] : [{ name: 'gamma', size: last }]),
        ...(c.center === false ? [] : [{ name: 'beta', size: last }]),
        { name: 'moving_mean', size: last },
        { name: 'moving_variance', size: last },
      ];
      return { shape: x, weights: w };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const units = dimOf(c.units);
      const gates = num(layer.className === 'LSTM' ? 4 : layer.className === 'GRU' ? 3 : 1);
      const flag = (v: unknown) => v === undefined || typeof v === 'boolean';
      if (x.length !== 3 || !flag(c.returnSequences) || !flag(c.returnState)) return undefined;
      const width = units ? mul(units, gates) : null;
      const state: SShape = [x[0] ?? null, units];
      return {
        shape: c.returnSequences ? [x[0] ?? null, x[1] ?? null, units] : [x[0] ?? null, units],
        ...(c.returnState ? { states: layer.className === 'LSTM' ? [state, state] : [state] } : {}),
        weights: [
          { name: 'kernel', size: last && width ? mul(last, width) : null },
          { name: 'recurrent_kernel', size: units && width ? mul(units, width) : null },
          ...bias(width),
        ],
      };
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
      return window(layer.className, c, x);
    default:
      return ELEMENTWISE.has(layer.className) ? { shape: x, weights: [] } : undefined;
  }
}

/** Convolutions and pooling, channels last: out = ⌊(n − k_eff)/s⌋ + 1 ('valid') or ⌈n/s⌉ ('same'). */
function window(className: string, c: Record<string, unknown>, x: SShape): SLayer | undefined {
  const rank = className.endsWith('1D') ? 1 : 2;
  if (x.length !== rank + 2) return undefined;
  if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast') return undefined;
  const conv = className.startsWith('Conv');
  const padding = c.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') return undefined;
  const kernel = conv ? intList(c.kernelSize, rank, NaN) : intList(c.poolSize, rank, 2);
  if (!kernel || kernel.some((k) => !Number.isInteger(k))) return undefined;
  // tfjs: strides default to 1 for convolutions and to the pool size for pooling.
  const stride = c.strides === undefined || c.strides === null ? (conv ? new Array(rank).fill(1) : kernel) : intList(c.strides, rank, 1);
  if (!stride) return undefined;
  const dilation = conv ? intList(c.dilationRate, rank, 1) : new Array(rank).fill(1);
  if (!dilation) return undefined;
  const spatial = x.slice(1, rank + 1).map((n, i) => {
    if (!n) return null;
    const eff = (kernel[i]! - 1) * dilation[i]! + 1;
    return padding === 'same' ? divide(n, stride[i]!, 'ceil', isInteger) : add(divide(sub(n, num(eff)), stride[i]!, 'floor', isInteger), num(1));
  });
  const cin = x[rank + 1] ?? null;
  if (!conv) return { shape: [x[0] ?? null, ...spatial, cin], weights: [] };
  const filters = dimOf(c.filters);
  const k = kernel.reduce((a, b) => a * b, 1);
  const kernelSize = cin && filters ? mul(num(k), mul(cin, filters)) : null;
  const b = c.useBias === false ? [] : c.useBias === undefined || c.useBias === true ? [{ name: 'bias', size: filters }] : [{ name: 'bias', size: null }];
  return { shape: [x[0] ?? null, ...spatial, filters], weights: [{ name: 'kernel', size: kernelSize }, ...b] };
}

/** The catalogue's stated dims win; an expression that folds to a constant must agree with them. */
function reconcile(stated: (number | null)[] | null, mine: SShape | null): SShape | null {
  if (!stated) return mine && mine.length ? mine : null;
  if (mine && mine.length !== stated.length) throw new Inconsistent();
  return stated.map((d, i) => {
    const m = mine?.[i] ?? null;
    if (d === null) return i === 0 ? null : m;
    const k = m ? constant(m) : undefined;
    if (m && (k === undefined || k !== d)) {
      // A symbol where the catalogue states a number: the catalogue knew something this pass did not (a default, a caller's value); a folded constant must match.
      if (k !== undefined) throw new Inconsistent();
    }
    return num(d);
  });
}

const isSymbolic = (d: SDim) => d !== null && constant(d) === undefined;

function shapeExpr(s: SShape | null): (number | SymExpr | null)[] | null {
  if (!s) return null;
  return s.map((d) => (d === null ? null : constant(d) ?? toSymExpr(d)));
}

/**
 * Adds `…Expr` fields to a report whose numbers are null where the file names the sizes (docs/report.md).
 * Leaves the report as it is when nothing is symbolic, or when the pass cannot follow the model.
 */
export function addSymbolicSizes(model: ModelValue, report: ModelReport): void {
  const needed = report.totalParams === null || report.macs === null || report.inputShapes.some((s) => !s || s.some((d, i) => i > 0 && d === null)) || report.outputShapes.some((s) => !s || s.some((d, i) => i > 0 && d === null));
  if (!needed || report.incomplete?.length) return;
  integers = new Set();
  try {
    compute(model, report);
  } catch (e) {
    if (!(e instanceof Inconsistent) && !(e instanceof ExprTooBig)) throw e;
  } finally {
    integers = new Set();
  }
}

function compute(model: ModelValue, report: ModelReport): void {
  const nodes = modelNodes(model);
  const shapes = new Map<TensorValue, SShape | null>();
  const layerOut = new Map<LayerValue, SLayer>();
  const firstOf = new Map<LayerValue, LayerNode>();
  const nodeMacs = new Map<LayerNode, Poly | null>();
  const seqFirst = model.kind === 'sequential' ? model.sequence.find((n) => n.layer.className !== 'InputLayer') : undefined;
  for (const n of nodes) {
    if (n.layer.opaque) return;
    if (!firstOf.has(n.layer)) firstOf.set(n.layer, n);
    let out: SShape | null;
    if (n.layer.className === 'InputLayer') {
      // A Sequential's input comes from its first layer's inputShape; tf.input's from its own config.
      const raw = Object.keys(n.layer.rawConfig).length ? n.layer.rawConfig : seqFirst && model.inputs[0] === n.output ? seqFirst.layer.rawConfig : {};
      out = reconcile(n.output.shape, declared(raw));
    } else {
      let mine: Poly | null = null;
      // An RNN's further inputs are initial states and its further outputs returned states: its
      // sizes come from the sequence (the first input) alone.
      const rnn = RNNS.has(n.layer.className);
      if ((n.inputs.length !== 1 || n.outputs) && !rnn) {
        out = reconcile(n.output.shape, null);
      } else {
        const x = shapes.get(n.inputs[0]!) ?? null;
        const applied = x ? applyLayer(n.layer, x) : undefined;
        if (applied && !layerOut.has(n.layer)) layerOut.set(n.layer, applied);
        out = reconcile(n.output.shape, applied?.shape ?? null);
        n.outputs?.forEach((t, i) => i > 0 && shapes.set(t, reconcile(t.shape, applied?.states?.[i - 1] ?? null)));
        mine = x && applied && out ? macsOf(n.layer, x, out) : null;
      }
      nodeMacs.set(n, reconcileCount(n.macs, mine));
    }
    shapes.set(n.output, out);
  }

  // Per layer in the report's order: params (and trainable) as expressions where the catalogue has null.
  const state = trainableStateOf(model);
  const layerOrder = [...new Set(nodes.filter((n) => n.layer.className !== 'InputLayer').map((n) => n.layer))];
  if (layerOrder.length !== report.layers.length) return;
  let total: Poly | null = num(0);
  let trainable: Poly | null = num(0);
  let macs: Poly | null = num(0);
  for (const m of nodeMacs.values()) macs = macs && m ? add(macs, m) : null;
  // Written only once the whole model is followed: an inconsistency found late leaves the report untouched.
  const writes: (() => void)[] = [];
  layerOrder.forEach((layer, i) => {
    const r: LayerReport = report.layers[i]!;
    let params: Poly | null = r.params === null ? null : num(r.params);
    let train: Poly | null = r.trainableParams === null ? null : num(r.trainableParams);
    const mine = layerOut.get(layer);
    const eff = effectiveWeights(layer, state);
    if ((params === null || train === null) && mine?.weights && eff && eff.length === mine.weights.length && eff.every((w, k) => w.name === mine.weights![k]!.name)) {
      const sizes = mine.weights.map((w) => w.size);
      if (sizes.every((s) => s)) {
        const p = sum(sizes as Poly[]);
        const t = sum((sizes as Poly[]).filter((_, k) => eff[k]!.trainable));
        if (params !== null && constant(p) !== undefined && constant(p) !== r.params) throw new Inconsistent();
        if (params === null) {
          params = p;
          if (isSymbolic(p)) writes.push(() => (r.paramsExpr = toSymExpr(p)));
        }
        if (train === null && !trainableOpen(layer, state)) {
          train = t;
          if (isSymbolic(t)) writes.push(() => (r.trainableParamsExpr = toSymExpr(t)));
        }
      }
    }
    if (r.macs === null) {
      let lm: Poly | null = num(0);
      for (const n of nodes) if (n.layer === layer) lm = lm && nodeMacs.get(n) ? add(lm, nodeMacs.get(n)!) : null;
      if (lm && isSymbolic(lm)) writes.push(() => (r.macsExpr = toSymExpr(lm)));
    }
    const out = shapes.get(firstOf.get(layer)!.output) ?? null;
    // A layer with several outputs states them in outputShapes, which has no expression field.
    if (!r.outputShapes && (r.outputShape === null || r.outputShape.some((d, k) => k > 0 && d === null))) {
      if (out && out.some(isSymbolic)) writes.push(() => (r.outputShapeExpr = shapeExpr(out)!));
    }
    total = total && params ? add(total, params) : null;
    trainable = trainable && train ? add(trainable, train) : null;
  });

  const rep = report;
  const io = (ts: TensorValue[], stated: ((number | null)[] | null)[]) => {
    const exprs = ts.map((t, k) => {
      const s = shapes.get(t) ?? null;
      const st = stated[k];
      return s && s.some(isSymbolic) && (!st || st.some((d, j) => j > 0 && d === null)) ? shapeExpr(s) : shapeExpr(s && st ? s : null);
    });
    return exprs.some((e) => e && e.some((d) => d !== null && typeof d === 'object')) ? exprs : undefined;
  };
  const ins = io(model.inputs, report.inputShapes);
  const outs = io(model.outputs, report.outputShapes);
  if (ins) writes.push(() => (rep.inputShapesExpr = ins));
  if (outs) writes.push(() => (rep.outputShapesExpr = outs));
  const t = total as Poly | null;
  const tr = trainable as Poly | null;
  if (report.totalParams === null && t && tr && isSymbolic(t)) {
    const d = sub(t, tr);
    writes.push(() => {
      rep.totalParamsExpr = toSymExpr(t);
      rep.trainableParamsExpr = constant(tr) ?? toSymExpr(tr);
      rep.nonTrainableParamsExpr = constant(d) ?? toSymExpr(d);
    });
  }
  const mc = macs as Poly | null;
  if (report.macs === null && mc && isSymbolic(mc)) writes.push(() => (rep.macsExpr = toSymExpr(mc)));
  for (const w of writes) w();
}

/**
 * Multiply-accumulates of one application (batch 1), as the catalogue counts them (DESIGN.md):
 * dense and convolutions only; every other layer this pass follows counts 0.
 */
function macsOf(layer: LayerValue, x: SShape, out: SShape): Poly | null {
  const c = layer.rawConfig;
  switch (layer.className) {
    case 'Dense': {
      const dims = [...x.slice(1), dimOf(c.units)];
      return dims.every((d) => d) ? product(dims as Poly[]) : null;
    }
    case 'Conv1D':
    case 'Conv2D': {
      const rank = layer.className === 'Conv1D' ? 1 : 2;
      const kernel = intList(c.kernelSize, rank, NaN);
      const dims = [...out.slice(1, rank + 1), x[rank + 1] ?? null, dimOf(c.filters)];
      if (!kernel || kernel.some((k) => !Number.isInteger(k)) || !dims.every((d) => d)) return null;
      return mul(num(kernel.reduce((a, b) => a * b, 1)), product(dims as Poly[]));
    }
    default:
      return num(0);
  }
}

/** The catalogue's count wins; an expression that folds to a constant must equal it. */
function reconcileCount(stated: number | null, mine: Poly | null): Poly | null {
  if (stated === null) return mine;
  const k = mine ? constant(mine) : undefined;
  if (k !== undefined && k !== stated) throw new Inconsistent();
  return num(stated);
}
