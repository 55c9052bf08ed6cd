/**
 * Analysis results per document version, computed on a worker thread.
 * - cached per (uri, version); a newer version supersedes queued work for the same document;
 * - a dependency edit (an imported helper file) invalidates the documents that loaded it;
 * - a worker that crashes or runs past the time cap is replaced, and the failure is reported.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, Range } from '../engine';
import type { Action } from '../ide/actions';
import type { WorkerRequest, WorkerResponse } from './protocol';

export interface Analysis {
  uri: string;
  version: number;
  result: AnalysisResult;
  /** Files the analysis read (imports): editing one of them makes this analysis stale. */
  files: string[];
  ms: number;
}

export class AnalysisFailed extends Error {}

interface Job {
  req: WorkerRequest;
  uri: string;
  version: number;
  resolve: (msg: WorkerResponse & { ok: true }) => void;
  reject: (e: Error) => void;
}

interface CacheEntry {
  version: number;
  promise: Promise<Analysis>;
  done?: Analysis;
}

export class AnalysisService {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly workerFile: string,
    private readonly options: () => { maxSteps: number; timeoutMs: number; advice: boolean },
    private readonly log: (msg: string) => void,
  ) {}

  /** The analysis of this exact version, computing it if needed. */
  get(uri: string, version: number, path: string, text: string, overlays: () => Record<string, string>): Promise<Analysis> {
    const cached = this.cache.get(uri);
    if (cached && cached.version === version) return cached.promise;
    this.dropQueued(uri);
    const opts = this.options();
    const promise = this.enqueue(uri, version, { kind: 'analyze', id: this.nextId++, path, text, overlays: overlays(), maxSteps: opts.maxSteps, advice: opts.advice }).then(
      (msg): Analysis => {
        if (msg.kind !== 'analyze') throw new AnalysisFailed('unexpected worker reply');
        return { uri, version, result: msg.result, files: msg.files, ms: msg.ms };
      },
    );
    const entry: CacheEntry = { version, promise };
    promise.then(
      (a) => {
        entry.done = a;
      },
      () => {
        if (this.cache.get(uri) === entry) this.cache.delete(uri);
      },
    );
    this.cache.set(uri, entry);
    return promise;
  }

  /** Block refactors at a range of this version, each validated by analysing the edited text. */
  async blocks(uri: string, version: number, path: string, text: string, overlays: () => Record<string, string>, range: Range): Promise<Action[]> {
    const opts = this.options();
    const msg = await this.enqueue(uri, version, { kind: 'blocks', id: this.nextId++, path, text, overlays: overlays(), maxSteps: opts.maxSteps, range });
    return msg.kind === 'blocks' ? msg.actions : [];
  }

  /** Queued jobs for an older version of this document will never be wanted: drop them. */
  private dropQueued(uri: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const j = this.queue[i]!;
      if (j.uri === uri) {
        this.queue.splice(i, 1);
        j.reject(new AnalysisFailed('superseded by a newer version'));
      }
    }
  }

  private enqueue(uri: string, version: number, req: WorkerRequest): Promise<WorkerResponse & { ok: true }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, uri, version, resolve, reject });
      this.pump();
    });
  }

  /** The newest finished analysis, whatever its version (for a quick answer while typing). */
  latest(uri: string): Analysis | undefined {
    return this.cache.get(uri)?.done;
  }

  /** Forget cached analyses that read `path` (an imported file changed). Returns their URIs. */
  invalidateDependents(path: string, except: string): string[] {
    const out: string[] = [];
    for (const [uri, e] of this.cache) {
      if (uri === except || !e.done) continue;
      if (e.done.files.includes(path)) {
        this.cache.delete(uri);
        out.push(uri);
      }
    }
    return out;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerFile);
    w.on('message', (msg: WorkerResponse) => this.onMessage(msg));
    w.on('error', (err) => this.onWorkerDeath(`analysis worker crashed: ${err.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.onWorkerDeath(`analysis worker exited with code ${code}`);
    });
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    const job = this.queue.shift()!;
    const timer = setTimeout(() => {
      this.log(`analysis of ${job.uri} exceeded ${this.options().timeoutMs} ms; restarting the worker`);
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
      this.finish(undefined, new AnalysisFailed(`analysis timed out after ${this.options().timeoutMs} ms`));
    }, this.options().timeoutMs);
    this.running = { job, timer };
    this.ensureWorker().postMessage(job.req);
  }

  private onMessage(msg: WorkerResponse): void {
    const r = this.running;
    if (!r || r.job.req.id !== msg.id) return;
    if (msg.ok) this.finish(msg);
    else {
      this.log(`analysis failed for ${r.job.uri}: ${msg.error}`);
      this.finish(undefined, new AnalysisFailed(`ConvLens could not analyse this file: ${msg.error.split('\n')[0]}`));
    }
  }

  private onWorkerDeath(why: string): void {
    this.log(why);
    this.worker = undefined;
    if (this.running) this.finish(undefined, new AnalysisFailed(why));
  }

  private finish(msg: (WorkerResponse & { ok: true }) | undefined, err?: Error): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = undefined;
    if (msg) r.job.resolve(msg);
    else r.job.reject(err ?? new AnalysisFailed('analysis failed'));
    this.pump();
  }
}
