/**
 * `convlens lint FILE... [--json] [--root DIR]`: shape errors and design advice, compiler-style. Each
 * file stands alone: one that cannot be read or analysed is reported and the others are still
 * checked. Fixes the advice left unmeasured are measured here up to a few per rule (each is a
 * re-analysis of the file), so big files stay linear; the editor measures any fix on request.
 */
import type { Diagnostic } from '../engine';
import { type Finding, fixPending } from '../engine/advice';
import { displayPath, formatDiagnostic } from './diagnostics';
import { analyzeFile } from './source';
import { jsonSafe, say, warn } from './terminal';

/** Fixes measured by lint per rule and file, beyond those the advice measured already. */
export const LINT_MEASURES_PER_RULE = 8;

type Printed = Diagnostic & { fix?: { title: string; saving: { params: number | null; macs: number | null } } };

export function lintCommand(files: string[], flags: Map<string, string | true>): number {
  if (!files.length) {
    warn('convlens lint: give at least one FILE (see --help)');
    return 2;
  }
  const json = flags.has('json');
  let status = 0;
  const all: { file: string; models: string[]; diagnostics: Printed[] }[] = [];
  const noModels: string[] = [];
  let unreadable = 0;
  let withModels = 0;
  let modelCount = 0;
  const bySeverity = { error: 0, warning: 0, information: 0, hint: 0 };
  let unmeasured = 0;
  for (const f of files) {
    const a = analyzeFile(f, flags, true);
    if (!a.ok) {
      warn(`convlens: ${a.message}`);
      status = 2;
      unreadable++;
      continue;
    }
    const result = a.result;
    if (result.diagnostics.some((d) => d.severity === 'error')) status = Math.max(status, 1);
    if (!result.models.length) noModels.push(`${displayPath(result.file)}${a.empty ? ' (empty)' : ''}`);
    else withModels++;
    modelCount += result.models.length;
    const measuredByRule = new Map<string, number>();
    const fixOf = (x: Finding): Printed['fix'] => {
      if (fixPending(x)) {
        const n = measuredByRule.get(x.diagnostic.code) ?? 0;
        if (n >= LINT_MEASURES_PER_RULE) {
          unmeasured++;
          return undefined;
        }
        measuredByRule.set(x.diagnostic.code, n + 1);
      }
      return x.fix ? { title: x.fix.title, saving: x.fix.saving } : undefined;
    };
    const advice: Printed[] = (result.findings ?? []).map((x) => {
      const fix = fixOf(x);
      return fix ? { ...x.diagnostic, fix } : { ...x.diagnostic };
    });
    const diags: Printed[] = [...result.diagnostics, ...advice].sort((p, q) => p.range.start.line - q.range.start.line);
    for (const d of diags) bySeverity[d.severity]++;
    if (json) all.push({ file: result.file, models: result.models.map((m) => m.report.name), diagnostics: diags });
    else
      for (const d of diags) {
        say(formatDiagnostic(result.file, d));
        if (d.fix) say(`  fix: ${d.fix.title}`);
      }
  }
  if (json) console.log(jsonSafe(JSON.stringify(all, null, 2)));
  // Say what was analysed (on stderr, so --json stays one document): a file with no model is not a clean bill of health.
  if (noModels.length) warn(`convlens: no models in ${noModels.join(', ')} (looked for tf.sequential() / tf.model() in functions, methods and variables)`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  warn(
    `convlens: checked ${plural(files.length, 'file')}: ${withModels} with models (${plural(modelCount, 'model')}), ${noModels.length} with none, ${unreadable} unreadable; ` +
      `${plural(bySeverity.error, 'error')}, ${plural(bySeverity.warning, 'warning')}, ${bySeverity.information + bySeverity.hint} notes`,
  );
  if (unmeasured) warn(`convlens: ${unmeasured} more fixes were not measured here (at most ${LINT_MEASURES_PER_RULE} per rule and file); the editor's quick fix measures each one when asked`);
  return status;
}
