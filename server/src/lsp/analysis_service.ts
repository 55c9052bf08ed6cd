/**
 * Analysis results per document version, computed on a worker thread.
 * - cached per (uri, version); a newer version supersedes queued work for the same document;
 * - a dependency edit (an imported helper file) invalidates the documents that loaded it;
 * - a worker that crashes or runs past the time cap is replaced, and the failure is reported.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisResult } from '../engine';
import type { AnalyzeRequest, AnalyzeResponse } from './protocol';

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
  req: AnalyzeRequest;
  uri: string;
  version: number;
  resolve: (a: Analysis) => void;
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
    // A queued job for an older version of this document will never be wanted: drop it.
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const j = this.queue[i]!;
      if (j.uri === uri) {
        this.queue.splice(i, 1);
        j.reject(new AnalysisFailed('superseded by a newer version'));
      }
    }
    const opts = this.options();
    const promise = new Promise<Analysis>((resolve, reject) => {
      const req: AnalyzeRequest = { id: this.nextId++, path, text, overlays: overlays(), maxSteps: opts.maxSteps, advice: opts.advice };
      this.queue.push({ req, uri, version, resolve, reject });
      this.pump();
    });
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
    w.on('message', (msg: AnalyzeResponse) => this.onMessage(msg));
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

  private onMessage(msg: AnalyzeResponse): void {
    const r = this.running;
    if (!r || r.job.req.id !== msg.id) return;
    if (msg.ok) this.finish({ uri: r.job.uri, version: r.job.version, result: msg.result, files: msg.files, ms: msg.ms });
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

  private finish(a: Analysis | undefined, err?: Error): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = undefined;
    if (a) r.job.resolve(a);
    else r.job.reject(err ?? new AnalysisFailed('analysis failed'));
    this.pump();
  }
}
