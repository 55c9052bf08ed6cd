/**
 * Which model a command is about: the one named by the code lens, else the one whose builder holds
 * the cursor, else a quick pick when the file has several.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { requestProfile } from './requests';
import type { ModelReport } from '../../server/src/engine/report/types';
import { human } from '../../server/src/engine/report/format';

export interface Target {
  uri: vscode.Uri;
  model: string;
  report: ModelReport;
}

export async function pickModel(client: LanguageClient, uriArg?: string | vscode.Uri, modelArg?: string): Promise<Target | undefined> {
  const editor = vscode.window.activeTextEditor;
  const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg ?? editor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('ConvLens: open a TypeScript or JavaScript file that builds a tfjs model first.');
    return undefined;
  }
  const profile = await requestProfile(client, uri.toString());
  const models = profile?.models ?? [];
  if (!models.length) {
    void vscode.window.showInformationMessage('ConvLens found no tf.sequential() / tf.model() in this file.');
    return undefined;
  }
  if (modelArg) {
    const m = models.find((x) => x.name === modelArg);
    if (m) return { uri, model: m.name, report: m };
  }
  if (models.length === 1) return { uri, model: models[0]!.name, report: models[0]! };
  if (editor && editor.document.uri.toString() === uri.toString()) {
    const line = editor.selection.active.line;
    const here = models.find((m) => m.range.start.line <= line && line <= m.range.end.line);
    if (here) return { uri, model: here.name, report: here };
  }
  const pick = await vscode.window.showQuickPick(
    models.map((m) => ({ label: m.name, description: `${m.kind} · ${human(m.totalParams)} params · ${human(m.macs)} MACs`, m })),
    { placeHolder: 'Which model?' },
  );
  return pick ? { uri, model: pick.m.name, report: pick.m } : undefined;
}
