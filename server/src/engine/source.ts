/**
 * Source locations. Internally the engine keeps file + offsets (cheap, exact); they become 0-based
 * line/character ranges (docs/report.md's Range) only when a report or an editor needs them.
 */
import ts from 'typescript';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Loc {
  file: string;
  start: number;
  end: number;
}

export function locOf(node: ts.Node, sf: ts.SourceFile): Loc {
  return { file: sf.fileName, start: node.getStart(sf), end: node.getEnd() };
}

export function rangeOf(loc: { start: number; end: number }, sf: ts.SourceFile): Range {
  return rangeIn(loc, sf.getLineStarts());
}

/** A loc's line/character range from the file's line starts (as ts.getLineAndCharacterOfPosition), with one line search for the usual one-line loc. */
export function rangeIn(loc: { start: number; end: number }, starts: readonly number[]): Range {
  const line = lineAt(starts, loc.start, 0);
  const next = starts[line + 1];
  const endLine = loc.end >= loc.start && (next === undefined || loc.end < next) ? line : lineAt(starts, loc.end, loc.end >= loc.start ? line : 0);
  return { start: { line, character: loc.start - starts[line]! }, end: { line: endLine, character: loc.end - starts[endLine]! } };
}

/** The last line starting at or before `pos` (as ts.getLineAndCharacterOfPosition), searching from line `lo`. */
export function lineAt(starts: readonly number[], pos: number, lo: number): number {
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

export function sameLoc(a: Loc, b: Loc): boolean {
  return a.start === b.start && a.end === b.end && a.file === b.file;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A diagnostic before it is placed in a particular file's coordinates. */
export interface EngineDiagnostic {
  loc: Loc;
  severity: Severity;
  code: string;
  message: string;
  related?: { loc: Loc; message: string }[];
  /** Call sites (innermost first) that led here: used to place the diagnostic in the analysed file. */
  chain?: Loc[];
}
