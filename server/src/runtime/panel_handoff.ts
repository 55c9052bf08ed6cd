/**
 * The Node worker's side of the check on the panel's GPU: read and analyse the user's file once
 * (the builder's name is needed to bundle it), bundle it for the panel when a panel backend is
 * about to be chosen, and the `handoff` the panel runs. Kept out of worker.ts, which stays the
 * process's plumbing.
 */
import { readFileSync } from 'node:fs';
import { analyzeSource } from '../engine';
import { diskHostFor } from '../host/disk_host';
import type { PanelHandoff, RunError, WorkerOptions } from '../../../protocol/worker';
import { panelAttempt, type PanelChoice } from './backends';
import { splitName } from './builder_call';
import { bundleForPanel, type PanelBundleOutcome } from './panel_bundle';
import { DEFAULT_SEED } from './seeded_random';

export type Analysed = { text: string; analysis: ReturnType<typeof analyzeSource> };

/** Reads and analyses `file` on the first call; later calls return the same answer. */
export function analyser(file: string): () => Analysed | RunError {
  let read: Analysed | RunError | undefined;
  return () => {
    if (read) return read;
    try {
      const text = readFileSync(file, 'utf8');
      // The same confinement as the editor's: imports below the folder the check runs in (the workspace).
      read = { text, analysis: analyzeSource(text, file, diskHostFor(file, process.cwd())) };
    } catch (e) {
      read = { stage: 'analyse', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    return read;
  };
}

const topModels = (a: Analysed['analysis']) => a.models.filter((m) => !m.report.name.includes(' › '));

/** The model to build: the one asked for, else the file's first top-level model. */
export function modelName(a: Analysed['analysis'], requested: string | undefined): string | undefined {
  return requested ?? topModels(a)[0]?.report.name;
}

export function panelPreparer(file: string, analyse: () => Analysed | RunError, opts: WorkerOptions) {
  let script = '';
  return {
    /** For selectBackend: the file as a script for the panel, or why it cannot be one. */
    bundle(): PanelBundleOutcome | { ok: false; reason: string } {
      const r = analyse();
      const name = 'analysis' in r ? modelName(r.analysis, opts.model) : undefined;
      if (!name) return { ok: false, reason: 'ConvLens found no model to build in the file' };
      const b = bundleForPanel(file, splitName(name)[0]);
      if (b.ok) script = b.script;
      return b;
    },
    /** What the panel runs, once selectBackend chose it (the bundle was made by then). */
    handoff(choice: PanelChoice): PanelHandoff {
      const { analysis } = analyse() as Analysed;
      const name = modelName(analysis, opts.model)!;
      return {
        backend: choice.panel,
        attempts: choice.attempts,
        file,
        model: name,
        available: topModels(analysis).map((m) => m.report.name),
        report: analysis.models.find((m) => m.report.name === name)?.report,
        bundle: script,
        webglFallback: panelAttempt('webgl', opts.panel, opts.backend === 'webgl').status === 'used',
        seed: opts.seed ?? DEFAULT_SEED,
        steps: opts.steps,
        batchSize: opts.batchSize,
        lossFraction: opts.lossFraction,
      };
    },
  };
}
