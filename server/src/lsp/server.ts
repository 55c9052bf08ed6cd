/**
 * The language server: translates LSP requests into calls on the IDE features (server/src/ide),
 * which read analyses computed by the engine on a worker thread. Nothing here knows about layers.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  InlayHintKind,
  MarkupKind,
  ProposedFeatures,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './uri';
import type { Diagnostic } from '../engine';
import { AnalysisFailed, AnalysisService } from './analysis_service';
import { DEFAULT_SETTINGS, type ServerSettings, readSettings } from './settings';
import type { AnalyzeSummary, Query } from './thread_messages';
import { ModelGraphRequest, ProfileRequest, SavedAdviceRequest, SavedModelRequest, SavedTypeScriptRequest, type GraphAnswer, type ModelRequestParams, type SavedModelAnswer, type SavedModelParams, type SavedVersionParams } from '../../../protocol/lsp';
import type { Report } from '../engine';
import type { Hint } from '../ide/hints';
import type { HoverResult } from '../ide/hover';
import type { Lens } from '../ide/lenses';
import type { Symbol as IdeSymbol } from '../ide/symbols';
import type { Action } from '../ide/actions';

const LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);
/** How long a document must stay unedited before its design advice is computed (see publish()). */
const ADVICE_IDLE_MS = 500;

export function startServer(workerFile: string): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfig = false;
  let canWatchFolders = false;
  const log = (m: string) => connection.console.log(`[convlens] ${m}`);

  const service = new AnalysisService(
    workerFile,
    () => ({ maxSteps: settings.analysis.maxSteps, timeoutMs: settings.analysis.timeoutMs }),
    log,
  );

  const pathOf = (uri: string) => URI.toPath(uri);
  const overlays = () => {
    const o: Record<string, string> = {};
    for (const d of documents.all()) if (URI.isFile(d.uri)) o[pathOf(d.uri)] = d.getText();
    return o;
  };

  // Imports (and model files the code loads) are read below the workspace folder that holds the
  // document, where its code runs; a file outside every folder reads below its own folder; an
  // unsaved document reads nothing.
  let folders: string[] = [];
  const scopeOf = (uri: string): { roots: string[]; rootName?: string } => {
    if (!URI.isFile(uri)) return { roots: [] };
    const p = pathOf(uri);
    const folder = folders.filter((f) => p.startsWith(f.endsWith('/') ? f : `${f}/`)).sort((a, b) => b.length - a.length)[0];
    if (folder) return { roots: [folder], rootName: `the workspace folder ${folder}` };
    const dir = p.slice(0, p.lastIndexOf('/')) || '/';
    return { roots: [dir], rootName: `the folder of ${p.slice(p.lastIndexOf('/') + 1)} (${dir}), which is in no workspace folder` };
  };

  /** Analyse the document's current version if needed. */
  function analyze(uri: string) {
    const doc = documents.get(uri);
    if (!doc || !LANGUAGES.has(doc.languageId)) return undefined;
    return { doc, summary: service.analyze(uri, doc.version, pathOf(uri), doc.getText(), overlays, scopeOf(uri)) };
  }

  /** Answer a feature query from the current version's analysis; null when it moved on or failed. */
  async function ask<T>(uri: string, query: Query): Promise<T | null> {
    // An analysis that went stale while this waited (an imported file or the settings changed,
    // the worker restarted) is redone for the current text: the asker gets an answer, not a
    // silent null it would have to poll for. Bounded, so a document edited on every keystroke
    // still returns.
    for (let attempt = 0; attempt < 3; attempt++) {
      const a = analyze(uri);
      if (!a) return null;
      try {
        await a.summary;
      } catch (e) {
        if (!(e instanceof AnalysisFailed)) throw e;
        if (e.stale) continue;
        connection.sendDiagnostics({ uri, version: a.doc.version, diagnostics: [failureDiagnostic(e.message)] });
        return null;
      }
      try {
        return await service.query<T>(uri, a.doc.version, query);
      } catch (e) {
        if (!(e instanceof AnalysisFailed)) throw e;
        if (e.stale) continue;
        // The analysis stands (its diagnostics stay published); only this answer is missing.
        log(`${query.what} for ${uri} failed: ${e.message}`);
        return null;
      }
    }
    return null;
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    canPullConfig = !!params.capabilities.workspace?.configuration;
    canWatchFolders = !!params.capabilities.workspace?.workspaceFolders;
    folders = (params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []))
      .filter((f) => URI.isFile(f.uri))
      .map((f) => pathOf(f.uri).replace(/\/+$/, '') || '/');
    const opts = params.initializationOptions as { settings?: unknown } | undefined;
    if (opts?.settings) settings = readSettings(opts.settings);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: { resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, 'refactor.insert', CodeActionKind.RefactorRewrite] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'convlens', version: typeof __VERSION__ === 'string' ? __VERSION__ : 'dev' },
    };
  });

  connection.onInitialized(() => {
    if (canWatchFolders)
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const gone = new Set(e.removed.map((f) => pathOf(f.uri).replace(/\/+$/, '')));
        folders = [...folders.filter((f) => !gone.has(f)), ...e.added.filter((f) => URI.isFile(f.uri)).map((f) => pathOf(f.uri).replace(/\/+$/, '') || '/')];
        service.clear();
        for (const d of documents.all()) schedule(d.uri, 0);
      });
    if (canPullConfig) {
      void connection.client.register(DidChangeConfigurationNotification.type, undefined);
      void pullSettings();
    }
  });

  async function pullSettings(): Promise<void> {
    if (!canPullConfig) return;
    const raw = await connection.workspace.getConfiguration('convlens');
    settings = readSettings(raw);
    service.clear();
    for (const d of documents.all()) schedule(d.uri, 0);
    void connection.languages.inlayHint.refresh().catch(() => undefined);
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  connection.onDidChangeConfiguration((change) => {
    const raw = (change.settings as { convlens?: unknown } | undefined)?.convlens;
    if (raw) {
      settings = readSettings(raw);
      service.clear();
      for (const d of documents.all()) schedule(d.uri, 0);
    } else void pullSettings();
  });

  // ---- diagnostics: debounced after edits, published for the version they describe
  const timers = new Map<string, NodeJS.Timeout>();
  const lastChange = new Map<string, number>();
  function schedule(uri: string, delay = settings.analysis.debounceMs): void {
    clearTimeout(timers.get(uri));
    // A failure here must never escape into the timer (an unhandled rejection ends the server).
    timers.set(uri, setTimeout(() => publish(uri).catch((e: Error) => log(`publishing diagnostics for ${uri} failed: ${e.stack ?? e.message}`)), delay));
  }
  /** Shape errors as soon as the analysis is done, then again with the design advice. */
  async function publish(uri: string): Promise<void> {
    timers.delete(uri);
    const a = analyze(uri);
    if (!a) return;
    const version = a.doc.version;
    const current = () => documents.get(uri)?.version === version;
    let engine: Diagnostic[];
    let summary: AnalyzeSummary;
    try {
      summary = await a.summary;
      if (!current()) return;
      engine = settings.diagnostics.enabled ? summary.diagnostics : [];
      connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics(engine, settings, uri) });
    } catch (e) {
      if (!(e instanceof AnalysisFailed)) throw e;
      if (!e.stale && current()) connection.sendDiagnostics({ uri, version, diagnostics: [failureDiagnostic(e.message)] });
      return;
    }
    if (!settings.advice.enabled || !settings.diagnostics.enabled) return;
    // Design advice re-analyses the file once per fix: it waits until the user has stopped typing
    // (ADVICE_IDLE_MS, or twice the analysis time for a big file), so it does not hold the worker
    // when the next keystroke's hints are wanted: cancelling it mid-way still cost up to a
    // re-analysis's report (back-to-back edits of a 5,000-layer file: p50 519 ms with advice, 222 without).
    const idle = Math.max(ADVICE_IDLE_MS, 2 * summary.ms) - (Date.now() - (lastChange.get(uri) ?? 0));
    if (idle > 0) await new Promise((r) => setTimeout(r, idle));
    if (!current()) return;
    try {
      const advice = await service.advise(uri, version, { gapHeadMinParams: settings.advice.gapHeadMinParams });
      if (current()) connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics([...engine, ...advice], settings, uri) });
    } catch (e) {
      if (!(e instanceof AnalysisFailed)) throw e;
      // The shape diagnostics stay: advice that failed or ran past the time cap only adds a note.
      if (!e.stale && current())
        connection.sendDiagnostics({ uri, version, diagnostics: [...toLspDiagnostics(engine, settings, uri), failureDiagnostic(`Design advice is unavailable for this version: ${e.message}`, DiagnosticSeverity.Information)] });
    }
  }

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => {
    lastChange.set(e.document.uri, Date.now());
    schedule(e.document.uri);
    // Documents that import this one are stale now.
    const stale = service.invalidateDependents(pathOf(e.document.uri), e.document.uri);
    for (const uri of stale) schedule(uri);
    if (stale.length) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });
  documents.onDidClose((e) => {
    lastChange.delete(e.document.uri);
    service.forget(e.document.uri);
    clearTimeout(timers.get(e.document.uri));
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  // ---- features: answered by the worker from the document's analysis
  connection.languages.inlayHint.on(async (params, token) => {
    if (!settings.inlayHints.enabled) return [];
    const hints = await ask<Hint[]>(params.textDocument.uri, { what: 'hints', range: params.range, options: settings.inlayHints });
    if (!hints || token.isCancellationRequested) return null;
    return hints.map((h) => ({ position: h.position, label: h.label, kind: InlayHintKind.Type, paddingLeft: true, tooltip: h.tooltip }));
  });

  connection.onHover(async (params, token) => {
    if (!settings.hover.enabled) return null;
    const h = await ask<HoverResult | null>(params.textDocument.uri, { what: 'hover', position: params.position });
    if (!h || token.isCancellationRequested) return null;
    return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range };
  });

  connection.onCodeLens(async (params, token) => {
    if (!settings.codeLens.enabled) return [];
    const lenses = await ask<Lens[]>(params.textDocument.uri, { what: 'lenses', uri: params.textDocument.uri });
    if (!lenses || token.isCancellationRequested) return null;
    return lenses.map((l) => ({ range: l.range, command: { title: l.title, command: l.command, arguments: l.args } }));
  });

  connection.onDocumentSymbol(async (params, token) => {
    const symbols = await ask<IdeSymbol[]>(params.textDocument.uri, { what: 'symbols' });
    if (!symbols || token.isCancellationRequested) return null;
    const conv = (s: IdeSymbol): DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: s.kind === 'model' ? SymbolKind.Class : SymbolKind.Field,
      range: s.range,
      selectionRange: s.selectionRange,
      children: s.children.map(conv),
    });
    return symbols.map(conv);
  });

  connection.onCodeAction(async (params, token) => {
    const uri = params.textDocument.uri;
    const only = params.context.only;
    const a = analyze(uri);
    if (a && settings.advice.enabled) await service.advise(uri, a.doc.version, { gapHeadMinParams: settings.advice.gapHeadMinParams }).catch(() => undefined);
    const fixes = (await ask<Action[]>(uri, { what: 'quickfixes', range: params.range, only })) ?? [];
    const blocks = (await ask<Action[]>(uri, { what: 'blocks', range: params.range, only })) ?? [];
    if (token.isCancellationRequested) return null;
    return [...fixes, ...blocks].map((ca) => ({
      title: ca.title,
      kind: ca.kind,
      isPreferred: ca.preferred,
      diagnostics: ca.diagnostic ? [toLspDiagnostic(ca.diagnostic, uri)] : undefined,
      edit: { changes: { [uri]: ca.edits } },
      data: ca.saving ? { saving: ca.saving } : undefined,
    }));
  });

  // ---- custom requests for the panel and the commands
  connection.onRequest(ModelGraphRequest.method, async (params: ModelRequestParams): Promise<GraphAnswer | null> => {
    const g = await ask<Omit<GraphAnswer, 'uri'>>(params.uri, { what: 'graph', model: params.model });
    return g ? { uri: params.uri, ...g } : null;
  });
  connection.onRequest(ProfileRequest.method, (params: ModelRequestParams): Promise<Report | null> => ask<Report>(params.uri, { what: 'profile', model: params.model }));

  // ---- saved model files (the custom editor): the client reads the file, the worker analyses it
  connection.onRequest(SavedModelRequest.method, async (params: SavedModelParams): Promise<SavedModelAnswer | { error: string }> => {
    try {
      return await service.savedModel(params.uri, params.version, params.path, params.text);
    } catch (e) {
      if (e instanceof AnalysisFailed) return { error: e.message };
      throw e;
    }
  });
  connection.onRequest(SavedAdviceRequest.method, (params: SavedVersionParams) => service.savedAdvice(params.uri, params.version).catch(() => null));
  connection.onRequest(SavedTypeScriptRequest.method, (params: SavedVersionParams) => service.savedTypeScript(params.uri, params.version).catch(() => null));

  connection.onShutdown(() => service.dispose());
  // Last line of defence: a bug in one handler is logged, it does not end the server for every document.
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
  documents.listen(connection);
  connection.listen();
  return connection;
}

declare const __VERSION__: string;

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toLspDiagnostic(d: Diagnostic, fileUri: string): LspDiagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'convlens',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri: r.file ? URI.fromPath(r.file) : fileUri, range: r.range }, message: r.message })),
  };
}

/** Engine diagnostics and advice, with the user's per-rule severities applied. */
function toLspDiagnostics(all: Diagnostic[], settings: ServerSettings, fileUri: string): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  for (const d of all) {
    const override = settings.advice.severity[d.code];
    if (override === 'off') continue;
    out.push(toLspDiagnostic(override ? { ...d, severity: override } : d, fileUri));
  }
  return out;
}

function failureDiagnostic(message: string, severity: DiagnosticSeverity = DiagnosticSeverity.Warning): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity,
    source: 'convlens',
    code: 'analysis-failed',
    message,
  };
}
