/**
 * What tfjs calls mean, for one analysis: creating layers, applying them to symbolic tensors,
 * building Sequential and functional models, and the properties user code reads from them
 * (`x.shape`, `model.outputs[0]`, `layer.countParams()`). Shape semantics come from the catalogue;
 * this file wires them to the interpreter and records graph nodes and diagnostics.
 */
import ts from 'typescript';
import { OPEN_KEYS, Unknown, derived, isUnknown } from '../unknown';
import type { Frame } from '../interp/frame';
import type { Interp } from '../interp/api';
import { JsObject, NativeFunction, type Value, hostBaseOf, ownValue, toPlain } from '../interp/values';
import { LayerBaseClass, customClassName } from './custom_layer';
import { trainableUnknown } from './trainable';
import { BudgetExceeded } from '../interp/budget';
import { declaredInputShape, findLayerSpec, hasDeclaredInputShape, inputConfigShape, requiresConfigArgument, unusableInAModel } from '../layers';
import { LayerError, type LayerOutput, type LayerSpec, type RFTransform, type Shape, type WeightSpec } from '../layers/types';
import type { EngineDiagnostic, Loc } from '../source';
import { type FieldInfo, type LayerNode, LayerValue, type ModelKind, ModelValue, TensorValue } from './values';
import { modelLayerSpec } from './nested_model';
import { TFJS_LAYER_MEMBERS, TFJS_MODEL_MEMBERS } from './member_names';
import { noteStackOverflow } from '../stack_overflow';

/** Layers whose apply takes initial states (tfjs's RNN.apply and Bidirectional.apply). */
const TAKES_INITIAL_STATE = new Set(['SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM2D', 'Bidirectional']);

export class TfSession {
  private nextLayerId = 1;
  private nextNodeId = 1;
  private nextModelId = 1;
  readonly models: ModelValue[] = [];
  /** `tf.layers.Layer`, the base class of custom layers. */
  readonly layerBase = new LayerBaseClass(this);
  private readonly customLayers = new WeakMap<JsObject, LayerValue>();
  /** `tf.loadLayersModel(x)`: installed by analyze.ts (saved/load_model.ts reads workspace files). */
  modelLoader: ((session: TfSession, arg: Value) => Value) | undefined;

  constructor(readonly interp: Interp) {
    // A tensor variable after a loop of unknown length: the graph stays connected through a stand-in
    // whose shape is known only when one repetition keeps the shape the loop started with.
    interp.afterUnknownRepeat = (before, after, reason) => {
      if (!(after instanceof TensorValue)) return undefined;
      const same = before instanceof TensorValue && before.shape !== null && JSON.stringify(before.shape) === JSON.stringify(after.shape);
      return this.opaqueTensor(`the tensor after ${reason}`, [after], after.node?.applyLoc ?? { file: '', start: 0, end: 0 }, same ? after.shape : null);
    };
    // A loop that ran an unknown number of times: the models it added layers to have unknown totals.
    interp.onUnknownRepeat = (since, reason) => {
      for (const m of this.models) {
        if (m.lastOp <= since) continue;
        if (!m.incomplete.includes(reason)) m.incomplete.push(reason);
        // After k repetitions the output is known only when one repetition keeps the shape it started with.
        const before = m.addLog.find((a) => a.op > since)?.before;
        const now = m.outputs[0];
        if (m.kind === 'sequential' && now && (!before || JSON.stringify(before.shape) !== JSON.stringify(now.shape))) {
          const out = this.opaqueTensor(`the output after ${reason}`, undefined, now.node?.applyLoc ?? m.loc);
          out.node!.inputs.push(now);
          m.sequence.push(out.node!);
          m.outputs = [out];
        }
      }
    };
  }

  // ------------------------------------------------------------ locations and diagnostics

  locOf(node: ts.Node): Loc {
    return this.interp.locOf(node);
  }

  chainOf(frame: Frame | undefined): Loc[] {
    const out: Loc[] = [];
    for (let f = frame; f; f = f.parent) if (f.callLoc) out.push(f.callLoc);
    return out;
  }

  private diag(loc: Loc, severity: EngineDiagnostic['severity'], code: string, message: string, frame: Frame | undefined,
    extraRelated: { loc: Loc; message: string }[] = []): void {
    const related = [...extraRelated];
    for (let f = frame; f; f = f.parent) if (f.callLoc) related.push({ loc: f.callLoc, message: `via ${f.name}(...) called here` });
    this.interp.report({ loc, severity, code, message, related: related.length ? related : undefined, chain: this.chainOf(frame) });
  }

  /** `model.trainable = x`: tfjs sets it on every layer of the model (and on the model used as a layer). */
  setModelTrainable(model: ModelValue, value: boolean): void {
    model.trainableSet = value;
    if (model.asLayer) model.asLayer.trainableSet = value;
    for (const l of modelLayers(model)) if (l.className !== 'InputLayer') {
      l.trainableSet = value;
      if (l.model) this.setModelTrainable(l.model, value);
    }
  }

  /** A diagnostic about a saved model's file (saved/build.ts). */
  savedDiagnostic(loc: Loc, severity: EngineDiagnostic['severity'], code: string, message: string): void {
    this.diag(loc, severity, code, message, undefined);
  }

  // ------------------------------------------------------------ layers

  /** `tf.layers.<factory>(config)` */
  createLayer(factory: string, args: Value[], call: ts.Node): Value {
    const first = args[0];
    const spec = findLayerSpec(factory);
    if (Array.isArray(first)) {
      // Keras habit: in tfjs 4 `tf.layers.add([a, b])` does NOT apply the layer; it returns an
      // unapplied layer (the array is taken as a config), and using it as a tensor fails later.
      const layer = this.newLayer(factory, spec, undefined, call);
      this.diag(layer.loc, 'error', 'merge-not-applied',
        `tf.layers.${factory}([...]) returns a layer in tfjs, not a tensor (unlike Keras): write tf.layers.${factory}().apply([...])`, this.interp.currentFrame());
      return layer;
    }
    const layer = this.newLayer(factory, spec, first, call);
    if (first === undefined && spec && requiresConfigArgument(factory))
      this.diag(layer.loc, 'error', 'layer-config',
        `tf.layers.${factory}() crashes in tfjs without a config object (it reads its options from it): write tf.layers.${factory}({})`, this.interp.currentFrame());
    return layer;
  }

  private newLayer(factory: string, spec: LayerSpec | undefined, cfgValue: Value, call: ts.Node): LayerValue {
    const notObject = spec && cfgValue !== undefined && !(cfgValue instanceof JsObject) && !isUnknown(cfgValue)
      ? new LayerError(`${spec.className}: the config must be an object like { ... }, got ${typeof cfgValue}`, 'config')
      : undefined;
    const unusable = spec ? undefined : unusableInAModel(factory);
    return this.layerAt(factory, spec, plainConfig(cfgValue, this.interp), this.locOf(call), notObject, unusable
      ? `tf.layers.${factory} is not modelled, on purpose: ${unusable.why}. Shapes after it are unknown`
      : `tf.layers.${factory} is not modelled by ConvLens yet; shapes after it are unknown`);
  }

  /** A layer from a plain config at `loc`: from source (newLayer) or from a saved model's file (saved/build.ts). */
  layerAt(factory: string, spec: LayerSpec | undefined, raw: Record<string, unknown>, loc: Loc, invalid: LayerError | undefined,
    unmodelled: string, className = spec?.className ?? factory): LayerValue {
    this.interp.noteHostOp();
    let config: unknown;
    let configError: LayerError | undefined = invalid;
    if (spec && !configError) {
      try {
        config = spec.configure(raw as never);
      } catch (e) {
        configError = e instanceof LayerError ? e : new LayerError(`${spec.className}: ${(e as Error).message}`, 'config');
      }
    }
    const name = typeof raw.name === 'string' ? raw.name : undefined;
    const layer = new LayerValue(this, this.nextLayerId++, factory, className, spec, config, configError, name, loc, this.interp.currentFrame(), raw);
    if (configError) this.diag(loc, 'error', 'layer-config', withHint(configError), this.interp.currentFrame());
    else if (!spec) this.diag(loc, 'information', 'unmodelled-layer', unmodelled, this.interp.currentFrame());
    return layer;
  }

  /** `layer.apply(x)` / `layer.apply([a, b])` / `rnn.apply(x, {initialState: [h, c]})` */
  applyLayer(layer: LayerValue, input: Value, call: ts.Node, applyLoc = this.locOf(call), kwargs?: Value): Value {
    // An unknown input (or an unknown list of inputs) becomes a stand-in tensor: the layer is still
    // part of the graph, with what can be known of its output, and the model's totals turn unknown.
    let list = Array.isArray(input) ? input : [input];
    if (TAKES_INITIAL_STATE.has(layer.className) && layer.spec) {
      // RNN.apply / Bidirectional.apply (standardizeArgs): `initialState` is appended to the inputs,
      // which is how the list form passes it; both at once is a ValueError.
      const init = kwargs instanceof JsObject ? ownValue(this.interp, kwargs, 'initialState') : undefined;
      if (init !== undefined && init !== null && !isUnknown(init)) {
        if (Array.isArray(input)) {
          this.diag(applyLoc, 'error', 'shape-error',
            `${layer.className}.apply was given a list of inputs and an initialState: tfjs throws "When inputs is an array, neither initialState or constants should be provided". Pass the states one way: apply([x, ...states]) or apply(x, {initialState: states})`,
            this.interp.currentFrame());
          return new Unknown(`${layer.className}.apply with both an input list and initialState`);
        }
        list = [input, ...(Array.isArray(init) ? init : [init])];
      }
      if (layer.className === 'ConvLSTM2D' && list.length > 1)
        this.diag(applyLoc, 'warning', 'runtime-error',
          'ConvLSTM2D.apply with initial states: tfjs 4.22 throws TypeError there (its computeOutputShape reads the list of input shapes as one shape; with returnState it gives malformed shapes instead)',
          this.interp.currentFrame());
    }
    const tensors: TensorValue[] = [];
    for (const t of list) {
      if (t instanceof TensorValue) tensors.push(t);
      else if (t instanceof LayerValue) return new Unknown(`${layer.className}.apply was given a layer (${t.className}), not a tensor`);
      else if (isUnknown(t)) tensors.push(this.opaqueTensor(`the input of ${layer.className} is unknown (${t.reason})`, t.tensors, applyLoc));
      else if (t === undefined || t === null) {
        // tfjs reads a property of it at once: a helper that forgot to return its tensor, a deleted line.
        this.diag(applyLoc, 'warning', 'runtime-error',
          `${layer.className}.apply is given ${t}: running this throws TypeError: Cannot read properties of ${t} (a helper that does not return its tensor?)`,
          this.interp.currentFrame());
        return new Unknown(`${layer.className}.apply was given ${t}`);
      } else return new Unknown(`${layer.className}.apply on a concrete value is not analysed`);
    }
    if (!tensors.length) return new Unknown('apply with no inputs');
    const node = this.addNode(layer, tensors, applyLoc);
    return node.outputs ? node.outputs.slice() : node.output;
  }

  /** A call of a name tfjs does not have (`tf.layers.apply(...)`, a typo): running it throws. */
  /**
   * A tensor the analysis cannot follow (made by an unknown function, or an unknown value used as
   * one): a node of unknown shape whose inputs are the tensors it was computed from, if any.
   */
  opaqueTensor(reason: string, deps: readonly object[] | undefined, loc: Loc, shape: Shape | null = null): TensorValue {
    const layer = new LayerValue(this, this.nextLayerId++, 'unknown', 'Unknown', undefined, undefined, undefined, undefined, loc, this.interp.currentFrame(), {});
    layer.opaque = reason;
    layer.weights = [];
    const inputs = (deps ?? []).filter((t): t is TensorValue => t instanceof TensorValue);
    const output = new TensorValue(shape, undefined, undefined);
    const node: LayerNode = { id: this.nextNodeId++, layer, inputs, output, applyLoc: loc, macs: null };
    output.node = node;
    layer.nodes.push(node);
    return output;
  }

  /** Create the graph node for one application; throws only BudgetExceeded (too many layers). */
  addNode(layer: LayerValue, inputs: TensorValue[], applyLoc: Loc): LayerNode {
    this.interp.noteHostOp();
    if (this.nextNodeId > this.interp.limits.maxLayers)
      throw new BudgetExceeded(`analysis stopped: more than ${this.interp.limits.maxLayers.toLocaleString('en-US')} layers were built`, undefined);
    const shapes = inputs.map((t) => t.shape);
    let out: Applied | undefined;
    let error: LayerError | undefined;
    if (layer.spec && !layer.configError) {
      try {
        out = applySpec(layer.spec, layer.config, shapes);
      } catch (e) {
        if (!(e instanceof LayerError)) throw e;
        // With an input of unknown rank the failure is not certain: the output is simply unknown.
        if (shapes.every((s) => s !== null)) {
          error = e;
          out = bestEffort(layer.spec, layer.config, shapes as Shape[]);
        }
      }
    }
    const unusable = layer.spec ? undefined : unusableInAModel(layer.className);
    if (unusable?.always) {
      const precise = within(layer.loc, applyLoc) ? layer.loc : applyLoc;
      this.diag(precise, 'warning', 'runtime-error', `${unusable.className} in a model: ${unusable.why}.`, layer.frame);
    }
    if (out && out.weights && !error && layer.weights) {
      const clash = weightClash(layer.weights, out.weights);
      if (clash) error = new LayerError(`${layer.className}${layer.name ? ` '${layer.name}'` : ''} is shared: it was built with ${clash}`, 'shape',
        'a layer object keeps its weights; apply it only to inputs of the shape it was first applied to, or create a new layer');
    }
    if (out && out.weights && !layer.weights) layer.weights = out.weights;
    const field = out ? transformField(inputs, out.rf) : undefined;
    const output = new TensorValue(out ? out.outputShape : null, undefined, field);
    const node: LayerNode = { id: this.nextNodeId++, layer, inputs, output, applyLoc, macs: out ? out.macs : null };
    output.node = node;
    if (out?.outputShapes && out.outputShapes.length > 1) node.outputs = out.outputShapes.map((s, i) => (i === 0 ? output : new TensorValue(s, node, undefined)));
    layer.nodes.push(node);
    if (error) {
      node.error = withHint(error);
      // Point at the constructing call when it is part of this application (tf.layers.x(...).apply(y)).
      const precise = within(layer.loc, applyLoc) ? layer.loc : applyLoc;
      const rel = precise === layer.loc ? [] : [{ loc: layer.loc, message: `${layer.className} layer created here` }];
      this.diag(precise, 'error', 'shape-error', node.error, layer.frame, rel);
    } else if (out && 'warnings' in out && out.warnings?.length) {
      const precise = within(layer.loc, applyLoc) ? layer.loc : applyLoc;
      for (const w of out.warnings) this.diag(precise, 'warning', 'empty-output', w, layer.frame);
    }
    return node;
  }

  /** `tf.input({shape})`: a model input tensor. */
  createInput(args: Value[], call: ts.Node): Value {
    const raw = plainConfig(args[0], this.interp);
    return this.inputLayer(raw, () => inputConfigShape(raw as never), this.locOf(call)).nodes[0]!.output;
  }

  /** `tf.layers.inputLayer({inputShape})`: an InputLayer object (already holding its output tensor). */
  createInputLayer(args: Value[], call: ts.Node): Value {
    const raw = plainConfig(args[0], this.interp);
    return this.inputLayer(raw, () => declaredInputShape(raw as never, 'InputLayer'), this.locOf(call));
  }

  /** An InputLayer holding its output tensor (also a saved model's inputs, saved/build.ts). */
  inputLayer(raw: Record<string, unknown>, shapeOf: () => Shape | undefined, loc: Loc): LayerValue {
    let shape: Shape | null = null;
    try {
      shape = shapeOf() ?? null;
    } catch (e) {
      if (!(e instanceof LayerError)) throw e;
      this.diag(loc, 'error', 'layer-config', withHint(e), this.interp.currentFrame());
    }
    const layer = new LayerValue(this, this.nextLayerId++, 'inputLayer', 'InputLayer', findLayerSpec('inputLayer'), raw, undefined,
      typeof raw.name === 'string' ? raw.name : undefined, loc, this.interp.currentFrame(), raw);
    this.inputNode(layer, shape, loc);
    return layer;
  }

  private inputNode(layer: LayerValue, shape: Shape | null, loc: Loc): LayerNode {
    const output = new TensorValue(shape, undefined, shape ? initialField(shape) : undefined);
    const node: LayerNode = { id: this.nextNodeId++, layer, inputs: [], output, applyLoc: loc, macs: 0 };
    output.node = node;
    layer.nodes.push(node);
    layer.weights = [];
    return node;
  }

  // ------------------------------------------------------------ models

  createSequential(args: Value[], call: ts.Node): Value {
    const cfg = args[0];
    const raw = cfg instanceof JsObject ? cfg : undefined;
    const rawName = raw && ownValue(this.interp, raw, 'name');
    const name = typeof rawName === 'string' ? rawName : undefined;
    const model = this.newModel('sequential', call, name);
    const layers = raw && ownValue(this.interp, raw, 'layers');
    if (isUnknown(layers)) this.sequentialAdd(model, new Unknown(`the layers list is unknown (${layers.reason})`), call);
    if (Array.isArray(layers) && raw) {
      // Each entry is located at its own expression in the `layers: [...]` literal when we can find it.
      const elements = layersLiteralElements(call);
      layers.forEach((l, i) => this.sequentialAdd(model, l, elements?.[i] ?? call));
    }
    return model;
  }

  private newModel(kind: ModelKind, call: ts.Node, name: string | undefined): ModelValue {
    return this.modelAt(kind, this.locOf(call), name);
  }

  /** A new model at `loc` (a call in source, or a saved model's file). */
  modelAt(kind: ModelKind, loc: Loc, name: string | undefined): ModelValue {
    this.interp.noteHostOp();
    const frame = this.interp.currentFrame();
    const model = new ModelValue(this, this.nextModelId++, kind, loc, frame, name);
    this.models.push(model);
    return model;
  }

  sequentialAdd(model: ModelValue, item: Value, at: ts.Node): void {
    this.interp.noteHostOp();
    model.lastOp = this.interp.hostOps;
    model.addLog.push({ op: model.lastOp, before: model.outputs[0] });
    const loc = this.locOf(at);
    if (isUnknown(item)) {
      // Whatever it is, tfjs would have added it as a layer: a stand-in keeps later layers in the model.
      this.diag(loc, 'information', 'unknown-value', `the layer added here is unknown (${item.reason}); shapes after it are unknown`, this.interp.currentFrame());
      const out = this.opaqueTensor(`the layer added here is unknown (${item.reason})`, undefined, loc);
      const node = out.node!;
      const prev = model.outputs[0];
      if (prev) node.inputs.push(prev);
      else model.inputs = [out];
      model.sequence.push(node);
      model.outputs = [out];
      return;
    }
    const layer = item instanceof ModelValue ? this.modelAsLayer(item) : this.isCustomLayer(item) ? this.customLayer(item) : item;
    if (!(layer instanceof LayerValue)) {
      this.diag(loc, 'error', 'not-a-layer', 'model.add() expects a layer (tf.layers.*) or a model', this.interp.currentFrame());
      return;
    }
    const prev = model.outputs[0];
    if (!prev) {
      // The first layer defines the model input, as tfjs's Sequential.add does.
      let shape: Shape | undefined;
      if (layer.className === 'InputLayer') {
        const first = layer.nodes[0];
        model.inputs = first ? [first.output] : [];
        model.outputs = model.inputs.slice();
        if (first) model.sequence.push(first);
        return;
      }
      let reported = !!layer.configError;
      if (layer.model) shape = layer.model.inputs[0]?.shape ?? undefined;
      else if (!reported) {
        try {
          shape = declaredInputShape(layer.rawConfig as never, layer.className);
        } catch (e) {
          if (!(e instanceof LayerError)) throw e;
          this.diag(within(layer.loc, loc) ? layer.loc : loc, 'error', 'layer-config', withHint(e), layer.frame);
          reported = true;
        }
        // An inputShape whose value is unknown (a parameter) is there: only its size is unknown.
        if (!shape && hasDeclaredInputShape(layer.rawConfig as never, layer.className)) reported = true;
      }
      if (!shape && !reported && !layer.opaque && layer.spec) {
        this.diag(within(layer.loc, loc) ? layer.loc : loc, 'error', 'missing-input-shape',
          'the first layer of a Sequential model needs an inputShape (or batchInputShape) so tfjs knows the input size; add e.g. inputShape: [224, 224, 3]',
          layer.frame);
      }
      const inputLayer = new LayerValue(this, this.nextLayerId++, 'input', 'InputLayer', findLayerSpec('inputLayer'), {}, undefined, undefined,
        layer.loc, layer.frame, {});
      const inNode = this.inputNode(inputLayer, shape ?? null, layer.loc);
      model.inputs = [inNode.output];
      const node = this.addNode(layer, [inNode.output], loc);
      model.sequence.push(node);
      model.outputs = [node.output];
      this.singleOutput(layer, node, loc);
      return;
    }
    const node = this.addNode(layer, [prev], loc);
    model.sequence.push(node);
    model.outputs = [node.output];
    this.singleOutput(layer, node, loc);
    // tfjs checks names when the Sequential is built (summary, compile, predict): say it at the add.
    if (layer.name !== undefined && model.sequence.some((n) => n.layer !== layer && n.layer.name === layer.name))
      this.duplicateNames(model, loc, [layer.name]);
  }

  /** Sequential.add refuses a layer with several outputs (an RNN with returnState, Bidirectional with mergeMode null). */
  private singleOutput(layer: LayerValue, node: LayerNode, loc: Loc): void {
    if (!node.outputs || node.outputs.length < 2) return;
    const why = layer.className === 'Bidirectional' ? 'returnState or mergeMode: null' : layer.model ? 'a model with several outputs' : 'returnState: true';
    this.diag(within(layer.loc, loc) ? layer.loc : loc, 'error', 'shape-error',
      `${layer.className} has ${node.outputs.length} outputs here (${why}): tfjs's Sequential.add throws "All layers in a Sequential model should have a single output tensor"; build this model with tf.model (the functional API)`,
      layer.frame);
  }

  /**
   * Two different layers of one model with the same known `name`: tfjs refuses the model ("The
   * name X is used 2 times in the model. All layer names should be unique."). Names tfjs makes up
   * are unique, so only names the code gives can collide; a shared layer is one layer, not two.
   */
  private duplicateNames(model: ModelValue, loc: Loc, only?: string[]): void {
    const byName = new Map<string, LayerValue[]>();
    for (const l of modelLayers(model)) {
      if (l.name === undefined || (only && !only.includes(l.name))) continue;
      const list = byName.get(l.name) ?? [];
      list.push(l);
      byName.set(l.name, list);
    }
    for (const [name, list] of byName) {
      if (list.length < 2) continue;
      this.diag(loc, 'error', 'duplicate-name',
        `the layer name "${name}" is used ${list.length} times in this model; tfjs refuses it ("All layer names should be unique"): rename all but one`,
        this.interp.currentFrame(), list.map((l) => ({ loc: l.loc, message: `a layer named "${name}"` })));
    }
  }

  /** `tf.model({inputs, outputs})` */
  createFunctional(args: Value[], call: ts.Node): Value {
    const cfg = args[0];
    const rawName = cfg instanceof JsObject ? ownValue(this.interp, cfg, 'name') : undefined;
    const name = typeof rawName === 'string' ? rawName : undefined;
    const model = this.newModel('functional', call, name);
    if (!(cfg instanceof JsObject)) {
      this.diag(model.loc, 'error', 'model-config', 'tf.model() needs a config { inputs, outputs }', this.interp.currentFrame());
      return model;
    }
    const collect = (v: Value, what: string): TensorValue[] => {
      const list = Array.isArray(v) ? v : [v];
      const out: TensorValue[] = [];
      for (const t of list) {
        if (t instanceof TensorValue) out.push(t);
        else if (isUnknown(t)) {
          this.diag(model.loc, 'information', 'unknown-value', `model ${what} are unknown (${t.reason})`, this.interp.currentFrame());
          model.incomplete.push(`its ${what} are unknown (${t.reason})`);
          // Outputs computed from known tensors by something unknown keep those tensors in the graph.
          if (what === 'outputs' && t.tensors?.length) out.push(this.opaqueTensor(`the outputs are unknown (${t.reason})`, t.tensors, model.loc));
        } else this.diag(model.loc, 'error', 'model-config', `model ${what} must be symbolic tensors from tf.input() or layer.apply()`, this.interp.currentFrame());
      }
      return out;
    };
    model.inputs = collect(ownValue(this.interp, cfg, 'inputs'), 'inputs');
    model.outputs = collect(ownValue(this.interp, cfg, 'outputs'), 'outputs');
    for (const inp of model.inputs)
      if (inp.node && inp.node.layer.className !== 'InputLayer' && !inp.node.layer.opaque)
        this.diag(model.loc, 'error', 'model-input', 'model inputs must come from tf.input() (tfjs: "Input layers to a LayersModel must be InputLayer objects")', this.interp.currentFrame());
    const missing = disconnectedInputs(model);
    if (missing.length)
      this.diag(model.loc, 'error', 'graph-disconnected',
        `graph disconnected: the outputs depend on ${missing.length === 1 ? 'an input' : `${missing.length} inputs`} not listed in inputs (${missing
          .map((t) => JSON.stringify(t.shape))
          .join(', ')}); add ${missing.length === 1 ? 'it' : 'them'} to inputs`,
        this.interp.currentFrame(), missing.map((t) => ({ loc: t.node!.layer.loc, message: 'this input is missing from tf.model({inputs})' })));
    this.duplicateNames(model, model.loc);
    return model;
  }

  /** The layer object for an instance of a custom layer class (made once per instance). */
  customLayer(instance: JsObject): LayerValue {
    let layer = this.customLayers.get(instance);
    if (layer) return layer;
    const className = customClassName(instance.cls!, this.interp, instance);
    const state = this.layerBase.state(instance);
    const raw = plainConfig(state.config, this.interp);
    const spec = this.layerBase.spec(this.interp, instance, className);
    layer = new LayerValue(this, this.nextLayerId++, 'custom', className, spec, undefined, undefined, typeof raw.name === 'string' ? raw.name : undefined,
      instance.origin ?? { file: '', start: 0, end: 0 }, this.interp.currentFrame(), raw);
    this.customLayers.set(instance, layer);
    return layer;
  }

  /** Whether a value is an instance of a user class extending tf.layers.Layer. */
  isCustomLayer(v: Value): v is JsObject {
    return v instanceof JsObject && hostBaseOf(v.cls) === this.layerBase;
  }

  /** A model used as a layer (`base.apply(x)` or `model.add(base)`): one node that replays its graph. */
  modelAsLayer(model: ModelValue): LayerValue {
    if (model.asLayer) return model.asLayer;
    const spec = modelLayerSpec(model);
    const layer = new LayerValue(this, this.nextLayerId++, model.kind, spec.className, spec, undefined, undefined, model.name, model.loc,
      model.frame, {});
    layer.model = model;
    model.asLayer = layer;
    return layer;
  }

  // ------------------------------------------------------------ properties read by user code

  layerProperty(layer: LayerValue, key: string, node: ts.Node, interp: Interp): Value {
    const last = layer.nodes[layer.nodes.length - 1];
    switch (key) {
      case 'apply':
        return (layer.applyFn ??= new NativeFunction('apply', (_i, _t, args, call) => this.applyLayer(layer, args[0], call, undefined, args[1])));
      case 'name':
        return layer.name ?? `${layer.factory}_${layer.className}${layer.id}`;
      case 'getClassName':
        return new NativeFunction('getClassName', () => layer.className);
      // A layer with several outputs or inputs (an RNN with returnState, or given initial states) has a list of each.
      case 'outputShape':
        return last ? (last.outputs ? last.outputs.map((t) => shapeValue(t.shape)) : shapeValue(last.output.shape)) : new Unknown('outputShape read before the layer was applied');
      case 'inputShape':
        return last && last.inputs.length > 1 ? last.inputs.map((t) => shapeValue(t.shape)) : last && last.inputs[0] ? shapeValue(last.inputs[0].shape) : new Unknown('inputShape read before the layer was applied');
      case 'output':
        if (layer.nodes.length > 1 && !layer.model) return this.illDefined(layer, 'output', node);
        return last ? (last.outputs ? [...last.outputs] : last.output) : new Unknown('output read before the layer was applied');
      case 'input':
        if (layer.nodes.length > 1 && !layer.model) return this.illDefined(layer, 'input', node);
        return last && last.inputs.length === 1 ? last.inputs[0] : last ? last.inputs : new Unknown('input read before the layer was applied');
      // The i-th application's tensors, in the order of the .apply calls (tfjs's inboundNodes).
      case 'getOutputAt':
      case 'getInputAt':
        if (layer.model) return this.modelProperty(layer.model, key, node, interp);
        return new NativeFunction(key, (_i, _t, [i]) => {
          const n = typeof i === 'number' ? layer.nodes[i] : undefined;
          if (!n) return new Unknown(`${key}(${typeof i === 'number' ? i : '?'}) of a layer applied ${layer.nodes.length} times`);
          if (key === 'getOutputAt') return n.outputs ? [...n.outputs] : n.output;
          return n.inputs.length === 1 ? n.inputs[0] : [...n.inputs];
        });
      case 'getConfig':
        if (layer.spec && !layer.model && !layer.opaque) return new NativeFunction('getConfig', () => layerConfigView(layer));
        return new Unknown('getConfig() of a layer the analysis cannot see into');
      case 'countParams':
        return new NativeFunction('countParams', () => (layer.weights ? totalParams(layer.weights) ?? new Unknown('unknown size') : new Unknown('layer not built yet')));
      case 'built':
        return !!layer.weights;
      case 'trainable':
        if (layer.trainableSet === undefined && !layer.model && trainableUnknown(layer.rawConfig)) return new Unknown('trainable is not known from the layer config');
        return layer.trainableSet ?? (layer.model ? layer.model.trainableSet ?? true : layer.rawConfig.trainable !== false);
      default:
        // A name no tfjs layer has is absent (evalCall warns when it is called).
        if (layer.exactMembers && !(layer.model ? TFJS_MODEL_MEMBERS : TFJS_LAYER_MEMBERS).has(key) && !layer.expando?.has(key)) return undefined;
        // A model used as a layer is the model itself in tfjs (`outer.getLayer('encoder').inputs`, `.layers`, `.getLayer`).
        if (layer.model) return this.modelProperty(layer.model, key, node, interp);
        return new Unknown(`layer.${key} is not modelled`);
    }
  }

  /**
   * `layer.output` / `layer.input` of a layer applied more than once: tfjs throws AttributeError
   * (which application is meant is ill-defined); the last one would be a guess.
   */
  private illDefined(layer: LayerValue, what: 'input' | 'output', node: ts.Node): Value {
    const at = what === 'output' ? 'getOutputAt' : 'getInputAt';
    this.diag(this.locOf(node), 'warning', 'runtime-error',
      `${layer.className}${layer.name ? ` '${layer.name}'` : ''} is applied ${layer.nodes.length} times, so its ${what} is ill-defined: running this throws AttributeError (use the tensor each .apply returns, or layer.${at}(i))`,
      this.interp.currentFrame());
    return new Unknown(`the ${what} of a layer applied ${layer.nodes.length} times`);
  }

  tensorProperty(t: TensorValue, key: string, _node: ts.Node, _interp: Interp): Value {
    switch (key) {
      case 'shape':
        return shapeValue(t.shape);
      case 'rank':
        return t.shape ? t.shape.length : new Unknown('rank unknown');
      case 'dtype':
        return 'float32';
      case 'name':
        return t.node ? `${t.node.layer.name ?? t.node.layer.factory}/output` : new Unknown('name');
      case 'sourceLayer':
        return t.node?.layer;
      default:
        return new Unknown(`tensor.${key} is not modelled`);
    }
  }

  modelProperty(model: ModelValue, key: string, _node: ts.Node, _interp: Interp): Value {
    const fnv = (name: string, impl: NativeFunction['impl']) => new NativeFunction(name, impl);
    switch (key) {
      case 'add':
        return fnv('add', (_i, _t, args, call) => {
          if (model.kind !== 'sequential') return new Unknown('add on a functional model');
          this.sequentialAdd(model, args[0], call);
          return undefined;
        });
      case 'pop':
        return fnv('pop', () => {
          model.sequence.pop();
          const last = model.sequence[model.sequence.length - 1];
          model.outputs = last ? [last.output] : [];
          return undefined;
        });
      case 'apply':
        return fnv('apply', (_i, _t, args, call) => this.applyLayer(this.modelAsLayer(model), args[0], call));
      case 'compile':
        return fnv('compile', (_i, _t, args) => {
          model.compileConfig = args[0] instanceof JsObject ? (toPlain(args[0], this.interp) as Record<string, unknown>) : undefined;
          return undefined;
        });
      case 'outputs':
        return model.outputs.slice();
      case 'inputs':
        return model.inputs.slice();
      case 'output':
        return model.outputs.length === 1 ? model.outputs[0] : model.outputs.slice();
      case 'input':
        return model.inputs.length === 1 ? model.inputs[0] : model.inputs.slice();
      case 'outputShape':
        return model.outputs.length === 1 ? shapeValue(model.outputs[0]!.shape) : model.outputs.map((o) => shapeValue(o.shape));
      case 'inputShape':
        return model.inputs.length === 1 ? shapeValue(model.inputs[0]!.shape) : model.inputs.map((o) => shapeValue(o.shape));
      case 'layers':
        return [...listedLayers(model)];
      case 'getLayer':
        return fnv('getLayer', (_i, _t, [n, index]) => {
          const layers = listedLayers(model);
          // Container.getLayer(nameOrIndex, index): an index, when given, wins over the name.
          const at = index ?? n;
          if (at === undefined || at === null) return new Unknown('getLayer() needs a layer name or index');
          if (isUnknown(at)) return new Unknown(`the layer index or name is unknown (${at.reason})`);
          if (typeof at === 'number') return layers[at] ?? new Unknown(`no layer at index ${at}`);
          return layers.find((l) => l.name === at) ?? new Unknown(`no layer named ${String(at)}`);
        });
      case 'countParams':
        return fnv('countParams', () => {
          if (model.incomplete.length) return new Unknown(`the model is not known in full (${model.incomplete[0]})`);
          let sum = 0;
          for (const l of modelLayers(model)) {
            const p = l.weights ? totalParams(l.weights) : null;
            if (p === null) return new Unknown('unknown parameter count');
            sum += p;
          }
          return sum;
        });
      case 'name':
        return model.name ?? (model.kind === 'sequential' ? `sequential_${model.id}` : `model_${model.id}`);
      case 'summary':
      case 'dispose':
        return fnv(key, () => undefined);
      case 'then':
      case '%await':
        return undefined; // a model is not a promise
      case 'trainable':
        return model.trainableSet ?? true;
      default:
        if (!TFJS_MODEL_MEMBERS.has(key) && !model.expando?.has(key)) return undefined;
        // fit / predict / evaluate / save ...: run-time only.
        return fnv(key, () => new Unknown(`model.${key}() runs the model; it is not analysed statically`));
    }
  }
}

// ------------------------------------------------------------------ helpers

/** Ranks an input of unknown rank is tried at (tfjs layers take 2-D to 5-D inputs, RNN cells 3-D, ...). */
const TRIAL_RANKS = [1, 2, 3, 4, 5, 6];

/**
 * Apply a spec. An input of unknown rank is tried at every rank: what all the ranks that work agree
 * on is certain (a Conv2D only works on 4-D input, so its output is 4-D), what they disagree on is
 * unknown (a Dense keeps its input's rank, so its output rank is unknown). Throws the LayerError of
 * the first failure when no rank works.
 */
/** A layer's output as far as it is known: the shape or the weights may be unknown altogether. */
type Applied = Omit<LayerOutput, 'weights'> & { weights: WeightSpec[] | null };

function applySpec(spec: LayerSpec, config: unknown, shapes: (Shape | null)[]): Applied {
  if (shapes.every((s) => s !== null)) return spec.apply(config, shapes as Shape[]);
  const outs: LayerOutput[] = [];
  let firstError: unknown;
  for (const rank of TRIAL_RANKS) {
    const trial = shapes.map((s) => s ?? new Array<null>(rank).fill(null));
    try {
      outs.push(spec.apply(config, trial));
    } catch (e) {
      if (!(e instanceof LayerError)) throw e;
      firstError ??= e;
    }
  }
  if (!outs.length) throw firstError;
  return agreeOn(outs);
}

/** What several possible outputs of one layer have in common; the rest becomes null. */
function agreeOn(outs: LayerOutput[]): Applied {
  const [first, ...rest] = outs as [LayerOutput, ...LayerOutput[]];
  if (!rest.length) return first;
  const sameDims = (a: (number | null)[], b: (number | null)[]) => a.length === b.length;
  const merge = (a: (number | null)[], b: (number | null)[]) => a.map((d, i) => (d === b[i] ? d : null));
  let shape: Shape | null = first.outputShape;
  let weights: WeightSpec[] | null = first.weights;
  let macs = first.macs;
  for (const o of rest) {
    shape = shape && o.outputShape && sameDims(shape, o.outputShape) ? merge(shape, o.outputShape) : null;
    if (weights && o.weights.length === weights.length && o.weights.every((w, i) => w.name === weights![i]!.name && sameDims(w.shape, weights![i]!.shape)))
      weights = weights.map((w, i) => ({ ...w, shape: merge(w.shape, o.weights[i]!.shape) }));
    else weights = null;
    if (macs !== o.macs) macs = null;
  }
  // Several outputs (an RNN with returnState): each merged the same way; a different count is unknown.
  const counts = new Set(outs.map((o) => o.outputShapes?.length ?? 1));
  if (counts.size > 1) return { outputShape: null, weights, macs, rf: { kind: 'drop' } };
  let shapes: (Shape | null)[] | undefined;
  if (first.outputShapes) {
    shapes = first.outputShapes;
    for (const o of rest) shapes = shapes.map((a, i) => { const b = o.outputShapes![i]!; return a && b && sameDims(a, b) ? merge(a, b) : null; });
    shape = shapes[0] ?? null;
  }
  return { outputShape: shape, ...(shapes ? { outputShapes: shapes } : {}), weights, macs, rf: { kind: 'drop' } };
}

/**
 * After a shape error, keep going with what can still be known: the smallest relaxation of the
 * inputs that the layer accepts. Forgetting one axis at a time first (an Add of 32 and 64 channels
 * keeps its spatial size), then the spatial dims, then everything — so later layers keep hints
 * without a cascade of follow-on errors.
 */
function bestEffort(spec: LayerSpec, config: unknown, shapes: Shape[]): LayerOutput | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  const relaxations: ((s: Shape) => Shape)[] = [];
  for (let axis = rank - 1; axis >= 1; axis--) relaxations.push((s) => s.map((d, i) => (i === axis - (rank - s.length) ? null : d)));
  relaxations.push(
    (s) => s.map((d, i) => (i === s.length - 1 ? d : null)),
    (s) => s.map((d, i) => (i === 1 ? d : null)),
    (s) => s.map(() => null),
  );
  for (const relax of relaxations) {
    try {
      return spec.apply(config, shapes.map(relax));
    } catch (e) {
      noteStackOverflow(e);
      /* try the next relaxation */
    }
  }
  return undefined;
}

function withHint(e: LayerError): string {
  if (!e.hint) return e.message;
  const sep = /[.!?]$/.test(e.message) ? ' ' : '. ';
  return `${e.message}${sep}${e.hint.charAt(0).toUpperCase()}${e.hint.slice(1)}`;
}

function within(inner: Loc, outer: Loc): boolean {
  return inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end;
}

export function totalParams(weights: WeightSpec[]): number | null {
  let sum = 0;
  for (const w of weights) {
    let n = 1;
    for (const d of w.shape) {
      if (d === null) return null;
      n *= d;
    }
    sum += n;
  }
  return sum;
}

export function weightClash(built: WeightSpec[], now: WeightSpec[]): string | undefined {
  for (let i = 0; i < Math.min(built.length, now.length); i++) {
    const a = built[i]!.shape;
    const b = now[i]!.shape;
    if (a.length !== b.length || a.some((d, k) => d !== null && b[k] !== null && d !== b[k]))
      return `${built[i]!.name} ${fmt(a)} but this input needs ${fmt(b)}`;
  }
  return undefined;
}

function fmt(s: (number | null)[]): string {
  return `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;
}

/**
 * `x.shape` as user code reads it. A null past the batch axis is either a dim the analysis does not
 * know or a dim tfjs leaves null (a variable-length axis): both read as unknown, so that code
 * multiplying dims (`h * w * c` for a reshape) gets an unknown size, not JavaScript's null × null = 0.
 */
function shapeValue(s: Shape | null): Value {
  if (!s) return new Unknown('the shape is unknown here');
  return s.map((d, k) => (d === null && k > 0 ? new Unknown(`dimension ${k} of this tensor is not known here (null in tfjs, or a size the analysis does not know)`) : d));
}

export function initialField(shape: Shape): FieldInfo | undefined {
  const spatial = shape.length - 2;
  if (spatial < 1) return undefined;
  return { rf: new Array<number>(spatial).fill(1), jump: new Array<number>(spatial).fill(1) };
}

function transformField(inputs: TensorValue[], t: RFTransform): FieldInfo | undefined {
  // Along the largest path: the input with the widest field.
  let base: FieldInfo | undefined;
  for (const i of inputs) if (i.field && (!base || prod(i.field.rf) > prod(base.rf))) base = i.field;
  if (!base) return undefined;
  const n = base.rf.length;
  switch (t.kind) {
    case 'identity':
    case 'shift':
      return base;
    case 'drop':
      return undefined;
    case 'window': {
      if (t.kernel.length !== n) return undefined;
      return {
        rf: base.rf.map((r, i) => r + (t.dilation[i]! * (t.kernel[i]! - 1)) * base!.jump[i]!),
        jump: base.jump.map((j, i) => j * t.stride[i]!),
      };
    }
    case 'transpose': {
      if (t.kernel.length !== n) return undefined;
      return {
        rf: base.rf.map((r, i) => r + (Math.ceil(t.kernel[i]! / t.stride[i]!) - 1) * base!.jump[i]!),
        jump: base.jump.map((j, i) => j / t.stride[i]!),
      };
    }
    case 'upsample':
      if (t.factor.length !== n) return undefined;
      return { rf: base.rf, jump: base.jump.map((j, i) => j / t.factor[i]!) };
  }
}

function prod(xs: number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

function plainConfig(v: Value, interp: Interp): Record<string, unknown> {
  if (v instanceof JsObject) return toPlain(v, interp) as Record<string, unknown>;
  // A config the analysis cannot see: any key may be set (an empty config with open keys).
  if (isUnknown(v)) return { [OPEN_KEYS]: derived(v) } as Record<string, unknown>;
  return {};
}

/** For `tf.sequential({layers: [a, b, c]})`: the element expressions, to locate each layer. */
function layersLiteralElements(call: ts.Node): ts.Node[] | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const arg = call.arguments[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
  for (const p of arg.properties) {
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'layers' && ts.isArrayLiteralExpression(p.initializer)) {
      const els = p.initializer.elements;
      if (els.some((e) => ts.isSpreadElement(e))) return undefined;
      return [...els];
    }
  }
  return undefined;
}

/** Functional models do not change once made: their node lists are computed once. */
const functionalNodes = new WeakMap<ModelValue, LayerNode[]>();

/** The nodes of a model, inputs first, in creation (= topological) order. */
/**
 * `layer.getConfig()`: the keys tfjs serialises exactly as they were given (sizes, rates, padding,
 * useBias); every other key (kernelSize becomes [3, 3], initialisers become objects, the generated
 * name) reads as unknown, never as a guess.
 */
const VERBATIM_CONFIG_KEYS: Record<string, 'number' | 'string' | 'boolean'> = {
  filters: 'number', units: 'number', rate: 'number', inputDim: 'number', outputDim: 'number', depthMultiplier: 'number',
  padding: 'string', useBias: 'boolean',
};
function layerConfigView(layer: LayerValue): JsObject {
  const o = new JsObject();
  for (const [k, type] of Object.entries(VERBATIM_CONFIG_KEYS)) {
    const v = layer.rawConfig[k];
    if (typeof v === type) o.set(k, v as Value);
  }
  o.open = { from: [new Unknown(`a getConfig() key of ${layer.className} the analysis does not model`)] };
  return o;
}

export function modelNodes(model: ModelValue): LayerNode[] {
  if (model.kind === 'sequential') {
    const first = model.inputs[0]?.node;
    const out = first && !model.sequence.includes(first) ? [first] : [];
    return out.concat(model.sequence);
  }
  let cached = functionalNodes.get(model);
  if (!cached) functionalNodes.set(model, (cached = collectNodes(model)));
  return cached;
}

/**
 * The model's nodes in creation (id) order. A node's inputs were made before it, so the output
 * nodes' ids bound every id met: each node found goes in the slot of its id, and reading the slots
 * in order gives the nodes sorted, with no Set or sort (a 5,000-layer model: 4.4 ms → 1 ms an edit).
 */
function collectNodes(model: ModelValue): LayerNode[] {
  let maxId = -1;
  for (const o of model.outputs) if (o.node && o.node.id > maxId) maxId = o.node.id;
  const slots: (LayerNode | undefined)[] = new Array(maxId + 1);
  const stack: LayerNode[] = [];
  for (const o of model.outputs) if (o.node) stack.push(o.node);
  const stopAt = new Set(model.inputs.map((t) => t.node));
  let found = 0;
  while (stack.length) {
    const n = stack.pop()!;
    const had = slots[n.id];
    if (had === n) continue;
    // Ids are one session's and only grow: anything else is a bug, kept correct the slow way.
    if (had !== undefined || n.id > maxId || n.id < 0) return collectNodesBySet(model);
    slots[n.id] = n;
    found++;
    if (stopAt.has(n)) continue;
    for (const i of n.inputs) if (i.node) stack.push(i.node);
  }
  const out: LayerNode[] = new Array(found);
  let k = 0;
  for (let id = 0; id <= maxId; id++) {
    const n = slots[id];
    if (n !== undefined) out[k++] = n;
  }
  return out;
}

function collectNodesBySet(model: ModelValue): LayerNode[] {
  const seen = new Set<LayerNode>();
  const stack: LayerNode[] = [];
  for (const o of model.outputs) if (o.node) stack.push(o.node);
  const stopAt = new Set(model.inputs.map((t) => t.node));
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (stopAt.has(n)) continue;
    for (const i of n.inputs) if (i.node) stack.push(i.node);
  }
  return [...seen].sort((a, b) => a.id - b.id);
}

const functionalLayers = new WeakMap<ModelValue, readonly LayerValue[]>();

/** Unique layer objects of a model in order of first use (tfjs's model.layers, InputLayers included). Shared: copy before handing it to user code. */
export function modelLayers(model: ModelValue): readonly LayerValue[] {
  if (model.kind === 'sequential') return uniqueLayers(model);
  let cached = functionalLayers.get(model);
  if (!cached) functionalLayers.set(model, (cached = uniqueLayers(model)));
  return cached;
}

/**
 * `model.layers` as user code reads it. A Sequential lists the layers added to it (Sequential.add
 * pushes each), so the InputLayer made from the first layer's inputShape is not there and index 0
 * is that first layer; a functional model lists its InputLayers too.
 */
function listedLayers(model: ModelValue): readonly LayerValue[] {
  return model.kind === 'sequential' ? model.sequence.map((n) => n.layer) : modelLayers(model);
}

function uniqueLayers(model: ModelValue): LayerValue[] {
  const seen = new Set<LayerValue>();
  for (const n of modelNodes(model)) seen.add(n.layer);
  return [...seen];
}

function disconnectedInputs(model: ModelValue): TensorValue[] {
  const listed = new Set(model.inputs.map((t) => t.node));
  const missing: TensorValue[] = [];
  for (const n of modelNodes(model))
    if (n.layer.className === 'InputLayer' && !listed.has(n) && n.inputs.length === 0 && !missing.includes(n.output)) missing.push(n.output);
  return missing;
}
