/**
 * Keras's legacy HDF5 format (`model.save('model.h5')`): the architecture is the root group's
 * `model_config` attribute, the same JSON `model.to_json()` writes. Read with jsfive (pure
 * JavaScript, ~200 kB, loaded only when an .h5 file is opened). jsfive reads from one ArrayBuffer
 * holding the whole file, and HDF5 keeps a large attribute in a heap that may sit anywhere in it,
 * so files are read whole, up to a cap (measured: 100 MB file, 0.5 s, 240 MB RSS).
 */
import { SavedModelError } from './errors';
import type { RandomAccess } from './zip';

export const MAX_HDF5_BYTES = 512 * 1024 * 1024;

export function hdf5ModelConfig(a: RandomAccess, fileName: string): { config: string; kerasVersion?: string } {
  if (a.size > MAX_HDF5_BYTES)
    throw new SavedModelError(`${fileName.split('/').pop()} is ${(a.size / 1048576).toFixed(0)} MB; ConvLens reads Keras .h5 files up to ${MAX_HDF5_BYTES / 1048576} MB (HDF5 has to be read whole here). Save the model as .keras, or export model.to_json()`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { File } = require('jsfive') as typeof import('jsfive');
  const bytes = a.read(0, a.size);
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
  let attrs: Record<string, unknown>;
  try {
    attrs = new File(buffer, fileName).attrs;
  } catch (e) {
    throw new SavedModelError(`the HDF5 file is corrupt or truncated (${(e as Error).message})`);
  }
  const text = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array) return new TextDecoder().decode(v);
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
    return undefined;
  };
  const config = text(attrs.model_config);
  if (!config) throw new SavedModelError('this HDF5 file has no model_config attribute: it holds weights only (model.save_weights), not an architecture');
  return { config, kerasVersion: text(attrs.keras_version) };
}
