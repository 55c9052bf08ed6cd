/**
 * The VS Code side of ConvLens: starts the language server, registers commands, hosts the panel
 * and supervises the training worker. It never loads tfjs and never runs user code itself.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { ModelStatus } from './status';
import { PanelManager } from './panel';
import { SavedModelEditor } from './saved_editor';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('ConvLens', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'javascript' },
      { scheme: 'file', language: 'typescriptreact' },
      { scheme: 'file', language: 'javascriptreact' },
      { scheme: 'untitled', language: 'typescript' },
      { scheme: 'untitled', language: 'javascript' },
    ],
    synchronize: { configurationSection: 'convlens' },
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration('convlens') },
  };
  client = new LanguageClient('convlens', 'ConvLens', serverOptions, clientOptions);
  await client.start();

  const panels = new PanelManager(context, client, output);
  const status = new ModelStatus(client);
  context.subscriptions.push(panels, status);
  const saved = new SavedModelEditor(context, client, output);
  registerCommands(context, client, panels, output);
  context.subscriptions.push(vscode.commands.registerCommand('convlens.copyAsTypeScript', () => saved.copyTypeScript()));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
