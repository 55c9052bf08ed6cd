/**
 * Integer expressions in named sizes (issue 11's symbolic dimensions): polynomials whose atoms are
 * symbols (`numFeatures`) and floor/ceil divisions by a constant (`⌊(height − 3)/2⌋`), kept in a
 * canonical form so like terms combine and constants fold. Symbols stand for integers (sizes), which
 * is what lets integer parts leave a floor: ⌊(2h + 3)/2⌋ = h + ⌊3/2⌋ = h + 1.
 */

type Atom = { kind: 'sym'; name: string } | { kind: 'floor' | 'ceil'; num: Poly; den: number };

interface Term {
  coef: number;
  /** Sorted by key; repeated for powers. */
  atoms: Atom[];
}

/** A polynomial: monomial key → term. The constant's key is ''. */
export type Poly = ReadonlyMap<string, Term>;

/**
 * A size in named symbols as the JSON report carries it (docs/report.md): the readable text
 * (`64·numFeatures + 64`, `⌊height/2⌋ − 1`) and the same as a tree: a number, `{sym}`, `{op: '+' |
 * '*', args}`, or `{op: 'floorDiv' | 'ceilDiv', args: [tree, divisor]}` for ⌊tree/divisor⌋ and ⌈tree/divisor⌉.
 */
export interface SymExpr {
  text: string;
  tree: ExprTree;
}
export type ExprTree = number | { sym: string } | { op: '+' | '*'; args: ExprTree[] } | { op: 'floorDiv' | 'ceilDiv'; args: [ExprTree, number] };

const MAX_TERMS = 64;

export class ExprTooBig extends Error {}

export function num(n: number): Poly {
  return n === 0 ? new Map() : new Map([['', { coef: n, atoms: [] }]]);
}

export function sym(name: string): Poly {
  return new Map([[name, { coef: 1, atoms: [{ kind: 'sym', name }] }]]);
}

function atomKey(a: Atom): string {
  return a.kind === 'sym' ? a.name : `${a.kind === 'floor' ? '⌊' : '⌈'}${text(a.num)}/${a.den}${a.kind === 'floor' ? '⌋' : '⌉'}`;
}

function monoKey(atoms: Atom[]): string {
  return atoms.map(atomKey).join('*');
}

function put(out: Map<string, Term>, atoms: Atom[], coef: number): void {
  if (coef === 0) return;
  const k = monoKey(atoms);
  const t = out.get(k);
  const c = (t?.coef ?? 0) + coef;
  if (c === 0) out.delete(k);
  else out.set(k, { coef: c, atoms });
  if (out.size > MAX_TERMS) throw new ExprTooBig();
}

export function add(a: Poly, b: Poly): Poly {
  const out = new Map(a);
  for (const t of b.values()) put(out, t.atoms, t.coef);
  return out;
}

export function scale(a: Poly, k: number): Poly {
  const out = new Map<string, Term>();
  for (const t of a.values()) put(out, t.atoms, t.coef * k);
  return out;
}

export function sub(a: Poly, b: Poly): Poly {
  return add(a, scale(b, -1));
}

export function mul(a: Poly, b: Poly): Poly {
  const out = new Map<string, Term>();
  for (const x of a.values())
    for (const y of b.values()) {
      const atoms = [...x.atoms, ...y.atoms].sort((p, q) => (atomKey(p) < atomKey(q) ? -1 : atomKey(p) > atomKey(q) ? 1 : 0));
      put(out, atoms, x.coef * y.coef);
    }
  return out;
}

/** The value, when the expression is a constant. */
export function constant(a: Poly): number | undefined {
  if (a.size === 0) return 0;
  if (a.size === 1 && a.has('')) return a.get('')!.coef;
  return undefined;
}

/** Whether every coefficient is an integer (a size: what a dim or a count must be). */
export function integral(a: Poly): boolean {
  for (const t of a.values()) if (!Number.isInteger(t.coef)) return false;
  return true;
}

function atomOf(round: 'floor' | 'ceil', n: Poly, d: number): Poly {
  const atom: Atom = { kind: round, num: n, den: d };
  return new Map([[atomKey(atom), { coef: 1, atoms: [atom] }]]);
}

/**
 * ⌊a/d⌋ (or ⌈a/d⌉) for a positive integer d: integer parts of the coefficients leave the bracket,
 * which is right only when every symbol standing alone in a term is an integer: `isInt` says which
 * are (sizes used as dims are); otherwise the bracket keeps the whole expression.
 */
export function divide(a: Poly, d: number, round: 'floor' | 'ceil', isInt: (symbol: string) => boolean = () => true): Poly {
  if (!(Number.isInteger(d) && d > 0)) throw new RangeError('divisor must be a positive integer');
  if (!integral(a)) throw new ExprTooBig();
  const c = constant(a);
  if (c !== undefined) return num(round === 'floor' ? Math.floor(c / d) : Math.ceil(c / d));
  const ints = [...a.values()].every((t) => t.atoms.every((at) => at.kind !== 'sym' || isInt(at.name)));
  if (!ints) return atomOf(round, a, d);
  if (d === 1) return a;
  const whole = new Map<string, Term>();
  const rest = new Map<string, Term>();
  for (const t of a.values()) {
    if (!Number.isInteger(t.coef)) throw new ExprTooBig();
    const q = Math.floor(t.coef / d);
    put(whole, t.atoms, q);
    put(rest, t.atoms, t.coef - q * d);
  }
  const rc = constant(rest);
  if (rc !== undefined) return add(whole, num(round === 'floor' ? Math.floor(rc / d) : Math.ceil(rc / d)));
  return add(whole, atomOf(round, rest, d));
}

/**
 * Math.floor / Math.ceil of an expression whose coefficients may be fractions (`lookBack / 6`):
 * ⌊(integer expression)/d⌋ with the whole expression kept inside (nothing is known about its
 * symbols being integers). undefined when the coefficients are not small fractions.
 */
export function divideAtom(a: Poly, round: 'floor' | 'ceil'): Poly | undefined {
  const c = constant(a);
  if (c !== undefined) return num(round === 'floor' ? Math.floor(c) : Math.ceil(c));
  let d = 1;
  const near = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;
  for (const t of a.values()) {
    let k = 1;
    while (k <= 10_000 && !near(t.coef * d * k)) k++;
    if (k > 10_000) return undefined;
    d *= k;
  }
  const n = new Map<string, Term>();
  for (const t of a.values()) put(n, t.atoms, Math.round(t.coef * d));
  return atomOf(round, n, d);
}

export function product(xs: Poly[]): Poly {
  return xs.reduce((p, x) => mul(p, x), num(1));
}

export function sum(xs: Poly[]): Poly {
  return xs.reduce((p, x) => add(p, x), num(0));
}

/** Its value for concrete symbols (tests; undefined when a symbol is missing). */
export function evaluate(a: Poly, values: Record<string, number>): number | undefined {
  let s = 0;
  for (const t of a.values()) {
    let v = t.coef;
    for (const at of t.atoms) {
      const x = at.kind === 'sym' ? values[at.name] : evaluate(at.num, values);
      if (x === undefined) return undefined;
      v *= at.kind === 'sym' ? x : at.kind === 'floor' ? Math.floor(x / at.den) : Math.ceil(x / at.den);
    }
    s += v;
  }
  return s;
}

/** The symbols it names. */
export function symbols(a: Poly, out = new Set<string>()): Set<string> {
  for (const t of a.values()) for (const at of t.atoms) at.kind === 'sym' ? out.add(at.name) : symbols(at.num, out);
  return out;
}

function ordered(a: Poly): Term[] {
  // Highest degree first, the constant last: 64·numFeatures + 64.
  return [...a.values()].sort((p, q) => q.atoms.length - p.atoms.length || (monoKey(p.atoms) < monoKey(q.atoms) ? -1 : 1));
}

function atomText(a: Atom): string {
  if (a.kind === 'sym') return a.name;
  const inner = text(a.num);
  const single = a.num.size === 1 && [...a.num.values()][0]!.coef > 0;
  const [open, close] = a.kind === 'floor' ? ['⌊', '⌋'] : ['⌈', '⌉'];
  if (a.den === 1) return `${open}${inner}${close}`;
  return `${open}${single ? inner : `(${inner})`}/${a.den}${close}`;
}

/** Readable: `64·numFeatures + 64`, `8·⌊(height − 2)/2⌋ + …`. */
export function text(a: Poly): string {
  const terms = ordered(a);
  if (!terms.length) return '0';
  let s = '';
  terms.forEach((t, i) => {
    const neg = t.coef < 0;
    const c = Math.abs(t.coef);
    const body = t.atoms.length ? [...(c !== 1 ? [String(c)] : []), ...t.atoms.map(atomText)].join('·') : String(c);
    s += i === 0 ? (neg ? `−${body}` : body) : neg ? ` − ${body}` : ` + ${body}`;
  });
  return s;
}

export function tree(a: Poly): ExprTree {
  const terms = ordered(a).map((t): ExprTree => {
    const factors: ExprTree[] = t.atoms.map((at) => (at.kind === 'sym' ? { sym: at.name } : { op: at.kind === 'floor' ? 'floorDiv' : 'ceilDiv', args: [tree(at.num), at.den] }));
    if (!factors.length) return t.coef;
    if (t.coef !== 1) factors.unshift(t.coef);
    return factors.length === 1 ? factors[0]! : { op: '*', args: factors };
  });
  if (!terms.length) return 0;
  return terms.length === 1 ? terms[0]! : { op: '+', args: terms };
}

export function toSymExpr(a: Poly): SymExpr {
  return { text: text(a), tree: tree(a) };
}
