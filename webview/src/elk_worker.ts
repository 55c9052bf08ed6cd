/**
 * An ELK worker (dist/elk_worker.js): lays out the ELK chunks the layout coordinator
 * (layout_worker.ts) sends over its MessagePort. Started idle (layout_client.ts), it warms ELK up
 * (warmup.ts: ELK's first layouts run 2-4× slower than once V8 has optimised it) until the first
 * real chunk arrives; started for real work, it skips the warm-up.
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import { initElk, layoutChunk, whenElkMade } from './graph/elk_runner';
import { layoutGraph } from './graph/layout';
import { warmupGraph } from './graph/warmup';
import type { ChunkDone, ChunkJob, ElkWorkerControl, HelperReady } from './layout_worker';

interface WorkerScope {
  onmessage: unknown;
  addEventListener(type: 'message', f: (e: MessageEvent<ElkWorkerControl>) => void): void;
}
const scope = self as unknown as WorkerScope;

// elkjs, loaded inside a worker, installs its own self.onmessage when the first ELK is made (it
// believes it is the worker): drop that handler; this worker listens with addEventListener.
whenElkMade(() => (scope.onmessage = null));
initElk();

/** Warm-up chunks are small: a real job waits for at most one. */
const WARMUP_CHUNK = 25;
let jobsSeen = false;
function warmUp(): void {
  void layoutGraph(
    warmupGraph(),
    undefined,
    async (inputs) => {
      const out: ElkNode[] = [];
      for (const k of inputs) {
        if (jobsSeen) throw new Error('interrupted by real work');
        out.push(await layoutChunk(k));
      }
      return out;
    },
    WARMUP_CHUNK,
  ).catch(() => undefined);
}

scope.addEventListener('message', (e) => {
  if (e.data?.type !== 'serve') return;
  serve(e.data.port);
  if (e.data.warmUp) warmUp();
});

function serve(port: MessagePort): void {
  port.addEventListener('message', (e: MessageEvent<ChunkJob>) => {
    jobsSeen = true;
    const { id, inputs } = e.data;
    void (async () => {
      try {
        const outputs: ElkNode[] = [];
        for (const k of inputs) outputs.push(await layoutChunk(k));
        port.postMessage({ id, outputs } satisfies ChunkDone);
      } catch (err) {
        port.postMessage({ id, error: (err as Error).message } satisfies ChunkDone);
      }
    })();
  });
  port.start();
  port.postMessage({ ready: true } satisfies HelperReady);
}
