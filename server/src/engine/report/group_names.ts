/**
 * Names for the graph's groups (one per helper call) that tell the calls apart: the helper's name,
 * a callback named by what calls it (`BLOCKS.forEach`, not "anonymous function"), and as detail
 * the arguments that differ between the calls of the same function — the name passed in
 * (`inception_3a`), else the loop's position (`stage 2, block b`).
 */
import ts from 'typescript';
import type { Frame } from '../interp/interpreter';

const ANONYMOUS = 'anonymous function';
/** Parameters whose string value reads as a name on its own ('inception_3a', not 'name inception_3a'). */
const NAME_PARAM = /^(name|prefix|id|label|scope|blockName|tag)$/i;
const MAX_DETAIL_PARTS = 3;
const MAX_VALUE_CHARS = 24;

/** The label of a frame's group: its function's name, or for an anonymous callback the call it is passed to. */
export function groupLabel(f: Frame): string {
  if (f.name !== ANONYMOUS || !f.closure) return f.name;
  // The engine parses without parent pointers: the frame's call is the one a callback was passed to.
  const call = f.callNode;
  const sf = f.callerModule?.sourceFile;
  if (call && sf && ts.isCallExpression(call)) {
    if (call.arguments.some((a) => a === f.closure!.node)) return `${calleeLabel(call.expression, sf)} callback`;
    // Called through what holds it (`makeHead(...)`, `conv3(16)(opts)`, `FACTORIES[type](...)`), not in place (an IIFE).
    if (skipParens(call.expression) !== f.closure.node) return calleeLabel(call.expression, sf);
  }
  return f.name;
}

/** A callee as the label reads it; a curried call names the call it came from: `conv3(16)(opts)` reads `conv3(…)`. */
function calleeLabel(e: ts.Expression, sf: ts.SourceFile): string {
  e = skipParens(e);
  if (ts.isCallExpression(e)) return `${calleeLabel(e.expression, sf)}(…)`;
  const text = e.getText(sf).replace(/\s+/g, '');
  return text.length <= 40 ? text : text.slice(text.lastIndexOf('.') + 1);
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/**
 * Detail for each frame: the primitive arguments (numbers, strings, booleans) whose value differs
 * between the calls of the same function in this model, in parameter order. Frames of a function
 * called once, or with only tensors and constants, get none.
 */
export function groupDetails(frames: Frame[]): Map<Frame, string> {
  const byFunction = new Map<ts.Node, Frame[]>();
  for (const f of frames) {
    if (!f.closure) continue;
    const list = byFunction.get(f.closure.node) ?? [];
    list.push(f);
    byFunction.set(f.closure.node, list);
  }
  const out = new Map<Frame, string>();
  for (const [fn, calls] of byFunction) {
    if (calls.length < 2) continue;
    const params = (fn as ts.FunctionLikeDeclaration).parameters;
    const varying: number[] = [];
    params.forEach((p, i) => {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken) return;
      const values = calls.map((c) => c.args[i]);
      if (!values.every(isPrimitive)) return;
      if (new Set(values).size > 1) varying.push(i);
    });
    if (!varying.length) continue;
    // A name passed in says it best ('inception_3a'); else the differing values ('stage 2, block b').
    const named = varying.find((i) => NAME_PARAM.test((params[i]!.name as ts.Identifier).text) && calls.every((c) => typeof c.args[i] === 'string'));
    for (const c of calls) {
      const parts = (named !== undefined ? [named] : varying.slice(0, MAX_DETAIL_PARTS)).map((i) => {
        const name = (params[i]!.name as ts.Identifier).text;
        const v = String(c.args[i]);
        const value = v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS - 1)}…` : v;
        return typeof c.args[i] === 'string' && NAME_PARAM.test(name) ? value : `${name} ${value}`;
      });
      out.set(c, parts.join(', '));
    }
  }
  return out;
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';
}
