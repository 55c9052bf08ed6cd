/**
 * The main thread's side of the layout worker. The worker is started from a blob: URL made from
 * its source text (a webview cannot start one from a vscode-resource URL; the standalone page has
 * the text inlined), once, at panel start, so that parsing ELK and warming it up (see warmup.ts)
 * happen before the first model arrives.
 */
import type { LayoutRequest, LayoutResponse, WorkerControl } from '../layout_worker';
import type { Geometry, LayoutStats } from './layout';
import type { VisibleGraph } from './visible';

export interface LayoutResult {
  geometry: Geometry;
  stats: LayoutStats & { lanes: number };
}

/**
 * Graphs with this many boxes get helper workers. Below it the warmed-up coordinator alone is
 * faster than sharing with a helper that starts cold (ELK's first layouts run 2-4× slower), and
 * each helper costs one more ELK instance in memory.
 */
const HELPERS_FROM = 1500;

export class LayoutClient {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private url: string | undefined;
  private helpers: Worker[] = [];
  private next = 1;
  private pending = new Map<number, { resolve: (r: LayoutResult | null) => void; reject: (e: Error) => void }>();

  constructor(private readonly source: () => Promise<string | null>) {}

  /** Start the worker now (it warms ELK up by itself) rather than on the first layout. */
  warmUp(): void {
    this.start().catch(() => undefined);
  }

  /** Resolves null when a newer request replaced this one before it ran. */
  async layout(visible: VisibleGraph): Promise<LayoutResult | null> {
    const worker = await this.start();
    if (visible.items.length >= HELPERS_FROM) this.addHelpers(worker);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, visible } satisfies LayoutRequest);
    });
  }

  private start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= (async () => {
      const code = await this.source();
      if (!code) throw new Error('the layout worker script is not available');
      const url = (this.url ??= URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      const w = new Worker(url, { name: 'convlens-layout' });
      w.onmessage = (e: MessageEvent<LayoutResponse>) => this.onResponse(e.data);
      w.onerror = (e) => this.fail(new Error(e.message || 'the layout worker failed'));
      this.worker = w;
      return w;
    })();
    this.starting.catch(() => (this.starting = undefined));
    return this.starting;
  }

  /** Helpers that lay out chunks in parallel, one per spare core (at most 3), talking to the coordinator directly. */
  private addHelpers(coordinator: Worker): void {
    if (this.helpers.length || !this.url) return;
    const n = Math.max(1, Math.min(3, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1));
    const ports: MessagePort[] = [];
    for (let i = 0; i < n; i++) {
      const w = new Worker(this.url, { name: `convlens-layout-helper-${i + 1}` });
      const ch = new MessageChannel();
      w.postMessage({ type: 'serve', port: ch.port2 } satisfies WorkerControl, [ch.port2]);
      ports.push(ch.port1);
      this.helpers.push(w);
    }
    coordinator.postMessage({ type: 'helpers', ports } satisfies WorkerControl, ports);
  }

  private onResponse(r: LayoutResponse): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if ('geometry' in r) p.resolve({ geometry: r.geometry, stats: r.stats });
    else if ('error' in r) p.reject(new Error(r.error));
    else p.resolve(null);
  }

  /** A crashed worker fails what is pending and is replaced on the next request. */
  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.worker?.terminate();
    for (const h of this.helpers) h.terminate();
    this.helpers = [];
    this.worker = undefined;
    this.starting = undefined;
  }

  dispose(): void {
    this.fail(new Error('disposed'));
  }
}
