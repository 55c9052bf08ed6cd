/** Typed wrappers for the server's custom requests. */
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Diagnostic, ModelGraph, ModelReport, Report } from '../../server/src/engine/report/types';

export interface GraphAnswer {
  uri: string;
  version: number;
  models: { report: ModelReport; graph: ModelGraph }[];
  diagnostics: Diagnostic[];
}

export function requestGraph(client: LanguageClient, uri: string, model?: string): Promise<GraphAnswer | null> {
  return client.sendRequest<GraphAnswer | null>('convlens/modelGraph', { uri, model });
}

export function requestProfile(client: LanguageClient, uri: string, model?: string): Promise<Report | null> {
  return client.sendRequest<Report | null>('convlens/profile', { uri, model });
}
