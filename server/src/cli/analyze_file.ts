/** One file for the CLI: source code through analyzeSource, a saved model through analyzeSavedModel. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSource, type AnalysisResult } from '../engine';
import { analyzeSavedModel, type SavedModelResult } from '../engine/analyze_saved';
import { diskHost, diskHostAt } from '../host/disk_host';
import { ModelFileError, isSavedModelPath, openModelFile, shardSizeReader } from '../host/model_file';

export function analyzeFile(file: string, flags: Map<string, string | true>): AnalysisResult | SavedModelResult | undefined {
  const path = resolve(file);
  if (isSavedModelPath(path)) {
    let access;
    try {
      access = openModelFile(path);
    } catch (e) {
      if (!(e instanceof ModelFileError)) throw e;
      console.error(`convlens: ${e.message}`);
      return undefined;
    }
    try {
      return analyzeSavedModel(access, path, { fileSize: shardSizeReader(path), advice: flags.has('advice') });
    } finally {
      access.close();
    }
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`convlens: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  const maxSteps = Number(flags.get('max-steps'));
  const root = flags.get('root');
  return analyzeSource(text, path, typeof root === 'string' ? diskHostAt(resolve(root)) : diskHost, {
    ...(Number.isFinite(maxSteps) && maxSteps > 0 ? { limits: { maxSteps } } : {}),
    advice: flags.has('advice'),
  });
}

/** 'TensorFlow.js layers model (...)' for a saved model, undefined for source. */
export function formatLabel(r: AnalysisResult): string | undefined {
  return 'formatLabel' in r ? (r as SavedModelResult).formatLabel : undefined;
}
