/**
 * Half-typed code. typescript's parser never throws, but an unclosed call (`dense({ units: `) can
 * swallow everything after it into one broken expression, so every later function disappears.
 * Here the first syntax error is kept for a diagnostic, and the line that broke the parse is blanked
 * (replaced by spaces, so every offset stays where it was) while that makes the rest parse better.
 */
import ts from 'typescript';
import { parseSource } from './parse';
import { patchLiteralEdit } from './literal_edit';

export interface SyntaxProblem {
  /** Where to show it: the end of the line the user is typing on. */
  start: number;
  end: number;
  message: string;
}

export interface Recovered {
  /** The text to analyse: the original, or with the broken lines blanked. */
  text: string;
  sourceFile: ts.SourceFile;
  problem?: SyntaxProblem;
}

/** typescript keeps parse errors on the source file, outside its public typings. */
function parseErrors(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

const MAX_ROUNDS = 3;

/**
 * `previous`: this file's last clean parse, to update incrementally (ts.updateSourceFile reuses the
 * subtrees an edit did not touch, and shifts them in place: `previous` must not be used afterwards).
 */
export function parseRecovering(text: string, fileName: string, previous?: ts.SourceFile): Recovered {
  const sf = previous ? reparse(previous, text) : parseSource(text, fileName);
  const errors = parseErrors(sf);
  if (!errors.length) return { text, sourceFile: sf };
  const first = errors[0]!;
  const problem = place(text, first.start, ts.flattenDiagnosticMessageText(first.messageText, ' '));
  let best = { text, sourceFile: sf, errors };
  for (let round = 0; round < MAX_ROUNDS && best.errors.length; round++) {
    const line = lineOf(best.text, best.errors[0]!.start);
    let improved = false;
    for (const lines of [[line - 1], [line], [line - 1, line]]) {
      const candidate = blank(best.text, lines.filter((l) => l >= 0));
      if (candidate === best.text) continue;
      const csf = parseSource(candidate, fileName);
      const cerr = parseErrors(csf);
      if (better(cerr, best.errors)) {
        best = { text: candidate, sourceFile: csf, errors: cerr };
        improved = true;
      }
    }
    if (!improved) break;
  }
  return { text: best.text, sourceFile: best.sourceFile, problem };
}

/** `previous` updated to `text`: the changed span is what lies between their common prefix and suffix. */
export function reparse(previous: ts.SourceFile, text: string): ts.SourceFile {
  const old = previous.text;
  if (old === text) return previous;
  const max = Math.min(old.length, text.length);
  let start = 0;
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && old.charCodeAt(old.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  // A number or string changed in place: the tree patched, not walked (literal_edit.ts).
  return (
    patchLiteralEdit(previous, text, start, old.length - tail, text.length - tail) ??
    ts.updateSourceFile(previous, text, { span: { start, length: old.length - start - tail }, newLength: text.length - start - tail })
  );
}

/** Fewer errors, or as many starting later in the file. */
function better(a: readonly ts.DiagnosticWithLocation[], b: readonly ts.DiagnosticWithLocation[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  return a.length > 0 && a[0]!.start > b[0]!.start;
}

function lineOf(text: string, pos: number): number {
  let n = 0;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The text with the given lines replaced by spaces (newlines kept, so offsets do not move). */
function blank(text: string, lines: number[]): string {
  const parts = text.split('\n');
  for (const l of lines) if (l < parts.length) parts[l] = parts[l]!.replace(/[^\r]/g, ' ');
  return parts.join('\n');
}

/**
 * An error at the start of a line (the token after a half-typed line) is shown at the end of the
 * last line with code on it, where the user stopped typing.
 */
function place(text: string, pos: number, message: string): SyntaxProblem {
  let lineStart = pos;
  while (lineStart > 0 && text[lineStart - 1] !== '\n') lineStart--;
  if (/^\s*$/.test(text.slice(lineStart, pos))) {
    let end = lineStart - 1;
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    if (end > 0) {
      let start = end;
      while (start > 0 && text[start - 1] !== '\n') start--;
      while (start < end && /\s/.test(text[start]!)) start++;
      return { start, end, message };
    }
  }
  return { start: pos, end: Math.min(text.length, pos + 1), message };
}
