/** Messages between the language server's main thread and its analysis worker thread. */
import type { AnalysisResult, Range } from '../engine';
import type { Action } from '../ide/actions';

interface Common {
  id: number;
  path: string;
  text: string;
  /** Unsaved text of other open documents, by path: imports see what the editor sees. */
  overlays: Record<string, string>;
  maxSteps: number;
}

export type WorkerRequest =
  | (Common & { kind: 'analyze'; advice: boolean })
  /** Block refactors at a range, each checked by analysing the edited file. */
  | (Common & { kind: 'blocks'; range: Range });

export type WorkerResponse =
  | { id: number; ok: true; kind: 'analyze'; result: AnalysisResult; files: string[]; ms: number }
  | { id: number; ok: true; kind: 'blocks'; actions: Action[]; ms: number }
  | { id: number; ok: false; error: string };

/** Custom requests the client and panel use. */
export const ModelGraphRequest = 'convlens/modelGraph';
export const ProfileRequest = 'convlens/profile';
export interface ModelRequestParams {
  uri: string;
  model?: string;
}
