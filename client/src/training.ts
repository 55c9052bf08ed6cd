/**
 * The training sanity check and measured latency, from the client: the runtime's supervisor
 * starts the worker process (never the extension host), events stream to the panel's Training
 * view, and layers with vanishing or exploding gradients get editor decorations afterwards.
 */
import * as vscode from 'vscode';
import { startCheck, startProfile, type SupervisorOptions } from '../../server/src/runtime/supervisor';
import type { BackendChoice, WorkerEvent } from '../../protocol/worker';
import { settingValue, type SettingKey } from '../../protocol/settings';
import type { PanelManager } from './panel';
import type { Target } from './pick_model';
import { ModelStatus } from './status';

const flagged = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editorWarning.background'),
  overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
  overviewRulerLane: vscode.OverviewRulerLane.Right,
  after: { color: new vscode.ThemeColor('editorWarning.foreground'), margin: '0 0 0 1em' },
});

function options(context: vscode.ExtensionContext, t: Target): SupervisorOptions {
  const cfg = vscode.workspace.getConfiguration('convlens');
  const get = <K extends SettingKey>(key: K) => settingValue({ [key]: cfg.get(key) }, key);
  return {
    workerPath: context.asAbsolutePath('dist/worker.js'),
    trusted: vscode.workspace.isTrusted,
    file: t.uri.fsPath,
    model: t.model,
    backend: get('training.backend') as BackendChoice,
    steps: get('training.steps'),
    timeoutMs: get('training.timeoutSeconds') * 1000,
    memoryMb: get('training.memoryMB'),
    // In VS Code the extension host's binary is Electron: run it as plain Node for the worker.
    nodePath: process.execPath,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    cwd: vscode.workspace.getWorkspaceFolder(t.uri)?.uri.fsPath,
  };
}

function onEvent(panels: PanelManager, output: vscode.LogOutputChannel, progress?: vscode.Progress<{ message?: string; increment?: number }>) {
  let reported = 0;
  return (e: WorkerEvent) => {
    panels.postTraining(e);
    switch (e.type) {
      case 'backend':
        ModelStatus.setBackend(e.backend);
        output.info(`training backend: ${e.backend} (${e.device})${e.attempts.filter((a) => a.status === 'failed').map((a) => `\n  ${a.backend}: ${a.reason}${a.fix ? ` — ${a.fix}` : ''}`).join('')}`);
        break;
      case 'phase':
        progress?.report({ message: e.message });
        break;
      case 'step':
        progress?.report({ message: `step ${e.step}/${e.total}: loss ${e.loss.toFixed(4)}`, increment: 100 / e.total });
        break;
      case 'progress':
        // VS Code's bar takes increments: report the change since the last event.
        progress?.report({ message: e.message, increment: (100 * (e.done - reported)) / e.total });
        reported = e.done;
        break;
      case 'log':
        output.appendLine(`[model] ${e.text}`);
        break;
      case 'error':
        output.error(`${e.error.stage}: ${e.error.message}`);
        break;
    }
  };
}

export async function runTraining(context: vscode.ExtensionContext, t: Target, panels: PanelManager, output: vscode.LogOutputChannel): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ConvLens: sanity check of ${t.model}`, cancellable: true },
    async (progress, token) => {
      const handle = startCheck(options(context, t), onEvent(panels, output, progress));
      token.onCancellationRequested(() => handle.cancel());
      const outcome = await handle.done;
      const r = outcome.result;
      if (!r) {
        void vscode.window.showErrorMessage(`ConvLens: the sanity check did not finish — ${outcome.message}`, 'Show log').then((a) => a && output.show());
        return;
      }
      decorate(t.uri, r.gradients);
      const failed = r.checks.filter((c) => c.status === 'fail');
      const summary = `${r.checks.filter((c) => c.status === 'pass').length} passed, ${failed.length} failed on ${r.backend}${r.imagesPerSecond ? ` · ${Math.round(r.imagesPerSecond)} img/s` : ''}`;
      if (failed.length) void vscode.window.showWarningMessage(`ConvLens sanity check: ${summary}. ${failed.map((c) => `${c.title}: ${c.message}`).join(' ')}`);
      else void vscode.window.showInformationMessage(`ConvLens sanity check: ${summary}.`);
    },
  );
}

/**
 * Measured latency for the Profile view (trusted workspaces only), with VS Code's progress
 * notification; its Cancel and the panel's both stop the worker.
 */
export async function runProfile(context: vscode.ExtensionContext, t: Target, panels: PanelManager, output: vscode.LogOutputChannel): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ConvLens: measuring ${t.model}`, cancellable: true },
    async (progress, token) => {
      const handle = startProfile(options(context, t), onEvent(panels, output, progress));
      token.onCancellationRequested(() => handle.cancel());
      panels.setCancel(() => handle.cancel());
      try {
        const outcome = await handle.done;
        if (outcome.reason !== 'done') output.warn(`measured latency ${outcome.reason === 'cancelled' ? 'cancelled' : 'unavailable'}: ${outcome.message}`);
      } finally {
        panels.setCancel(undefined);
      }
    },
  );
}

/** Mark layers whose gradients vanished or exploded, until the document changes. */
function decorate(uri: vscode.Uri, gradients: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; flag?: string; norm: number; name: string }[]): void {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  if (!editor) return;
  const opts: vscode.DecorationOptions[] = [];
  for (const g of gradients) {
    if (!g.flag || !g.range) continue;
    const range = new vscode.Range(g.range.start.line, g.range.start.character, g.range.end.line, g.range.end.character);
    opts.push({
      range,
      hoverMessage: new vscode.MarkdownString(`**${g.flag} gradient** in \`${g.name}\`: ‖∂loss/∂W‖ = ${g.norm.toExponential(2)} at the first step`),
      renderOptions: { after: { contentText: ` ⚠ ${g.flag} gradient (${g.norm.toExponential(1)})` } },
    });
  }
  editor.setDecorations(flagged, opts);
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.toString() !== uri.toString()) return;
    editor.setDecorations(flagged, []);
    sub.dispose();
  });
}
