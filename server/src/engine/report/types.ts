/**
 * The engine's public result types: the JSON report (`convlens profile --json`, docs/report.md) plus the
 * graph the panel draws. Plain data only, so the language server can send them as they are.
 */
import type { Range, Severity } from '../source';
import type { Family, Shape, WeightSpec } from '../layers/types';

export type { Range, Position, Severity } from '../source';
export type { Shape, WeightSpec, Family } from '../layers/types';

export interface RelatedInfo {
  range: Range;
  /** Absolute or host path of the file, when it is not the analysed one. */
  file?: string;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  related?: RelatedInfo[];
}

/** A user-function call that led to a layer: `inceptionBlock(...)` at this range. */
export interface CallSite {
  name: string;
  range: Range;
  file: string;
}

export interface LayerReport {
  className: string;
  /** The user's `name` when given. */
  name?: string;
  /** The layer-constructing call. */
  range: Range;
  /** The file that holds `range` (a helper may live in another module). */
  file: string;
  /** The call that applies it when that call encloses the constructor (`tf.layers.x(...).apply(y)`, `model.add(...)`). */
  applyRange?: Range;
  /** Where it is first applied (`.apply(...)`, `model.add(...)`, an entry of `layers: [...]`) and in which file. */
  useRange: Range;
  useFile: string;
  /** A shape is null when even its rank is unknown. */
  inputShapes: (Shape | null)[];
  /** null when even the rank is unknown, or when the layer has several outputs (see outputShapes). */
  outputShape: Shape | null;
  /** Every output, for a layer with several (a multi-output model used as a layer). */
  outputShapes?: (Shape | null)[];
  /** null when a size the count needs is unknown. */
  params: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  /** Multiply-accumulates for batch 1, summed over this layer's applications in the model. */
  macs: number | null;
  receptiveField?: [number, number];
  jump?: [number, number];
  /** float32 bytes of the output for batch 1; null when a dim is unknown. */
  activationBytes: number | null;
  // --- beyond the original minimum (all in docs/report.md): what hovers and the panel need
  /** Keras-style display name ('conv2d_3') unique within the model. */
  displayName: string;
  /** Short configuration: '3×3 conv, 64, /2'. */
  label: string;
  family: Family | 'other';
  weights: WeightSpec[];
  /** How many times this layer object is applied in the model (shared layers: more than 1). */
  applications: number;
  /** Helper calls that built it, innermost first. */
  chain: CallSite[];
  /** The shape error at this layer, if any. */
  error?: string;
  /** Where params / output dims are null because they depend on named sizes: the expressions. */
  paramsExpr?: SymExpr;
  trainableParamsExpr?: SymExpr;
  outputShapeExpr?: ShapeExpr;
  /** MACs summed over the applications, where `macs` is null and the sizes are named. */
  macsExpr?: SymExpr;
}

/** A condition a variant of a builder holds under. */
export interface VariantCondition {
  /** As the source states it, for this variant: `modelType = 'cnn'`, `not useBn`, `rnnType = 'GRU'`. */
  text: string;
  /** 'test': a comparison used as a value (`useBias: !useBn`). */
  kind: 'if' | 'ternary' | 'switch' | 'test';
  /** Where the condition is. */
  range: Range;
  file: string;
  /** True when this is the answer the file's own defaults give; absent when no default decides it. */
  byDefault?: boolean;
}

/** Which variant of its builder a model is (a builder that builds different models on different paths). */
export interface VariantInfo {
  /** The conditions in words, joined: `modelType = 'cnn'`. */
  label: string;
  conditions: VariantCondition[];
  /** The variant the file's own defaults build. */
  default?: true;
  /** Paths the analysis did not explore (its path budget ran out): other variants may exist. */
  unexplored?: number;
}

import type { ExprTree, SymExpr } from '../symbolic/expr';

export type { ExprTree, SymExpr };
/** A shape with symbolic dims: per dim a number, an expression, or null (the batch, or unknown). */
export type ShapeExpr = (number | SymExpr | null)[];

export interface ModelReport {
  name: string;
  /** Present when the builder builds different models depending on conditions the file leaves open. */
  variant?: VariantInfo;
  kind: 'sequential' | 'functional';
  range: Range;
  file: string;
  inputShapes: (Shape | null)[];
  outputShapes: (Shape | null)[];
  totalParams: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  macs: number | null;
  /** Sum of activation bytes of every layer output, batch 1. */
  activationBytes: number | null;
  layers: LayerReport[];
  diagnostics: Diagnostic[];
  /** Conv/dense layers along the longest input→output path (the number in 'ResNet-50'). */
  depth: number;
  /**
   * Why the totals are unknown (null), when they are: parts of the model the analysis cannot see
   * (an unknown layer added, outputs computed by an unknown function, a loop repeating layers an
   * unknown number of times). Absent when the model is known in full.
   */
  incomplete?: string[];
  /** Where a count is null because it depends on named sizes (parameters, data fields): the expression. */
  totalParamsExpr?: SymExpr;
  /** MACs (batch 1) where `macs` is null and the sizes are named. */
  macsExpr?: SymExpr;
  trainableParamsExpr?: SymExpr | number;
  nonTrainableParamsExpr?: SymExpr | number;
  /** Per input / output, present when a dim is symbolic; null where the shape is not followed. */
  inputShapesExpr?: (ShapeExpr | null)[];
  outputShapesExpr?: (ShapeExpr | null)[];
}

export interface Report {
  file: string;
  models: ModelReport[];
  diagnostics: Diagnostic[];
  /** What the analysis could not know and why (severity information): not problems of the code. */
  notes?: Diagnostic[];
}

export interface GraphNode {
  /** Stable within one analysis: 'n<id>'. */
  id: string;
  /** Index into the model report's `layers`; null for InputLayer nodes. */
  layerIndex: number | null;
  className: string;
  label: string;
  family: Family | 'other';
  name?: string;
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  params: number | null;
  macs: number | null;
  range: Range;
  file: string;
  /** Innermost helper-call group holding this node. */
  groupId?: string;
  error?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Position among the target's inputs (concat order matters). */
  targetInput: number;
  shape: Shape | null;
}

/** One helper-function call (an inception module, a residual block): what the panel collapses. */
export interface GraphGroup {
  id: string;
  /** The helper's name ('identityBlock'), or the call an anonymous callback is passed to ('BLOCKS.forEach callback'). */
  label: string;
  /** What tells this call from the helper's other calls: the arguments that differ ('stage 2, block b', 'inception_3a'). */
  detail?: string;
  parentId?: string;
  /** The call site. */
  range?: Range;
  file?: string;
  /** Every node inside, nested groups included. */
  nodeIds: string[];
  inputShapes: (Shape | null)[];
  outputShapes: (Shape | null)[];
  params: number | null;
}

export interface ModelGraph {
  model: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}
