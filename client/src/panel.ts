/**
 * The architecture panel's host side: one webview that shows a model of a document (graph,
 * profile, training views), kept live as the document changes, synced with the editor cursor.
 * The webview only renders what it is sent; every message it sends back is validated here.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requestGraph } from './requests';
import { saveExport } from './export';
import { webviewHtml } from '../../webview/src/html';
import { isFromWebview, type FromWebview, type ToWebview } from '../../protocol/panel';
import type { WorkerEvent } from '../../protocol/worker';

export type PanelView = 'graph' | 'profile' | 'training';

export class PanelManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: vscode.Uri; model?: string; view: PanelView } | undefined;
  private ready = false;
  private pending: ToWebview[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** Stops the run whose progress the panel shows (set while one runs). */
  private cancelRun: (() => void) | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.target && e.document.uri.toString() === this.target.uri.toString()) this.scheduleRefresh();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.target || e.textEditor.document.uri.toString() !== this.target.uri.toString()) return;
        const p = e.selections[0]!.active;
        this.post({ type: 'cursor', uri: this.target.uri.toString(), line: p.line, character: p.character });
      }),
    );
  }

  /** Show the panel for a model of a document, on the given view. */
  async show(uri: vscode.Uri, model: string | undefined, view: PanelView): Promise<void> {
    this.target = { uri, model, view };
    if (!this.panel) this.create();
    else this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    this.panel!.title = `ConvLens: ${model ?? uri.path.split('/').pop()}`;
    await this.refresh();
  }

  /** Forward a training-worker event to the Training view. */
  postTraining(event: WorkerEvent): void {
    this.post({ type: 'training', event });
  }

  /** The run the panel's Cancel button stops (undefined: none running). */
  setCancel(cancel: (() => void) | undefined): void {
    this.cancelRun = cancel;
  }

  /** Ask the webview to export what it draws (it answers with an `export` message). */
  requestExport(format: 'svg' | 'png'): void {
    this.post({ type: 'requestExport', format });
  }

  get visible(): boolean {
    return !!this.panel;
  }

  private create(): void {
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('convlens.architecture', 'ConvLens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
    const w = panel.webview;
    panel.webview.html = webviewHtml({
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      workerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'layout_worker.js')).toString(),
      elkWorkerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'elk_worker.js')).toString(),
      cspSource: w.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.pending = [];
    });
    w.onDidReceiveMessage((m: unknown) => void this.onMessage(m));
    this.panel = panel;
  }

  private post(msg: ToWebview): void {
    if (!this.panel) return;
    if (!this.ready) {
      // Keep only the latest model message; cursor and training events queue up in order.
      if (msg.type === 'model') this.pending = this.pending.filter((p) => p.type !== 'model');
      this.pending.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 300);
  }

  private async refresh(): Promise<void> {
    const t = this.target;
    if (!t || !this.panel) return;
    const answer = await requestGraph(this.client, t.uri.toString()).catch((e: Error) => {
      this.output.warn(`modelGraph failed: ${e.message}`);
      return null;
    });
    if (!answer) return;
    this.post({ type: 'model', uri: answer.uri, version: answer.version, models: answer.models, diagnostics: answer.diagnostics, selected: t.model, view: t.view });
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isFromWebview(raw)) {
      this.output.warn(`ignored a malformed message from the panel: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const m: FromWebview = raw;
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.pending;
        this.pending = [];
        for (const q of queued) void this.panel?.webview.postMessage(q);
        return;
      }
      case 'reveal': {
        const uri = m.file ? vscode.Uri.file(m.file) : this.target?.uri;
        if (!uri) return;
        const doc = await vscode.workspace.openTextDocument(uri);
        const r = new vscode.Range(m.range.start.line, m.range.start.character, m.range.end.line, m.range.end.character);
        await vscode.window.showTextDocument(doc, { selection: r, viewColumn: vscode.ViewColumn.One, preserveFocus: false });
        return;
      }
      case 'selectModel':
        if (this.target) this.target.model = m.name;
        return;
      case 'cancelRun':
        this.cancelRun?.();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.showInformationMessage('ConvLens: copied to the clipboard.');
        return;
      case 'export':
        await saveExport(m, this.target?.model ?? 'model', this.target?.uri);
        return;
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.panel?.dispose();
    for (const s of this.subs) s.dispose();
  }
}
