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
import { decodeEvent, type CheckResult, type ExitReason, type PanelDevice, type PanelHandoff, type RunError, type WorkerEvent } from '../../protocol/worker';
import { RevealGuard } from './reveal_guard';
import { describeOutcome, type CheckOutcome } from '../../server/src/runtime/supervisor';

/** A check running in the panel's Web Worker, as the client sees it. */
export interface PanelRun {
  done: Promise<CheckOutcome>;
  cancel(): void;
}

const PROBE_TIMEOUT_MS = 30_000;

export type PanelView = 'graph' | 'profile' | 'training';

export class PanelManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: vscode.Uri; model?: string; view: PanelView } | undefined;
  private ready = false;
  private pending: ToWebview[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** The panel's GPU, probed once per panel (a Web Worker there asks WebGPU and WebGL2). */
  private device: Promise<PanelDevice | undefined> | undefined;
  private probeWaiters: ((d: PanelDevice) => void)[] = [];
  private run: { onEvent: (e: WorkerEvent) => void; end: (reason?: ExitReason, message?: string) => void } | undefined;
  /** Files the analysis reported: the only ones a `reveal` from the webview may open. */
  private readonly revealable = new RevealGuard();
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
    if (this.target?.uri.toString() !== uri.toString()) this.revealable.reset(uri.fsPath);
    this.target = { uri, model, view };
    if (!this.panel) this.create();
    else this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    this.panel!.title = `ConvLens: ${model ?? uri.path.split('/').pop()}`;
    await this.refresh();
  }

  /** Forward a training-worker event to the Training view. */
  postTraining(event: WorkerEvent): void {
    this.revealable.learn(event);
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

  /** What GPU the panel has; undefined when there is no panel or it did not answer in time. */
  probeGpu(): Promise<PanelDevice | undefined> {
    if (!this.panel) return Promise.resolve(undefined);
    this.device ??= new Promise<PanelDevice | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.device = undefined; // ask again next time
        resolve(undefined);
      }, PROBE_TIMEOUT_MS);
      this.probeWaiters.push((d) => {
        clearTimeout(timer);
        resolve(d);
      });
      this.post({ type: 'probeGpu' });
    });
    return this.device;
  }

  /**
   * Runs the check the worker handed over in the panel's Web Worker. Its events stream to `onEvent`
   * (the panel shows them itself); `timeoutMs` is the same hard cap the Node worker gets.
   */
  runCheck(handoff: PanelHandoff, timeoutMs: number, onEvent: (e: WorkerEvent) => void): PanelRun {
    this.run?.end('cancelled', 'a new check started');
    const t0 = Date.now();
    let result: CheckResult | undefined;
    let error: RunError | undefined;
    let backend: Extract<WorkerEvent, { type: 'backend' }> | undefined;
    let lastProgress: WorkerEvent | undefined;
    let finish!: (o: CheckOutcome) => void;
    const done = new Promise<CheckOutcome>((r) => (finish = r));
    const timer = setTimeout(() => this.post({ type: 'cancelCheck', reason: 'timeout' }), timeoutMs);
    const run = {
      onEvent: (e: WorkerEvent) => {
        if (e.type === 'step' || e.type === 'phase') lastProgress = e;
        else if (e.type === 'backend') backend = e;
        else if (e.type === 'error') error = e.error;
        else if (e.type === 'result') result = e.result;
        try {
          onEvent(e);
        } catch (err) {
          this.output.warn(`training event listener threw: ${(err as Error).message}`);
        }
        if (e.type === 'exit') run.end(e.reason);
      },
      end: (reason: ExitReason = 'crashed', message?: string) => {
        if (this.run !== run) return;
        this.run = undefined;
        clearTimeout(timer);
        finish({
          reason,
          // The panel has no memory cap of its own (the browser's GPU process has limits).
          message: message ?? describeOutcome(reason, { timeoutMs, memoryMb: 0, lastProgress, backend, error, code: null, signal: null, stderr: '' }),
          exitCode: null,
          signal: null,
          limits: { timeoutMs, timeoutClamped: false, memoryMb: 0, memoryCap: 'browser' },
          reaped: 0,
          ...(error ? { error } : {}),
          ...(lastProgress ? { lastProgress } : {}),
          ...(backend ? { backend } : {}),
          ...(result ? { result } : {}),
          stderrTail: '',
          durationMs: Date.now() - t0,
        });
      },
    };
    this.run = run;
    const budgetMs = Math.max(1000, timeoutMs - Math.min(30_000, timeoutMs / 5));
    this.post({ type: 'runCheck', handoff, budgetMs });
    return { done, cancel: () => this.post({ type: 'cancelCheck', reason: 'cancelled' }) };
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
      trainingWorkerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'training_worker.js')).toString(),
      elkWorkerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'elk_worker.js')).toString(),
      cspSource: w.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.pending = [];
      this.device = undefined;
      this.run?.end('cancelled', 'the panel was closed, which stopped its check');
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
    this.revealable.learn(answer);
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
        if (m.file && !this.revealable.allows(m.file)) {
          this.output.warn(`ignored a request from the panel to open ${JSON.stringify(m.file).slice(0, 300)}: the analysis reported no such file`);
          return;
        }
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
      case 'gpuInfo': {
        const waiters = this.probeWaiters;
        this.probeWaiters = [];
        for (const w of waiters) w(m.device);
        return;
      }
      case 'trainingEvent':
        this.run?.onEvent(decodeEvent(m.line));
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
