/**
 * `convlens` — the engine on the command line, for CI and for people without VS Code.
 *   convlens profile FILE [--model NAME] [--json]
 *   convlens lint FILE... [--json]
 *   convlens view FILE [--model NAME] --out arch.html|arch.svg
 *   convlens check FILE [--model NAME] [--steps N] [--backend B] [--json]
 */
import type { Diagnostic, Report } from '../engine';
import { summaryTable } from '../engine/report/table';
import { parseArgs } from './args';
import { analyzeFile, formatLabel } from './analyze_file';
import { displayPath, formatDiagnostic } from './diagnostics';
import { viewCommand } from './view';
import { checkCommand } from './check';

const HELP = `convlens — shapes, parameters, MACs and design advice for TensorFlow.js CNNs

Usage:
  convlens profile FILE [--model NAME] [--json]   per-layer table: output shape, params, MACs, receptive field
  convlens lint FILE... [--json]                  shape errors and design advice, compiler-style
  convlens view FILE [--model NAME] [--expand] [--dark] --out F
                                                  the architecture as a standalone page (.html) or an SVG
  convlens check FILE [--model NAME] [--steps N] [--backend auto|tfjs-node-gpu|tfjs-node|wasm|cpu]
                 [--batch N] [--timeout S] [--memory MB] [--json]
                                                  train the real model briefly: initial loss, overfit one
                                                  batch, gradient flow, throughput (runs your code)
  convlens --help | --version

The file is read statically (nothing runs): builders are the functions, arrows, class methods and
variables that yield a tf.sequential() or tf.model(). Relative imports are followed. A saved model
(a tfjs model.json, Keras model.to_json() output, or a Keras 3 .keras archive) is read as it is,
with its weights manifest and shard files checked.

Options:
  --model NAME   only this model (as listed by profile)
  --json         machine-readable output (the contract: docs/report.md)
  --max-steps N  analysis step budget (default 2,000,000)
  --root DIR     where the code runs: tf.loadLayersModel('file://...') paths are read relative
                 to it, and only inside it (default: the working directory)

Exit status: 0 when no errors were found, 1 when the code has shape errors (check: when a check
fails), 2 on bad usage.
`;

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['model', 'max-steps', 'out', 'steps', 'backend', 'batch', 'timeout', 'memory', 'seed', 'root']));
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
    case 'view':
      return viewCommand(args.positional, args.flags);
    case 'check':
      return checkCommand(args.positional, args.flags);
    default:
      console.error(`convlens: unknown command '${args.command}'\n\n${HELP}`);
      return 2;
  }
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

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

function lint(files: string[], flags: Map<string, string | true>): number {
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

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`convlens: internal error: ${e.stack ?? e.message}`);
    process.exitCode = 2;
  },
);
