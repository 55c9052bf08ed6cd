/**
 * The analysis worker thread: runs the engine off the server's main thread, so a big file never
 * blocks hovers or hints of other documents, and a runaway analysis can be terminated.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { analyzeSource, type AnalysisHost, type AnalysisResult } from '../engine';
import { blockActions, blockKeeper } from '../ide/actions';
import type { WorkerRequest, WorkerResponse } from './protocol';

export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  // The last analysis per file: block requests usually follow the analysis of the same text.
  const last = new Map<string, { text: string; result: AnalysisResult }>();
  port.on('message', (req: WorkerRequest) => {
    const t0 = performance.now();
    const files = new Set<string>();
    const host: AnalysisHost = {
      readFile(p: string): string | undefined {
        files.add(p);
        const overlay = req.overlays[p];
        if (overlay !== undefined) return overlay;
        try {
          return readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    const limits = { maxSteps: req.maxSteps };
    let msg: WorkerResponse;
    try {
      if (req.kind === 'analyze') {
        const result = analyzeSource(req.text, req.path, host, { limits, advice: req.advice });
        last.set(req.path, { text: req.text, result });
        msg = { id: req.id, ok: true, kind: 'analyze', result, files: [...files], ms: performance.now() - t0 };
      } else {
        const cached = last.get(req.path);
        const before = cached && cached.text === req.text ? cached.result : analyzeSource(req.text, req.path, host, { limits });
        const keep = blockKeeper(before, (t) => analyzeSource(t, req.path, host, { limits }));
        msg = { id: req.id, ok: true, kind: 'blocks', actions: blockActions(before, req.text, req.range, keep), ms: performance.now() - t0 };
      }
    } catch (e) {
      msg = { id: req.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    port.postMessage(msg);
  });
}
