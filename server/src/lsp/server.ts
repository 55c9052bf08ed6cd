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
  type CancellationToken,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './uri';
import type { AnalysisResult, Diagnostic } from '../engine';
import { AnalysisFailed, AnalysisService, type Analysis } from './analysis_service';
import { DEFAULT_SETTINGS, type ServerSettings, readSettings } from './settings';
import { ModelGraphRequest, type ModelRequestParams, ProfileRequest } from './protocol';
import { inlayHints } from '../ide/hints';
import { hoverAt } from '../ide/hover';
import { codeLenses } from '../ide/lenses';
import { documentSymbols, type Symbol as IdeSymbol } from '../ide/symbols';
import { quickFixes, wants } from '../ide/actions';

const LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export function startServer(workerFile: string): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let settings: ServerSettings = DEFAULT_SETTINGS;
  let canPullConfig = false;
  const log = (m: string) => connection.console.log(`[convlens] ${m}`);

  const service = new AnalysisService(
    workerFile,
    () => ({ maxSteps: settings.analysis.maxSteps, timeoutMs: settings.analysis.timeoutMs, advice: settings.advice.enabled }),
    log,
  );

  const pathOf = (uri: string) => URI.toPath(uri);
  const overlays = () => {
    const o: Record<string, string> = {};
    for (const d of documents.all()) o[pathOf(d.uri)] = d.getText();
    return o;
  };

  /** The analysis of the document's current version; undefined if it is gone or failed. */
  async function analysisOf(uri: string): Promise<Analysis | undefined> {
    const doc = documents.get(uri);
    if (!doc || !LANGUAGES.has(doc.languageId)) return undefined;
    try {
      return await service.get(uri, doc.version, pathOf(uri), doc.getText(), overlays);
    } catch (e) {
      if (e instanceof AnalysisFailed) {
        // A newer version superseded this one: answer from whatever finished last.
        if (/superseded/.test(e.message)) return service.latest(uri);
        connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [failureDiagnostic(e.message)] });
        return undefined;
      }
      throw e;
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
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
  async function publish(uri: string): Promise<void> {
    timers.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    const a = await analysisOf(uri);
    if (!a || documents.get(uri)?.version !== a.version) return;
    const diagnostics = settings.diagnostics.enabled ? toLspDiagnostics(a.result, settings) : [];
    connection.sendDiagnostics({ uri, version: a.version, diagnostics });
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

  // ---- features
  connection.languages.inlayHint.on(async (params, token) => {
    if (!settings.inlayHints.enabled) return [];
    const a = await analysisOf(params.textDocument.uri);
    if (!a || token.isCancellationRequested) return null;
    return inlayHints(a.result, settings.inlayHints, params.range).map((h) => ({
      position: h.position,
      label: h.label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: h.tooltip,
    }));
  });

  connection.onHover(async (params, token) => {
    if (!settings.hover.enabled) return null;
    const a = await analysisOf(params.textDocument.uri);
    if (!a || token.isCancellationRequested) return null;
    const h = hoverAt(a.result, params.position);
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
  });

  connection.onCodeLens(async (params, token) => {
    if (!settings.codeLens.enabled) return [];
    const a = await analysisOf(params.textDocument.uri);
    if (!a || token.isCancellationRequested) return null;
    return codeLenses(a.result, params.textDocument.uri).map((l) => ({ range: l.range, command: { title: l.title, command: l.command, arguments: l.args } }));
  });

  connection.onDocumentSymbol(async (params, token) => {
    const a = await analysisOf(params.textDocument.uri);
    if (!a || token.isCancellationRequested) return null;
    const conv = (s: IdeSymbol): import('vscode-languageserver/node').DocumentSymbol => ({
      name: s.name,
      detail: s.detail,
      kind: s.kind === 'model' ? SymbolKind.Class : SymbolKind.Field,
      range: s.range,
      selectionRange: s.selectionRange,
      children: s.children.map(conv),
    });
    return documentSymbols(a.result).map(conv);
  });

  connection.onCodeAction(async (params, token) => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    const a = await analysisOf(uri);
    if (!a || !doc || token.isCancellationRequested) return null;
    const only = params.context.only;
    const actions = quickFixes(a.result, params.range, only);
    if (wants(only, 'refactor.insert') || wants(only, 'refactor.rewrite')) {
      try {
        const blocks = await service.blocks(uri, doc.version, pathOf(uri), doc.getText(), overlays, params.range);
        actions.push(...blocks.filter((b) => wants(only, b.kind)));
      } catch (e) {
        if (!(e instanceof AnalysisFailed)) throw e;
      }
    }
    if (token.isCancellationRequested) return null;
    return actions.map((ca) => ({
      title: ca.title,
      kind: ca.kind,
      isPreferred: ca.preferred,
      diagnostics: ca.diagnostic ? [toLspDiagnostic(ca.diagnostic, uri)] : undefined,
      edit: { changes: { [uri]: ca.edits } },
      data: ca.saving ? { saving: ca.saving } : undefined,
    }));
  });

  // ---- custom requests for the panel and the commands
  const modelRequest = async (params: ModelRequestParams, token: CancellationToken) => {
    const a = await analysisOf(params.uri);
    if (!a || token.isCancellationRequested) return null;
    const models = params.model ? a.result.models.filter((m) => m.report.name === params.model) : a.result.models;
    return { a, models };
  };
  connection.onRequest(ModelGraphRequest, async (params: ModelRequestParams, token: CancellationToken) => {
    const r = await modelRequest(params, token);
    if (!r) return null;
    return { uri: params.uri, version: r.a.version, models: r.models.map((m) => ({ report: m.report, graph: m.graph })), diagnostics: r.a.result.diagnostics };
  });
  connection.onRequest(ProfileRequest, async (params: ModelRequestParams, token: CancellationToken) => {
    const r = await modelRequest(params, token);
    if (!r) return null;
    return { ...r.a.result.report, models: r.models.map((m) => m.report) };
  });

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

/** Engine diagnostics plus advice findings, with the user's per-rule severities applied. */
function toLspDiagnostics(result: AnalysisResult, settings: ServerSettings): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  const fileUri = URI.fromPath(result.file);
  const all: Diagnostic[] = [...result.diagnostics];
  if (settings.advice.enabled) for (const f of result.findings ?? []) all.push(f.diagnostic);
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
