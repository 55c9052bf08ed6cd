/**
 * The saved-model viewer: a read-only custom editor for tfjs model.json files, Keras JSON and Keras 3
 * .keras archives, showing the panel's graph, profile and a Findings tab (weights checks and design
 * advice). The file is read here, through VS Code's file system (a .keras archive by random access
 * when it is on disk: only its config.json), analysed by the language server's worker, and the
 * weight shards' sizes are read here too for the consistency check.
 *
 * Which files open here: `model.json` and `*.keras` by default; any other `*.json` and Keras `*.h5`
 * only through "Open With…" (priority "option"): package.json and HDF5 data files never open in a graph. A model.json
 * that turns out not to be a model (its first 64 KiB name neither modelTopology nor class_name) is
 * handed straight back to the text editor.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { LanguageClient } from 'vscode-languageclient/node';
import { webviewHtml } from '../../webview/src/html';
import { isFromWebview, type ModelMessage } from '../../protocol/panel';
import { MAX_TOPOLOGY_BYTES, isHdf5 } from '../../server/src/engine/saved/read';
import { hdf5ModelConfig } from '../../server/src/engine/saved/hdf5';
import { checkShardSizes } from '../../server/src/engine/saved/manifest';
import { bufferAccess, isZip, type RandomAccess, zipEntry } from '../../server/src/engine/saved/zip';
import { openModelFile } from '../../server/src/host/model_file';
import { SavedAdviceRequest, SavedModelRequest, SavedTypeScriptRequest, type SavedModelAnswer } from '../../protocol/lsp';
import type { Diagnostic } from '../../server/src/engine/report/types';
import { saveExport } from './export';

export const VIEW_TYPES = ['convlens.savedModel', 'convlens.savedModelAnyJson'];

interface Shown {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  version: number;
  ready: boolean;
  pending?: ModelMessage;
  name: string;
}

export class SavedModelEditor implements vscode.CustomReadonlyEditorProvider {
  private readonly shown = new Set<Shown>();
  private active: Shown | undefined;
  private nextVersion = 1;
  private readonly problems = vscode.languages.createDiagnosticCollection('convlens-saved');

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
  ) {
    for (const viewType of VIEW_TYPES)
      context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, this, { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true }));
    context.subscriptions.push(this.problems);
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => this.problems.delete(uri) };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const uri = doc.uri;
    if (/(^|\/)model\.json$/i.test(uri.path) && !(await looksLikeModel(uri))) {
      // Default for model.json, but this one is some other JSON: give it back to the text editor.
      panel.dispose();
      await vscode.commands.executeCommand('vscode.openWith', uri, 'default');
      return;
    }
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const w = panel.webview;
    w.options = { enableScripts: true, localResourceRoots: [dist] };
    w.html = webviewHtml({
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      workerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'layout_worker.js')).toString(),
      elkWorkerUri: w.asWebviewUri(vscode.Uri.joinPath(dist, 'elk_worker.js')).toString(),
      cspSource: w.cspSource,
      nonce: randomBytes(16).toString('base64'),
    });
    const s: Shown = { uri, panel, version: 0, ready: false, name: uri.path.split('/').pop() ?? 'model' };
    this.shown.add(s);
    this.active = s;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), '*'));
    const reload = (changed: vscode.Uri) => {
      if (changed.toString() === uri.toString() || /\.bin$/i.test(changed.path)) void this.load(s);
    };
    watcher.onDidChange(reload);
    watcher.onDidCreate(reload);
    watcher.onDidDelete(reload);
    panel.onDidChangeViewState(() => {
      if (panel.active) this.active = s;
    });
    panel.onDidDispose(() => {
      watcher.dispose();
      this.shown.delete(s);
      if (this.active === s) this.active = undefined;
    });
    w.onDidReceiveMessage((m: unknown) => void this.onMessage(s, m));
    await this.load(s);
  }

  /** "ConvLens: Copy as TypeScript" for the active model file. */
  async copyTypeScript(): Promise<void> {
    const s = this.active;
    if (!s) {
      void vscode.window.showInformationMessage('ConvLens: open a model.json or .keras file first (it opens in the ConvLens model viewer).');
      return;
    }
    let code = await this.client.sendRequest<string | null>(SavedTypeScriptRequest.method, { uri: s.uri.toString(), version: s.version });
    if (code === null) {
      // The analysis worker was restarted since: read the file again.
      await this.load(s);
      code = await this.client.sendRequest<string | null>(SavedTypeScriptRequest.method, { uri: s.uri.toString(), version: s.version });
    }
    if (code === null) {
      void vscode.window.showWarningMessage(`ConvLens: ${s.name} has no model to rebuild (see the Findings tab).`);
      return;
    }
    await vscode.env.clipboard.writeText(code);
    void vscode.window.showInformationMessage(`ConvLens: TypeScript rebuilding ${s.name} copied to the clipboard.`);
  }

  private post(s: Shown, msg: ModelMessage): void {
    if (!s.ready) {
      s.pending = msg;
      return;
    }
    void s.panel.webview.postMessage(msg);
  }

  private async load(s: Shown): Promise<void> {
    const version = (s.version = this.nextVersion++);
    const path = s.uri.scheme === 'file' ? s.uri.fsPath : s.uri.path;
    const base: ModelMessage = { type: 'model', uri: s.uri.toString(), version, models: [], diagnostics: [], view: 'graph', source: s.name };
    let text: string;
    try {
      text = await readTopology(s.uri);
    } catch (e) {
      this.show(s, { ...base, diagnostics: [failure((e as Error).message)], view: 'findings' });
      return;
    }
    const answer = await this.client
      .sendRequest<SavedModelAnswer | { error: string }>(SavedModelRequest.method, { uri: s.uri.toString(), version, path, text })
      .catch((e: Error) => ({ error: e.message }));
    if (version !== s.version) return;
    if ('error' in answer) {
      this.show(s, { ...base, diagnostics: [failure(answer.error)], view: 'findings' });
      return;
    }
    const shardDiagnostics = checkShardSizes(answer.shards, await shardSizes(s.uri, answer.shards.flatMap((g) => g.paths)));
    const diagnostics = [...answer.diagnostics, ...shardDiagnostics];
    const shown: ModelMessage = { ...base, models: answer.models, diagnostics, source: `${s.name}: ${answer.formatLabel}`, view: answer.models.length ? 'graph' : 'findings' };
    this.show(s, shown);
    if (!answer.models.length) return;
    // Advice second: its savings are measured by re-analysis, and the graph should not wait for it.
    const findings = await this.client.sendRequest<Diagnostic[] | null>(SavedAdviceRequest.method, { uri: s.uri.toString(), version }).catch(() => null);
    if (findings && version === s.version) this.show(s, { ...shown, findings });
  }

  private show(s: Shown, msg: ModelMessage): void {
    s.panel.title = s.name;
    const all = [...msg.diagnostics, ...(msg.findings ?? [])];
    this.problems.set(s.uri, all.map(toVsDiagnostic));
    this.post(s, msg);
  }

  private async onMessage(s: Shown, raw: unknown): Promise<void> {
    if (!isFromWebview(raw)) {
      this.output.warn(`ignored a malformed message from the model viewer: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (raw.type) {
      case 'ready':
        s.ready = true;
        if (s.pending) void s.panel.webview.postMessage(s.pending);
        s.pending = undefined;
        return;
      case 'reveal': {
        // A layer of a JSON file: show its entry in the text beside the graph.
        if (/\.keras$/i.test(s.uri.path)) return;
        const r = raw.range;
        const doc = await vscode.workspace.openTextDocument(s.uri);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(raw.text);
        void vscode.window.showInformationMessage('ConvLens: copied to the clipboard.');
        return;
      case 'export':
        await saveExport(raw, s.name.replace(/\.[^.]*$/, ''), vscode.Uri.joinPath(s.uri, '..'));
        return;
      case 'selectModel':
        return;
    }
  }
}

function failure(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'saved-model', message };
}

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function toVsDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const r = d.range;
  const v = new vscode.Diagnostic(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), d.message, SEVERITY[d.severity]);
  v.code = d.code;
  v.source = 'convlens';
  return v;
}

/** Whether a JSON file names a model topology near its start (a tfjs model.json starts with it). */
async function looksLikeModel(uri: vscode.Uri): Promise<boolean> {
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > MAX_TOPOLOGY_BYTES) return true; // the viewer says why it will not read it
    let bytes: Uint8Array;
    if (uri.scheme === 'file') {
      const a = openModelFile(uri.fsPath);
      try {
        bytes = a.read(0, 64 * 1024);
      } finally {
        a.close();
      }
    } else bytes = (await vscode.workspace.fs.readFile(uri)).subarray(0, 64 * 1024);
    const head = new TextDecoder().decode(bytes);
    return /"(modelTopology|weightsManifest)"\s*:/.test(head) || (/"class_name"\s*:/.test(head) && /"config"\s*:/.test(head));
  } catch {
    return true;
  }
}

/** The JSON text the engine reads: the file itself, or a .keras archive's config.json. */
async function readTopology(uri: vscode.Uri): Promise<string> {
  const st = await vscode.workspace.fs.stat(uri);
  let access: RandomAccess & { close?: () => void };
  if (uri.scheme === 'file') access = openModelFile(uri.fsPath);
  else {
    if (st.size > 1024 * 1024 * 1024) throw new Error(`${uri.path.split('/').pop()} is over 1 GB; ConvLens reads archives that big only from disk`);
    access = bufferAccess(await vscode.workspace.fs.readFile(uri));
  }
  try {
    const head = access.read(0, Math.min(8, access.size));
    if (isZip(head)) {
      const config = zipEntry(access, 'config.json', MAX_TOPOLOGY_BYTES);
      if (!config) throw new Error('the ZIP archive has no config.json: not a Keras 3 .keras file');
      return new TextDecoder().decode(config);
    }
    if (access.size > MAX_TOPOLOGY_BYTES)
      throw new Error(`${uri.path.split('/').pop()} is ${(access.size / 1048576).toFixed(1)} MB; ConvLens reads model topologies up to ${MAX_TOPOLOGY_BYTES / 1048576} MB`);
    if (isHdf5(head)) return hdf5ModelConfig(access, uri.path).config;
    return new TextDecoder().decode(access.read(0, access.size));
  } finally {
    access.close?.();
  }
}

/** Sizes of the shard files beside model.json (null: missing), through VS Code's file system; paths outside its folder are not read. */
async function shardSizes(uri: vscode.Uri, paths: string[]): Promise<Record<string, number | null>> {
  const dir = vscode.Uri.joinPath(uri, '..');
  const out: Record<string, number | null> = {};
  await Promise.all(
    paths.map(async (p) => {
      if (p.split(/[\\/]/).includes('..') || /^([a-z]+:|[\\/])/i.test(p)) {
        out[p] = null;
        return;
      }
      try {
        const st = await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, p));
        out[p] = st.type & vscode.FileType.File ? st.size : null;
      } catch {
        out[p] = null;
      }
    }),
  );
  return out;
}
