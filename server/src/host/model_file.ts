/**
 * Reading saved-model files from disk for the engine (the CLI, the language server): regular files
 * only (a FIFO or device is refused without blocking), by random access (a .keras archive is read
 * for its config.json only), and the sizes of the weight shards beside a model.json, confined to the
 * model's folder.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { RandomAccess } from '../engine/saved/zip';
import { MAX_TOPOLOGY_BYTES } from '../engine/saved/read';

/** File names the saved-model reader takes (anything else is source code). */
export function isSavedModelPath(path: string): boolean {
  return /\.(json|keras|h5|hdf5)$/i.test(path);
}

export class ModelFileError extends Error {}

/** Opens a regular file for random access; call `close` when done. */
export function openModelFile(path: string): RandomAccess & { close(): void } {
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
 * working directory), and only regular files inside `root` (symbolic links resolved), up to the
 * topology cap, are read.
 */
export function modelFileReader(root: string): (path: string) => { path: string; text: string } | { error: string } {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = resolve(root);
  }
  return (p: string) => {
    const abs = resolve(root, p);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return { error: `${p} was not found` };
    }
    const r = relative(realRoot, real);
    if (r.startsWith('..') || isAbsolute(r)) return { error: `${p} is outside the workspace (${root}); ConvLens reads model files only inside it` };
    let a: ReturnType<typeof openModelFile> | undefined;
    try {
      a = openModelFile(real);
      if (a.size > MAX_TOPOLOGY_BYTES) return { error: `${p} is ${(a.size / 1048576).toFixed(1)} MB, over the ${MAX_TOPOLOGY_BYTES / 1048576} MB cap` };
      return { path: real.replace(/\\/g, '/'), text: Buffer.from(a.read(0, a.size)).toString('utf8') };
    } catch (e) {
      return { error: (e as Error).message };
    } finally {
      a?.close();
    }
  };
}
