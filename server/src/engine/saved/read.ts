/**
 * Bytes of a saved-model file → its topology: format detection, size caps, the JSON parse with a
 * message that says where it broke, and the Keras archive's config.json. Nothing here touches disk;
 * the host hands over bytes, text or random access.
 */
import { SavedModelError } from './errors';
import { Locator } from './locate';
import { readModelObject, type SavedTopology } from './topology';
import { bufferAccess, isZip, type RandomAccess, zipEntry } from './zip';
import { hdf5ModelConfig } from './hdf5';
import { noteStackOverflow } from '../stack_overflow';

/** Bigger topologies get a message instead of a parse: no real CNN's topology comes near. */
export const MAX_TOPOLOGY_BYTES = 50 * 1024 * 1024;

export type SavedFormat = 'tfjs-layers' | 'keras-json' | 'keras-archive' | 'keras-h5';

export interface SavedFile {
  format: SavedFormat;
  /** 'TensorFlow.js layers model (tfjs-layers v4.22.0)', 'Keras 3.5.0 archive', ... */
  label: string;
  /** The JSON text the topology was read from (model.json, or config.json inside a .keras). */
  text: string;
  locator: Locator;
  topology: SavedTopology;
  /** model.json's weightsManifest, as written. */
  manifest?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(head: Uint8Array): boolean {
  return HDF5_MAGIC.every((b, i) => head[i] === b);
}

function access(data: Uint8Array | string | RandomAccess): RandomAccess | string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return bufferAccess(data);
  return data;
}

export function readSavedFile(data: Uint8Array | string | RandomAccess, fileName: string): SavedFile {
  const a = access(data);
  if (typeof a !== 'string') {
    const head = a.read(0, Math.min(8, a.size));
    if (a.size === 0) throw new SavedModelError('the file is empty');
    if (isZip(head)) return fromArchive(a);
    if (isHdf5(head)) {
      const h5 = hdf5ModelConfig(a, fileName);
      return fromText(h5.config, 'keras-h5', h5.kerasVersion);
    }
    if (a.size > MAX_TOPOLOGY_BYTES) throw tooBig(a.size, fileName);
    return fromText(decode(a.read(0, a.size)), 'plain');
  }
  if (a.length > MAX_TOPOLOGY_BYTES) throw tooBig(a.length, fileName);
  return fromText(a, 'plain');
}

function tooBig(size: number, fileName: string): SavedModelError {
  const name = fileName.split('/').pop();
  return new SavedModelError(`${name} is ${(size / 1048576).toFixed(1)} MB; ConvLens reads model topologies up to ${MAX_TOPOLOGY_BYTES / 1048576} MB (a topology that big is not a model file, or holds its weights inline)`);
}

function decode(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? Number(m[1]) : text.length;
    const why = noteStackOverflow(e) || e instanceof RangeError ? 'it nests too deeply' : (e as Error).message.replace(/^JSON\.parse: /, '');
    throw new SavedModelError(`${what} is not valid JSON (${why}${m ? '' : '; the file ends early: truncated?'})`, at);
  }
}

function fromText(text: string, container: 'plain' | 'keras-archive' | 'keras-h5', containerVersion?: string): SavedFile {
  const json = parseJson(text, container === 'keras-archive' ? 'config.json in the archive' : container === 'keras-h5' ? "the .h5 file's model_config" : 'the file');
  const locator = new Locator(text);
  if (!isObj(json)) throw new SavedModelError('the file holds JSON, but not a model: expected an object with modelTopology (tfjs) or class_name and config (Keras)');
  if ('modelTopology' in json || 'weightsManifest' in json) {
    const format = json.format;
    const topo = json.modelTopology;
    if (format === 'graph-model' || (isObj(topo) && Array.isArray(topo.node)))
      throw new SavedModelError('this is a tfjs graph model (converted from a TensorFlow SavedModel or frozen graph): it has ops, not layers; ConvLens reads layers models (tf.loadLayersModel)');
    if (!isObj(topo)) throw new SavedModelError('model.json has no modelTopology: it holds only weights, so there is no architecture to show');
    // tensorflowjs_converter wraps a Keras model as {model_config, training_config, keras_version}.
    const modelObj = isObj(topo.model_config) ? topo.model_config : topo;
    const by = typeof json.generatedBy === 'string' ? json.generatedBy.replace(/^TensorFlow\.js /, '') : typeof topo.keras_version === 'string' ? `Keras ${topo.keras_version}` : undefined;
    const conv = typeof json.convertedBy === 'string' ? `, converted by ${json.convertedBy}` : '';
    return { format: 'tfjs-layers', label: `TensorFlow.js layers model${by ? ` (${by}${conv})` : ''}`, text, locator, topology: readModelObject(modelObj, 'modelTopology', locator, false), manifest: json.weightsManifest };
  }
  if ('class_name' in json) {
    const keras3 = container === 'keras-archive' || 'module' in json || 'registered_name' in json;
    const version = containerVersion ?? (typeof json.keras_version === 'string' ? json.keras_version : keras3 ? '3' : undefined);
    const label = container === 'keras-archive' ? `Keras ${version ?? '3'} archive (.keras)` : container === 'keras-h5' ? `Keras${version ? ` ${version}` : ''} HDF5 model (.h5)` : `Keras${version ? ` ${version}` : ''} model JSON`;
    const format: SavedFormat = container === 'plain' ? 'keras-json' : container;
    return { format, label, text, locator, topology: readModelObject(json, 'the model', locator, keras3) };
  }
  throw new SavedModelError('the file holds JSON, but not a model: expected modelTopology (a tfjs model.json) or class_name and config (Keras model.to_json() / config.json)');
}

function fromArchive(a: RandomAccess): SavedFile {
  const config = zipEntry(a, 'config.json', MAX_TOPOLOGY_BYTES);
  if (!config) throw new SavedModelError('the ZIP archive has no config.json: not a Keras 3 .keras file');
  let version: string | undefined;
  try {
    const meta = zipEntry(a, 'metadata.json', 1024 * 1024);
    const m = meta ? (JSON.parse(decode(meta)) as unknown) : undefined;
    if (isObj(m) && typeof m.keras_version === 'string') version = m.keras_version;
  } catch (e) {
    noteStackOverflow(e);
    /* metadata is optional */
  }
  return fromText(decode(config), 'keras-archive', version);
}
