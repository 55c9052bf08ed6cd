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
  return { start: sf.getLineAndCharacterOfPosition(loc.start), end: sf.getLineAndCharacterOfPosition(loc.end) };
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
