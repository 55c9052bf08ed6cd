/**
 * The engine's file access for Node front ends (the CLI, the training worker, tests and benches):
 * imports of local modules read from disk, and model files the code loads, read below a root. The language server has its own host (open documents first).
 */
import { readFileSync } from 'node:fs';
import type { AnalysisHost } from '../engine';
import { modelFileReader } from './model_file';

/** Reads imported local modules from disk, and model files code loads, from below `root` (default: the working directory). */
export function diskHostAt(root: string): AnalysisHost {
  const readModel = modelFileReader(root);
  return {
    readFile(path: string) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    readModelFile: readModel,
  };
}

export const diskHost: AnalysisHost = diskHostAt(process.cwd());
