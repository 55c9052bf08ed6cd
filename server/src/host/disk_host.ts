/**
 * The engine's file access for Node front ends (the CLI, the training worker, tests and benches):
 * imports of local modules read from disk, and model files the code loads (tf.loadLayersModel),
 * both confined (confine.ts) to a root folder. The language server has its own host (open documents
 * first, the workspace folder as root).
 */
import { dirname, resolve } from 'node:path';
import type { AnalysisHost } from '../engine';
import { type ConfinePolicy, readConfined } from './confine';
import { modelFileReader } from './model_file';

/** Imports below the policy's roots; model files relative to and inside `modelRoot` (default: the first root). */
export function confinedDiskHost(policy: ConfinePolicy, modelRoot: string | undefined = policy.roots[0]): AnalysisHost {
  return {
    readFile: (p: string) => readConfined(p, policy),
    ...(modelRoot !== undefined ? { readModelFile: modelFileReader(modelRoot) } : {}),
  };
}

/**
 * The CLI's host for FILE: imports below `root` when given, else below FILE's own folder; model
 * files the code loads relative to and inside `root`, else the working directory (where it runs).
 */
export function diskHostFor(file: string, root?: string): AnalysisHost {
  const abs = resolve(file);
  const base = root ? resolve(root) : dirname(abs);
  const rootName = root ? `--root ${base.replace(/\\/g, '/')}` : `the folder of ${abs.split(/[\\/]/).pop()} (${base.replace(/\\/g, '/')}; widen it with --root DIR)`;
  return confinedDiskHost({ roots: [base], rootName }, root ? base : process.cwd());
}

/** Imports and model files below `root`. */
export function diskHostAt(root: string): AnalysisHost {
  return confinedDiskHost({ roots: [resolve(root)] });
}

/** Below the current working directory: for tests and benches run from the repository. */
export const diskHost: AnalysisHost = diskHostAt(process.cwd());
