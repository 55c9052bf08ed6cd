/** Merge layers (tfjs-layers layers/merge.ts). */
import { isUnknown } from '../unknown';
import { Args, isInt, show, type Maybe } from './args';
import { IDENTITY, fmt, shapeError } from './shape_utils';
import type { Dim, LayerOutput, LayerSpec, Shape } from './types';

const out = (outputShape: Shape): LayerOutput => ({ outputShape, weights: [], macs: 0, rf: IDENTITY });

function atLeastTwo(layer: string, inputs: Shape[]): void {
  if (inputs.length < 2) shapeError(layer, `needs at least 2 input tensors, got ${inputs.length}.`, `call it on an array: tf.layers.${layer[0]!.toLowerCase()}${layer.slice(1)}().apply([a, b])`);
}

const RESIDUAL_HINT = 'make the shapes equal: e.g. project the shortcut with a 1×1 conv (same filters and stride), or use concatenate to stack channels';

/**
 * Merge.computeElementwiseOpOutputShape folded over the inputs: shapes align on the right, a 1
 * broadcasts, null (or negative) stays null, two different known sizes throw.
 */
function broadcast(layer: string, inputs: Shape[]): Dim[] {
  let acc: Dim[] = inputs[0]!.slice(1);
  for (const s of inputs.slice(1)) {
    const b = s.slice(1);
    const [long, short] = acc.length >= b.length ? [acc, b] : [b, acc];
    const res = long.slice(0, long.length - short.length);
    for (let k = 0; k < short.length; k++) {
      const i = long[long.length - short.length + k]!;
      const j = short[k]!;
      if (i === null || j === null || i < 0 || j < 0) res.push(null);
      else if (i === 1) res.push(j);
      else if (j === 1) res.push(i);
      else if (i !== j) {
        shapeError(layer, `cannot combine ${inputs.map(fmt).join(' and ')}: ${i} vs ${j} on axis ${long.length - short.length + k + 1} (sizes must be equal or 1).`, RESIDUAL_HINT);
      } else res.push(i);
    }
    acc = res;
  }
  return acc;
}

/** Merge.build: known batch sizes must agree; the output keeps the single known one. */
function batchOf(layer: string, inputs: Shape[], check: boolean): Dim {
  const known = [...new Set(inputs.map((s) => s[0]).filter((b): b is number => b !== null && b !== undefined))];
  if (check && known.length > 1) shapeError(layer, `cannot merge tensors with different batch sizes: ${inputs.map(fmt).join(', ')}.`);
  return known.length === 1 ? known[0]! : null;
}

function elementwise(className: string, factory: string): LayerSpec<Record<string, never>> {
  return {
    className,
    factories: [factory],
    family: 'merge',
    configure: () => ({}),
    apply(_c, inputs) {
      atLeastTwo(className, inputs);
      const b = batchOf(className, inputs, true);
      return out([b, ...broadcast(className, inputs)]);
    },
    describe: () => factory,
  };
}

export const concatenateSpec: LayerSpec<{ axis: Maybe<number> }> = {
  className: 'Concatenate',
  factories: ['concatenate'],
  family: 'merge',
  configure(cfg) {
    const a: Args = new Args('Concatenate', cfg);
    const axis = a.int('axis', -1);
    // backend/tfjs_backend.ts concatenate() turns every negative axis into -1 when the model runs,
    // while computeOutputShape honours it: axis -2 reports one shape and computes another.
    if (axis !== null && axis < -1) a.fail(`axis ${axis} is broken in tfjs 4.22: every negative axis but -1 concatenates along the last axis when the model runs.`, `count the axis from the front instead (for 4-D inputs, axis ${axis} is axis ${4 + axis})`);
    return { axis };
  },
  apply(c, inputs) {
    atLeastTwo('Concatenate', inputs);
    const r = inputs[0]!.length;
    if (inputs.some((s) => s.length !== r)) {
      shapeError('Concatenate', `inputs must have the same rank: ${inputs.map(fmt).join(', ')}.`, 'flatten or reshape the branches to the same rank first');
    }
    if (c.axis === null) return out(inputs[0]!.map((d, i) => (i === 0 ? d : null)));
    const ax = c.axis < 0 ? c.axis + r : c.axis;
    if (ax < 0 || ax >= r) shapeError('Concatenate', `axis ${c.axis} is out of range for ${r}-D inputs ${fmt(inputs[0]!)}.`, 'use axis: -1 (channels, for channelsLast data)');
    // Concatenate.build compares every shape with the concat axis removed, batch included, and
    // requires exact equality; a null (unknown to us) is taken as matching.
    const res: Dim[] = [];
    for (let i = 0; i < r; i++) {
      const col = inputs.map((s) => s[i]!);
      if (i === ax) {
        res.push(col.some((d) => d === null) ? null : col.reduce<number>((s, d) => s + d!, 0));
        continue;
      }
      const known = col.filter((d): d is number => d !== null);
      if (new Set(known).size > 1) {
        shapeError(
          'Concatenate',
          `inputs must match on every axis but the concat axis (${c.axis}); ${inputs.map(fmt).join(' and ')} differ on axis ${i} (${known.join(' vs ')}).`,
          i === 0 ? undefined : 'bring the branches to the same spatial size (pooling, strides or padding: \'same\') before concatenating',
        );
      }
      res.push(i === 0 ? col[0]! : known.length > 0 ? known[0]! : null);
    }
    return out(res);
  },
  describe: (c) => `concat (axis ${c.axis ?? '?'})`,
};

interface DotConfig {
  axes: Maybe<number>[]; // one entry (both inputs) or two
  normalize: boolean;
}

export const dotSpec: LayerSpec<DotConfig> = {
  className: 'Dot',
  factories: ['dot'],
  family: 'merge',
  configure(cfg) {
    const a: Args = new Args('Dot', cfg);
    const v = a.raw('axes');
    // tfjs reads `axes` unchecked: a missing one splices away the batch axis.
    if (v === undefined || v === null) a.fail("'axes' is required.", 'e.g. axes: -1 (dot product over the last axis)');
    const entry = (e: unknown): Maybe<number> => (isUnknown(e) ? null : isInt(e) ? e : a.fail(`'axes' must be an integer or a pair of integers, got ${show(v)}.`));
    if (isUnknown(v)) return { axes: [null], normalize: a.bool('normalize', false) };
    if (Array.isArray(v)) {
      if (v.length !== 2) a.fail(`'axes' must be an integer or a pair of integers, got ${show(v)}.`);
      return { axes: v.map(entry), normalize: a.bool('normalize', false) };
    }
    return { axes: [entry(v)], normalize: a.bool('normalize', false) };
  },
  apply(c, inputs) {
    if (inputs.length !== 2) shapeError('Dot', `needs exactly 2 input tensors, got ${inputs.length}.`);
    const [s1, s2] = inputs as [Shape, Shape];
    if (s1.length > 3 || s2.length > 3) shapeError('Dot', `tfjs 4.22 does not support inputs of rank 4 or more: ${fmt(s1)}, ${fmt(s2)}.`, 'flatten or reshape the inputs to [batch, n] or [batch, m, n] first');
    if (s1.length < 2 || s2.length < 2) shapeError('Dot', `inputs need rank 2 or 3: ${fmt(s1)}, ${fmt(s2)}.`);
    const raw = c.axes.length === 1 ? [c.axes[0]!, c.axes[0]!] : c.axes;
    if (raw.some((x) => x === null)) return out([batchOf('Dot', inputs, false), null]);
    // mergeFunction wraps negative axes per input (interpretAxis); build() only does so for a number.
    const ax = (raw as number[]).map((x, i) => (x < 0 ? x + inputs[i]!.length : x));
    ax.forEach((x, i) => {
      const s = inputs[i]!;
      if (x < 0 || x >= s.length) shapeError('Dot', `axis ${raw[i]} is out of range for input ${i} ${fmt(s)}.`);
      if (x === 0) shapeError('Dot', `axis ${raw[i]} is the batch axis of input ${i} ${fmt(s)}; tfjs then produces a shape without a batch dimension.`, 'use axes counted from 1 (or -1 for the last axis)');
    });
    const d1 = s1[ax[0]!]!;
    const d2 = s2[ax[1]!]!;
    if (d1 !== null && d2 !== null && d1 !== d2) shapeError('Dot', `dimension mismatch: ${fmt(s1)} axis ${ax[0]} is ${d1} but ${fmt(s2)} axis ${ax[1]} is ${d2}.`);
    const a1 = s1.filter((_, i) => i !== ax[0]);
    const a2 = s2.filter((_, i) => i !== ax[1]).slice(1);
    const res = [...a1, ...a2];
    if (res.length === 1) res.push(1);
    return out(res);
  },
  describe: (c) => `dot (axes ${c.axes.map((x) => x ?? '?').join(', ')})`,
};

export const mergeSpecs: LayerSpec[] = [
  elementwise('Add', 'add'),
  elementwise('Multiply', 'multiply'),
  elementwise('Average', 'average'),
  elementwise('Maximum', 'maximum'),
  elementwise('Minimum', 'minimum'),
  concatenateSpec,
  dotSpec,
];
