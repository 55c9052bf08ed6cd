/**
 * Arithmetic on named sizes in the code itself: `numFeatures * 2`, `Math.floor(lookBack / STEP)`
 * on an unknown parameter give an unknown that carries the expression (Unknown.expr), so a layer
 * sized by it still gets a symbolic size. Sound without knowing that a symbol is an integer: only
 * +, −, × and division by a constant are followed, and Math.floor / Math.ceil keep their bracket
 * (⌊lookBack/6⌋), never taking parts out of it.
 */
import { Unknown } from '../unknown';
import { ExprTooBig, type Poly, add, constant, divideAtom, mul, num, scale, sub, sym, text } from './expr';

const SYMBOL_KEY = /^[A-Za-z_$][\w$]*(?:\.(?:[A-Za-z_$][\w$]*|\d+))*$/;

/** The symbol a named unknown stands for: `inputShape.0` reads `inputShape[0]`. */
export function symbolName(key: string): string | undefined {
  return SYMBOL_KEY.test(key) ? key.replace(/\.(\d+)/g, '[$1]') : undefined;
}

/** The expression of a value: a finite number, a named unknown (a symbol), or an unknown computed from them. */
export function exprOf(v: unknown): Poly | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? num(v) : undefined;
  // A soft unknown is its default where it is used; one made from tensors is not a size.
  if (!(v instanceof Unknown) || v.dflt || v.tensors) return undefined;
  if (v.expr) return v.expr as Poly;
  const name = v.key !== undefined ? symbolName(v.key) : undefined;
  return name ? sym(name) : undefined;
}

function carrying(p: Poly, what: string): Unknown {
  const u = new Unknown(`${text(p)} (${what})`);
  u.expr = p;
  return u;
}

export type ArithOp = '+' | '-' | '*' | '/';

/** `l op r` where one side is unknown; undefined when it is not a size expression. */
export function symbolicArith(op: ArithOp, l: unknown, r: unknown): Unknown | undefined {
  const a = exprOf(l);
  const b = exprOf(r);
  if (!a || !b) return undefined;
  try {
    let p: Poly;
    if (op === '+') p = add(a, b);
    else if (op === '-') p = sub(a, b);
    else if (op === '*') p = mul(a, b);
    else {
      const k = constant(b);
      if (k === undefined || k === 0) return undefined;
      p = scale(a, 1 / k);
    }
    return carrying(p, 'computed from sizes the file leaves open');
  } catch (e) {
    if (e instanceof ExprTooBig) return undefined;
    throw e;
  }
}

/** Math.floor / Math.ceil of an unknown that carries an expression: the bracket stays. */
export function symbolicRound(kind: 'floor' | 'ceil', v: unknown): Unknown | undefined {
  const a = v instanceof Unknown && v.expr ? (v.expr as Poly) : undefined;
  if (!a) return undefined;
  const p = divideAtom(a, kind);
  return p ? carrying(p, `Math.${kind} of a size the file leaves open`) : undefined;
}
