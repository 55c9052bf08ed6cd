/**
 * When the status bar may change (no vscode import: unit-tested). It shows the last settled
 * value: an answer replaces it only if it is about the document version still in the editor, and
 * an answer that is no analysis at all (superseded while typing, or failed) leaves it as it is.
 * No answer for the version still shown (the server was starting, its worker restarted) is asked
 * again later: otherwise the status bar would stay empty until the user moved the cursor.
 */
export interface Asked {
  uri: string;
  version: number;
}

export type StatusAction = 'show' | 'keep' | 'hide' | 'retry';

/** `models`: how many models the answer has, or null when there was no answer. */
export function statusAction(asked: Asked, now: Asked | undefined, models: number | null): StatusAction {
  if (!now || now.uri !== asked.uri || now.version !== asked.version) return 'keep';
  if (models === null) return 'retry';
  return models === 0 ? 'hide' : 'show';
}

/** How long to wait before asking again after the nth unanswered request (0-based): 0.5 s doubling to 8 s. */
export function retryDelay(attempt: number): number {
  return Math.min(8000, 500 * 2 ** Math.max(0, attempt));
}
