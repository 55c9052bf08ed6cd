/**
 * A normalised saved topology → the same layer objects, graph nodes and models the interpreter makes
 * from source (tfjs/session.ts), so shapes, weights, MACs and receptive fields come from the one
 * catalogue and everything downstream (report, graph, panel, advice) works unchanged. Used for a
 * model file opened on its own and for `tf.loadLayersModel(...)` of a workspace file in code.
 *
 * Calls are made the way Keras's `Functional.from_config` makes them: in layer order, a call waiting
 * until every tensor it reads exists (node indices count a layer's calls within this model).
 */
import { declaredInputShape, layerSpecByClassName, unusableInAModel, type LayerSpec, type Shape } from '../layers';
import { LayerError } from '../layers/types';
import type { Loc } from '../source';
import type { TfSession } from '../tfjs/session';
import { type LayerValue, type ModelValue, TensorValue } from '../tfjs/values';
import { keras2Form, kerasOnlyOption, pythonicToTs } from './keras_config';
import type { SavedLayer, SavedTopology, TensorRef } from './topology';

type Obj = Record<string, unknown>;

export interface BuildSite {
  session: TfSession;
  /** Where offsets in the text are: the file the model came from. */
  file: string;
  /** Every model made (the outer one last), with the topology it came from. */
  made: { model: ModelValue; topology: SavedTopology; outer?: ModelValue }[];
}

export function buildTopology(site: BuildSite, topo: SavedTopology, frozen = false, outer?: ModelValue): ModelValue {
  const model = topo.kind === 'sequential' ? sequential(site, topo, frozen) : functional(site, topo, frozen);
  site.made.push({ model, topology: topo, outer });
  return model;
}

function locOf(site: BuildSite, at: number, name: string | undefined): Loc {
  if (at < 0) return { file: site.file, start: 0, end: 0 };
  return { file: site.file, start: at, end: at + JSON.stringify(name ?? '').length };
}

/** The layer object for one saved layer; a nested model becomes a model used as a layer. */
function makeLayer(site: BuildSite, l: SavedLayer, frozen: boolean, outer: ModelValue | undefined): LayerValue {
  const loc = locOf(site, l.at, l.name);
  const s = site.session;
  if (l.model) {
    const inner = buildTopology(site, l.model, frozen || l.config.trainable === false, outer);
    const layer = s.modelAsLayer(inner);
    return layer;
  }
  const pythonic = keras2Form(l.className, l.config);
  if (frozen) pythonic.trainable = false;
  const raw = pythonicToTs(pythonic) as Obj;
  raw.name = l.name;
  const spec: LayerSpec | undefined = layerSpecByClassName(l.className);
  const kerasOnly = spec ? kerasOnlyOption(l.className, l.config) : undefined;
  const factory = spec?.factories[0] ?? l.className.charAt(0).toLowerCase() + l.className.slice(1);
  if (kerasOnly)
    return s.layerAt(factory, undefined, raw, loc, undefined, `${l.className} '${l.name}' uses ${kerasOnly}, which tfjs does not have; its output and weights are not computed`, l.className);
  const unusable = spec ? undefined : unusableInAModel(l.className);
  return s.layerAt(factory, spec, raw, loc, undefined, unusable
    ? `${l.className} '${l.name}' is not modelled, on purpose: ${unusable.why}. Shapes after it are unknown`
    : `${l.className} '${l.name}' is not modelled by ConvLens yet; shapes after it are unknown`, l.className);
}

function inputOf(site: BuildSite, l: SavedLayer): LayerValue {
  const raw = pythonicToTs(keras2Form(l.className, l.config)) as Obj;
  raw.name = l.name;
  return site.session.inputLayer(raw, () => declaredInputShape(raw as never, 'InputLayer'), locOf(site, l.at, l.name));
}

function sequential(site: BuildSite, topo: SavedTopology, frozen: boolean): ModelValue {
  const s = site.session;
  const model = s.modelAt('sequential', locOf(site, topo.at, topo.name), topo.name);
  const layers = topo.layers;
  let start = 0;
  if (layers[0]?.className === 'InputLayer') {
    const input = inputOf(site, layers[0]);
    const node = input.nodes[0]!;
    model.inputs = [node.output];
    model.outputs = [node.output];
    model.sequence.push(node);
    start = 1;
  }
  for (let i = start; i < layers.length; i++) {
    const l = layers[i]!;
    const layer = makeLayer(site, l, frozen, model);
    const loc = layer.loc;
    let prev = model.outputs[0];
    if (!prev) {
      // The first layer declares the input, as tfjs's Sequential.add reads it; Keras may keep it in build_input_shape.
      let shape: Shape | undefined;
      if (layer.model) shape = layer.model.inputs[0]?.shape ?? undefined;
      else {
        try {
          shape = declaredInputShape(layer.rawConfig as never, layer.className);
        } catch (e) {
          if (!(e instanceof LayerError)) throw e;
        }
      }
      if (!shape && Array.isArray(topo.buildInputShape)) shape = (topo.buildInputShape as unknown[]).map((d) => (Number.isInteger(d) ? (d as number) : null));
      const input = s.inputLayer({ name: `${l.name}_input` }, () => shape, loc);
      model.inputs = [input.nodes[0]!.output];
      prev = model.inputs[0]!;
    }
    const node = s.addNode(layer, [prev], loc);
    model.sequence.push(node);
    model.outputs = [node.output];
  }
  return model;
}

interface Entry {
  saved: SavedLayer;
  layer: LayerValue;
  /** Output tensors of each call made so far. */
  outputs: TensorValue[][];
}

function functional(site: BuildSite, topo: SavedTopology, frozen: boolean): ModelValue {
  const s = site.session;
  const model = s.modelAt('functional', locOf(site, topo.at, topo.name), topo.name);
  const entries = new Map<string, Entry>();
  for (const l of topo.layers) {
    if (entries.has(l.name)) {
      s.savedDiagnostic(locOf(site, l.at, l.name), 'error', 'saved-model', `two layers of ${topo.name ?? 'the model'} are named '${l.name}'; Keras and tfjs refuse to load such a file`);
      continue;
    }
    if (l.className === 'InputLayer') {
      const input = inputOf(site, l);
      entries.set(l.name, { saved: l, layer: input, outputs: [[input.nodes[0]!.output]] });
    } else entries.set(l.name, { saved: l, layer: makeLayer(site, l, frozen, model), outputs: [] });
  }
  // Call numbers of nested models (topology.ts keras3); a file that refers to a nested model's call 0 counts from 0.
  const zeroBased = new Set<string>();
  for (const l of topo.layers) for (const c of l.calls) for (const r of c) if (r.node === 0) zeroBased.add(r.layer);
  for (const r of topo.outputs) if (r.node === 0) zeroBased.add(r.layer);
  const offset = (e: Entry) => (!e.saved.model || zeroBased.has(e.saved.name) || (topo.keras3 && e.saved.model.kind === 'sequential') ? 0 : 1);
  const tensorOf = (r: TensorRef): TensorValue | undefined | null => {
    const e = entries.get(r.layer);
    if (!e) return null;
    const call = e.outputs[r.node - offset(e)];
    if (!call) return undefined;
    // A call's outputs beyond the first (a nested model's second output, an RNN's states) are not modelled.
    return call[r.tensor] ?? new TensorValue(null, undefined, undefined);
  };
  // Keras's from_config: layers in order, each call as soon as its inputs exist; repeat until no progress.
  let pending = [...entries.values()].filter((e) => e.saved.className !== 'InputLayer' && e.saved.calls.length > 0);
  while (pending.length) {
    const next: Entry[] = [];
    let progress = false;
    for (const e of pending) {
      while (e.outputs.length < e.saved.calls.length) {
        const refs = e.saved.calls[e.outputs.length]!;
        const inputs = refs.map(tensorOf);
        const missing = refs.find((_r, k) => inputs[k] === null);
        if (missing) {
          s.savedDiagnostic(e.layer.loc, 'error', 'saved-model', `${e.saved.className} '${e.saved.name}' reads the output of '${missing.layer}', which is not a layer of ${topo.name ?? 'the model'}`);
          e.outputs.length = e.saved.calls.length;
          break;
        }
        if (inputs.some((t) => t === undefined)) break;
        const node = s.addNode(e.layer, inputs as TensorValue[], e.layer.loc);
        e.outputs.push([node.output]);
        progress = true;
      }
      if (e.outputs.length < e.saved.calls.length) next.push(e);
    }
    if (!progress) {
      for (const e of next)
        s.savedDiagnostic(e.layer.loc, 'error', 'saved-model', `${e.saved.className} '${e.saved.name}' waits for a tensor no layer of ${topo.name ?? 'the model'} produces (a cycle, or a missing call)`);
      break;
    }
    pending = next;
  }
  const collect = (refs: TensorRef[], what: string): TensorValue[] => {
    const out: TensorValue[] = [];
    for (const r of refs) {
      const t = tensorOf(r);
      if (t) out.push(t);
      else s.savedDiagnostic(model.loc, 'error', 'saved-model', `the model's ${what} name '${r.layer}' (call ${r.node}), which ${t === null ? 'is not a layer of the model' : 'is never called'}`);
    }
    return out;
  };
  model.inputs = collect(topo.inputs, 'input_layers');
  model.outputs = collect(topo.outputs, 'output_layers');
  return model;
}
