/** Sends ConvLens's custom requests (protocol/lsp.ts) with their types. */
import type { LanguageClient } from 'vscode-languageclient/node';
import { ModelGraphRequest, ProfileRequest, type GraphAnswer, type RequestDef } from '../../protocol/lsp';
import type { Report } from '../../server/src/engine/report/types';

function send<P, R>(client: LanguageClient, def: RequestDef<P, R>, params: P): Promise<R> {
  return client.sendRequest<R>(def.method, params);
}

export function requestGraph(client: LanguageClient, uri: string, model?: string): Promise<GraphAnswer | null> {
  return send(client, ModelGraphRequest, { uri, model });
}

export function requestProfile(client: LanguageClient, uri: string, model?: string): Promise<Report | null> {
  return send(client, ProfileRequest, { uri, model });
}
