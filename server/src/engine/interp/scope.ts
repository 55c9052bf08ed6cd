import type { Value } from './values';

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
  ) {}

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
