/**
 * `convlens profile` and `convlens lint`: the commands that only analyse. A bundle of its own
 * (dist/cli_analysis.js), required by main.ts only when one of them runs: it brings typescript.
 */
import type { Diagnostic, Report } from '../engine';
import { summaryTable } from '../engine/report/table';
import { analyzeFile, formatLabel } from './analyze_file';
import { displayPath, formatDiagnostic } from './diagnostics';

function selectModels(report: Report, flags: Map<string, string | true>): Report | undefined {
  const want = flags.get('model');
  if (typeof want !== 'string') return report;
  const models = report.models.filter((m) => m.name === want);
  if (!models.length) {
    console.error(`convlens: no model named '${want}' in ${displayPath(report.file)}; models: ${report.models.map((m) => m.name).join(', ') || 'none'}`);
    return undefined;
  }
  return { ...report, models };
}

export function profile(files: string[], flags: Map<string, string | true>): number {
  if (files.length !== 1) {
    console.error('convlens profile: give exactly one FILE (see --help)');
    return 2;
  }
  const result = analyzeFile(files[0]!, flags);
  if (!result) return 2;
  const report = selectModels(result.report, flags);
  if (!report) return 2;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (flags.has('json')) {
    console.log(JSON.stringify(report, jsonReplacer, 2));
    return errors.length ? 1 : 0;
  }
  const label = formatLabel(result);
  if (label && report.models.length) console.log(`${displayPath(result.file)}: ${label}\n`);
  if (!report.models.length && !label) console.log(`No model found in ${displayPath(result.file)} (looked for tf.sequential() / tf.model() in functions, methods and variables).`);
  for (const m of report.models) {
    console.log(summaryTable(m, `${displayPath(m.file)}:${m.range.start.line + 1}`));
    console.log();
  }
  for (const d of result.diagnostics) if (d.severity === 'error' || d.severity === 'warning') console.error(formatDiagnostic(result.file, d));
  return errors.length ? 1 : 0;
}

export function lint(files: string[], flags: Map<string, string | true>): number {
  // lint runs the design rules too.
  flags.set('advice', true);
  if (!files.length) {
    console.error('convlens lint: give at least one FILE (see --help)');
    return 2;
  }
  let status = 0;
  const all: { file: string; diagnostics: unknown[] }[] = [];
  for (const f of files) {
    const result = analyzeFile(f, flags);
    if (!result) {
      status = 2;
      continue;
    }
    if (result.diagnostics.some((d) => d.severity === 'error')) status = Math.max(status, 1);
    const advice = (result.findings ?? []).map((f) => ({ ...f.diagnostic, fix: f.fix ? { title: f.fix.title, saving: f.fix.saving } : undefined }));
    const diags: (Diagnostic & { fix?: { title: string } })[] = [...result.diagnostics, ...advice].sort((a, b) => a.range.start.line - b.range.start.line);
    if (flags.has('json')) all.push({ file: result.file, diagnostics: diags });
    else
      for (const d of diags) {
        console.log(formatDiagnostic(result.file, d));
        if (d.fix) console.log(`  fix: ${d.fix.title}`);
      }
  }
  if (flags.has('json')) console.log(JSON.stringify(all, null, 2));
  return status;
}

/** The report holds only plain data; drop the fields docs/report.md does not list to keep it readable. */
function jsonReplacer(key: string, value: unknown): unknown {
  return key === 'weights' || key === 'chain' ? undefined : value;
}
