/**
 * A value the static analysis cannot know (a parameter with no default, I/O, an unsupported
 * expression). It flows through arithmetic and into layer configs; shapes then carry `null` dims and
 * the reason is kept so a hover can say *why* a dim is unknown.
 */
export class Unknown {
  /**
   * Symbolic tensors this value was computed from (an unknown function applied to them): a layer
   * applied to it stays connected to them in the model graph.
   */
  tensors?: readonly object[];
  /**
   * The file's own default for it, when it has one (`opts.kind ?? 'cnn'`, a builder's `useBn = true`
   * parameter when the engine calls it): a *soft* unknown, its default wherever it is used as a value.
   */
  dflt?: { value: unknown };
  /**
   * For a size computed from sizes the file leaves open (`numFeatures * 2`, `Math.floor(lookBack / 6)`):
   * the expression (a symbolic/expr.ts Poly), so layers sized by it get symbolic sizes.
   */
  expr?: object;
  constructor(
    readonly reason: string,
    /**
     * Identity of the unknown quantity, when it was read from a variable, parameter or field: what a
     * path learns about it (`kind === 'cnn'` taken true) applies wherever the same quantity is read.
     * Results of operations on it are new quantities with no key.
     */
    readonly key?: string,
  ) {}
  toString(): string {
    return `unknown (${this.reason})`;
  }
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function unknown(reason: string): Unknown {
  return new Unknown(reason);
}

/** The same unknown as a new quantity (an operation's result): no key, no default. */
export function derived(u: Unknown): Unknown {
  if (u.key === undefined && !u.dflt) return u;
  const d = new Unknown(u.reason);
  if (u.tensors) d.tensors = u.tensors;
  return d;
}

/** A soft unknown: `key` unknown in general, `value` by the file's own default. */
export function soft(reason: string, key: string, value: unknown): Unknown {
  const u = new Unknown(reason, key);
  u.dflt = { value };
  return u;
}

/**
 * `x ?? d` / `x || d` with `x` unknown, and a key an object set before an unknown object was spread
 * over it (`{ kind: 'cnn', ...opts }.kind`): when `d` is a string or a boolean (an option's default:
 * a model type, a flag), a soft unknown that is `d` under the file's defaults; otherwise unknown.
 */
export function defaulted(x: Unknown, d: unknown): Unknown {
  if (x.dflt) return x;
  if (typeof d === 'string' || typeof d === 'boolean') return soft(x.reason, x.key ?? `default#${++softSeq}`, d);
  return derived(x);
}
let softSeq = 0;

/**
 * On a plain config object (interp/values.ts toPlain's output): the object may hold keys the analysis
 * does not know (an unknown object was spread into it). Its value is the Unknown a key the object
 * does not have reads as (layers/args.ts); a key it has is known. Symbol-keyed, so Object.keys and
 * JSON ignore it, and an object spread (`{ ...raw, trainable: true }`) keeps it.
 */
export const OPEN_KEYS: unique symbol = Symbol('open keys');
