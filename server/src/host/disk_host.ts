/**
 * The engine's file access for Node front ends (the CLI, the training worker, tests and benches):
 * imports of local modules read from disk. The language server has its own host (open documents first).
 */
import { readFileSync } from 'node:fs';
import type { AnalysisHost } from '../engine';

export const diskHost: AnalysisHost = {
  readFile(path: string) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};
