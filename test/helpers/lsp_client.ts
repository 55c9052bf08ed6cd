/**
 * A real JSON-RPC client for the built language server (dist/server.js over stdio), using the
 * official protocol package: what the LSP tests and the latency benchmark drive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export interface LspSession {
  conn: ProtocolConnection;
  proc: ChildProcess;
  /** Opens a file path, or any URI when `path` has a scheme (`untitled:x`). */
  open(path: string, text: string, languageId?: string): string;
  /** An incremental change (a range replaced); returns the new version. */
  edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): number;
  change(uri: string, text: string): number;
  diagnostics(uri: string, predicate?: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  close(): Promise<void>;
  stderr: string[];
}

export interface StartOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Workspace folders (absolute paths); none by default. */
  folders?: string[];
}

export async function startServer(settings: Record<string, unknown> = {}, opts: StartOptions = {}): Promise<LspSession> {
  const server = resolve(__dirname, '../../dist/server.js');
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d) => stderr.push(String(d)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: opts.folders?.[0] ? pathToFileURL(opts.folders[0]).href : null,
    capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { inlayHint: {}, hover: { contentFormat: ['markdown'] }, publishDiagnostics: { relatedInformation: true } } },
    workspaceFolders: opts.folders ? opts.folders.map((f) => ({ uri: pathToFileURL(f).href, name: f.split('/').pop() ?? f })) : null,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const versions = new Map<string, number>();
  return {
    conn,
    proc,
    stderr,
    open(path, text, languageId = path.endsWith('.js') ? 'javascript' : 'typescript') {
      const uri = /^[a-z][a-z0-9+.-]+:/i.test(path) ? path : pathToFileURL(path).href;
      versions.set(uri, 1);
      void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
      return uri;
    },
    change(uri, text) {
      const v = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, v);
      void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ text }] });
      return v;
    },
    edit(uri, range, text) {
      const v = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, v);
      void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ range, text }] });
      return v;
    },
    diagnostics(uri, pred = () => true, timeoutMs = 20000) {
      const have = latest.get(uri);
      if (have && pred(have)) return Promise.resolve(have);
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ uri, pred, resolve: (p) => { clearTimeout(t); res(p); } });
      });
    },
    async close() {
      // A polite shutdown, but never a wait on a server that is gone: a request written to a
      // process that has just exited (a test that sent `exit` itself) may never be answered nor
      // rejected — the lsp suite hung once in 15 stress runs on exactly that.
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise<void>((res) => proc.once('exit', () => res()));
        const timeout = new Promise<void>((res) => setTimeout(res, 5000).unref());
        const polite = (async () => {
          await conn.sendRequest(ShutdownRequest.type);
          await conn.sendNotification(ExitNotification.type);
        })().catch(() => undefined);
        await Promise.race([polite, gone, timeout]);
      }
      conn.dispose();
      proc.kill();
    },
  };
}
