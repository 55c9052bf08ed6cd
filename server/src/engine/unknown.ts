/**
 * A value the static analysis cannot know (a parameter with no default, I/O, an unsupported
 * expression). It flows through arithmetic and into layer configs; shapes then carry `null` dims and
 * the reason is kept so a hover can say *why* a dim is unknown.
 */
export class Unknown {
  constructor(readonly reason: string) {}
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
