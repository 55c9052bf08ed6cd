/**
 * `convlens check FILE [--model NAME] [--steps N] [--backend B] [--batch N] [--seed N] [--timeout S] [--root DIR] [--json]`:
 * runs the training sanity check on the real model in a worker process (server/src/runtime) and
 * prints a verdict per check. Exit status: 0 every check passed, 1 a check failed, 2 bad usage or
 * the model could not be run (error in the file, timeout, crash, out of memory).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeAttempts, type BackendChoice, BACKEND_ORDER } from '../runtime/backend_diagnosis';
import type { CheckVerdict, LayerGradient, WorkerEvent } from '../../../protocol/worker';
import { fmt } from '../runtime/sanity_check';
import { startCheck, type CheckOutcome } from '../runtime/supervisor';
import { displayPath } from './diagnostics';
import { readSource } from './source';
import { jsonSafe, say, terminalSafe, warn } from './terminal';

export const CHECK_HELP = `convlens check FILE [--model NAME] [--steps N] [--backend B] [--batch N] [--seed N] [--timeout S] [--root DIR] [--json]
  Runs the model for real (in a separate process, in DIR or else the folder of FILE) and checks that it can train:
  output shape as predicted, finite output, loss at init near ln(classes), overfits one batch,
  gradient flow per layer, throughput. The weights, batch and labels are seeded (--seed, default 1):
  the same file, seed and backend give the same verdicts. Backends: auto (default), ${BACKEND_ORDER.join(', ')}.
  Exit status: 0 all checks passed, 1 a check failed, 2 it could not run.`;

/** dist/worker.js: next to the CLI bundle, or the repository's dist/ when run from source. */
function workerPath(): string | undefined {
  const candidates = [process.env.CONVLENS_WORKER, resolve(__dirname, 'worker.js'), resolve(__dirname, '../../../dist/worker.js')];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

function positiveInt(v: string | true | undefined, flag: string): number | undefined | Error {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : new Error(`--${flag} needs a positive integer (got ${v === true ? 'nothing' : v})`);
}

export async function checkCommand(files: string[], flags: Map<string, string | true>): Promise<number> {
  if (files.length !== 1) {
    warn(`convlens check: give exactly one FILE\n\n${CHECK_HELP}`);
    return 2;
  }
  const file = resolve(files[0]!);
  // A regular text file of sane size, like the other commands (a FIFO would hang the worker's read).
  const src = readSource(files[0]!);
  if ('message' in src) {
    warn(`convlens check: ${src.message}`);
    return 2;
  }
  const backend = (flags.get('backend') ?? 'auto') as BackendChoice;
  if (backend !== 'auto' && !BACKEND_ORDER.includes(backend)) {
    warn(`convlens check: unknown backend '${String(backend)}' (use auto, ${BACKEND_ORDER.join(', ')})`);
    return 2;
  }
  const steps = positiveInt(flags.get('steps'), 'steps');
  const batch = positiveInt(flags.get('batch'), 'batch');
  const timeout = positiveInt(flags.get('timeout'), 'timeout');
  const memory = positiveInt(flags.get('memory'), 'memory');
  const seedFlag = flags.get('seed');
  const seed = seedFlag === undefined ? undefined : Number(seedFlag);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    warn(`convlens check: --seed needs an integer from 0 to 2^32 - 1 (got ${seedFlag === true ? 'nothing' : seedFlag})`);
    return 2;
  }
  for (const v of [steps, batch, timeout, memory]) {
    if (v instanceof Error) {
      warn(`convlens check: ${v.message}`);
      return 2;
    }
  }
  const model = flags.get('model');
  // --root is where the code runs: the worker's own analysis reads imports below its working folder.
  const root = flags.get('root');
  const worker = workerPath();
  if (!worker) {
    warn('convlens check: dist/worker.js is missing (run `npm run build`)');
    return 2;
  }
  const json = flags.has('json');
  const progress = json ? () => {} : progressPrinter();
  const handle = startCheck(
    {
      workerPath: worker,
      trusted: true, // the command line runs what the user points it at
      file,
      backend,
      ...(typeof model === 'string' ? { model } : {}),
      ...(steps ? { steps: steps as number } : {}),
      ...(batch ? { batchSize: batch as number } : {}),
      ...(timeout ? { timeoutMs: (timeout as number) * 1000 } : {}),
      ...(memory ? { memoryMb: memory as number } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(typeof root === 'string' ? { cwd: resolve(root) } : {}),
    },
    progress,
  );
  if (handle.limits.timeoutClamped)
    warn(`convlens check: --timeout ${timeout as number} s is longer than timers allow; using ${Math.floor(handle.limits.timeoutMs / 1000)} s (2^31 - 1 ms, about 24.8 days)`);
  const stop = () => handle.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let outcome: CheckOutcome;
  try {
    outcome = await handle.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const code = outcome.result ? (outcome.result.passed ? 0 : 1) : 2;
  if (json) console.log(jsonSafe(JSON.stringify(jsonReport(file, outcome), null, 2)));
  else printHuman(file, outcome);
  return code;
}

/** The --json document: the check result plus the backend diagnosis and how the run ended. */
export function jsonReport(file: string, o: CheckOutcome): Record<string, unknown> {
  const attempts = o.result?.backendAttempts ?? o.backend?.attempts ?? [];
  const outcome = { reason: o.reason, message: o.message, ...(o.error ? { error: o.error } : {}), limits: o.limits, reaped: o.reaped };
  if (o.result) return { ...o.result, backendDiagnosis: describeAttempts(attempts), outcome };
  return {
    file,
    model: null,
    backend: o.backend?.backend ?? null,
    passed: false,
    checks: [],
    losses: [],
    imagesPerSecond: null,
    gradients: [],
    backendAttempts: attempts,
    backendDiagnosis: describeAttempts(attempts),
    outcome,
  };
}

/** Progress on stderr: phases, and the loss every step (one rewritten line on a terminal). */
function progressPrinter(): (e: WorkerEvent) => void {
  const tty = process.stderr.isTTY;
  let open = false;
  // The model's own prints and messages are shown escaped; only ConvLens's line rewriting is raw.
  const put = (s: string) => {
    if (open) process.stderr.write('\n');
    open = false;
    process.stderr.write(`${terminalSafe(s)}\n`);
  };
  return (e) => {
    if (e.type === 'phase') put(`  … ${e.message}`);
    else if (e.type === 'log') put(`  [${e.level === 'log' ? 'model' : e.level}] ${e.text}`);
    else if (e.type === 'step') {
      const text = `  step ${e.step}/${e.total}  loss ${fmt(e.loss)}  ${fmt(e.ms)} ms`;
      if (tty) {
        process.stderr.write(`\r${text}\x1b[K`);
        open = true;
      } else if (e.step === 1 || e.step === e.total || e.step % 10 === 0) put(text);
    } else if (e.type === 'exit' && open) put('');
  };
}

const MARK: Record<CheckVerdict['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

function printHuman(file: string, o: CheckOutcome): void {
  const r = o.result;
  const lines: string[] = [];
  lines.push(`ConvLens check: ${displayPath(file)}${r ? ` › ${r.model}` : ''}`);
  const attempts = r?.backendAttempts ?? o.backend?.attempts;
  if (attempts) {
    const used = attempts.find((a) => a.status === 'used');
    lines.push(`Backend: ${used ? `${used.backend} (${r?.device ?? o.backend?.device})` : 'none'}`);
    for (const l of describeAttempts(attempts)) lines.push(`  ${l}`);
  }
  if (!r) {
    lines.push('', `Could not complete: ${o.message}`);
    if (o.error?.stack && o.error.stage === 'internal') lines.push(o.error.stack);
    say(lines.join('\n'));
    return;
  }
  lines.push(`Model: ${r.model}, batch ${r.batchSize}, ${r.steps} steps, ${r.optimizerName}, loss ${r.lossName}${r.compiledByBuilder ? ' (from the builder\'s compile)' : ' (chosen by ConvLens: the builder does not compile)'}`);
  lines.push('');
  const width = Math.max(...r.checks.map((c) => c.title.length));
  for (const c of r.checks) lines.push(`${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.message}`);
  lines.push('', gradientTable(r.gradients));
  if (o.reaped) lines.push('', `Stopped ${o.reaped} process${o.reaped === 1 ? '' : 'es'} your code left running.`);
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  lines.push('', failed ? `${failed} of ${r.checks.length} checks failed.` : `All ${r.checks.length} checks passed.`);
  say(lines.join('\n'));
}

/** Per-layer gradient norms, first → last step; long models show the flagged rows and both ends. */
export function gradientTable(rows: (LayerGradient & { lastNorm: number | null })[]): string {
  if (!rows.length) return 'No trainable layers.';
  const keep = rows.length <= 24 ? rows : rows.filter((g, i) => g.flag || i < 8 || i >= rows.length - 8);
  const out = ['Gradient norm per layer (‖∂loss/∂W‖₂, at init → after the last step):'];
  let prev = -1;
  for (const g of keep) {
    const i = rows.indexOf(g);
    if (i > prev + 1) out.push(`  … ${i - prev - 1} more`);
    prev = i;
    const where = g.range ? `:${g.range.start.line + 1}` : '';
    out.push(`  ${`${g.name}${where}`.padEnd(30)} ${fmt(g.norm).padStart(9)} → ${(g.lastNorm === null ? '–' : fmt(g.lastNorm)).padStart(9)}${g.flag ? `  ${g.flag}` : ''}`);
  }
  if (prev < rows.length - 1) out.push(`  … ${rows.length - 1 - prev} more`);
  return out.join('\n');
}

