import type { ClassValue, HostObject, Value } from './values';

/** What a non-arrow function call binds: `this`, `arguments`, the class for `super`, constructor state. */
export interface FunctionContext {
  thisValue: Value;
  args: Value[];
  home?: ClassValue;
  ctor?: HostObject;
  /** In a generator: what it has yielded so far (generators run eagerly, see callClosure). */
  yields?: Value[];
  /** Why `yields` is not the whole sequence (a loop around a yield ran an unknown number of times). */
  yieldsLost?: string;
}

interface Binding {
  value: Value;
  readonly constant: boolean;
}

/** A lexical scope: block, function or module. Bindings are looked up by name along the parent chain. */
export class Scope {
  private readonly vars = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | undefined,
    /** Function and module scopes collect `var` declarations; block scopes do not. */
    readonly isFunctionScope = false,
    /** Set on the scope of a non-arrow function call (arrows see their parent's). */
    readonly fn?: FunctionContext,
  ) {}

  /** The nearest enclosing function context: what `this`, `arguments` and `super` mean here. */
  context(): FunctionContext | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.fn) return s.fn;
    return undefined;
  }

  declare(name: string, value: Value, constant = false): void {
    this.vars.set(name, { value, constant });
  }

  /** `var` hoists to the nearest function scope. */
  declareVar(name: string, value: Value): void {
    let s: Scope = this;
    while (!s.isFunctionScope && s.parent) s = s.parent;
    const existing = s.vars.get(name);
    if (existing) {
      if (value !== undefined) existing.value = value;
    } else s.vars.set(name, { value, constant: false });
  }

  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }

  hasOwn(name: string): boolean {
    return this.vars.has(name);
  }

  ownNames(): IterableIterator<string> {
    return this.vars.keys();
  }
}
