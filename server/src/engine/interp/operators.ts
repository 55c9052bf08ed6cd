/** JavaScript's binary operators over interpreter values; Unknown operands give Unknown results. */
import ts from 'typescript';
import { Unknown, derived, isUnknown } from '../unknown';
import { resolveSoft } from './paths';
import { type ArithOp, symbolicArith } from '../symbolic/arith';
import { type Value, looseEquals, strictEquals, toNumber, toStr } from './values';
import {
  SK_AmpersandEqualsToken, SK_AmpersandToken, SK_AsteriskAsteriskEqualsToken, SK_AsteriskAsteriskToken,
  SK_AsteriskEqualsToken, SK_AsteriskToken, SK_BarEqualsToken, SK_BarToken, SK_CaretEqualsToken, SK_CaretToken,
  SK_EqualsEqualsEqualsToken, SK_EqualsEqualsToken, SK_ExclamationEqualsEqualsToken, SK_ExclamationEqualsToken,
  SK_GreaterThanEqualsToken, SK_GreaterThanGreaterThanEqualsToken, SK_GreaterThanGreaterThanGreaterThanEqualsToken,
  SK_GreaterThanGreaterThanGreaterThanToken, SK_GreaterThanGreaterThanToken, SK_GreaterThanToken,
  SK_LessThanEqualsToken, SK_LessThanLessThanEqualsToken, SK_LessThanLessThanToken, SK_LessThanToken,
  SK_MinusEqualsToken, SK_MinusToken, SK_PercentEqualsToken, SK_PercentToken, SK_PlusEqualsToken, SK_PlusToken,
  SK_SlashEqualsToken, SK_SlashToken,
} from './syntax';

/** `a op= b` → `op`. */
export const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [SK_PlusEqualsToken]: SK_PlusToken,
  [SK_MinusEqualsToken]: SK_MinusToken,
  [SK_AsteriskEqualsToken]: SK_AsteriskToken,
  [SK_SlashEqualsToken]: SK_SlashToken,
  [SK_PercentEqualsToken]: SK_PercentToken,
  [SK_AsteriskAsteriskEqualsToken]: SK_AsteriskAsteriskToken,
  [SK_LessThanLessThanEqualsToken]: SK_LessThanLessThanToken,
  [SK_GreaterThanGreaterThanEqualsToken]: SK_GreaterThanGreaterThanToken,
  [SK_GreaterThanGreaterThanGreaterThanEqualsToken]: SK_GreaterThanGreaterThanGreaterThanToken,
  [SK_AmpersandEqualsToken]: SK_AmpersandToken,
  [SK_BarEqualsToken]: SK_BarToken,
  [SK_CaretEqualsToken]: SK_CaretToken,
};

const ARITH = new Map<ts.SyntaxKind, ArithOp>([[SK_PlusToken, '+'], [SK_MinusToken, '-'], [SK_AsteriskToken, '*'], [SK_SlashToken, '/']]);

export function binaryOp(op: ts.SyntaxKind, l: Value, r: Value): Value {
  switch (op) {
    case SK_EqualsEqualsEqualsToken:
      return strictEquals(l, r);
    case SK_ExclamationEqualsEqualsToken: {
      const x = strictEquals(l, r);
      return isUnknown(x) ? x : !x;
    }
    case SK_EqualsEqualsToken:
      return looseEquals(l, r);
    case SK_ExclamationEqualsToken: {
      const x = looseEquals(l, r);
      return isUnknown(x) ? x : !x;
    }
  }
  // Arithmetic and comparisons use a soft unknown as its default; what stays unknown gives a new unknown.
  if (isUnknown(l)) l = resolveSoft(l);
  if (isUnknown(r)) r = resolveSoft(r);
  // Sizes computed from named unknowns keep their expression (symbolic/arith.ts).
  if (isUnknown(l) || isUnknown(r)) {
    const a = ARITH.get(op);
    const s = a ? symbolicArith(a, l, r) : undefined;
    if (s) return s;
  }
  if (isUnknown(l)) return derived(l);
  if (isUnknown(r)) return derived(r);
  if (op === SK_PlusToken) {
    if (typeof l === 'string' || typeof r === 'string' || Array.isArray(l) || Array.isArray(r)) return toStr(l) + toStr(r);
    const a = toNumber(l);
    const b = toNumber(r);
    return isUnknown(a) ? derived(a) : isUnknown(b) ? derived(b) : a + b;
  }
  if (op === SK_LessThanToken || op === SK_GreaterThanToken || op === SK_LessThanEqualsToken || op === SK_GreaterThanEqualsToken) {
    if (typeof l === 'string' && typeof r === 'string') {
      return op === SK_LessThanToken ? l < r : op === SK_GreaterThanToken ? l > r : op === SK_LessThanEqualsToken ? l <= r : l >= r;
    }
  }
  const a = toNumber(l);
  const b = toNumber(r);
  if (isUnknown(a)) return derived(a);
  if (isUnknown(b)) return derived(b);
  switch (op) {
    case SK_MinusToken:
      return a - b;
    case SK_AsteriskToken:
      return a * b;
    case SK_SlashToken:
      return a / b;
    case SK_PercentToken:
      return a % b;
    case SK_AsteriskAsteriskToken:
      return a ** b;
    case SK_LessThanToken:
      return a < b;
    case SK_GreaterThanToken:
      return a > b;
    case SK_LessThanEqualsToken:
      return a <= b;
    case SK_GreaterThanEqualsToken:
      return a >= b;
    case SK_LessThanLessThanToken:
      return a << b;
    case SK_GreaterThanGreaterThanToken:
      return a >> b;
    case SK_GreaterThanGreaterThanGreaterThanToken:
      return a >>> b;
    case SK_AmpersandToken:
      return a & b;
    case SK_BarToken:
      return a | b;
    case SK_CaretToken:
      return a ^ b;
  }
  return new Unknown(`operator ${ts.tokenToString(op) ?? op} is not analysed`);
}
