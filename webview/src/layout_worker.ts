/**
 * The layout coordinator (dist/layout_worker.js): lays the graph out off the panel's main thread
 * so pan, zoom and typing stay smooth. It chunks the graph, places chains itself (chain.ts),
 * keeps the cache, assembles the drawing and sends its top ahead of the rest; the ELK chunks go to
 * ELK workers (elk_worker.ts) over MessagePorts, each taking the next chunk, top first, whenever it
 * is free. It is bundled without ELK (build.mjs), so it starts at once and a graph of chains never
 * waits for ELK to load. Requests are handled one at a time; when several queue up while one runs,
 * only the newest is laid out (the panel only wants the latest).
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import { CHUNK_TARGET } from './graph/chunks';
import { packGeometry, packTransfer, type PackedGeometry } from './graph/geometry_pack';
import { layoutGraph, type ChunkRunner, type LayoutStats } from './graph/layout';
import type { VisibleGraph } from './graph/visible';

/** `json`: the visible graph as JSON text (layout_client.ts writes it in steps; parsed here, off the main thread). */
export interface LayoutRequest {
  id: number;
  json: string;
}
/** Main thread -> coordinator: ELK workers to send chunks to (more may follow). */
export type WorkerControl = { type: 'helpers'; ports: MessagePort[] };
/** Main thread -> ELK worker: the port to serve; warm up while waiting (started idle). */
export type ElkWorkerControl = { type: 'serve'; port: MessagePort; warmUp: boolean };
export type LayoutResponse =
  /** ELK chunks to lay out: the panel should have this many ELK workers running (it caps the number by cores). */
  | { wantElkWorkers: number }
  | { id: number; geometry: PackedGeometry; stats: LayoutStats & { lanes: number } }
  /** The top of the drawing, ahead of the rest (layoutGraph's `top`). */
  | { id: number; top: PackedGeometry }
  | { id: number; error: string }
  | { id: number; superseded: true };

export interface ChunkJob {
  id: number;
  inputs: string[];
}
export interface ChunkDone {
  id: number;
  outputs?: ElkNode[];
  error?: string;
}
/** An ELK worker's first message on its port: ELK is loaded. */
export interface HelperReady {
  ready: true;
}

interface WorkerScope {
  addEventListener(type: 'message', f: (e: MessageEvent<LayoutRequest | WorkerControl>) => void): void;
  postMessage(m: LayoutResponse, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

/** ELK chunks worth more than one ELK worker (each more must load ELK, about a second of CPU on a busy machine). */
const MORE_HELPERS_FROM = 20;

const helpers: MessagePort[] = [];
const ready = new Set<MessagePort>();
let onReady: (() => void) | undefined;
let wanted = 0;
let queued: LayoutRequest | undefined;
let busy = false;

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if ('type' in m && m.type === 'helpers') {
    for (const p of m.ports) {
      helpers.push(p);
      p.addEventListener('message', (ev: MessageEvent<ChunkDone | HelperReady>) => {
        if (!('ready' in ev.data)) return;
        ready.add(p);
        onReady?.();
      });
      p.start();
    }
  } else if ('id' in m && typeof m.id === 'number' && 'json' in m && typeof m.json === 'string') {
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
      const visible = JSON.parse(req.json) as VisibleGraph;
      const geometry = await layoutGraph(visible, stats, pooled, CHUNK_TARGET, (g) => {
        const top = packGeometry(g);
        scope.postMessage({ id: req.id, top }, packTransfer(top));
      });
      const packed = packGeometry(geometry);
      scope.postMessage({ id: req.id, geometry: packed, stats: { ...stats, lanes: ready.size } }, packTransfer(packed));
    } catch (err) {
      scope.postMessage({ id: req.id, error: (err as Error).message ?? String(err) });
    }
  }
  busy = false;
}

/**
 * Each ELK worker that is ready (and each that becomes ready meanwhile) takes the next chunk, top
 * first, whenever it is free: a worker still loading ELK holds nothing up.
 */
const pooled: ChunkRunner = (inputs, done) => {
  const want = inputs.length >= MORE_HELPERS_FROM ? 3 : inputs.length ? 1 : 0;
  if (want > wanted) {
    wanted = want;
    scope.postMessage({ wantElkWorkers: want });
  }
  const results: ElkNode[] = new Array(inputs.length);
  let next = 0;
  let left = inputs.length;
  return new Promise<ElkNode[]>((resolve, reject) => {
    if (!left) return resolve(results);
    const started = new Set<MessagePort>();
    const lane = async (port: MessagePort) => {
      while (next < inputs.length) {
        const i = next++;
        results[i] = (await ask(port, [inputs[i]!]))[0]!;
        done?.(i, results[i]!);
        if (--left === 0) {
          onReady = undefined;
          resolve(results);
        }
      }
    };
    const startLanes = () => {
      for (const p of ready)
        if (!started.has(p)) {
          started.add(p);
          lane(p).catch(reject);
        }
    };
    onReady = startLanes;
    startLanes();
  });
};

let nextJob = 1;
function ask(port: MessagePort, inputs: string[]): Promise<ElkNode[]> {
  const id = nextJob++;
  return new Promise((resolve, reject) => {
    const onReply = (e: MessageEvent<ChunkDone | HelperReady>) => {
      if ('ready' in e.data || e.data.id !== id) return;
      port.removeEventListener('message', onReply);
      if (e.data.outputs) resolve(e.data.outputs);
      else reject(new Error(e.data.error ?? 'an ELK worker failed'));
    };
    port.addEventListener('message', onReply);
    port.postMessage({ id, inputs } satisfies ChunkJob);
  });
}
