/**
 * The main thread's side of the analysis worker.
 * - analyses are per (uri, version); a newer version supersedes queued work for the same document;
 * - feature queries run in the worker against the analysis of that version (FIFO order guarantees
 *   the analysis is there first); only their small answers come back;
 * - a dependency edit (an imported helper file) invalidates the documents that loaded it;
 * - a worker that crashes or runs past the time cap is replaced, and the failure is reported.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../engine';
import type { AdviceOptions } from '../engine/advice/context';
import type { AnalyzeSummary, Query, WorkerRequest, WorkerResponse } from './thread_messages';
import type { SavedModelAnswer } from '../../../protocol/lsp';

export class AnalysisFailed extends Error {
  constructor(
    message: string,
    /** The document moved on (superseded or stale): not worth telling the user. */
    readonly stale = false,
  ) {
    super(message);
  }
}

type Ok = WorkerResponse & { ok: true };

interface Job {
  req: WorkerRequest;
  uri: string;
  resolve: (msg: Ok) => void;
  reject: (e: Error) => void;
}

interface DocState {
  version: number;
  analysis: Promise<AnalyzeSummary>;
  summary?: AnalyzeSummary;
  advice?: Promise<Diagnostic[]>;
  adviceKey?: string;
}

type Payload<R> = R extends { kind: 'analyze' } ? Omit<R, 'id'> : R extends { kind: infer K } ? { kind: K } & Omit<R, 'id' | 'kind'> : never;

export class AnalysisService {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private running: { job: Job; timer: NodeJS.Timeout | undefined } | undefined;
  /**
   * Shared with the worker: the id of a running job no one wants any more (its document changed).
   * The engine checks it while it works (charge()), so a superseded analysis or its advice (one
   * re-analysis per fix) stops within a millisecond instead of delaying the new version's hints.
   */
  private readonly cancelled = new Int32Array(new SharedArrayBuffer(4));
  /** The worker has loaded its bundle: the time cap counts from then, not from a cold start. */
  private workerReady = false;
  private nextId = 1;
  private readonly docs = new Map<string, DocState>();
  private readonly adviceFailed = new Map<string, { version: number; error: AnalysisFailed }>();

  constructor(
    private readonly workerFile: string,
    private readonly options: () => { maxSteps: number; timeoutMs: number },
    private readonly log: (msg: string) => void,
  ) {}

  /** Analyse this version (once); resolves with its diagnostics summary. `scope`: where imports may be read. */
  analyze(uri: string, version: number, path: string, text: string, overlays: () => Record<string, string>, scope: { roots: string[]; rootName?: string }): Promise<AnalyzeSummary> {
    const st = this.docs.get(uri);
    if (st && st.version === version) return st.analysis;
    this.dropQueued(uri, version);
    const analysis = this.send(uri, { kind: 'analyze', uri, version, path, text, overlays: overlays(), maxSteps: this.options().maxSteps, ...scope }).then((m) => {
      if (m.kind !== 'analyze') throw new AnalysisFailed('unexpected worker reply');
      return m.summary;
    });
    const entry: DocState = { version, analysis };
    analysis.then(
      (s) => {
        entry.summary = s;
      },
      () => {
        if (this.docs.get(uri) === entry) this.docs.delete(uri);
      },
    );
    this.docs.set(uri, entry);
    return analysis;
  }

  /**
   * Design advice for the analysed version (its fixes are measured by re-analysis: slower). A
   * version whose advice failed (past the time cap) is not advised again: that would restart the
   * worker, and lose every document's analysis, each time a code action is asked for.
   */
  advise(uri: string, version: number, options: AdviceOptions): Promise<Diagnostic[]> {
    const failed = this.adviceFailed.get(uri);
    if (failed && failed.version === version) return Promise.reject(failed.error);
    const st = this.docs.get(uri);
    if (!st || st.version !== version) return Promise.reject(new AnalysisFailed('stale', true));
    const key = JSON.stringify(options);
    if (st.adviceKey !== key) st.advice = undefined;
    st.adviceKey = key;
    st.advice ??= st.analysis.then(() =>
      this.send(uri, { kind: 'advise', uri, version, options }).then(
        (m) => (m.kind === 'advise' ? m.diagnostics : []),
        (e: Error) => {
          if (e instanceof AnalysisFailed && !e.stale) this.adviceFailed.set(uri, { version, error: e });
          throw e;
        },
      ),
    );
    return st.advice;
  }

  /** A feature query against this version's analysis, answered by the worker. */
  async query<T>(uri: string, version: number, query: Query): Promise<T> {
    const st = this.docs.get(uri);
    if (!st || st.version !== version) throw new AnalysisFailed('stale', true);
    await st.analysis;
    const m = await this.send(uri, { kind: 'query', uri, version, query });
    return (m.kind === 'query' ? m.value : null) as T;
  }

  /** A saved model file's analysis (kept in the worker for Copy as TypeScript). */
  async savedModel(uri: string, version: number, path: string, text: string): Promise<SavedModelAnswer> {
    const m = await this.send(uri, { kind: 'saved', uri, version, path, text });
    if (m.kind !== 'saved') throw new AnalysisFailed('unexpected worker reply');
    return m.value;
  }

  /** Design advice on the saved model analysed at this version; null when the worker no longer has it. */
  async savedAdvice(uri: string, version: number): Promise<Diagnostic[] | null> {
    const m = await this.send(uri, { kind: 'savedAdvice', uri, version });
    return m.kind === 'savedAdvice' ? m.findings : null;
  }

  /** The TypeScript rebuild of the saved model analysed at this version; null when the worker no longer has it. */
  async savedTypeScript(uri: string, version: number): Promise<string | null> {
    const m = await this.send(uri, { kind: 'savedTypeScript', uri, version });
    return m.kind === 'savedTypeScript' ? m.code : null;
  }

  latestVersion(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  /** Forget analyses that read `path` (an imported file changed). Returns their URIs. */
  invalidateDependents(path: string, except: string): string[] {
    const out: string[] = [];
    for (const [uri, st] of this.docs) {
      if (uri !== except && st.summary?.files.includes(path)) {
        this.docs.delete(uri);
        out.push(uri);
      }
    }
    return out;
  }

  forget(uri: string): void {
    const st = this.docs.get(uri);
    this.docs.delete(uri);
    this.adviceFailed.delete(uri);
    if (st) void this.send(uri, { kind: 'forget', uri, version: st.version }).catch(() => undefined);
  }

  clear(): void {
    this.docs.clear();
    this.adviceFailed.clear();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /**
   * Work for an older version of this document will never be wanted: queued jobs are dropped and a
   * running one is cancelled. Not one for the same version (re-analysed after settings changed or
   * an import was edited): requests are waiting for it.
   */
  private dropQueued(uri: string, version: number): void {
    const r = this.running?.job;
    if (r && r.uri === uri && r.req.version < version && (r.req.kind === 'analyze' || r.req.kind === 'advise' || r.req.kind === 'query')) Atomics.store(this.cancelled, 0, r.req.id);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const j = this.queue[i]!;
      if (j.uri === uri && j.req.kind !== 'forget') {
        this.queue.splice(i, 1);
        j.reject(new AnalysisFailed('superseded by a newer version', true));
      }
    }
  }

  private send(uri: string, payload: Payload<WorkerRequest>): Promise<Ok> {
    const req = { ...payload, id: this.nextId++ } as WorkerRequest;
    return new Promise((resolve, reject) => {
      this.queue.push({ req, uri, resolve, reject });
      this.pump();
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Every analysis leaves megabytes of garbage (syntax trees, interpreter state, re-analyses for
    // advice) and V8 sized the worker's heap to hold it: 500 edits of DenseNet-121 took the server
    // from 194 MB to 275-495 MB, of which ~30 MB were live. The worker collects it once idle
    // (analysis_worker.ts, idleCollector). The young generation is 48 MB: with 8 MB a
    // DenseNet-121 analysis spent 21-23% of its time in scavenges (each copying what the analysis
    // keeps) and they made its slowest edits; with 48 MB, 2-4% (ARCHITECTURE.md).
    const w = new Worker(this.workerFile, { resourceLimits: { maxYoungGenerationSizeMb: 48 }, workerData: { cancelled: this.cancelled } });
    this.workerReady = false;
    w.on('message', (msg: WorkerResponse | { ready: true }) => {
      if ('ready' in msg) {
        if (this.worker === w) {
          this.workerReady = true;
          this.armTimer();
        }
      } else this.onMessage(msg);
    });
    w.on('error', (err) => this.onWorkerDeath(`analysis worker crashed: ${err.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.onWorkerDeath(`analysis worker exited with code ${code}`);
    });
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.running || !this.queue.length) return;
    // Design advice (a re-analysis per fix) waits while an analysis or a feature query is queued:
    // someone is waiting for those. Their order among themselves is kept.
    const k = this.queue.findIndex((j) => j.req.kind !== 'advise');
    const job = this.queue.splice(k < 0 ? 0 : k, 1)[0]!;
    this.running = { job, timer: undefined };
    this.ensureWorker().postMessage(job.req);
    if (this.workerReady) this.armTimer();
  }

  /** The time cap of the running job. */
  private armTimer(): void {
    const r = this.running;
    if (!r || r.timer) return;
    const timeoutMs = this.options().timeoutMs;
    r.timer = setTimeout(() => {
      this.log(`${r.job.req.kind} of ${r.job.uri} exceeded ${timeoutMs} ms; restarting the analysis worker`);
      const w = this.worker;
      this.worker = undefined;
      this.workerReady = false;
      // The new worker has no analyses: every document must be analysed again.
      this.docs.clear();
      void w?.terminate();
      this.finish(undefined, new AnalysisFailed(`ConvLens stopped analysing this file after ${timeoutMs} ms (convlens.analysis.timeoutMs)`));
    }, timeoutMs);
  }

  private onMessage(msg: WorkerResponse): void {
    const r = this.running;
    if (!r || r.job.req.id !== msg.id) return;
    if (msg.ok) this.finish(msg);
    else if (msg.stale) this.finish(undefined, new AnalysisFailed('stale', true));
    else {
      this.log(`${r.job.req.kind} failed for ${r.job.uri}: ${msg.error}`);
      this.finish(undefined, new AnalysisFailed(`ConvLens could not analyse this file: ${msg.error.split('\n')[0]}`));
    }
  }

  private onWorkerDeath(why: string): void {
    this.log(why);
    this.worker = undefined;
    this.workerReady = false;
    this.docs.clear();
    if (this.running) this.finish(undefined, new AnalysisFailed(why));
  }

  private finish(msg: Ok | undefined, err?: Error): void {
    const r = this.running;
    if (!r) return;
    clearTimeout(r.timer);
    this.running = undefined;
    if (msg) r.job.resolve(msg);
    else r.job.reject(err ?? new AnalysisFailed('analysis failed'));
    this.pump();
  }
}
