/** Code lenses above each builder: the summary, then Profile / Show architecture / Sanity check. */
import type { AnalysisResult, Range } from '../engine';
import { human } from '../engine/report/format';

export interface Lens {
  range: Range;
  title: string;
  command: string;
  args: unknown[];
}

export const COMMANDS = {
  profile: 'convlens.profileModel',
  showArchitecture: 'convlens.showArchitecture',
  sanityCheck: 'convlens.runSanityCheck',
} as const;

export function codeLenses(result: AnalysisResult, uri: string): Lens[] {
  const out: Lens[] = [];
  const actions = new Set<string>();
  for (const { report: m } of result.models) {
    if (m.file !== result.file) continue;
    const range = { start: m.range.start, end: m.range.start };
    const errors = m.diagnostics.filter((d) => d.severity === 'error').length;
    // A builder with variants gets one summary per variant (its condition in brackets), one set of actions.
    const which = m.variant ? ` [${m.variant.label}]` : '';
    // Params in the sizes the file leaves open, when they are an expression short enough for a lens.
    const params = m.totalParams === null && m.totalParamsExpr && m.totalParamsExpr.text.length <= 40 ? m.totalParamsExpr.text : human(m.totalParams);
    const summary = `${m.name}${which} · ${params} params · ${human(m.macs)} MACs${errors ? ` · ${errors} error${errors > 1 ? 's' : ''}` : ''}`;
    out.push({ range, title: summary, command: COMMANDS.profile, args: [uri, m.name] });
    const key = `${m.name}@${m.range.start.line}`;
    if (actions.has(key)) continue;
    actions.add(key);
    out.push({ range, title: 'Profile', command: COMMANDS.profile, args: [uri, m.name] });
    out.push({ range, title: 'Show architecture', command: COMMANDS.showArchitecture, args: [uri, m.name] });
    out.push({ range, title: 'Sanity check', command: COMMANDS.sanityCheck, args: [uri, m.name] });
  }
  return out;
}
