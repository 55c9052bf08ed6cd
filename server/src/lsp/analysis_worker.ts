/**
 * The analysis worker thread: runs the engine off the server's main thread, keeps each document's
 * latest analysis, and answers feature queries from it. A big file never blocks other requests on
 * the main thread, and a runaway analysis can be terminated.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { modelFileReader } from '../host/model_file';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisCancelled, ParseMemory, analyzeSource, type AnalysisHost, type AnalysisResult, type CancellationToken, type Finding } from '../engine';
import { inlayHints } from '../ide/hints';
import { hoverAt } from '../ide/hover';
import { codeLenses } from '../ide/lenses';
import { documentSymbols } from '../ide/symbols';
import { blockActions, blockKeeper, quickFixes, wants } from '../ide/actions';
import { adviseResult } from '../engine/analyze';
import type { Query, WorkerRequest, WorkerResponse } from './thread_messages';
import { type ConfinePolicy, readConfined, refuseByName } from '../host/confine';
import { MAX_ADVICE_LAYERS, adviseSavedResult, analyzeSavedModel, savedModelTypeScript, type SavedModelResult } from '../engine/analyze_saved';

interface Entry {
  version: number;
  path: string;
  text: string;
  host: AnalysisHost;
  maxSteps: number;
  result: AnalysisResult;
  findings?: Finding[];
  /** The advice options the findings were computed with. */
  findingsKey?: string;
}

// Test hooks (test/lsp): an analysis or advice this slow passes any time cap, so the tests can check
// what a timeout leaves published without depending on the machine's speed.
const ANALYSIS_DELAY_MS = Number(process.env.CONVLENS_TEST_ANALYSIS_DELAY_MS) || 0;
const ADVICE_DELAY_MS = Number(process.env.CONVLENS_TEST_ADVICE_DELAY_MS) || 0;
const stall = (ms: number) => ms && Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Each edit re-parses only what it changed; imports are parsed once per text (docs/ARCHITECTURE.md).
// Design advice re-analyses edited copies without it: those must not move the document's tree.
const parses = new ParseMemory();

export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  const collectWhenIdle = idleCollector();
  const docs = new Map<string, Entry>();
  // Loaded: the main thread starts the time cap of the first job from here.
  port.postMessage({ ready: true });
  const saved = new Map<string, { version: number; result: SavedModelResult }>();
  port.on('message', (req: WorkerRequest) => {
    let msg: WorkerResponse;
    try {
      msg = req.kind === 'saved' || req.kind === 'savedTypeScript' || req.kind === 'savedAdvice' ? handleSaved(saved, req) : handle(docs, req);
    } catch (e) {
      msg =
        e instanceof AnalysisCancelled
          ? { id: req.id, ok: false, stale: true, error: 'superseded by a newer version' }
          : { id: req.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    port.postMessage(msg);
    collectWhenIdle();
  });
}

/**
 * Every analysis leaves megabytes of garbage (the previous version's trees, interpreter state and
 * report). Held near what lives (--heap-growing-percent=20) the old generation needed a major GC
 * every edit or two of a 5,000-layer file, and back-to-back edits took a third longer. It grows by
 * 100% (V8's default factor varies up to 4×: 325 MB after a burst of DenseNet-121 edits), and a
 * full collection once the worker has been idle for IDLE_COLLECT_MS gives the garbage of a burst
 * back when the user stops typing (docs/ARCHITECTURE.md; issue 12's memory test measures after that).
 */
const IDLE_COLLECT_MS = 1000;

function idleCollector(): () => void {
  setFlagsFromString('--heap-growing-percent=100');
  setFlagsFromString('--expose-gc');
  // A new context gets the `gc` function the flag exposes; this worker's own global was made before.
  const gc = runInNewContext('gc') as (() => void) | undefined;
  // A plain full GC left the old generation a third full (47 MB for 14 MB live after a burst of
  // DenseNet-121 edits): it compacts few pages. Compacting them all gives the rest back (15 MB for
  // 14). The flag is a heuristic V8 reads when a full GC starts: on for this collection only.
  const collect = () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc!();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    if (gc) timer = setTimeout(collect, IDLE_COLLECT_MS);
  };
}

/** Saved model files: analysed from the text the client read (it reads through VS Code's file system). */
function handleSaved(saved: Map<string, { version: number; result: SavedModelResult }>, req: WorkerRequest & { kind: 'saved' | 'savedTypeScript' | 'savedAdvice' }): WorkerResponse {
  if (req.kind === 'savedAdvice') {
    const e = saved.get(req.uri);
    if (!e || e.version !== req.version) return { id: req.id, ok: true, kind: 'savedAdvice', findings: null };
    e.result.findings ??= adviseSavedResult(e.result, MAX_ADVICE_LAYERS);
    return { id: req.id, ok: true, kind: 'savedAdvice', findings: e.result.findings.map((f) => f.diagnostic) };
  }
  if (req.kind === 'savedTypeScript') {
    const e = saved.get(req.uri);
    return { id: req.id, ok: true, kind: 'savedTypeScript', code: e && e.version === req.version ? (savedModelTypeScript(e.result) ?? null) : null };
  }
  const result = analyzeSavedModel(req.text, req.path);
  saved.set(req.uri, { version: req.version, result });
  return {
    id: req.id,
    ok: true,
    kind: 'saved',
    value: {
      formatLabel: result.formatLabel,
      models: result.models.map((m) => ({ report: m.report, graph: m.graph })),
      diagnostics: result.diagnostics,
      shards: result.shards,
    },
  };
}

function handle(docs: Map<string, Entry>, req: WorkerRequest): WorkerResponse {
  const t0 = performance.now();
  if (req.kind === 'analyze') {
    stall(ANALYSIS_DELAY_MS);
    const files = new Set<string>();
    const overlays = req.overlays;
    const policy: ConfinePolicy = { roots: req.roots, ...(req.rootName ? { rootName: req.rootName } : {}) };
    // Model files the code loads: relative to where it runs (the workspace folder), inside it.
    const readModel = req.roots[0] !== undefined ? modelFileReader(req.roots[0]) : undefined;
    // Open documents first (what the user sees), under the same confinement as files on disk.
    const host: AnalysisHost = {
      ...(readModel
        ? {
            readModelFile(p: string) {
              const r = readModel(p);
              if ('path' in r) files.add(r.path);
              return r;
            },
          }
        : {}),
      readFile(p: string) {
        files.add(p);
        const overlay = overlays[p];
        if (overlay !== undefined) return refuseByName(p, policy) ?? overlay;
        return readConfined(p, policy);
      },
    };
    const result = analyzeSource(req.text, req.path, host, { limits: { maxSteps: req.maxSteps }, cancellation: tokenFor(req.id), parses });
    docs.set(req.uri, { version: req.version, path: req.path, text: req.text, host, maxSteps: req.maxSteps, result });
    return {
      id: req.id,
      ok: true,
      kind: 'analyze',
      summary: { diagnostics: result.diagnostics, files: [...files], models: result.models.map((m) => m.report.name), ms: performance.now() - t0 },
    };
  }
  if (req.kind === 'forget') {
    const gone = docs.get(req.uri);
    if (gone) parses.takeFile(gone.path);
    docs.delete(req.uri);
    return { id: req.id, ok: true, kind: 'forget' };
  }
  const e = docs.get(req.uri);
  if (!e || e.version !== req.version) return { id: req.id, ok: false, stale: true, error: `no analysis of version ${req.version}` };
  const cancellation = tokenFor(req.id);
  const analyse = (t: string) => analyzeSource(t, e.path, e.host, { limits: { maxSteps: e.maxSteps }, cancellation });
  if (req.kind === 'advise') {
    stall(ADVICE_DELAY_MS);
    const key = JSON.stringify(req.options);
    if (e.findingsKey !== key) e.findings = undefined;
    e.findings ??= adviseResult(e.result, e.text, analyse, req.options);
    e.findingsKey = key;
    e.result.findings = e.findings;
    return { id: req.id, ok: true, kind: 'advise', diagnostics: e.findings.map((f) => f.diagnostic), ms: performance.now() - t0 };
  }
  if (req.kind !== 'query') return { id: req.id, ok: false, error: `unexpected request ${req.kind}` };
  return { id: req.id, ok: true, kind: 'query', value: answer(e, req.query, analyse) };
}

function answer(e: Entry, q: Query, analyse: (t: string) => AnalysisResult): unknown {
  const r = e.result;
  switch (q.what) {
    case 'hints':
      return inlayHints(r, q.options, q.range);
    case 'hover':
      return hoverAt(r, q.position) ?? null;
    case 'lenses':
      return codeLenses(r, q.uri);
    case 'symbols':
      return documentSymbols(r);
    case 'quickfixes':
      return quickFixes(r, q.range, q.only);
    case 'blocks':
      if (!wants(q.only, 'refactor.insert') && !wants(q.only, 'refactor.rewrite')) return [];
      return blockActions(r, e.text, q.range, blockKeeper(r, analyse)).filter((a) => wants(q.only, a.kind));
    case 'graph': {
      const models = q.model ? r.models.filter((m) => m.report.name === q.model) : r.models;
      return { version: e.version, models: models.map((m) => ({ report: m.report, graph: m.graph })), diagnostics: r.diagnostics };
    }
    case 'profile': {
      const models = q.model ? r.models.filter((m) => m.report.name === q.model) : r.models;
      return { ...r.report, models: models.map((m) => m.report) };
    }
  }
}

/** The main thread's cancel cell (analysis_service.ts): it holds the id of a job no one wants any more. */
const cancelCell = (workerData as { cancelled?: Int32Array } | undefined)?.cancelled;

function tokenFor(id: number): CancellationToken | undefined {
  const cell = cancelCell;
  return cell ? { get isCancellationRequested() { return Atomics.load(cell, 0) === id; } } : undefined;
}
