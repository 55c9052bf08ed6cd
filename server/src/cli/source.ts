/**
 * The CLI's reading and analysing of one FILE: the file itself (a regular file, text, up to 16 MB),
 * imports below its folder or --root, and a failure in one file reported as a message, so
 * `convlens lint a.ts b.ts` still checks b.ts when a.ts cannot be analysed. A saved model (model.json,
 * Keras JSON, .keras, .h5) goes to analyzeSavedModel instead, read by random access.
 */
import { dirname, resolve } from 'node:path';
import { analyzeSource, noteStackOverflow, type AnalysisResult } from '../engine';
import { analyzeSavedModel } from '../engine/analyze_saved';
import { isRefusal, readConfined } from '../host/confine';
import { diskHostFor } from '../host/disk_host';
import { ModelFileError, isSavedModelPath, openModelFile, shardSizeReader } from '../host/model_file';

const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** `label`: what kind of saved model the file holds ('TensorFlow.js layers model (…)'); absent for source. */
export type Analysed = { ok: true; result: AnalysisResult; empty: boolean; label?: string } | { ok: false; message: string };

/** The text of FILE, or why it cannot be analysed. */
export function readSource(file: string): { text: string } | { message: string } {
  const path = resolve(file);
  // Any name is accepted for the file given (the user chose it); only its kind and size are checked.
  const r = readConfined(path, { roots: [dirname(path)], extensions: [''], maxBytes: MAX_SOURCE_BYTES });
  if (r === undefined) return { message: `cannot read ${file}: no such file` };
  if (isRefusal(r)) return { message: `cannot read ${file}: ${r.refused}` };
  return { text: r };
}

export function analyzeFile(file: string, flags: Map<string, string | true>, advice = false): Analysed {
  if (isSavedModelPath(file)) return analyzeSavedFile(file, advice);
  const src = readSource(file);
  if ('message' in src) return { ok: false, message: src.message };
  const path = resolve(file);
  const root = flags.get('root');
  const maxSteps = Number(flags.get('max-steps'));
  try {
    const result = analyzeSource(src.text, path, diskHostFor(path, typeof root === 'string' ? root : undefined), {
      ...(Number.isFinite(maxSteps) && maxSteps > 0 ? { limits: { maxSteps } } : {}),
      advice,
    });
    return { ok: true, result, empty: !src.text.trim() };
  } catch (e) {
    if (noteStackOverflow(e))
      return { ok: false, message: `cannot analyse ${file}: it nests brackets, calls or objects more deeply than ConvLens can follow` };
    return { ok: false, message: `internal error while analysing ${file} (a bug in ConvLens, please report it): ${(e as Error).message}` };
  }
}

function analyzeSavedFile(file: string, advice: boolean): Analysed {
  const path = resolve(file);
  let access;
  try {
    access = openModelFile(path);
  } catch (e) {
    if (e instanceof ModelFileError) return { ok: false, message: e.message };
    throw e;
  }
  try {
    const result = analyzeSavedModel(access, path, { fileSize: shardSizeReader(path), advice });
    return { ok: true, result, empty: access.size === 0, label: result.formatLabel };
  } catch (e) {
    return { ok: false, message: `internal error while reading ${file} (a bug in ConvLens, please report it): ${(e as Error).message}` };
  } finally {
    access.close();
  }
}
