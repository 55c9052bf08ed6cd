/** Saving what the panel exports (SVG text or a PNG data URL) where the user picks. */
import * as vscode from 'vscode';
import type { ExportMessage } from '../../protocol/panel';

export async function saveExport(m: ExportMessage, baseName: string, near: vscode.Uri | undefined): Promise<void> {
  const name = `${baseName}.${m.format}`;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? near;
  const to = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
    filters: m.format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
  });
  if (!to) return;
  const bytes = m.format === 'svg' ? Buffer.from(m.data, 'utf8') : Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64');
  await vscode.workspace.fs.writeFile(to, bytes);
  void vscode.window.showInformationMessage(`ConvLens: saved ${to.fsPath}`);
}
