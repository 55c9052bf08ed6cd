/**
 * The panel's side of the check on the user's GPU: starts dist/training_worker.js as a Web Worker
 * (from a blob, as the layout worker: the CSP allows `worker-src blob:` and no eval), with the
 * model's bundle prepended; relays its events; terminates it on cancel, on a time cap or when a
 * new run starts. Also answers the host's GPU probe from a short-lived worker.
 */
import type { PanelDevice, PanelHandoff, WorkerEvent } from '../../protocol/worker';

export interface PanelCheckEvents {
  /** Every event of a run, `exit` last (added here, as the supervisor adds it for the Node worker). */
  event(e: WorkerEvent): void;
}

const PROBE_TIMEOUT_MS = 20_000;

const unavailable = (reason: string): PanelDevice => ({ webgpu: { available: false, reason }, webgl: { available: false, reason } });

export class PanelCheck {
  private worker: Worker | undefined;
  private url: string | undefined;
  private finished = true;

  constructor(
    private readonly source: () => Promise<string | null>,
    private readonly events: PanelCheckEvents,
  ) {}

  get running(): boolean {
    return !this.finished;
  }

  private async start(prefix: string): Promise<Worker | string> {
    const runtime = await this.source();
    if (runtime === null) return 'the training worker script (dist/training_worker.js) could not be loaded';
    this.url = URL.createObjectURL(new Blob([prefix, '\n', runtime], { type: 'text/javascript' }));
    return new Worker(this.url);
  }

  private cleanUp(w: Worker | undefined): void {
    w?.terminate();
    if (this.worker === w) this.worker = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
  }

  /** What GPU the panel has (from a worker, where the check would run). */
  async probe(): Promise<PanelDevice> {
    let w: Worker | string;
    try {
      w = await this.start('');
    } catch (e) {
      return unavailable(`the panel could not start a worker: ${(e as Error).message}`);
    }
    if (typeof w === 'string') return unavailable(w);
    const worker = w;
    try {
      return await new Promise<PanelDevice>((resolve) => {
        const timer = setTimeout(() => resolve(unavailable(`the probe did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
        worker.onmessage = (ev: MessageEvent) => {
          if ((ev.data as { type?: string })?.type !== 'device') return;
          clearTimeout(timer);
          resolve((ev.data as { device: PanelDevice }).device);
        };
        worker.onerror = (ev) => {
          clearTimeout(timer);
          resolve(unavailable(`the probe failed: ${ev.message}`));
        };
        worker.postMessage({ type: 'probe' });
      });
    } finally {
      worker.terminate();
    }
  }

  /** Runs the check; a run already going is cancelled first. */
  async run(handoff: PanelHandoff, budgetMs?: number): Promise<void> {
    if (this.running) this.cancel('cancelled');
    this.finished = false;
    const exit = (reason: Extract<WorkerEvent, { type: 'exit' }>['reason'], code: number | null) => {
      if (this.finished) return;
      this.finished = true;
      this.cleanUp(this.worker);
      this.events.event({ type: 'exit', code, signal: null, reason });
    };
    this.exitRun = exit;
    let w: Worker | string;
    try {
      w = await this.start(handoff.bundle);
    } catch (e) {
      w = `the panel could not start its training worker: ${(e as Error).message}`;
    }
    if (typeof w === 'string') {
      this.events.event({ type: 'error', error: { stage: 'internal', message: w } });
      return exit('failed', 2);
    }
    const worker = w;
    if (this.finished) return this.cleanUp(worker); // cancelled while the script loaded
    this.worker = worker;
    worker.onmessage = (ev: MessageEvent) => {
      if (this.worker !== worker) return;
      const m = ev.data as { type?: string; event?: WorkerEvent; code?: number };
      if (m?.type === 'event' && m.event) {
        this.events.event(m.event);
        if (m.event.type === 'error' && m.event.error.kind === 'out-of-memory') exit('out-of-memory', 2);
      } else if (m?.type === 'done') exit(m.code === 2 ? 'failed' : 'done', m.code ?? null);
    };
    // An uncaught error in the worker (a syntax error in the bundle, a lost WebGL context).
    worker.onerror = (ev) => {
      ev.preventDefault();
      this.events.event({ type: 'error', error: { stage: 'internal', message: `the panel's training worker crashed: ${ev.message || 'no message'}` } });
      exit('crashed', null);
    };
    worker.postMessage({ type: 'start', handoff: { ...handoff, bundle: '' }, budgetMs });
  }

  private exitRun: ((reason: 'cancelled' | 'timeout', code: null) => void) | undefined;

  /** Terminates the running worker at once; the run ends with an `exit` event of this reason. */
  cancel(reason: 'cancelled' | 'timeout'): void {
    if (!this.running) return;
    this.exitRun?.(reason, null);
  }
}
