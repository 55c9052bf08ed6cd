import { readFileSync } from 'node:fs';
import type { AnalysisHost } from '../engine';

/** Reads imported local modules from disk. */
export const diskHost: AnalysisHost = {
  readFile(path: string) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};
