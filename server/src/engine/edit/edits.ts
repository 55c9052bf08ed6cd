/**
 * Source edits around layers: insert a layer before or after one, replace one by several, remove
 * one, set a config key — in whichever form the code uses (`model.add(...)` statements, entries of
 * `tf.sequential({layers: [...]})`, or `.apply(x)` chains in functional code).
 */
import ts from 'typescript';
import type { Loc } from '../source';
import { lineIndent } from './style';

/** An edit in offsets of the analysed file. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** The ancestors of the node spanning exactly [start, end), root first; undefined if none does. */
export function pathTo(sf: ts.SourceFile, start: number, end: number): ts.Node[] | undefined {
  const path: ts.Node[] = [];
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    const s = n.getStart(sf);
    if (s > start || n.end < end) return;
    path.push(n);
    if (s === start && n.end === end && n.kind !== ts.SyntaxKind.SourceFile) {
      // Prefer the outermost node with this exact span that is an expression we understand.
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
    if (!found) path.pop();
  };
  visit(sf);
  return found ? path : undefined;
}

export function nodeAt(sf: ts.SourceFile, loc: Loc): ts.Node | undefined {
  const p = pathTo(sf, loc.start, loc.end);
  return p?.[p.length - 1];
}

function unwrap(e: ts.Node): ts.Node {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e))
    e = e.expression;
  return e;
}

/** How a layer application is written. */
export type UseSite =
  | { kind: 'add'; statement: ts.Statement; call: ts.CallExpression; model: string; semi: string }
  | { kind: 'element'; element: ts.Expression; array: ts.ArrayLiteralExpression }
  | { kind: 'apply'; call: ts.CallExpression; arg: ts.Expression };

export function useSiteOf(sf: ts.SourceFile, applyLoc: Loc): UseSite | undefined {
  const path = pathTo(sf, applyLoc.start, applyLoc.end);
  if (!path) return undefined;
  // Without a semicolon the statement spans exactly its call: look at the call itself.
  const last = path[path.length - 1]!;
  if (ts.isExpressionStatement(last)) path.push(last.expression);
  const node = path[path.length - 1]!;
  const parent = path[path.length - 2];
  if (parent && ts.isArrayLiteralExpression(parent) && ts.isExpression(node)) return { kind: 'element', element: node, array: parent };
  const n = unwrap(node);
  if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return undefined;
  const method = n.expression.name.text;
  if (method === 'apply' && n.arguments.length === 1) return { kind: 'apply', call: n, arg: n.arguments[0]! };
  if (method === 'add' && parent && ts.isExpressionStatement(parent)) {
    const text = parent.getText(sf);
    return { kind: 'add', statement: parent, call: n, model: n.expression.expression.getText(sf), semi: text.trimEnd().endsWith(';') ? ';' : '' };
  }
  return undefined;
}

function multiline(sf: ts.SourceFile, array: ts.ArrayLiteralExpression): boolean {
  const a = sf.getLineAndCharacterOfPosition(array.getStart(sf)).line;
  const b = sf.getLineAndCharacterOfPosition(array.end).line;
  return a !== b;
}

/** Insert layers (given as construction expressions) before the application. */
export function insertBefore(sf: ts.SourceFile, site: UseSite, codes: string[]): OffsetEdit[] {
  const text = sf.text;
  switch (site.kind) {
    case 'add': {
      const start = site.statement.getStart(sf);
      const indent = lineIndent(text, start);
      return [{ start, end: start, newText: codes.map((c) => `${site.model}.add(${c})${site.semi}\n${indent}`).join('') }];
    }
    case 'element': {
      const start = site.element.getStart(sf);
      const sep = multiline(sf, site.array) ? `,\n${lineIndent(text, start)}` : ', ';
      return [{ start, end: start, newText: codes.map((c) => `${c}${sep}`).join('') }];
    }
    case 'apply': {
      const argText = site.arg.getText(sf);
      return [{ start: site.arg.getStart(sf), end: site.arg.end, newText: chain(codes, argText) }];
    }
  }
}

/** Insert layers after the application. */
export function insertAfter(sf: ts.SourceFile, site: UseSite, codes: string[]): OffsetEdit[] {
  const text = sf.text;
  switch (site.kind) {
    case 'add': {
      const end = site.statement.end;
      const indent = lineIndent(text, site.statement.getStart(sf));
      return [{ start: end, end, newText: codes.map((c) => `\n${indent}${site.model}.add(${c})${site.semi}`).join('') }];
    }
    case 'element': {
      const end = site.element.end;
      const sep = multiline(sf, site.array) ? `,\n${lineIndent(text, site.element.getStart(sf))}` : ', ';
      return [{ start: end, end, newText: codes.map((c) => `${sep}${c}`).join('') }];
    }
    case 'apply': {
      const callText = site.call.getText(sf);
      return [{ start: site.call.getStart(sf), end: site.call.end, newText: chain(codes, callText) }];
    }
  }
}

/** Replace the application by a sequence of layers (the original construction text may be among them). */
export function replaceWith(sf: ts.SourceFile, site: UseSite, codes: string[]): OffsetEdit[] {
  const text = sf.text;
  switch (site.kind) {
    case 'add': {
      const start = site.statement.getStart(sf);
      const indent = lineIndent(text, start);
      return [{ start, end: site.statement.end, newText: codes.map((c) => `${site.model}.add(${c})${site.semi}`).join(`\n${indent}`) }];
    }
    case 'element': {
      const start = site.element.getStart(sf);
      const sep = multiline(sf, site.array) ? `,\n${lineIndent(text, start)}` : ', ';
      return [{ start, end: site.element.end, newText: codes.join(sep) }];
    }
    case 'apply':
      return [{ start: site.call.getStart(sf), end: site.call.end, newText: chain(codes, site.arg.getText(sf)) }];
  }
}

/** Remove the application; in functional code its input flows straight on. */
export function removeSite(sf: ts.SourceFile, site: UseSite): OffsetEdit[] {
  const text = sf.text;
  switch (site.kind) {
    case 'add': {
      const start = site.statement.getStart(sf);
      const lineStart = text.lastIndexOf('\n', start - 1) + 1;
      let end = site.statement.end;
      if (text[end] === '\n') end++;
      else if (text.slice(end, end + 2) === '\r\n') end += 2;
      return [{ start: /^[ \t]*$/.test(text.slice(lineStart, start)) ? lineStart : start, end, newText: '' }];
    }
    case 'element': {
      const els = site.array.elements;
      const i = els.indexOf(site.element);
      const next = els[i + 1];
      if (next) return [{ start: site.element.getStart(sf), end: next.getStart(sf), newText: '' }];
      const prev = els[i - 1];
      return [{ start: prev ? prev.end : site.element.getStart(sf), end: site.element.end, newText: '' }];
    }
    case 'apply':
      return [{ start: site.call.getStart(sf), end: site.call.end, newText: site.arg.getText(sf) }];
  }
}

/** c3.apply(c2.apply(c1.apply(x))) */
function chain(codes: string[], inner: string): string {
  let s = inner;
  for (const c of codes) s = `${c}.apply(${s})`;
  return s;
}

// ------------------------------------------------------------------ layer config objects

/** The `tf.layers.x(...)` call at a layer's construction site. */
export function constructCall(sf: ts.SourceFile, loc: Loc): ts.CallExpression | undefined {
  const n = nodeAt(sf, loc);
  return n && ts.isCallExpression(n) ? n : undefined;
}

export function configObject(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const a = call.arguments[0];
  return a && ts.isObjectLiteralExpression(a) ? a : undefined;
}

/** Source text of a config key's value, when the call has an object literal with it. */
export function configValueText(sf: ts.SourceFile, call: ts.CallExpression, key: string): string | undefined {
  const obj = configObject(call);
  if (!obj) return undefined;
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propName(p.name) === key) return p.initializer.getText(sf);
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name.text;
  }
  return undefined;
}

function propName(n: ts.PropertyName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
}

/** Set (or add) `key: valueText` in the layer's config; a new object literal is spaced as the file's (`braceSpacing`). */
export function setConfig(sf: ts.SourceFile, call: ts.CallExpression, key: string, valueText: string, braceSpacing = true): OffsetEdit[] {
  const arg = call.arguments[0];
  const obj = braceSpacing ? `{ ${key}: ${valueText} }` : `{${key}: ${valueText}}`;
  if (!arg) {
    const open = call.arguments.pos;
    return [{ start: open, end: call.arguments.end, newText: obj }];
  }
  if (!ts.isObjectLiteralExpression(arg)) return [{ start: arg.getStart(sf), end: arg.end, newText: `{ ...${arg.getText(sf)}, ${key}: ${valueText} }` }];
  for (const p of arg.properties) {
    if (ts.isPropertyAssignment(p) && propName(p.name) === key) return [{ start: p.initializer.getStart(sf), end: p.initializer.end, newText: valueText }];
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return [{ start: p.getStart(sf), end: p.end, newText: `${key}: ${valueText}` }];
  }
  const props = arg.properties;
  if (!props.length) return [{ start: arg.getStart(sf), end: arg.end, newText: obj }];
  const last = props[props.length - 1]!;
  const text = sf.text;
  const ml = sf.getLineAndCharacterOfPosition(arg.getStart(sf)).line !== sf.getLineAndCharacterOfPosition(arg.end).line;
  if (ml) {
    const indent = lineIndent(text, last.getStart(sf));
    const trailing = props.hasTrailingComma;
    return [{ start: last.end + (trailing ? 1 : 0), end: last.end + (trailing ? 1 : 0), newText: `${trailing ? '' : ','}\n${indent}${key}: ${valueText}${trailing ? ',' : ''}` }];
  }
  return [{ start: last.end, end: last.end, newText: `, ${key}: ${valueText}` }];
}

/** Apply offset edits to a text (non-overlapping; any order). */
export function applyEdits(text: string, edits: OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * The input-shape keys of a Sequential model's first layer (`inputShape: [32, 32, 3]`), as source
 * entries: a layer inserted in front of it must carry them, or tfjs cannot build the model.
 */
export function inputShapeEntries(sf: ts.SourceFile, call: ts.CallExpression | undefined): [string, string][] {
  if (!call) return [];
  const out: [string, string][] = [];
  for (const key of ['inputShape', 'batchInputShape', 'batchSize', 'inputDim']) {
    const v = configValueText(sf, call, key);
    if (v !== undefined) out.push([key, `@raw:${v}`]);
  }
  return out;
}
