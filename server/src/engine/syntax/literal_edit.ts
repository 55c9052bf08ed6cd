/**
 * The edit a user makes most while shaping a network: a number or a string option changed in place
 * (`filters: 32` → `64`, `kernelSize: 3` → `5`, `'relu'` → `'tanh'`). ts.updateSourceFile walks
 * every node of the file for any edit (14-20 ms of a 5,000-layer file's round trip); an edit that
 * stays inside one numeric or string literal token and keeps its length changes nothing but that
 * token's value, so the literal's text is set in place. An edit that changes the length is left to
 * typescript: every later position moves, and a walk that moves them (tried) cost as much as
 * typescript's whole update (26 ms each at 5,000 layers), the walk being what its update costs.
 * Anything else (a line break, a token that would scan differently, a JSX attribute) returns
 * undefined and the caller re-parses with typescript.
 */
import ts from 'typescript';

/** typescript's own fields, outside its public typings: the shift must move them too. */
interface Internal {
  text: string;
}

type Literal = ts.NumericLiteral | ts.StringLiteral;

/**
 * `sf` (a clean parse of its text) updated in place to `text`, when the two are as long and differ
 * only inside one numeric or string literal; `start` / `oldEnd` / `newEnd`: the changed span in the
 * old and the new text.
 */
export function patchLiteralEdit(sf: ts.SourceFile, text: string, start: number, oldEnd: number, newEnd: number): ts.SourceFile | undefined {
  const old = sf.text;
  if (old.length !== text.length || hasLineBreak(old, start, oldEnd) || hasLineBreak(text, start, newEnd)) return undefined;
  const lit = literalAround(sf, sf, start, oldEnd);
  if (!lit) return undefined;
  const tokStart = lit.getStart(sf);
  const before = scanToken(old, tokStart, sf.languageVariant);
  const after = scanToken(text, tokStart, sf.languageVariant);
  // The new token must be the same kind of token, alone, and plain (a hex, octal, separated or
  // exponent number, an extended escape, an unterminated string: each sets flags the parser keeps).
  if (!before || !after || !before.plain || !after.plain || after.kind !== lit.kind || before.kind !== lit.kind) return undefined;
  if (before.end !== lit.end || after.end !== lit.end) return undefined;
  // The token's first character stays (a digit, the same quote): the token before it scans the same.
  if (old.charCodeAt(tokStart) !== text.charCodeAt(tokStart) && !(isDigit(old.charCodeAt(tokStart)) && isDigit(text.charCodeAt(tokStart)))) return undefined;
  // Positions, line starts and every other node stay as they were: only the token's value changed.
  (lit as { text: string }).text = after.value;
  (sf as unknown as Internal).text = text;
  return sf;
}

function hasLineBreak(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The literal whose token holds the whole changed span [start, end) (an insertion at its end included). */
function literalAround(node: ts.Node, sf: ts.SourceFile, start: number, end: number): Literal | undefined {
  let found: Literal | undefined;
  ts.forEachChild(node, (child) => {
    if (child.pos > start || child.end < end) return undefined;
    if (ts.isNumericLiteral(child) || ts.isStringLiteral(child)) {
      // A JSX attribute's string scans without escapes: left to typescript.
      if (ts.isStringLiteral(child) && ts.isJsxAttribute(node)) return undefined;
      if (child.getStart(sf) <= start) found = child;
      return found;
    }
    found = literalAround(child, sf, start, end);
    return found;
  });
  return found;
}

const scanner = ts.createScanner(ts.ScriptTarget.Latest, /*skipTrivia*/ true);

/** A decimal number without exponent, separator or leading zero (no flags on the parser's node). */
const PLAIN_NUMBER = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/**
 * The token that starts at `pos`, scanned as the parser scans it; undefined when the scanner
 * reports an error. `plain`: a token whose node carries no flags besides its text.
 */
function scanToken(text: string, pos: number, variant: ts.LanguageVariant): { kind: ts.SyntaxKind; end: number; plain: boolean; value: string } | undefined {
  let failed = false;
  scanner.setLanguageVariant(variant);
  scanner.setOnError(() => (failed = true));
  scanner.setText(text, pos);
  try {
    const kind = scanner.scan();
    if (failed || scanner.getTokenStart() !== pos) return undefined;
    const end = scanner.getTokenEnd();
    const plain =
      kind === ts.SyntaxKind.NumericLiteral
        ? PLAIN_NUMBER.test(text.slice(pos, end))
        : kind === ts.SyntaxKind.StringLiteral && !scanner.isUnterminated() && !scanner.hasExtendedUnicodeEscape();
    return { kind, end, plain, value: scanner.getTokenValue() };
  } finally {
    scanner.setOnError(undefined);
    scanner.setText('');
  }
}
