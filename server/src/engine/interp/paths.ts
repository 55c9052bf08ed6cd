/**
 * Paths through code the analysis cannot decide. An entry point (a builder the engine calls, the
 * module's top level) is run once per path: each condition on an unknown value is a decision whose
 * options the driver explores by running the entry again with a different plan (re-execution, so
 * no interpreter state ever needs copying). Within one run the path also keeps what its decisions
 * established (`type === 'cnn'` taken true: `type` reads as 'cnn' from then on), so a value is
 * tested consistently and used as what the path assumed.
 *
 * Unknowns the file gives a default (`opts.kind ?? 'cnn'`, a builder's `useBn = true` parameter
 * when the engine calls it) are *soft*: used as a value they are their default (and the path commits
 * to it); tested in a condition they fork, the default outcome first, so the first path explored is
 * the one the file's own defaults decide.
 */
import type ts from 'typescript';
import { Unknown } from '../unknown';
import type { ModuleRecord } from './modules';
import type { Value } from './values';

/** One decision a run took on a condition it could not evaluate. */
export interface Decision {
  kind: 'if' | 'ternary' | 'switch' | 'test';
  /** The condition (or the switch discriminant) and the module it is in. */
  node: ts.Node;
  module: ModuleRecord;
  /** The options in option order, in words: `modelType = 'cnn'`, `modelType ≠ 'cnn'`. */
  options: string[];
  chosen: number;
  /** The option the file's own defaults take, when they decide the condition. */
  defaultOption: number | undefined;
  /** When the condition tests one value read from a variable or field: its source text ... */
  subject?: string;
  /** ... and which options say what it is (`kind = 'cnn'`), not what it is not. */
  positive?: boolean[];
}

/** What a path knows about an unknown quantity (by its key). */
type Fact = { eq: Value } | { neq: Value[]; truthy?: boolean } | { truthy: boolean };

/**
 * A condition as the source states it, on a quantity read directly from a variable or field:
 * `kind === 'cnn'` (test 'eq'), `useBn` or `!useBn` (test 'truthy'). Facts are learned only from
 * these, never from values computed by operators, so a fact is always about the quantity it names.
 */
export interface Predicate {
  subject: Unknown;
  test: 'eq' | 'truthy';
  value?: Value;
  negated: boolean;
}

export class PathContext {
  readonly trace: Decision[] = [];
  private readonly facts = new Map<string, Fact>();
  /** A decision was taken past the fork budget: its other options are not explored. */
  capped = false;

  constructor(
    /** The options to take at the first decisions; later ones take their default (or the first). */
    readonly plan: readonly number[],
    /** Decisions past this many take their default and are not explored. */
    private readonly maxDecisions: number,
  ) {}

  get hasFacts(): boolean {
    return this.facts.size > 0;
  }

  /** Choose an option at a decision point. */
  decide(d: Omit<Decision, 'chosen'>): number {
    const i = this.trace.length;
    const chosen = i < this.plan.length ? this.plan[i]! : (d.defaultOption ?? 0);
    if (i >= this.maxDecisions) this.capped = true;
    this.trace.push({ ...d, chosen });
    return chosen;
  }

  /** What this path's facts say about a conjunction of predicates: true, false, or undefined. */
  evaluate(preds: Predicate[]): boolean | undefined {
    let all = true;
    for (const p of preds) {
      const r = this.test(p);
      if (r === false) return false;
      if (r === undefined) all = false;
    }
    return all ? true : undefined;
  }

  private test(p: Predicate): boolean | undefined {
    const key = p.subject.key;
    const f = key === undefined ? undefined : this.facts.get(key);
    if (!f) return undefined;
    let r: boolean | undefined;
    if ('eq' in f) r = p.test === 'eq' ? f.eq === p.value : Boolean(f.eq);
    else if (p.test === 'eq') r = 'neq' in f && f.neq.includes(p.value) ? false : undefined;
    else r = f.truthy;
    return r === undefined ? undefined : p.negated ? !r : r;
  }

  /** Record that the conjunction `preds` came out `outcome` (only a true conjunction tells about each part). */
  learn(preds: Predicate[], outcome: boolean): void {
    if (preds.length === 1) this.learnOne(preds[0]!, outcome);
    else if (outcome) for (const p of preds) this.learnOne(p, true);
  }

  private learnOne(p: Predicate, outcome: boolean): void {
    const key = p.subject.key;
    if (key === undefined) return;
    const holds = p.negated ? !outcome : outcome;
    const f = this.facts.get(key);
    if (f && 'eq' in f) return;
    if (p.test === 'eq') {
      if (holds) this.facts.set(key, { eq: p.value });
      else if (f && 'neq' in f) f.neq.push(p.value);
      else this.facts.set(key, { neq: [p.value], truthy: f?.truthy });
      return;
    }
    // A boolean is its truthiness; of anything else only the truthiness is known.
    const d = p.subject.dflt?.value;
    if (typeof d === 'boolean') this.facts.set(key, { eq: holds });
    else if (f && 'neq' in f) f.truthy = holds;
    else this.facts.set(key, { truthy: holds });
  }

  /** Commit a soft unknown to its default on this path (its default outcome was taken, or it was used as a value). */
  commit(u: Unknown): void {
    if (u.key === undefined || !u.dflt) return;
    const f = this.facts.get(u.key);
    if (!f || (!('eq' in f) && consistent(f, u.dflt.value))) this.facts.set(u.key, { eq: u.dflt.value as Value });
  }

  /** A keyed unknown read from a variable or field: its value when this path established it. */
  refine(u: Unknown): Value {
    if (u.key === undefined) return u;
    const f = this.facts.get(u.key);
    if (!f) return u;
    if ('eq' in f) return f.eq;
    // The path ruled the default out: the value is unknown, with no default any more.
    return u.dflt && !consistent(f, u.dflt.value) ? new Unknown(u.reason, u.key) : u;
  }

  /** A soft unknown used as a value: its default, and the path commits to it. */
  valueOf(u: Unknown): Value {
    const r = this.refine(u);
    if (!(r instanceof Unknown) || !r.dflt) return r;
    this.commit(r);
    return r.dflt.value as Value;
  }
}

/** Whether a fact leaves room for the value `d`. */
function consistent(f: Fact, d: unknown): boolean {
  if ('eq' in f) return f.eq === d;
  if ('neq' in f && f.neq.includes(d as Value)) return false;
  if ('truthy' in f && f.truthy !== undefined && Boolean(d) !== f.truthy) return false;
  return true;
}

// The path of the run in progress. The interpreter is synchronous and one run never nests inside
// another (re-analyses for advice start after a run ends), so one slot is enough; value helpers
// outside the interpreter (toNumber, toPlain) read it to resolve soft unknowns.
let active: PathContext | undefined;

export function activePath(): PathContext | undefined {
  return active;
}

export function setActivePath(p: PathContext | undefined): PathContext | undefined {
  const prev = active;
  active = p;
  return prev;
}

/** A value position (arithmetic, a layer config, a string): a soft unknown is its default there. */
export function resolveSoft(v: Value): Value {
  if (!(v instanceof Unknown) || !v.dflt) return v;
  return active ? active.valueOf(v) : (v.dflt.value as Value);
}
