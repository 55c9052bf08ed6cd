/** Shape arithmetic shared by the catalogue; null (unknown) propagates through all of it. */
import type { Maybe } from './args';
import { LayerError, type Dim, type LayerOutput, type RFTransform, type Shape, type WeightSpec } from './types';

export type Padding = 'valid' | 'same' | 'causal';
export type DataFormat = 'channelsLast' | 'channelsFirst';
export const PADDINGS: readonly Padding[] = ['valid', 'same', 'causal'];
export const DATA_FORMATS: readonly DataFormat[] = ['channelsLast', 'channelsFirst'];

/** '5×5' ('?' for unknown dims). */
export function dims(ds: readonly Dim[]): string {
  return ds.map((d) => (d === null ? '?' : String(d))).join('×');
}

/** '[null, 5, 5, 3]', the way tfjs prints shapes. */
export function fmt(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

export function shapeError(layer: string, message: string, hint?: string): never {
  throw new LayerError(`${layer}: ${message}`, 'shape', hint);
}

export function mul(...xs: Dim[]): Dim {
  let p = 1;
  for (const x of xs) {
    if (x === null) return null;
    p *= x;
  }
  return p;
}

export function prod(xs: readonly Dim[]): Dim {
  return mul(...xs);
}

/** conv_utils.ts convOutputLength: 'causal' counts as 'valid' there. */
export function convLength(len: Dim, k: Dim, pad: Maybe<Padding>, s: Dim, d: Dim = 1): Dim {
  if (len === null || s === null || pad === null) return null;
  if (pad === 'same') return Math.floor((len + s - 1) / s);
  if (k === null || d === null) return null;
  const eff = k + (k - 1) * (d - 1);
  return Math.floor((len - eff + 1 + s - 1) / s);
}

/** conv_utils.ts deconvLength. */
export function deconvLength(len: Dim, s: Dim, k: Dim, pad: Maybe<Padding>): Dim {
  if (len === null || s === null || pad === null) return null;
  if (pad === 'same') return len * s;
  if (k === null) return null;
  return len * s + Math.max(k - s, 0);
}

/** Exactly one input (every layer but the merges). */
export function one(layer: string, inputs: Shape[]): Shape {
  if (inputs.length !== 1) {
    shapeError(layer, `expects exactly one input tensor, got ${inputs.length}.`, inputs.length > 1 ? 'merge the tensors first (tf.layers.concatenate or add), or apply the layer to each one' : undefined);
  }
  return inputs[0]!;
}

/** InputSpec ndim / minNDim / maxNDim (topology.ts assertInputCompatibility). */
export function checkRank(layer: string, shape: Shape, rank: { eq?: number; min?: number; max?: number }, what: string, hint?: string): void {
  const r = shape.length;
  const bad = (rank.eq !== undefined && r !== rank.eq) || (rank.min !== undefined && r < rank.min) || (rank.max !== undefined && r > rank.max);
  if (!bad) return;
  const want = rank.eq !== undefined ? `a ${rank.eq}-D input` : rank.min !== undefined && rank.max !== undefined ? `a ${rank.min}-D to ${rank.max}-D input` : rank.min !== undefined ? `an input of rank ${rank.min} or more` : `an input of rank ${rank.max} or less`;
  shapeError(layer, `expects ${want}${what ? ` ${what}` : ''}, got ${fmt(shape)} (${r}-D).`, hint);
}

/** A weight; the layer's `trainable: false` makes every weight non-trainable (topology.ts trainableWeights). */
export function weight(name: string, shape: Dim[], trainable: boolean): WeightSpec {
  return { name, shape, trainable };
}

export const IDENTITY: RFTransform = { kind: 'identity' };
export const DROP: RFTransform = { kind: 'drop' };
export const SHIFT: RFTransform = { kind: 'shift' };

/**
 * A sliding window's RF transform. When a kernel/stride/dilation is unknown the field cannot be
 * followed any further, and 'drop' (the field stops here) is the honest answer the contract allows.
 */
export function windowRF(kernel: Dim[], stride: Dim[], dilation: Dim[]): RFTransform {
  if ([...kernel, ...stride, ...dilation].some((x) => x === null)) return DROP;
  return { kind: 'window', kernel: kernel as number[], stride: stride as number[], dilation: dilation as number[] };
}

/** A layer that changes no shape and holds no weights. */
export function passThrough(shape: Shape): LayerOutput {
  return { outputShape: shape.slice(), weights: [], macs: 0, rf: IDENTITY };
}

/**
 * "a 7×7 kernel (valid padding) does not fit the 5×5 input; the output would be -1×-1", worded for
 * one axis too ("a kernel of size 4 ... the input of length 1; the output length would be -3").
 */
/**
 * An output length of 0 (the window exactly one too big, or pooled to nothing): tfjs builds the
 * model and runs it on an empty tensor, so it is a warning; a negative length is an error (tfjs's
 * Sequential refuses it, and running it throws).
 */
export function emptyOutput(what: string, size: Dim[], padding: string, input: Dim[], out: Dim[], fix: string): string {
  const win = size.length === 1 ? `a ${what} of size ${dims(size)}` : `a ${dims(size)} ${what}`;
  return `${win} (${padding} padding) does not fit the ${dims(input)} input: the output is ${dims(out)}, an empty tensor (tfjs builds it; every layer after it sees no data). ${fix}`;
}

export function doesNotFit(what: string, size: Dim[], extra: string, padding: string, input: Dim[], out: Dim[]): string {
  if (size.length === 1) {
    return `a ${what} of size ${dims(size)}${extra} (${padding} padding) does not fit the input of length ${dims(input)}; the output length would be ${dims(out)}.`;
  }
  return `a ${dims(size)} ${what}${extra} (${padding} padding) does not fit the ${dims(input)} input; the output would be ${dims(out)}.`;
}
