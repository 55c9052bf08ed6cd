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
import type { Query } from './thread_messages';
import { ModelGraphRequest, ProfileRequest, SavedAdviceRequest, SavedModelRequest, SavedTypeScriptRequest, type GraphAnswer, type ModelRequestParams, type SavedModelAnswer, type SavedModelParams, type SavedVersionParams } from '../../../protocol/lsp';
import type { Report } from '../engine';
import type { Hint } from '../ide/hints';
import type { HoverResult } from '../ide/hover';
import type { Lens } from '../ide/lenses';
import type { Symbol as IdeSymbol } from '../ide/symbols';
import type { Action } from '../ide/actions';

const LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export function startServer(workerFile: string): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfig = false;
  const log = (m: string) => connection.console.log(`[convlens] ${m}`);

  const service = new AnalysisService(
    workerFile,
    () => ({ maxSteps: settings.analysis.maxSteps, timeoutMs: settings.analysis.timeoutMs }),
    log,
  );

  const pathOf = (uri: string) => URI.toPath(uri);
  const overlays = () => {
    const o: Record<string, string> = {};
    for (const d of documents.all()) o[pathOf(d.uri)] = d.getText();
    return o;
  };

  /** Analyse the document's current version if needed. */
  function analyze(uri: string) {
    const doc = documents.get(uri);
    if (!doc || !LANGUAGES.has(doc.languageId)) return undefined;
    return { doc, summary: service.analyze(uri, doc.version, pathOf(uri), doc.getText(), overlays, rootOf(pathOf(uri))) };
  }

  /** Answer a feature query from the current version's analysis; null when it moved on or failed. */
  async function ask<T>(uri: string, query: Query): Promise<T | null> {
    const a = analyze(uri);
    if (!a) return null;
    try {
      await a.summary;
      return await service.query<T>(uri, a.doc.version, query);
    } catch (e) {
      if (e instanceof AnalysisFailed) {
        if (!e.stale) connection.sendDiagnostics({ uri, version: a.doc.version, diagnostics: [failureDiagnostic(e.message)] });
        return null;
      }
      throw e;
    }
  }

  // Where the user's code runs: the workspace folder holding the file (its own folder outside any).
  let roots: string[] = [];
  const rootOf = (path: string): string => {
    const inside = roots.filter((r) => path.startsWith(r.endsWith('/') ? r : `${r}/`)).sort((a, b) => b.length - a.length);
    return inside[0] ?? path.slice(0, path.lastIndexOf('/')) ?? '/';
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    roots = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri));
    if (!roots.length && params.rootUri) roots = [pathOf(params.rootUri)];
    canPullConfig = !!params.capabilities.workspace?.configuration;
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
      },
      serverInfo: { name: 'convlens', version: typeof __VERSION__ === 'string' ? __VERSION__ : 'dev' },
    };
  });

  connection.onInitialized(() => {
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
  function schedule(uri: string, delay = settings.analysis.debounceMs): void {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => void publish(uri), delay));
  }
  /** Shape errors as soon as the analysis is done, then again with the design advice. */
  async function publish(uri: string): Promise<void> {
    timers.delete(uri);
    const a = analyze(uri);
    if (!a) return;
    const version = a.doc.version;
    const current = () => documents.get(uri)?.version === version;
    try {
      const summary = await a.summary;
      if (!current()) return;
      const fileUri = uri;
      const engine = settings.diagnostics.enabled ? summary.diagnostics : [];
      connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics(engine, settings, fileUri) });
      if (!settings.advice.enabled || !settings.diagnostics.enabled) return;
      const advice = await service.advise(uri, version, { gapHeadMinParams: settings.advice.gapHeadMinParams });
      if (current()) connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics([...engine, ...advice], settings, fileUri) });
    } catch (e) {
      if (!(e instanceof AnalysisFailed)) throw e;
      if (!e.stale && current()) connection.sendDiagnostics({ uri, version, diagnostics: [failureDiagnostic(e.message)] });
    }
  }

  documents.onDidOpen((e) => schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => {
    schedule(e.document.uri);
    // Documents that import this one are stale now.
    const stale = service.invalidateDependents(pathOf(e.document.uri), e.document.uri);
    for (const uri of stale) schedule(uri);
    if (stale.length) void connection.languages.inlayHint.refresh().catch(() => undefined);
  });
  documents.onDidClose((e) => {
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

function failureDiagnostic(message: string): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: 'convlens',
    code: 'analysis-failed',
    message,
  };
}
