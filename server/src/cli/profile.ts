/** `convlens profile FILE [--model NAME] [--json] [--root DIR]`: the per-layer table or DESIGN.md's JSON report. */
import type { Report } from '../engine';
import { summaryTable } from '../engine/report/table';
import { displayPath, formatDiagnostic } from './diagnostics';
import { analyzeFile } from './source';
import { jsonSafe, say, warn } from './terminal';

export function selectModels(report: Report, flags: Map<string, string | true>): Report | undefined {
  const want = flags.get('model');
  if (typeof want !== 'string') return report;
  const models = report.models.filter((m) => m.name === want);
  if (!models.length) {
    warn(`convlens: no model named '${want}' in ${displayPath(report.file)}; models: ${report.models.map((m) => m.name).join(', ') || 'none'}`);
    return undefined;
  }
  return { ...report, models };
}

/** The report holds only plain data; drop the fields docs/report.md does not list to keep it readable. */
function jsonReplacer(key: string, value: unknown): unknown {
  return key === 'weights' || key === 'chain' ? undefined : value;
}

export function profileCommand(files: string[], flags: Map<string, string | true>): number {
  if (files.length !== 1) {
    warn('convlens profile: give exactly one FILE (see --help)');
    return 2;
  }
  const a = analyzeFile(files[0]!, flags);
  if (!a.ok) {
    warn(`convlens: ${a.message}`);
    return 2;
  }
  const result = a.result;
  const report = selectModels(result.report, flags);
  if (!report) return 2;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (flags.has('json')) {
    console.log(jsonSafe(JSON.stringify(report, jsonReplacer, 2)));
    return errors.length ? 1 : 0;
  }
  if (a.label && report.models.length) say(`${displayPath(result.file)}: ${a.label}\n`);
  if (!report.models.length && !a.label)
    say(`No model found in ${displayPath(result.file)}${a.empty ? ' (the file is empty)' : ''} (looked for tf.sequential() / tf.model() in functions, methods and variables).`);
  for (const m of report.models) {
    say(summaryTable(m, `${displayPath(m.file)}:${m.range.start.line + 1}`));
    say();
  }
  for (const d of result.diagnostics) if (d.severity === 'error' || d.severity === 'warning') warn(formatDiagnostic(result.file, d));
  return errors.length ? 1 : 0;
}
