/**
 * The engine's file access for Node front ends (the CLI, the training worker, tests and benches):
 * imports of local modules read from disk, confined (confine.ts) to a root folder. The language
 * server has its own host (open documents first, the workspace folder as root).
 */
import { dirname, resolve } from 'node:path';
import type { AnalysisHost } from '../engine';
import { type ConfinePolicy, readConfined } from './confine';

/** A host that reads below the given folders only. */
export function confinedDiskHost(policy: ConfinePolicy): AnalysisHost {
  return { readFile: (p: string) => readConfined(p, policy) };
}

/** The CLI's host for FILE: below `root` when given, else below FILE's own folder. */
export function diskHostFor(file: string, root?: string): AnalysisHost {
  const abs = resolve(file);
  const base = root ? resolve(root) : dirname(abs);
  return confinedDiskHost({ roots: [base], rootName: root ? `--root ${base.replace(/\\/g, '/')}` : `the folder of ${abs.split(/[\\/]/).pop()} (${base.replace(/\\/g, '/')}; widen it with --root DIR)` });
}

/** Below the current working directory: for tests and benches run from the repository. */
export const diskHost: AnalysisHost = { readFile: (p: string) => readConfined(p, { roots: [process.cwd()] }) };
