/**
 * Real saved-model files for the tests, written with real tfjs: `model.save(tf.io.withSaveHandler)`
 * captures what tfjs saves; it is written as tfjs's file handler does (model.json + weight shards),
 * read back from disk by tf.loadLayersModel, and rewritten in the Keras 3 form (the tests' own
 * generator: config.json / model.to_json() as Keras 3.x writes them, and a .keras ZIP archive).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export async function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return art!;
}

export interface WrittenModel {
  dir: string;
  modelJson: string;
  shards: string[];
}

/** model.json and `group1-shardKofN.bin` files, cut at `shardBytes` as tensorflowjs_converter does. */
export function writeLayersModel(dir: string, art: tf.io.ModelArtifacts, shardBytes = 4 * 1024 * 1024): WrittenModel {
  mkdirSync(dir, { recursive: true });
  const data = new Uint8Array(art.weightData as ArrayBuffer);
  const n = Math.max(1, Math.ceil(data.length / shardBytes));
  const shards: string[] = [];
  for (let k = 0; k < n; k++) {
    const name = `group1-shard${k + 1}of${n}.bin`;
    writeFileSync(join(dir, name), data.subarray(k * shardBytes, Math.min(data.length, (k + 1) * shardBytes)));
    shards.push(name);
  }
  const json = {
    modelTopology: art.modelTopology,
    format: art.format,
    generatedBy: art.generatedBy,
    convertedBy: art.convertedBy ?? null,
    weightsManifest: [{ paths: shards, weights: art.weightSpecs }],
  };
  const modelJson = join(dir, 'model.json');
  writeFileSync(modelJson, JSON.stringify(json));
  return { dir, modelJson, shards };
}

/** tf.loadLayersModel of the files on disk (tfjs's file:// handler needs tfjs-node; this reads them the same way). */
export async function loadWrittenModel(modelJson: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as { modelTopology: Obj; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; format?: string; generatedBy?: string };
  const dir = join(modelJson, '..');
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const bufs = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(bufs);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy }));
}

// ---------------------------------------------------------------- Keras 3 form

const keras3Obj = (module: string, className: string, config: unknown, registered: string | null = null): Obj => ({ module, class_name: className, config, registered_name: registered });
const policy = (name: unknown) => keras3Obj('keras', 'DTypePolicy', { name: typeof name === 'string' ? name : 'float32' });

/** A layer config as Keras 3 writes it: dtype policies, initializers with their module, InputLayer's batch_shape. */
function keras3Config(className: string, config: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'batch_input_shape') continue;
    if (k === 'dtype') out.dtype = className === 'InputLayer' ? (v ?? 'float32') : policy(v);
    else if (/_(initializer|regularizer|constraint)$/.test(k) && isObj(v)) out[k] = keras3Obj(`keras.${k.split('_').pop()}s`, v.class_name as string, v.config);
    else out[k] = v;
  }
  if (className === 'InputLayer') {
    out.batch_shape = config.batch_input_shape;
    out.sparse = false;
    out.ragged = false;
  }
  return out;
}

/** The tfjs layer behind a name in a container (to read the shapes of the tensors it outputs). */
type Container = { getLayer(name: string): tf.layers.Layer };

interface TfNode { outputTensors: tf.SymbolicTensor[] }

function kerasTensor(container: Container, name: string, node: number, tensor: number, kerasNode: number): Obj {
  const layer = container.getLayer(name) as unknown as { inboundNodes: TfNode[] };
  const t = layer.inboundNodes[node]?.outputTensors[tensor];
  return { class_name: '__keras_tensor__', config: { shape: t ? t.shape : null, dtype: 'float32', keras_history: [name, kerasNode, tensor] } };
}

/**
 * tfjs's modelTopology (the Keras 2 form) → the Keras 3 form of the same model: `{module, class_name,
 * config, registered_name}` objects, a Sequential's input as an InputLayer entry, inbound nodes as
 * `{args, kwargs}` with `__keras_tensor__` arguments, and Keras 3's call numbering (a nested
 * Sequential's calls count from 0, a nested Functional's from 1).
 */
export function toKeras3(topology: Obj, model: tf.LayersModel): Obj {
  const top = isObj(topology.model_config) ? topology.model_config : topology;
  return model3(top, model as unknown as Container);
}

function model3(m: Obj, container: Container): Obj {
  const cfg = m.config as Obj;
  if (m.class_name === 'Sequential') {
    const layers = (cfg.layers as Obj[]).map((l) => layer3(l, container, false));
    const first = (cfg.layers as Obj[])[0];
    const shape = first && isObj(first.config) ? first.config.batch_input_shape : undefined;
    if (shape) layers.unshift(keras3Obj('keras.layers', 'InputLayer', { batch_shape: shape, dtype: 'float32', sparse: false, ragged: false, name: `${String((first!.config as Obj).name)}_input` }));
    return { ...keras3Obj('keras', 'Sequential', { name: cfg.name, trainable: true, dtype: policy('float32'), layers, build_input_shape: shape ?? null }), build_config: { input_shape: shape ?? null } };
  }
  const nested = new Map<string, string>();
  for (const l of cfg.layers as Obj[]) if (l.class_name === 'Sequential' || l.class_name === 'Functional' || l.class_name === 'Model') nested.set(l.name as string, l.class_name as string);
  // Keras 3 counts a nested Sequential's calls from 0 (tfjs and Keras 2 from 1).
  const kerasNode = (name: string, node: number) => (nested.get(name) === 'Sequential' ? node - 1 : node);
  const layers = (cfg.layers as Obj[]).map((l) => {
    const out = layer3(l, container, true);
    out.inbound_nodes = ((l.inbound_nodes as unknown[][][]) ?? []).map((node) => {
      const ts = node.map((r) => kerasTensor(container, r[0] as string, r[1] as number, r[2] as number, kerasNode(r[0] as string, r[1] as number)));
      return { args: ts.length === 1 ? [ts[0]] : [ts], kwargs: {} };
    });
    return out;
  });
  const refs = (list: unknown[][]) => {
    const rs = list.map((r) => [r[0], kerasNode(r[0] as string, r[1] as number), r[2]]);
    return rs.length === 1 ? rs[0] : rs;
  };
  return keras3Obj('keras', 'Functional', { name: cfg.name, trainable: true, layers, input_layers: refs(cfg.input_layers as unknown[][]), output_layers: refs(cfg.output_layers as unknown[][]) }, 'Functional');
}

function layer3(l: Obj, container: Container, functional: boolean): Obj {
  const cls = l.class_name as string;
  let out: Obj;
  if (cls === 'Sequential' || cls === 'Functional' || cls === 'Model') {
    const inner = container.getLayer((l.name ?? (l.config as Obj).name) as string) as unknown as Container;
    out = model3({ class_name: cls === 'Model' ? 'Functional' : cls, config: l.config }, inner);
  } else {
    const config = { ...(l.config as Obj) };
    if (!functional) delete config.batch_input_shape;
    out = keras3Obj('keras.layers', cls, keras3Config(cls, config));
  }
  if (functional) out.name = l.name ?? (l.config as Obj).name;
  return out;
}

/** A Keras 3 `.keras` archive: config.json, metadata.json and a weights entry, stored or deflated. */
export function writeKerasArchive(path: string, config: Obj, deflate: boolean): void {
  const level = deflate ? 6 : 0;
  const files = {
    'metadata.json': [strToU8(JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-12-01@10:00:00' })), { level }] as [Uint8Array, { level: 0 | 6 }],
    'config.json': [strToU8(JSON.stringify(config)), { level }] as [Uint8Array, { level: 0 | 6 }],
    // Stands in for model.weights.h5 (the reader never opens it); big enough to sit between the entries and the directory.
    'model.weights.h5': [new Uint8Array(256 * 1024).fill(7), { level: 0 }] as [Uint8Array, { level: 0 }],
  };
  writeFileSync(path, zipSync(files));
}

/**
 * A Keras HDF5 file as `model.save('model.h5')` writes it: root attributes model_config (the
 * to_json() text), keras_version and backend, and the weights in a model_weights group. Written by
 * the real HDF5 library (h5wasm: libhdf5 compiled to WebAssembly, as h5py wraps it).
 */
export async function writeKerasHdf5(path: string, modelConfig: string, kerasVersion: string, weights: Uint8Array): Promise<void> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  f.create_attribute('model_config', modelConfig);
  f.create_attribute('keras_version', kerasVersion);
  f.create_attribute('backend', 'tensorflow');
  const g = f.create_group('model_weights');
  const n = Math.floor(weights.byteLength / 4);
  g.create_dataset({ name: 'weights', data: new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + n * 4)) });
  f.close();
}
