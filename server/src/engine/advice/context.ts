/**
 * What a design rule sees: one model's graph (layer applications with shapes), helpers to read a
 * layer's configuration, and the source file to build edits in. Rules return proposals; the driver
 * (index.ts) measures savings, words the diagnostics and dedupes.
 */
import type ts from 'typescript';
import type { LayerNode, LayerValue, ModelValue } from '../tfjs/values';
import type { Severity } from '../source';
import type { CodeStyle } from '../edit/style';
import type { OffsetEdit } from '../edit/edits';
import type { Shape } from '../layers/types';

export interface Saving {
  /** Fewer params (negative: more), over the whole model. */
  params: number | null;
  macs: number | null;
  /** What the percentages are of (the replaced layers, or the model). */
  paramsBasis: number | null;
  macsBasis: number | null;
}

export interface Proposal {
  code: string;
  severity: Severity;
  node: LayerNode;
  message: (s: Saving | undefined) => string;
  fix?: { title: (s: Saving | undefined) => string; edits: OffsetEdit[] };
  /** Exact saving known without re-analysis (otherwise measured by applying the edit). */
  saving?: Saving;
  /**
   * What percentages are of: 'site' — every layer the edited call builds in this model (a helper's
   * call builds one per helper call); 'model' — the model's totals.
   */
  basis: 'site' | 'model';
  /**
   * Where the finding shows and what 'site' means when it is not the layer's own call: a helper
   * call (offsets in the analysed file) and the layers built through it.
   */
  at?: { start: number; end: number; layers: LayerValue[] };
  /** The rule exists to save params: drop the finding if the fix does not (a helper shared by layers it would not help). */
  mustSave?: boolean;
}

/** Thresholds of the rules that have one (the `convlens.advice.*` settings). */
export interface AdviceOptions {
  /** gap-head fires only when the flatten → dense head holds at least this many params. */
  gapHeadMinParams: number;
}

export const DEFAULT_ADVICE_OPTIONS: AdviceOptions = { gapHeadMinParams: 1_000_000 };

export interface RuleContext {
  sf: ts.SourceFile;
  options: AdviceOptions;
  text: string;
  file: string;
  style: CodeStyle;
  model: ModelValue;
  modelName: string;
  nodes: LayerNode[];
  totalParams: number | null;
  totalMacs: number | null;
  consumers(n: LayerNode): LayerNode[];
  /** The model's layers built by the same call as this one (one per helper call). */
  siteLayers(l: LayerValue): LayerValue[];
}

export interface Rule {
  code: string;
  /** One line for the README's rule table. */
  summary: string;
  check(ctx: RuleContext): Proposal[];
}

// ------------------------------------------------------------------ reading layers

export const TRANSPARENT = new Set([
  'BatchNormalization',
  'LayerNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'Softmax',
  'ThresholdedReLU',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

export const DROPOUTS = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianDropout', 'AlphaDropout']);
export const WEIGHTED = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose', 'SeparableConv2D', 'SeparableConv1D', 'DepthwiseConv2D', 'Dense']);
export const POOLING = new Set(['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D']);

export function raw(layer: LayerValue, key: string): unknown {
  return layer.rawConfig[key];
}

export function pairOf(v: unknown, d: number): [number, number] | undefined {
  if (v === undefined || v === null) return [d, d];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  return undefined;
}

export function kernelShape(layer: LayerValue): (number | null)[] | undefined {
  return layer.weights?.find((w) => w.name === 'kernel' || w.name === 'depthwise_kernel')?.shape;
}

/** Conv2D details when everything needed is known: k×k, Cin, Cout, strides, dilation. */
export interface Conv2DInfo {
  kh: number;
  kw: number;
  cin: number;
  cout: number;
  strides: [number, number];
  dilation: [number, number];
  padding: string;
  useBias: boolean;
  activation: string;
  channelsLast: boolean;
}

export function conv2d(node: LayerNode): Conv2DInfo | undefined {
  const l = node.layer;
  if (l.className !== 'Conv2D') return undefined;
  const k = kernelShape(l);
  if (!k || k.length !== 4 || k.some((d) => d === null)) return undefined;
  const strides = pairOf(raw(l, 'strides'), 1);
  const dilation = pairOf(raw(l, 'dilationRate'), 1);
  if (!strides || !dilation) return undefined;
  return {
    kh: k[0]!,
    kw: k[1]!,
    cin: k[2]!,
    cout: k[3]!,
    strides,
    dilation,
    padding: typeof raw(l, 'padding') === 'string' ? (raw(l, 'padding') as string) : 'valid',
    useBias: raw(l, 'useBias') !== false,
    activation: activationOf(l),
    channelsLast: raw(l, 'dataFormat') !== 'channelsFirst',
  };
}

export function activationOf(l: LayerValue): string {
  const a = raw(l, 'activation');
  return typeof a === 'string' ? a : a === undefined || a === null ? 'linear' : 'custom';
}

/** Spatial dims of a rank-4 channels-last shape. */
export function spatial(s: Shape | null): [number, number] | undefined {
  if (!s || s.length !== 4 || s[1] === null || s[2] === null) return undefined;
  return [s[1]!, s[2]!];
}

export function channels(s: Shape | null): number | undefined {
  const c = s?.[s.length - 1];
  return typeof c === 'number' ? c : undefined;
}

/** Follow single-consumer transparent layers (BN, activation, dropout) downstream. */
export function nextWeighted(ctx: RuleContext, n: LayerNode, through = TRANSPARENT): LayerNode[] {
  const out: LayerNode[] = [];
  for (const c of ctx.consumers(n)) {
    if (through.has(c.layer.className)) out.push(...nextWeighted(ctx, c, through));
    else out.push(c);
  }
  return out;
}

/** Follow transparent layers upstream to the layer that produced a tensor. */
export function producer(n: LayerNode | undefined): LayerNode | undefined {
  while (n && TRANSPARENT.has(n.layer.className) && n.inputs.length === 1) n = n.inputs[0]!.node;
  return n;
}

export function pct(part: number | null, whole: number | null): string {
  if (part === null || whole === null || whole === 0) return '';
  const p = (100 * part) / whole;
  const a = Math.abs(p);
  const num = a >= 10 ? a.toFixed(0) : a >= 0.1 ? a.toFixed(1) : '<0.1';
  return ` (${p > 0 ? '−' : '+'}${num}%)`;
}

export function round8(x: number): number {
  return Math.max(8, Math.floor(x / 8) * 8);
}
