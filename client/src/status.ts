/** Status bar: the model at the cursor (params · MACs), and the training backend once a check ran. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requestProfile } from './requests';
import { human } from '../../server/src/engine/report/format';
import { retryDelay, statusAction } from './status_policy';

const LANGS = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export class ModelStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convlens.model', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private static backend: string | undefined;
  private static backendWhy: string[] = [];
  /** The document the shown value is about. */
  private shownUri: string | undefined;
  private static instance: ModelStatus | undefined;
  /** Unanswered requests in a row for the shown version (reset by any answer or event). */
  private retries = 0;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'ConvLens model';
    this.item.command = 'convlens.profileModel';
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.window.onDidChangeTextEditorSelection(() => this.schedule(200)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule(600);
      }),
    );
    ModelStatus.instance = this;
    this.schedule(0);
  }

  /** The runtime reports which backend trained the model, and why the others did not. */
  static setBackend(backend: string | undefined, why: string[] = []): void {
    ModelStatus.backend = backend;
    ModelStatus.backendWhy = why;
    ModelStatus.instance?.schedule(0);
  }

  private schedule(ms: number, retry = false): void {
    if (!retry) this.retries = 0;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), ms);
  }

  private async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !LANGS.has(editor.document.languageId)) {
      this.item.hide();
      this.shownUri = undefined;
      return;
    }
    const uri = editor.document.uri.toString();
    // Another document's value must not stand for this one while it is analysed.
    if (this.shownUri !== uri) this.item.hide();
    const asked = { uri, version: editor.document.version };
    const profile = await requestProfile(this.client, uri).catch(() => null);
    const now = vscode.window.activeTextEditor;
    // Typing meanwhile, or no answer: keep the last settled value (no intermediate totals).
    const action = statusAction(asked, now && { uri: now.document.uri.toString(), version: now.document.version }, profile ? profile.models.length : null);
    if (action === 'retry') {
      // At most ~1 minute of retries (0.5+1+2+4+8×7 s), then wait for the next event.
      if (this.retries < 12) this.schedule(retryDelay(this.retries++), true);
      return;
    }
    this.retries = 0;
    if (action === 'keep') return;
    if (action === 'hide') {
      this.item.hide();
      this.shownUri = undefined;
      return;
    }
    const models = profile!.models;
    const line = editor.selection.active.line;
    const m = models.find((x) => x.range.start.line <= line && line <= x.range.end.line) ?? models[0]!;
    const errors = m.diagnostics.filter((d) => d.severity === 'error').length;
    this.item.text = `$(symbol-class) ${m.name}: ${human(m.totalParams)} params · ${human(m.macs)} MACs${errors ? ` $(error) ${errors}` : ''}${ModelStatus.backend ? ` · ${ModelStatus.backend}` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**${m.name}** (${m.kind})\n\n${m.totalParams?.toLocaleString('en-US') ?? '?'} params, ${m.macs?.toLocaleString('en-US') ?? '?'} MACs (batch 1)` +
        (ModelStatus.backend ? `\n\nTraining backend: ${ModelStatus.backend}${ModelStatus.backendWhy.map((l) => `\n- ${l.replace(/[\\`*_[\]<>]/g, '\\$&')}`).join('')}` : '') +
        '\n\nClick to profile.',
    );
    this.item.show();
    this.shownUri = uri;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
    for (const s of this.subs) s.dispose();
    if (ModelStatus.instance === this) ModelStatus.instance = undefined;
  }
}
