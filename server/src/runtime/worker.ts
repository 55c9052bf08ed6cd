/**
 * The training worker: a separate Node process (dist/worker.js) that loads a tfjs backend, builds
 * the user's model from their file and runs the sanity check or the measured profile, streaming
 * JSON lines (protocol/worker.ts) on a private pipe (fd 3 under the supervisor; stdout when run by
 * hand). Stdout and stderr carry only what the user's code and native libraries print: a builder
 * that prints a line shaped like a result cannot forge one. Started by supervisor.ts, which enforces
 * the time and memory caps and kills the whole run on cancel or at its end. Exit code: 0 all checks
 * passed, 1 a check failed, 2 it could not run.
 */
import { writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { format } from 'node:util';
import { selectBackend } from './backends';
import { analyser, modelName, panelPreparer } from './panel_handoff';
import { reapOwnRun } from './leash';
import { encodeEvent, type RunError, type WorkerEvent, type WorkerOptions } from '../../../protocol/worker';
import { profileModel } from './profile_model';
import { runSanityCheck } from './sanity_check';
import { DEFAULT_SEED, seedMathRandom } from './seeded_random';
import { TranspileError, buildUserModel, userFrame } from './user_module';

const started = Date.now();
// The event pipe: fd 3 when the supervisor opened one, else stdout (a worker run by hand).
const eventFd = Number(process.env.CONVLENS_EVENT_FD) || 1;
const realExit = process.exit.bind(process);
let exiting = false;
/** What the worker is doing, for the error when the user's code ends the process. */
let stage: RunError['stage'] = 'options';

function emit(e: WorkerEvent): void {
  const line = Buffer.from(`${encodeEvent(e)}\n`, 'utf8');
  try {
    // Synchronous, so the last event is out before the process exits.
    for (let off = 0; off < line.length; ) off += writeSync(eventFd, line, off, line.length - off);
  } catch {
    orphaned(); // the supervisor is gone
  }
}

/** The supervisor is gone: take along whatever the user's code started (nobody else is left to), and exit. */
function orphaned(): never {
  exiting = true;
  reapOwnRun();
  return realExit(3);
}

/** The user's console output (and tfjs's) becomes `log` events, in order with the other events. */
function captureOutput(): void {
  const as = (level: 'log' | 'warn' | 'error') => (...args: unknown[]) => emit({ type: 'log', level, text: format(...args) });
  console.log = console.info = console.debug = as('log');
  console.warn = as('warn');
  console.error = as('error');
  if (eventFd === 1) {
    // Run by hand: stdout is the event stream, so raw writes must become events too.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.trim()) emit({ type: 'log', level: 'log', text: text.replace(/\n$/, '') });
      return true;
    }) as typeof process.stdout.write;
  }
}

/**
 * The user's code calling process.exit ends the run without a result: say so, with where, instead
 * of a worker that "crashed with exit code 0".
 */
function guardExit(): void {
  process.exit = ((code?: number | string | null) => {
    if (!exiting) {
      exiting = true;
      const where = userFrame(new Error(), currentFile);
      emit({
        type: 'error',
        error: { stage, message: `your code called process.exit(${code ?? ''}) ${stage === 'build' ? 'while building the model' : 'during the run'}, before ConvLens could report`, ...(where ? { file: where.file, line: where.line } : {}) },
      });
    }
    realExit(typeof code === 'number' ? code : 2);
  }) as typeof process.exit;
}
let currentFile = '';

function finish(code: number): void {
  // Exit explicitly (the user's code may leave timers behind); events were written synchronously.
  exiting = true;
  realExit(code);
}

function fail(error: RunError): void {
  emit({ type: 'error', error });
  finish(2);
}

/**
 * Exit when the parent goes away (the worker runs in its own session and would linger), taking
 * along whatever the user's code started: nobody else is left to reap it.
 */
function watchParent(): void {
  const parent = process.ppid;
  // The supervisor holds our stdin open; it closes when the supervisor dies, however it dies.
  if (process.env.CONVLENS_SUPERVISED === '1') {
    process.stdin.on('end', orphaned);
    process.stdin.on('error', orphaned);
    process.stdin.resume();
  }
  setInterval(() => process.ppid !== parent && orphaned(), 1000).unref();
}

function toRunError(stage: RunError['stage'], e: unknown, file?: string): RunError {
  const err = e as Error & { location?: { file: string; line: number } };
  const where = err?.location ?? (file ? userFrame(err, file) : undefined);
  return { stage, message: err?.message ?? String(e), ...(where ? { file: where.file, line: where.line } : {}), ...(err?.stack ? { stack: err.stack } : {}) };
}

async function main(): Promise<void> {
  let opts: WorkerOptions;
  try {
    opts = JSON.parse(process.argv[2] ?? '') as WorkerOptions;
    if (!opts.file || (opts.mode !== 'check' && opts.mode !== 'profile')) throw new Error('need { mode: "check" | "profile", file }');
  } catch (e) {
    return fail({ stage: 'options', message: `bad worker options: ${(e as Error).message}` });
  }
  const file = resolve(opts.file);
  currentFile = file;
  stage = 'backend';
  emit({ type: 'started', pid: process.pid, mode: opts.mode, file, model: opts.model ?? null, time: started });

  // Read and analysed once: before choosing a backend when the panel may take the check.
  const analyse = analyser(file);
  const panel = panelPreparer(file, analyse, opts);
  let backend;
  try {
    backend = await selectBackend({ choice: opts.backend ?? 'auto', projectDir: dirname(file), panel: opts.panel, panelBundle: panel.bundle });
  } catch (e) {
    return fail(toRunError(e instanceof TranspileError ? 'transpile' : 'backend', e, file));
  }
  if ('panel' in backend) {
    emit({ type: 'handoff', handoff: panel.handoff(backend) });
    return finish(0);
  }
  emit({ type: 'backend', backend: backend.name, device: backend.device, attempts: backend.attempts, kernels: backend.kernels, tfjsVersion: backend.tfjsVersion, ...(backend.adapter ? { adapter: backend.adapter, software: backend.software } : {}) });

  stage = 'analyse';
  emit({ type: 'phase', phase: 'analyse', message: `reading ${file}` });
  const r = analyse();
  if (!('analysis' in r)) return fail(r);
  const { analysis } = r;
  const top = analysis.models.filter((m) => !m.report.name.includes(' › '));
  const available = top.map((m) => m.report.name);
  const name = modelName(analysis, opts.model);
  if (!name) return fail({ stage: 'analyse', message: `no model found in ${file} (ConvLens looks for functions, methods and variables that return tf.sequential() or tf.model())` });
  const analysed = analysis.models.find((m) => m.report.name === name);
  if (!analysed) emit({ type: 'log', level: 'warn', text: `ConvLens found no model named '${name}' statically (models: ${available.join(', ') || 'none'}); building it anyway.` });

  stage = 'build';
  emit({ type: 'phase', phase: 'build', message: `building ${name}` });
  // Seeded before the builder runs: weight initialisers and dropout draw from Math.random.
  const seed = opts.seed ?? DEFAULT_SEED;
  seedMathRandom(seed);
  let model;
  try {
    ({ model } = await buildUserModel(file, name, backend.module));
  } catch (e) {
    return fail(toRunError(e instanceof TranspileError ? 'transpile' : 'build', e, file));
  }

  stage = opts.mode === 'check' ? 'train' : 'profile';
  try {
    if (opts.mode === 'check') {
      const result = await runSanityCheck({
        tf: backend.tf,
        model,
        report: analysed?.report,
        file,
        name,
        backend,
        steps: opts.steps,
        batchSize: opts.batchSize,
        lossFraction: opts.lossFraction,
        seed,
        // The budget counts from the worker's start; loading and building have used part of it.
        budgetMs: opts.budgetMs === undefined ? undefined : opts.budgetMs - (Date.now() - started),
        available,
        emit,
      });
      emit({ type: 'result', result });
      finish(result.passed ? 0 : 1);
    } else {
      const result = await profileModel({
        tf: backend.tf,
        model,
        report: analysed?.report,
        graph: analysed?.graph,
        file,
        name,
        backend,
        batchSizes: [1, opts.profileBatch ?? 8],
        repeats: opts.repeats,
        emit,
      });
      emit({ type: 'profile', result });
      finish(0);
    }
  } catch (e) {
    const err = toRunError(opts.mode === 'check' ? 'train' : 'profile', e, file);
    if (backend.name === 'wasm' && WASM_OOM.test(err.message)) {
      err.kind = 'out-of-memory';
      err.message = wasmOutOfMemory(model.countParams(), err.message);
    }
    fail(err);
  }
}

/** How wasm reports running out of its address space (a 32-bit heap: 4 GiB at most). */
const WASM_OOM = /memory access out of bounds|Cannot enlarge memory|Aborted\(OOM\)|Out of memory|could not allocate memory/i;

function wasmOutOfMemory(params: number, original: string): string {
  // Training keeps weights, their gradients and Adam's two moments: 16 bytes per parameter.
  const gib = (params * 16) / 2 ** 30;
  return (
    `the WebAssembly backend ran out of memory (${original}): its 32-bit heap (4 GiB at most) could not hold the training ` +
    `state of ${(params / 1e6).toFixed(1)}M parameters, about ${gib.toFixed(1)} GiB for weights, gradients and Adam's two moments ` +
    'plus the activations and temporaries of each step. Install @tensorflow/tfjs-node (or -gpu) in your project, or check a smaller model or batch (--batch).'
  );
}

// Registered before tfjs-backend-wasm loads: its Emscripten glue rethrows uncaught errors and
// would print its whole minified source. Ours report the error as an event and exit first.
process.on('uncaughtException', (e) => fail(toRunError('internal', e)));
process.on('unhandledRejection', (e) => fail(toRunError('internal', e)));
captureOutput();
guardExit();
watchParent();
void main();
