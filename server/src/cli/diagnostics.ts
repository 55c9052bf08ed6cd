import { relative } from 'node:path';
import type { Diagnostic } from '../engine';

/** `file:line:col: severity: message [code]`, 1-based like compilers print. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = `${displayPath(file)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  const lines = [`${where}: ${d.severity}: ${d.message} [${d.code}]`];
  for (const r of d.related ?? []) lines.push(`  ${displayPath(r.file ?? file)}:${r.range.start.line + 1}:${r.range.start.character + 1}: note: ${r.message}`);
  return lines.join('\n');
}

export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}
