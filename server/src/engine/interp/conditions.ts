/**
 * Conditions the analysis cannot decide (`if`, `?:`, `switch` on an unknown value): the run takes
 * the option its path plan says, and learns what that option means for the values the condition
 * names. Labels say each option in words for the variants it leads to.
 */
import ts from 'typescript';
import { Unknown, isUnknown } from '../unknown';
import type { Scope } from './scope';
import type { ModuleRecord } from './modules';
import { type Value, toStr, truthy } from './values';
import type { Interpreter } from './interpreter';
import type { Predicate } from './paths';
import { evalExpr } from './expressions';
import { skipOuterExpressions } from './syntax';

/** Decide an unknown condition on this path: true takes the `then` side. */
export function decideCondition(ip: Interpreter, cond: ts.Expression, value: Unknown, scope: Scope, rec: ModuleRecord, kind: 'if' | 'ternary' | 'test'): boolean {
  const path = ip.path();
  const preds = predicatesOf(ip, cond, scope, rec);
  const known = preds.length ? path.evaluate(preds) : undefined;
  if (known !== undefined) return known;
  const d = value.dflt ? truthy(value.dflt.value as Value) : undefined;
  const defaultOption = typeof d === 'boolean' ? (d ? 0 : 1) : undefined;
  const text = conditionText(cond, rec);
  let options = [text, negate(cond, text, rec)];
  let subject: string | undefined;
  let positive: boolean[] | undefined;
  const p = preds.length === 1 ? preds[0]! : undefined;
  if (p) {
    subject = source(subjectNode(cond)!, rec.sourceFile);
    // A flag reads `useBn = true` / `useBn = false`; an equality says which side names the value.
    if (p.test === 'truthy') options = p.negated ? [`${subject} = false`, `${subject} = true`] : [`${subject} = true`, `${subject} = false`];
    positive = p.test === 'truthy' ? [true, true] : p.negated ? [false, true] : [true, false];
  }
  const chosen = path.decide({ kind, node: cond, module: rec, options, defaultOption, subject, positive });
  const outcome = chosen === 0;
  path.learn(preds, outcome);
  return outcome;
}

/** A test used as a value (`useBias: !useBn`): a decision when it is about one value read from a variable or field. */
export function decideTest(ip: Interpreter, e: ts.Expression, value: Unknown, scope: Scope, rec: ModuleRecord): Value {
  if (predicatesOf(ip, e, scope, rec).length !== 1) return value;
  return decideCondition(ip, e, value, scope, rec, 'test');
}

/** `switch (v)` on an unknown `v`: the index of the clause to start at, or -1 for none. */
export function decideSwitch(ip: Interpreter, s: ts.SwitchStatement, value: Unknown, caseValues: (Value | typeof DEFAULT)[], rec: ModuleRecord, scope: Scope): number {
  const path = ip.path();
  const subject = subjectOf(ip, s.expression, scope, rec);
  const text = conditionText(s.expression, rec);
  // Options: each case whose value the path has not ruled out, then "none of them".
  const options: { clause: number; label: string; value?: Value }[] = [];
  const tested: Value[] = [];
  caseValues.forEach((cv, i) => {
    if (cv === DEFAULT || isUnknown(cv)) return;
    tested.push(cv);
    if (subject && path.evaluate([{ subject, test: 'eq', value: cv, negated: false }]) === false) return;
    options.push({ clause: i, label: `${text} = ${literalText(s.caseBlock.clauses[i] as ts.CaseClause, rec)}`, value: cv });
  });
  const defaultClause = caseValues.indexOf(DEFAULT);
  options.push({ clause: defaultClause, label: tested.length ? `${text} is none of ${tested.map(show).join(', ')}` : `${text}` });
  const dv = value.dflt?.value as Value | undefined;
  const dIndex = value.dflt ? options.findIndex((o) => o.value === undefined || o.value === dv) : -1;
  const chosen = options.length === 1 ? 0 : path.decide({
    kind: 'switch', node: s.expression, module: rec, options: options.map((o) => o.label), defaultOption: dIndex >= 0 ? dIndex : undefined,
    subject: text, positive: options.map((o) => o.value !== undefined),
  });
  const o = options[chosen]!;
  if (subject) {
    if (o.value !== undefined) path.learn([{ subject, test: 'eq', value: o.value, negated: false }], true);
    else for (const v of tested) path.learn([{ subject, test: 'eq', value: v, negated: false }], false);
  }
  return o.clause;
}

export const DEFAULT = Symbol('default clause');

/**
 * The predicates a condition states on quantities read directly from variables or fields:
 * `kind === 'cnn'`, `useBn`, `!useBn`, and the parts of `a && b`.
 */
function predicatesOf(ip: Interpreter, cond: ts.Expression, scope: Scope, rec: ModuleRecord): Predicate[] {
  const e = skipOuterExpressions(cond);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = predicatesOf(ip, e.operand, scope, rec);
    return inner.length === 1 ? [{ ...inner[0]!, negated: !inner[0]!.negated }] : [];
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
      const l = predicatesOf(ip, e.left, scope, rec);
      const r = predicatesOf(ip, e.right, scope, rec);
      return l.length && r.length ? [...l, ...r] : [];
    }
    const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (!eq && !ne) return [];
    for (const [a, b] of [[e.left, e.right], [e.right, e.left]] as const) {
      const subject = subjectOf(ip, a, scope, rec);
      if (!subject) continue;
      const v = constantOf(ip, b, scope, rec);
      if (v === NOT_CONSTANT) continue;
      return [{ subject, test: 'eq', value: v, negated: ne }];
    }
    return [];
  }
  const subject = subjectOf(ip, e, scope, rec);
  return subject ? [{ subject, test: 'truthy', negated: false }] : [];
}

/** The read a single-predicate condition tests: `x` in `x`, `!x`, `x === 'a'`, `'a' !== x`. */
function subjectNode(cond: ts.Expression): ts.Expression | undefined {
  const e = skipOuterExpressions(cond);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return subjectNode(e.operand);
  if (ts.isBinaryExpression(e)) return isPlainRead(skipOuterExpressions(e.left)) ? skipOuterExpressions(e.left) : skipOuterExpressions(e.right);
  return e;
}

/** The unknown a plain read (`x`, `this.kind`, `opts.model.type`) yields, if it is a keyed one. */
function subjectOf(ip: Interpreter, e: ts.Expression, scope: Scope, rec: ModuleRecord): Unknown | undefined {
  e = skipOuterExpressions(e);
  if (!isPlainRead(e)) return undefined;
  const v = evalExpr(ip, e, scope, rec);
  return isUnknown(v) && v.key !== undefined ? v : undefined;
}

function isPlainRead(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(e)) return isPlainRead(e.expression);
  return false;
}

const NOT_CONSTANT = Symbol('not constant');

/** A literal, or a read that evaluates to a concrete primitive (an enum member, a module constant). */
function constantOf(ip: Interpreter, e: ts.Expression, scope: Scope, rec: ModuleRecord): Value | typeof NOT_CONSTANT {
  e = skipOuterExpressions(e);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(e) && e.text === 'undefined') return undefined;
  if (!isPlainRead(e)) return NOT_CONSTANT;
  const v = evalExpr(ip, e, scope, rec);
  return v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v) ? v : NOT_CONSTANT;
}

const MAX_LABEL = 60;

/** The condition as the source writes it, on one line: `modelType === 'cnn'` reads `modelType = 'cnn'`. */
export function conditionText(e: ts.Node, rec: ModuleRecord): string {
  const sf = rec.sourceFile;
  const n = skipOuterExpressions(e as ts.Expression);
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    const sym = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken ? '=' : op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken ? '≠' : undefined;
    if (sym) return clip(`${source(n.left, sf)} ${sym} ${source(n.right, sf)}`);
  }
  return clip(source(n, sf));
}

function negate(cond: ts.Expression, text: string, rec: ModuleRecord): string {
  const n = skipOuterExpressions(cond);
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    const flip: Partial<Record<ts.SyntaxKind, string>> = {
      [ts.SyntaxKind.EqualsEqualsEqualsToken]: '≠', [ts.SyntaxKind.EqualsEqualsToken]: '≠',
      [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '=', [ts.SyntaxKind.ExclamationEqualsToken]: '=',
      [ts.SyntaxKind.LessThanToken]: '≥', [ts.SyntaxKind.LessThanEqualsToken]: '>',
      [ts.SyntaxKind.GreaterThanToken]: '≤', [ts.SyntaxKind.GreaterThanEqualsToken]: '<',
    };
    const sym = flip[op];
    if (sym) return clip(`${source(n.left, rec.sourceFile)} ${sym} ${source(n.right, rec.sourceFile)}`);
  }
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) return clip(source(n.operand, rec.sourceFile));
  return clip(`not ${/^[\w$.]+$/.test(text) ? text : `(${text})`}`);
}

function source(n: ts.Node, sf: ts.SourceFile): string {
  return n.pos < 0 ? '?' : sf.text.slice(n.getStart(sf), n.end).replace(/\s+/g, ' ');
}

function literalText(c: ts.CaseClause, rec: ModuleRecord): string {
  return source(c.expression, rec.sourceFile);
}

function clip(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

function show(v: Value): string {
  return typeof v === 'string' ? `'${v}'` : toStr(v);
}
