/**
 * The layout worker: runs ELK off the panel's main thread so pan, zoom and typing stay smooth
 * while a big model is laid out. One worker coordinates (chunks the graph, keeps the cache,
 * assembles the result) and may be given helper workers, connected by MessagePorts, that lay out
 * chunks in parallel. Requests are handled one at a time; when several queue up while one runs,
 * only the newest is laid out (the panel only wants the latest).
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import { initElk, layoutGraph, runLocal, type ChunkRunner, type Geometry, type LayoutStats } from './graph/layout';
import type { VisibleGraph } from './graph/visible';
import { warmupGraph } from './graph/warmup';

export interface LayoutRequest {
  id: number;
  visible: VisibleGraph;
}
/** Main thread -> coordinator: helpers to share chunks with. Main thread -> helper: the port to serve. */
export type WorkerControl = { type: 'helpers'; ports: MessagePort[] } | { type: 'serve'; port: MessagePort };
export type LayoutResponse =
  | { id: number; geometry: Geometry; stats: LayoutStats & { lanes: number } }
  | { id: number; error: string }
  | { id: number; superseded: true };

interface ChunkJob {
  id: number;
  inputs: string[];
}
interface ChunkDone {
  id: number;
  outputs?: ElkNode[];
  error?: string;
}

interface WorkerScope {
  onmessage: unknown;
  addEventListener(type: 'message', f: (e: MessageEvent<LayoutRequest | WorkerControl>) => void): void;
  postMessage(m: LayoutResponse): void;
}
const scope = self as unknown as WorkerScope;

// elkjs, loaded inside a worker, installs its own self.onmessage when the first ELK is made
// (it believes it is the worker): make it now, drop that handler, listen with addEventListener.
initElk();
scope.onmessage = null;

let helpers: MessagePort[] = [];
let queued: LayoutRequest | undefined;
let busy = true;
// Warm ELK's code until the first real request arrives (it waits at most one chunk).
const interruptible: ChunkRunner = async (inputs) => {
  const out: ElkNode[] = [];
  for (const k of inputs) {
    if (queued) throw new Error('interrupted');
    out.push(...(await runLocal([k])));
  }
  return out;
};
// Helpers (named so by the panel) serve chunks at once instead.
const helperRole = /helper/.test((self as unknown as { name?: string }).name ?? '');
void (helperRole ? Promise.resolve() : layoutGraph(warmupGraph(), undefined, interruptible))
  .catch(() => undefined)
  .finally(() => {
    busy = false;
    if (queued) void drain();
  });

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if ('type' in m && m.type === 'helpers') helpers = m.ports;
  else if ('type' in m && m.type === 'serve') serve(m.port);
  else if ('id' in m && typeof m.id === 'number' && 'visible' in m) {
    if (queued) scope.postMessage({ id: queued.id, superseded: true });
    queued = m;
    if (!busy) void drain();
  }
});

async function drain(): Promise<void> {
  busy = true;
  while (queued) {
    const req = queued;
    queued = undefined;
    try {
      const stats = {} as LayoutStats;
      const geometry = await layoutGraph(req.visible, stats, pooled);
      scope.postMessage({ id: req.id, geometry, stats: { ...stats, lanes: helpers.length + 1 } });
    } catch (err) {
      scope.postMessage({ id: req.id, error: (err as Error).message ?? String(err) });
    }
  }
  busy = false;
}

/** Splits chunks between this worker and its helpers, largest first onto the least-loaded lane. */
const pooled: ChunkRunner = async (inputs) => {
  if (!helpers.length || inputs.length < 2) return runLocal(inputs);
  const lanes: number[][] = Array.from({ length: helpers.length + 1 }, () => []);
  const load = lanes.map(() => 0);
  const order = inputs.map((_s, i) => i).sort((a, b) => inputs[b]!.length - inputs[a]!.length);
  for (const i of order) {
    const l = load.indexOf(Math.min(...load));
    lanes[l]!.push(i);
    // Layered layout is superlinear; weigh by size^1.3.
    load[l]! += inputs[i]!.length ** 1.3;
  }
  const results: ElkNode[] = new Array(inputs.length);
  await Promise.all(
    lanes.map(async (lane, l) => {
      if (!lane.length) return;
      const texts = lane.map((i) => inputs[i]!);
      const out = l === 0 ? await runLocal(texts) : await ask(helpers[l - 1]!, texts);
      lane.forEach((i, k) => (results[i] = out[k]!));
    }),
  );
  return results;
};

let nextJob = 1;
function ask(port: MessagePort, inputs: string[]): Promise<ElkNode[]> {
  const id = nextJob++;
  return new Promise((resolve, reject) => {
    const onReply = (e: MessageEvent<ChunkDone>) => {
      if (e.data.id !== id) return;
      port.removeEventListener('message', onReply);
      if (e.data.outputs) resolve(e.data.outputs);
      else reject(new Error(e.data.error ?? 'a layout helper failed'));
    };
    port.addEventListener('message', onReply);
    port.start();
    port.postMessage({ id, inputs } satisfies ChunkJob);
  });
}

/** Helper role: lay out the chunks the coordinator sends over `port`. */
function serve(port: MessagePort): void {
  port.addEventListener('message', (e: MessageEvent<ChunkJob>) => {
    const { id, inputs } = e.data;
    runLocal(inputs).then(
      (outputs) => port.postMessage({ id, outputs } satisfies ChunkDone),
      (err: Error) => port.postMessage({ id, error: err.message } satisfies ChunkDone),
    );
  });
  port.start();
}
