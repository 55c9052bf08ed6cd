/**
 * The main thread's side of the layout workers: the coordinator (layout_worker.ts, small, starts at
 * once) and its ELK workers (elk_worker.ts). Each is started from a blob: URL made from its source
 * text (a webview cannot start one from a vscode-resource URL; the standalone page has the text
 * inlined). The coordinator starts when the panel opens; the first ELK worker shortly after when
 * no model is being laid out yet (loading ELK and warming it up, warmup.ts, then happen before
 * the first model arrives), else when the coordinator first has ELK chunks: a graph of chains
 * never waits for ELK, and on a 2-core machine its load would only slow the first drawing down.
 */
import type { ElkWorkerControl, LayoutRequest, LayoutResponse, WorkerControl } from '../layout_worker';
import { unpackGeometry } from './geometry_pack';
import type { Geometry, LayoutStats } from './layout';
import type { VisibleGraph } from './visible';
import { drive } from '../slices';

export interface LayoutResult {
  geometry: Geometry;
  stats: LayoutStats & { lanes: number };
}

export type WorkerKind = 'layout' | 'elk';

/**
 * The visible graph as the coordinator reads it, as JSON text written in steps of `every` items
 * (each a yield): less what layout never reads (each edge's shape and graph edge ids). Posting the
 * objects themselves made the main thread structured-clone a 10,000-box graph in one task (a 58 ms
 * task in a trace of the synthetic 10k page at load 3-4); a string is copied whole, and the
 * coordinator parses it off the main thread.
 */
export function* layoutJson(v: VisibleGraph, every = 1000): Generator<void, string, void> {
  const items: string[] = [];
  for (let i = 0; i < v.items.length; i += every) {
    items.push(JSON.stringify(v.items.slice(i, i + every)).slice(1, -1));
    yield;
  }
  const edges: string[] = [];
  for (let i = 0; i < v.edges.length; i += every) {
    const part = v.edges.slice(i, i + every).map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label, labelWidth: e.labelWidth, merge: e.merge, shape: null, edgeIds: [] }));
    edges.push(JSON.stringify(part).slice(1, -1));
    yield;
  }
  return `{"items":[${items.join(',')}],"frames":${JSON.stringify(v.frames)},"edges":[${edges.join(',')}]}`;
}

/** With nothing to lay out this long after the panel opened, the first ELK worker starts and warms up. */
const ELK_IDLE_START_MS = 300;

export class LayoutClient {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private urls = new Map<WorkerKind, Promise<string>>();
  private elkWorkers: Worker[] = [];
  private next = 1;
  /** Counts layout() calls: one whose request text took steps sends nothing if a newer came meanwhile. */
  private requests = 0;
  private pending = new Map<number, { resolve: (r: LayoutResult | null) => void; reject: (e: Error) => void; top?: (g: Geometry) => void }>();

  /**
   * `idleElk`: start the first ELK worker when nothing is laid out shortly after the panel opens.
   * The standalone page has its model inline and says no: on a 2-core machine, loading ELK beside
   * the page reading its model slowed the first drawing (its worker is started after it instead).
   */
  constructor(
    private readonly source: (kind: WorkerKind) => Promise<string | null>,
    private readonly idleElk = true,
  ) {}

  /** Starts the first ELK worker (warming up) if none runs yet: for later re-layouts. */
  warmElk(): void {
    if (this.worker && !this.elkWorkers.length) this.addElkWorkers(this.worker, 1, true).catch(() => undefined);
  }

  /** Start the workers now rather than on the first layout. */
  warmUp(): void {
    this.start().catch(() => undefined);
  }

  /**
   * Resolves null when a newer request replaced this one before it ran. `top`: the top of the
   * drawing, when the worker sends it ahead of the rest (big graphs).
   */
  async layout(visible: VisibleGraph, top?: (g: Geometry) => void): Promise<LayoutResult | null> {
    const ticket = ++this.requests;
    const worker = await this.start();
    const json = await drive(layoutJson(visible));
    // A newer request came while this one's text was written: it is never sent.
    if (ticket !== this.requests) return null;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, top ? { resolve, reject, top } : { resolve, reject });
      worker.postMessage({ id, json } satisfies LayoutRequest);
    });
  }

  private url(kind: WorkerKind): Promise<string> {
    let u = this.urls.get(kind);
    if (!u) {
      u = this.source(kind).then((code) => {
        if (!code) throw new Error(`the ${kind} worker script is not available`);
        return URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      });
      u.catch(() => this.urls.delete(kind));
      this.urls.set(kind, u);
    }
    return u;
  }

  private start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= (async () => {
      const w = new Worker(await this.url('layout'), { name: 'convlens-layout' });
      w.onmessage = (e: MessageEvent<LayoutResponse>) => {
        if ('wantElkWorkers' in e.data) this.addElkWorkers(w, Math.min(e.data.wantElkWorkers, this.maxElkWorkers())).catch((err: Error) => this.fail(err));
        else this.onResponse(e.data);
      };
      w.onerror = (e) => this.fail(new Error(e.message || 'the layout worker failed'));
      this.worker = w;
      if (this.idleElk)
        setTimeout(() => {
          if (!this.pending.size && this.worker === w) this.addElkWorkers(w, 1, true).catch(() => undefined);
        }, ELK_IDLE_START_MS);
      return w;
    })();
    this.starting.catch(() => (this.starting = undefined));
    return this.starting;
  }

  /** One per core (at most 3; the coordinator mostly waits for them). */
  private maxElkWorkers(): number {
    return Math.max(1, Math.min(3, globalThis.navigator?.hardwareConcurrency ?? 2));
  }

  /** Starts ELK workers up to `total`, each talking to the coordinator over a port of its own. */
  private async addElkWorkers(coordinator: Worker, total: number, idle = false): Promise<void> {
    const ports: MessagePort[] = [];
    const url = await this.url('elk');
    while (this.elkWorkers.length < total) {
      const w = new Worker(url, { name: `convlens-elk-${this.elkWorkers.length + 1}` });
      w.onerror = (e) => this.fail(new Error(e.message || 'an ELK worker failed'));
      const ch = new MessageChannel();
      w.postMessage({ type: 'serve', port: ch.port2, warmUp: idle } satisfies ElkWorkerControl, [ch.port2]);
      ports.push(ch.port1);
      this.elkWorkers.push(w);
    }
    if (ports.length) coordinator.postMessage({ type: 'helpers', ports } satisfies WorkerControl, ports);
  }

  private onResponse(r: Exclude<LayoutResponse, { wantElkWorkers: number }>): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if ('top' in r) {
      p.top?.(unpackGeometry(r.top));
      return;
    }
    this.pending.delete(r.id);
    if ('geometry' in r) p.resolve({ geometry: unpackGeometry(r.geometry), stats: r.stats });
    else if ('error' in r) p.reject(new Error(r.error));
    else p.resolve(null);
  }

  /** A crashed worker fails what is pending; all are replaced on the next request. */
  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.worker?.terminate();
    for (const h of this.elkWorkers) h.terminate();
    this.elkWorkers = [];
    this.worker = undefined;
    this.starting = undefined;
  }

  dispose(): void {
    this.fail(new Error('disposed'));
  }
}
