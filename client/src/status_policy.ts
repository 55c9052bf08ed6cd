/**
 * When the status bar may change (no vscode import: unit-tested). It shows the last settled
 * value: an answer replaces it only if it is about the document version still in the editor, and
 * an answer that is no analysis at all (superseded while typing, or failed) leaves it as it is.
 */
export interface Asked {
  uri: string;
  version: number;
}

export type StatusAction = 'show' | 'keep' | 'hide';

/** `models`: how many models the answer has, or null when there was no answer. */
export function statusAction(asked: Asked, now: Asked | undefined, models: number | null): StatusAction {
  if (!now || now.uri !== asked.uri || now.version !== asked.version) return 'keep';
  if (models === null) return 'keep';
  return models === 0 ? 'hide' : 'show';
}
