/**
 * A saved model's topology, normalised: tfjs's model.json and Keras 2's `to_json()` (inbound nodes as
 * `[layer, node, tensor, kwargs]` lists), and Keras 3's config.json / `to_json()` (inbound nodes as
 * `{args, kwargs}` holding `__keras_tensor__` objects with a `keras_history`) read into one shape.
 * Configs stay pythonic (snake_case) here; keras_config.ts turns them into what the catalogue reads.
 */
import { SavedModelError } from './errors';
import type { Locator } from './locate';

/** An input of a layer call: output `tensor` of call `node` of layer `layer`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface SavedLayer {
  className: string;
  name: string;
  /** The layer's config as written (snake_case keys). */
  config: Record<string, unknown>;
  /** Each call of the layer in this model: its input tensors, in order. */
  calls: TensorRef[][];
  /** Set for a model used as a layer. */
  model?: SavedTopology;
  /** Offset of the layer's name in the text (-1: not found). */
  at: number;
}

export interface SavedTopology {
  kind: 'sequential' | 'functional';
  name: string | undefined;
  layers: SavedLayer[];
  /** Functional models: the model's inputs and outputs. */
  inputs: TensorRef[];
  outputs: TensorRef[];
  /**
   * Keras 3 numbers the calls of a nested Sequential from 0; Keras 2 and tfjs count a nested model's
   * own construction as its call 0, so the outer model's calls start at 1 (Keras 3 too for Functional).
   */
  keras3: boolean;
  /** Sequential models: `build_input_shape`, used when no layer declares the input. */
  buildInputShape?: unknown;
  at: number;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

export function isModelClass(className: unknown): boolean {
  return typeof className === 'string' && MODEL_CLASSES.has(className);
}

/** `{class_name: 'Sequential' | 'Functional' | 'Model', config}` → topology. */
export function readModelObject(o: unknown, where: string, loc: Locator, keras3: boolean, depth = 0): SavedTopology {
  if (!isObj(o)) throw new SavedModelError(`${where} is not an object`);
  if (depth > 64) throw new SavedModelError(`${where}: models nested more than 64 deep`);
  const cls = o.class_name;
  if (!isModelClass(cls)) throw new SavedModelError(`${where}: class_name is ${JSON.stringify(cls)}, not a Keras model (Sequential, Functional or Model)`);
  const config = o.config;
  // Keras before 2.2.3 wrote a Sequential's config as the bare list of its layers.
  if (cls === 'Sequential' && Array.isArray(config)) return sequential({ layers: config }, o, loc, keras3, depth);
  if (!isObj(config)) throw new SavedModelError(`${where}: the model's config is missing`);
  return cls === 'Sequential' ? sequential(config, o, loc, keras3, depth) : functional(config, o, loc, keras3, depth);
}

function nameOf(o: Obj, config: Obj | undefined): string | undefined {
  const n = config?.name ?? o.name;
  return typeof n === 'string' ? n : undefined;
}

function sequential(config: Obj, o: Obj, loc: Locator, keras3: boolean, depth: number): SavedTopology {
  const name = nameOf(o, config);
  const at = name !== undefined ? loc.find(name) : -1;
  const list = config.layers;
  if (!Array.isArray(list)) throw new SavedModelError(`Sequential model ${name ?? ''}: 'layers' is missing`);
  const layers = list.map((l, i) => readLayer(l, `layer ${i} of ${name ?? 'the Sequential model'}`, loc, keras3, depth, false));
  const topo: SavedTopology = { kind: 'sequential', name, layers, inputs: [], outputs: [], at, keras3 };
  if (config.build_input_shape !== undefined) topo.buildInputShape = config.build_input_shape;
  return topo;
}

function functional(config: Obj, o: Obj, loc: Locator, keras3: boolean, depth: number): SavedTopology {
  const name = nameOf(o, config);
  const at = name !== undefined ? loc.find(name) : -1;
  const list = config.layers;
  if (!Array.isArray(list)) throw new SavedModelError(`model ${name ?? ''}: 'layers' is missing`);
  const layers = list.map((l, i) => readLayer(l, `layer ${i} of ${name ?? 'the model'}`, loc, keras3, depth, true));
  return { kind: 'functional', name, layers, inputs: refList(config.input_layers, 'input_layers'), outputs: refList(config.output_layers, 'output_layers'), at, keras3 };
}

function readLayer(l: unknown, where: string, loc: Locator, keras3: boolean, depth: number, functional: boolean): SavedLayer {
  if (!isObj(l)) throw new SavedModelError(`${where} is not an object`);
  const className = l.class_name;
  if (typeof className !== 'string') throw new SavedModelError(`${where} has no class_name`);
  const config = isObj(l.config) ? l.config : {};
  const name = typeof l.name === 'string' ? l.name : typeof config.name === 'string' ? config.name : undefined;
  if (name === undefined) throw new SavedModelError(`${where} (${className}) has no name`);
  let model: SavedTopology | undefined;
  let at: number;
  if (isModelClass(className)) {
    model = readModelObject(l, `${where} (${className} '${name}')`, loc, keras3, depth + 1);
    at = model.at;
  } else at = loc.find(name);
  const calls = functional ? inboundNodes(l.inbound_nodes, `${className} '${name}'`) : [];
  return { className, name, config, calls, model, at };
}

/** `[[name, node, tensor], ...]`, or Keras 3's single `[name, node, tensor]`. */
function refList(v: unknown, key: string): TensorRef[] {
  if (!Array.isArray(v)) throw new SavedModelError(`the model's ${key} are missing`);
  if (typeof v[0] === 'string') return [ref(v, key)];
  return v.map((r) => ref(r, key));
}

function ref(v: unknown, what: string): TensorRef {
  if (!Array.isArray(v) || typeof v[0] !== 'string') throw new SavedModelError(`${what}: expected [layer name, node index, tensor index], got ${JSON.stringify(v)?.slice(0, 80)}`);
  const node = v[1] ?? 0;
  const tensor = v[2] ?? 0;
  if (!isIndex(node) || !isIndex(tensor)) throw new SavedModelError(`${what}: bad node or tensor index in ${JSON.stringify(v).slice(0, 80)}`);
  return { layer: v[0], node, tensor };
}

function isIndex(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0;
}

/** Keras 2 / tfjs: `[[[name, node, tensor, kwargs], ...], ...]`; Keras 3: `[{args, kwargs}, ...]`. */
function inboundNodes(v: unknown, what: string): TensorRef[][] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SavedModelError(`${what}: inbound_nodes is not a list`);
  return v.map((node) => {
    if (isObj(node)) {
      const out: TensorRef[] = [];
      collectKerasTensors(node.args, out, what, 0);
      return out;
    }
    if (!Array.isArray(node)) throw new SavedModelError(`${what}: an inbound node is neither a list nor {args, kwargs}`);
    return node.map((r) => ref(r, `${what} inbound node`));
  });
}

/** Keras 3: the `__keras_tensor__` objects among a call's positional arguments, in order. */
function collectKerasTensors(v: unknown, out: TensorRef[], what: string, depth: number): void {
  if (depth > 16) return;
  if (Array.isArray(v)) {
    for (const x of v) collectKerasTensors(x, out, what, depth + 1);
    return;
  }
  if (!isObj(v) || v.class_name !== '__keras_tensor__') return;
  const history = isObj(v.config) ? v.config.keras_history : undefined;
  out.push(ref(history, `${what} keras_history`));
}
