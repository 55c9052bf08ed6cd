/** The command palette entries and code-lens commands. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { pickModel } from './pick_model';
import type { PanelManager } from './panel';
import { runProfile, runTraining } from './training';
import { BLOCK_ACTIONS, blockActionOf } from '../../protocol/lsp';


export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient, panels: PanelManager, output: vscode.LogOutputChannel): void {
  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('convlens.profileModel', async (uri?: string, model?: string) => {
    const t = await pickModel(client, uri, model);
    if (!t) return;
    // The static report at once; measured latency follows from the worker where code may run.
    await panels.show(t.uri, t.model, 'profile');
    if (vscode.workspace.isTrusted && t.uri.scheme === 'file') void runProfile(context, t, panels, output);
  });

  reg('convlens.showArchitecture', async (uri?: string, model?: string) => {
    const t = await pickModel(client, uri, model);
    if (!t) return;
    await panels.show(t.uri, t.model, 'graph');
  });

  reg('convlens.runSanityCheck', async (uri?: string, model?: string) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('ConvLens runs your model code for the sanity check: trust this workspace first (static analysis keeps working without it).');
      return;
    }
    const t = await pickModel(client, uri, model);
    if (!t) return;
    await panels.show(t.uri, t.model, 'training');
    await runTraining(context, t, panels, output);
  });

  reg('convlens.insertBlock', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      editor.selection,
      vscode.CodeActionKind.Refactor.value,
    )) ?? [];
    const ours = actions.filter((a): a is vscode.CodeAction => 'edit' in a && !!a.edit && !!blockActionOf(a.kind?.value));
    if (!ours.length) {
      void vscode.window.showInformationMessage('ConvLens: put the cursor on a layer call (a 4-D feature map) to insert a block after it.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      ours.map((a) => ({ label: a.title, detail: BLOCK_ACTIONS[blockActionOf(a.kind?.value)!].detail, a })),
      { placeHolder: 'Insert which block after this layer?' },
    );
    if (pick?.a.edit) await vscode.workspace.applyEdit(pick.a.edit);
  });

  reg('convlens.toggleInlineAnnotations', async () => {
    const cfg = vscode.workspace.getConfiguration('convlens');
    const on = cfg.get<boolean>('inlayHints.enabled', true);
    await cfg.update('inlayHints.enabled', !on, vscode.ConfigurationTarget.Global);
    void vscode.window.setStatusBarMessage(`ConvLens inline annotations ${on ? 'off' : 'on'}`, 2500);
  });

  reg('convlens.exportArchitecture', async (uri?: string, model?: string) => {
    const t = await pickModel(client, uri, model);
    if (!t) return;
    const format = await vscode.window.showQuickPick(['svg', 'png'], { placeHolder: 'Export the architecture drawing as…' });
    if (!format) return;
    await panels.show(t.uri, t.model, 'graph');
    panels.requestExport(format as 'svg' | 'png');
  });

  reg('convlens.showOutput', () => output.show());
}
