/** A small argv parser: `cmd FILE --flag --key value`. No dependency needed for this much. */
export interface ParsedArgs {
  command: string | undefined;
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], valued: Set<string>): ParsedArgs {
  const out: ParsedArgs = { command: undefined, positional: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) out.flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (valued.has(a.slice(2)) && i + 1 < argv.length) out.flags.set(a.slice(2), argv[++i]!);
      else out.flags.set(a.slice(2), true);
    } else if (a === '-h') out.flags.set('help', true);
    else if (out.command === undefined) out.command = a;
    else out.positional.push(a);
  }
  return out;
}
