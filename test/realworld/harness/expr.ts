/**
 * Evaluates the engine's symbolic sizes (issue 11: `totalParamsExpr`, `outputShapesExpr`, ...) for
 * concrete symbol values. The engine's format is not settled, so this reads what the issue shows:
 * a readable string (`64·numFeatures + 64`, `⌊(h−3)/2⌋+1`), or an object carrying one under `text`,
 * `readable` or `expr`, or a plain number. Operators: + - − * · × / ^, ⌊⌋ ⌈⌉, floor/ceil/min/max,
 * parentheses; identifiers may be dotted or indexed (`cfg.filters`, `inputShape[0]`).
 */

export class ExprError extends Error {}

/** The readable form of an Expr field, or undefined when the field is absent. */
export function exprText(v: unknown): string | number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['text', 'readable', 'expr']) if (typeof o[k] === 'string' || typeof o[k] === 'number') return o[k] as string | number;
  }
  throw new ExprError(`cannot read an expression from ${JSON.stringify(v)}`);
}

type Tok = { k: 'num'; v: number } | { k: 'id'; v: string } | { k: 'op'; v: string };

function tokens(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*)|([-+*/^(),·×−⌊⌋⌈⌉]))/y;
  let i = 0;
  while (i < s.length) {
    if (/^\s*$/.test(s.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new ExprError(`unexpected '${s.slice(i, i + 8)}' in ${JSON.stringify(s)}`);
    if (m[1]) out.push({ k: 'num', v: Number(m[1]) });
    else if (m[2]) out.push({ k: 'id', v: m[2] });
    else out.push({ k: 'op', v: m[3] === '·' || m[3] === '×' ? '*' : m[3] === '−' ? '-' : m[3]! });
    i = re.lastIndex;
  }
  return out;
}

/** Evaluates `text` with `lookup` giving each identifier's value (throws ExprError for an unknown one). */
export function evaluate(text: string | number, lookup: (name: string) => number | undefined): number {
  if (typeof text === 'number') return text;
  const ts = tokens(text);
  let p = 0;
  const peek = () => ts[p];
  const take = (v?: string): Tok => {
    const t = ts[p++];
    if (!t || (v !== undefined && !(t.k === 'op' && t.v === v))) throw new ExprError(`expected ${v ?? 'a term'} in ${JSON.stringify(text)}`);
    return t;
  };
  const isOp = (v: string) => peek()?.k === 'op' && peek()!.v === v;
  const sum = (): number => {
    let x = product();
    while (isOp('+') || isOp('-')) x = take().v === '+' ? x + product() : x - product();
    return x;
  };
  const product = (): number => {
    let x = power();
    for (;;) {
      if (isOp('*')) (take(), (x *= power()));
      else if (isOp('/')) (take(), (x /= power()));
      // Juxtaposition: `2h`, `64 numFeatures`, `2(h+1)`.
      else if (peek() && (peek()!.k !== 'op' || ['(', '⌊', '⌈'].includes(peek()!.v as string))) x *= power();
      else return x;
    }
  };
  const power = (): number => {
    const b = unary();
    return isOp('^') ? (take(), b ** power()) : b;
  };
  const unary = (): number => (isOp('-') ? (take(), -unary()) : isOp('+') ? (take(), unary()) : atom());
  const atom = (): number => {
    const t = take();
    if (t.k === 'num') return t.v;
    if (t.k === 'op' && t.v === '(') {
      const x = sum();
      take(')');
      return x;
    }
    if (t.k === 'op' && (t.v === '⌊' || t.v === '⌈')) {
      const x = sum();
      take(t.v === '⌊' ? '⌋' : '⌉');
      return t.v === '⌊' ? Math.floor(x) : Math.ceil(x);
    }
    if (t.k === 'id') {
      const fn = { floor: Math.floor, ceil: Math.ceil, min: Math.min, max: Math.max } as Record<string, (...a: number[]) => number>;
      if (fn[t.v] && isOp('(')) {
        take('(');
        const args = [sum()];
        while (isOp(',')) (take(), args.push(sum()));
        take(')');
        return fn[t.v]!(...args);
      }
      const v = lookup(t.v);
      if (v === undefined) throw new ExprError(`unknown symbol '${t.v}' in ${JSON.stringify(text)}`);
      return v;
    }
    throw new ExprError(`unexpected '${t.v}' in ${JSON.stringify(text)}`);
  };
  const x = sum();
  if (p !== ts.length) throw new ExprError(`trailing input in ${JSON.stringify(text)}`);
  return x;
}
