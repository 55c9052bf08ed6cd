/**
 * `convlens` — the engine on the command line, for CI and for people without VS Code.
 *   convlens profile FILE [--model NAME] [--json]
 *   convlens lint FILE... [--json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSource, type AnalysisResult, type Report } from '../engine';
import { summaryTable } from '../engine/report/table';
import { parseArgs } from './args';
import { diskHost } from './disk_host';
import { displayPath, formatDiagnostic } from './diagnostics';

const HELP = `convlens — shapes, parameters, MACs and design advice for TensorFlow.js CNNs

Usage:
  convlens profile FILE [--model NAME] [--json]   per-layer table: output shape, params, MACs, receptive field
  convlens lint FILE... [--json]                  shape errors and design advice, compiler-style
  convlens --help | --version

The file is read statically (nothing runs): builders are the functions, arrows, class methods and
variables that yield a tf.sequential() or tf.model(). Relative imports are followed.

Options:
  --model NAME   only this model (as listed by profile)
  --json         machine-readable output (DESIGN.md's report)
  --max-steps N  analysis step budget (default 2,000,000)

Exit status: 0 when no errors were found, 1 when the code has shape errors, 2 on bad usage.
`;

export function main(argv: string[]): number {
  const args = parseArgs(argv, new Set(['model', 'max-steps', 'out', 'steps', 'backend', 'batch', 'timeout']));
  if (args.flags.has('version')) {
    console.log(VERSION);
    return 0;
  }
  if (args.flags.has('help') || !args.command) {
    console.log(HELP);
    return args.command || args.flags.has('help') ? 0 : 2;
  }
  switch (args.command) {
    case 'profile':
      return profile(args.positional, args.flags);
    case 'lint':
      return lint(args.positional, args.flags);
    default:
      console.error(`convlens: unknown command '${args.command}'\n\n${HELP}`);
      return 2;
  }
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

function analyzeFile(file: string, flags: Map<string, string | true>): AnalysisResult | undefined {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`convlens: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
  const maxSteps = Number(flags.get('max-steps'));
  return analyzeSource(text, path, diskHost, Number.isFinite(maxSteps) && maxSteps > 0 ? { limits: { maxSteps } } : {});
}

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

function profile(files: string[], flags: Map<string, string | true>): number {
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
    console.log(JSON.stringify(report, null, 2));
    return errors.length ? 1 : 0;
  }
  if (!report.models.length) console.log(`No model found in ${displayPath(result.file)} (looked for tf.sequential() / tf.model() in functions, methods and variables).`);
  for (const m of report.models) {
    console.log(summaryTable(m, `${displayPath(m.file)}:${m.range.start.line + 1}`));
    console.log();
  }
  for (const d of result.diagnostics) if (d.severity === 'error' || d.severity === 'warning') console.error(formatDiagnostic(result.file, d));
  return errors.length ? 1 : 0;
}

function lint(files: string[], flags: Map<string, string | true>): number {
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
    if (flags.has('json')) all.push({ file: result.file, diagnostics: result.diagnostics });
    else for (const d of result.diagnostics) console.log(formatDiagnostic(result.file, d));
  }
  if (flags.has('json')) console.log(JSON.stringify(all, null, 2));
  return status;
}

process.exitCode = main(process.argv.slice(2));
