/**
 * tfjs objects as the interpreter sees them: layers, symbolic tensors and models. Their behaviour
 * (what `apply`, `add`, `tf.model` do) lives in session.ts; these are the data.
 */
import type { Frame } from '../interp/frame';
import { type Closure, HostObject, type NativeFunction, type Value } from '../interp/values';
import type { Interp } from '../interp/api';
import type ts from 'typescript';
import type { LayerSpec, Shape, WeightSpec } from '../layers/types';
import type { LayerError } from '../layers/types';
import type { Loc } from '../source';
import type { TfSession } from './session';

/** Receptive field and jump (effective stride) per spatial axis, carried on tensors. */
export interface FieldInfo {
  rf: number[];
  jump: number[];
}

/** One application of a layer: a node of the model graph. */
export interface LayerNode {
  readonly id: number;
  readonly layer: LayerValue;
  readonly inputs: TensorValue[];
  output: TensorValue;
  /** All outputs, when the layer has several (a multi-output model used as a layer); output is the first. */
  outputs?: TensorValue[];
  /** Where the layer was applied (`.apply(...)`, `model.add(...)`, or its entry in `layers: [...]`). */
  readonly applyLoc: Loc;
  macs: number | null;
  /** The shape error at this application, if any (the output then carries best-effort dims). */
  error?: string;
}

export class LayerValue extends HostObject {
  readonly typeName = 'Layer';
  /** Applications in creation order. */
  readonly nodes: LayerNode[] = [];
  /** Weights as built by the first application (what a shared layer must keep matching). */
  weights: WeightSpec[] | undefined;
  /** Set when this layer object is a whole model used as a layer. */
  model: ModelValue | undefined;
  /** `layer.trainable = x` (or `model.trainable = x` on its model) by user code; undefined: as configured. */
  trainableSet: boolean | undefined;
  /** `layer.apply`, made once per layer object. */
  applyFn: NativeFunction | undefined;
  /**
   * Set on the stand-in for something that is not known to be a layer (an unknown value added to a
   * Sequential model, a tensor made by an unknown function): why it is unknown. Such nodes keep the
   * graph connected but make the model's totals unknown.
   */
  opaque: string | undefined;

  constructor(
    readonly session: TfSession,
    readonly id: number,
    /** tf.layers factory name ('conv2d'), or the model kind for a model used as a layer. */
    readonly factory: string,
    readonly className: string,
    readonly spec: LayerSpec | undefined,
    /** Normalised config (spec.configure's result); undefined when configure threw. */
    readonly config: unknown,
    readonly configError: LayerError | undefined,
    /** The user's `name`, when it is a known string. */
    readonly name: string | undefined,
    /** The constructing call. */
    readonly loc: Loc,
    /** Call stack when it was constructed: the helper calls that made it. */
    readonly frame: Frame | undefined,
    /** Raw config as plain data, for labels and advice. */
    readonly rawConfig: Record<string, unknown>,
  ) {
    super();
  }

  /** Names user code wrote on this object (ignored, but no longer absent). */
  expando: Set<string> | undefined;

  getProperty(interp: Interp, key: string, node: ts.Node): Value {
    return this.session.layerProperty(this, key, node, interp);
  }
  /** A catalogued layer or a model used as a layer; not a layer the analysis cannot see. */
  override get exactMembers(): boolean {
    return !this.opaque && (!!this.spec || !!this.model);
  }
  override setProperty(_interp: Interp, key: string, value: Value): void {
    (this.expando ??= new Set()).add(key);
    if (key === 'trainable' && typeof value === 'boolean') this.trainableSet = value;
  }
}

export class TensorValue extends HostObject {
  readonly typeName = 'SymbolicTensor';
  override get tensorLike(): boolean {
    return true;
  }
  constructor(
    /** null: not even the rank is known. */
    readonly shape: Shape | null,
    /** The node that produced it (an InputLayer node for model inputs); set right after the node is made. */
    public node: LayerNode | undefined,
    readonly field: FieldInfo | undefined,
  ) {
    super();
  }
  getProperty(interp: Interp, key: string, node: ts.Node): Value {
    return this.node ? this.node.layer.session.tensorProperty(this, key, node, interp) : undefined;
  }
}

export type ModelKind = 'sequential' | 'functional';

export class ModelValue extends HostObject {
  readonly typeName: string;
  /** Sequential: the layers added so far, in order (with their nodes). */
  readonly sequence: LayerNode[] = [];
  inputs: TensorValue[] = [];
  outputs: TensorValue[] = [];
  /** The outermost user function that returned this model: the model is reported under its name. */
  returnedBy: Closure | undefined;
  /** Set by `model.compile(...)`: optimizer / loss, used by the runtime check. */
  compileConfig: Record<string, unknown> | undefined;
  /** The model used as a layer, created on first `apply`. */
  asLayer: LayerValue | undefined;
  /** Why this model's layers or totals cannot be known in full (empty when they can). */
  readonly incomplete: string[] = [];
  /** Set when its builder builds different models on different paths: which one this is. */
  variant: ModelVariant | undefined;
  /** The variable (or field) it was first stored in. */
  varName: string | undefined;
  /** Names user code wrote on this object (ignored, but no longer absent). */
  expando: Set<string> | undefined;
  /** The entry point (a builder the engine ran on its own) whose run made it. */
  entry: object | undefined;
  /** The interpreter's host-op count when a layer was last added (loops of unknown length mark what they changed). */
  lastOp = 0;
  /** Each add, with the output before it (what a loop of unknown length started from). */
  readonly addLog: { op: number; before: TensorValue | undefined }[] = [];
  /** `model.trainable = x` by user code. */
  trainableSet: boolean | undefined;
  /** The trainable flags of its layers when its builder returned it (tfjs/trainable.ts). */
  trainableAtReturn: Map<LayerValue | ModelValue, boolean | undefined> | undefined;

  constructor(
    readonly session: TfSession,
    readonly id: number,
    readonly kind: ModelKind,
    /** `tf.sequential(...)` / `tf.model(...)` call. */
    readonly loc: Loc,
    readonly frame: Frame | undefined,
    readonly name: string | undefined,
  ) {
    super();
    this.typeName = kind === 'sequential' ? 'Sequential' : 'LayersModel';
  }

  getProperty(interp: Interp, key: string, node: ts.Node): Value {
    return this.session.modelProperty(this, key, node, interp);
  }
  override bound(name: string): void {
    this.varName ??= name;
  }
  override get exactMembers(): boolean {
    return true;
  }
  override setProperty(_interp: Interp, key: string, value: Value): void {
    (this.expando ??= new Set()).add(key);
    if (key === 'trainable' && typeof value === 'boolean') this.session.setModelTrainable(this, value);
  }
}

/** The condition a variant holds under, as the source states it (the report places `loc`). */
export interface ModelCondition {
  /** `modelType = 'cnn'`, `not useBn`, `rnnType = 'GRU'`. */
  text: string;
  kind: 'if' | 'ternary' | 'switch' | 'test';
  loc: Loc;
  /** True when this is the answer the file's own defaults give; absent when no default decides it. */
  byDefault?: boolean;
}

/** Which variant of its builder a model is. */
export interface ModelVariant {
  label: string;
  conditions: ModelCondition[];
  /** The variant the file's own defaults build. */
  default?: true;
  /** Paths left unexplored (the path budget ran out): other variants may exist. */
  unexplored?: number;
}
