/**
 * Reading saved-model files from disk for the engine (the CLI, the language server): regular files
 * only (a FIFO or device is refused without being opened), by random access (a .keras archive is read
 * for its config.json only), and the sizes of the weight shards beside a model.json, confined to the
 * model's folder. Model files that code loads go through confine.ts, like imports.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isRefusal, readConfined } from './confine';
import type { RandomAccess } from '../engine/saved/zip';
import { MAX_TOPOLOGY_BYTES } from '../engine/saved/read';

/** File names the saved-model reader takes (anything else is source code). */
export function isSavedModelPath(path: string): boolean {
  return /\.(json|keras|h5|hdf5)$/i.test(path);
}

export class ModelFileError extends Error {}

/** Opens a regular file for random access; call `close` when done. */
export function openModelFile(path: string): RandomAccess & { close(): void } {
  // Stat before opening: a FIFO or a device is refused without being opened at all.
  try {
    const pre = statSync(path);
    if (!pre.isFile()) throw new ModelFileError(`${path} is not a regular file`);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new ModelFileError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new ModelFileError(`${path} is not a regular file`);
  }
  return {
    size: st.size,
    read(offset: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, st.size - offset));
      const buf = Buffer.alloc(n);
      let done = 0;
      while (done < n) {
        const k = readSync(fd, buf, done, n - done, offset + done);
        if (k === 0) break;
        done += k;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close: () => closeSync(fd),
  };
}

/** Size of a shard named in model.json, relative to its folder; null when missing or outside the folder. */
export function shardSizeReader(modelPath: string): (rel: string) => number | null {
  const dir = dirname(resolve(modelPath));
  return (rel: string) => {
    const p = resolve(dir, rel);
    const r = relative(dir, p);
    if (r.startsWith('..') || isAbsolute(r)) return null;
    try {
      const st = statSync(p);
      return st.isFile() ? st.size : null;
    } catch {
      return null;
    }
  };
}

/**
 * AnalysisHost.readModelFile for code that loads a model (`tf.loadLayersModel('file://./model/model.json')`):
 * relative paths are taken from `root` (where the program runs: the workspace folder, the CLI's
 * working directory or --root), and the file is read through the same confinement as imports
 * (confine.ts): a regular .json file inside `root` (links resolved), up to the topology cap.
 */
export function modelFileReader(root: string): (path: string) => { path: string; text: string } | { error: string } {
  const policy = { roots: [resolve(root)], rootName: `the workspace (${resolve(root).replace(/\\/g, '/')})`, extensions: ['.json'], maxBytes: MAX_TOPOLOGY_BYTES };
  return (p: string) => {
    const abs = resolve(root, p);
    const r = readConfined(abs, policy);
    if (r === undefined) return { error: `${p} was not found` };
    if (isRefusal(r)) return { error: r.refused };
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // read a moment ago; keep the name as given
    }
    return { path: real.replace(/\\/g, '/'), text: r };
  };
}
