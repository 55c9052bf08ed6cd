/**
 * The analysis worker thread: runs the engine off the server's main thread, so a big file never
 * blocks hovers or hints of other documents, and a runaway analysis can be terminated.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { analyzeSource } from '../engine';
import type { AnalyzeRequest, AnalyzeResponse } from './protocol';

export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (req: AnalyzeRequest) => {
    const t0 = performance.now();
    const files = new Set<string>();
    const host = {
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
    let msg: AnalyzeResponse;
    try {
      const result = analyzeSource(req.text, req.path, host, { limits: { maxSteps: req.maxSteps }, advice: req.advice });
      msg = { id: req.id, ok: true, result, files: [...files], ms: performance.now() - t0 };
    } catch (e) {
      msg = { id: req.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    port.postMessage(msg);
  });
}
