/** Messages between the language server's main thread and its analysis worker thread. */
import type { AnalysisResult } from '../engine';

export interface AnalyzeRequest {
  id: number;
  path: string;
  text: string;
  /** Unsaved text of other open documents, by path: imports see what the editor sees. */
  overlays: Record<string, string>;
  maxSteps: number;
  advice: boolean;
}

export type AnalyzeResponse =
  | { id: number; ok: true; result: AnalysisResult; files: string[]; ms: number }
  | { id: number; ok: false; error: string };

/** Custom requests the client and panel use. */
export const ModelGraphRequest = 'convlens/modelGraph';
export const ProfileRequest = 'convlens/profile';
export interface ModelRequestParams {
  uri: string;
  model?: string;
}
