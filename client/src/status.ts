/** Status bar: the model at the cursor (params · MACs), and the training backend once a check ran. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requestProfile } from './requests';
import { human } from '../../server/src/engine/report/format';

const LANGS = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export class ModelStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convlens.model', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private static backend: string | undefined;
  private static backendWhy: string[] = [];
  private static instance: ModelStatus | undefined;

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

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), ms);
  }

  private async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !LANGS.has(editor.document.languageId)) {
      this.item.hide();
      return;
    }
    const profile = await requestProfile(this.client, editor.document.uri.toString()).catch(() => null);
    const models = profile?.models ?? [];
    if (!models.length) {
      this.item.hide();
      return;
    }
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
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
    for (const s of this.subs) s.dispose();
    if (ModelStatus.instance === this) ModelStatus.instance = undefined;
  }
}
