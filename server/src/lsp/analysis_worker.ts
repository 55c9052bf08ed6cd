/**
 * The analysis worker thread: runs the engine off the server's main thread, keeps each document's
 * latest analysis, and answers feature queries from it. A big file never blocks other requests on
 * the main thread, and a runaway analysis can be terminated.
 */
import { readFileSync } from 'node:fs';
import { modelFileReader } from '../host/model_file';
import { parentPort } from 'node:worker_threads';
import { analyzeSource, type AnalysisHost, type AnalysisResult, type Finding } from '../engine';
import { inlayHints } from '../ide/hints';
import { hoverAt } from '../ide/hover';
import { codeLenses } from '../ide/lenses';
import { documentSymbols } from '../ide/symbols';
import { blockActions, blockKeeper, quickFixes, wants } from '../ide/actions';
import { adviseResult } from '../engine/analyze';
import type { Query, WorkerRequest, WorkerResponse } from './thread_messages';
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

export function runAnalysisWorker(): void {
  const port = parentPort;
  if (!port) return;
  const docs = new Map<string, Entry>();
  const saved = new Map<string, { version: number; result: SavedModelResult }>();
  port.on('message', (req: WorkerRequest) => {
    let msg: WorkerResponse;
    try {
      msg = req.kind === 'saved' || req.kind === 'savedTypeScript' || req.kind === 'savedAdvice' ? handleSaved(saved, req) : handle(docs, req);
    } catch (e) {
      msg = { id: req.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    port.postMessage(msg);
  });
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
    const files = new Set<string>();
    const overlays = req.overlays;
    const readModel = modelFileReader(req.root);
    const host: AnalysisHost = {
      readModelFile(p: string) {
        const r = readModel(p);
        if ('path' in r) files.add(r.path);
        return r;
      },
      readFile(p: string): string | undefined {
        files.add(p);
        const overlay = overlays[p];
        if (overlay !== undefined) return overlay;
        try {
          return readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    const result = analyzeSource(req.text, req.path, host, { limits: { maxSteps: req.maxSteps } });
    docs.set(req.uri, { version: req.version, path: req.path, text: req.text, host, maxSteps: req.maxSteps, result });
    return {
      id: req.id,
      ok: true,
      kind: 'analyze',
      summary: { diagnostics: result.diagnostics, files: [...files], models: result.models.map((m) => m.report.name), ms: performance.now() - t0 },
    };
  }
  if (req.kind === 'forget') {
    docs.delete(req.uri);
    return { id: req.id, ok: true, kind: 'forget' };
  }
  const e = docs.get(req.uri);
  if (!e || e.version !== req.version) return { id: req.id, ok: false, stale: true, error: `no analysis of version ${req.version}` };
  const analyse = (t: string) => analyzeSource(t, e.path, e.host, { limits: { maxSteps: e.maxSteps } });
  if (req.kind === 'advise') {
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
