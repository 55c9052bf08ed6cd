/**
 * Starts the training worker (dist/worker.js) as a child process and watches it: JSON events in,
 * a time cap, a memory cap (V8's --max-old-space-size for the JS heap, and a resident-memory
 * watchdog for what lives outside it: wasm memory, tensor buffers, native TensorFlow), cancel.
 * The worker runs in its own process group, so killing the group also ends anything it started
 * (the child that probes a native tfjs package): no orphans. Used by the CLI and the VS Code client
 * alike, which pass the worker's path. Runs only when the caller says the workspace is trusted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decodeEvent, type CheckResult, type ExitReason, type ProfileResult, type RunError, type WorkerEvent, type WorkerOptions } from '../../../protocol/worker';

export interface SupervisorOptions extends Omit<WorkerOptions, 'mode' | 'budgetMs'> {
  /** Absolute path of dist/worker.js. */
  workerPath: string;
  /** The caller's statement that the workspace is trusted: the worker executes the user's code. */
  trusted: boolean;
  /** Wall-clock cap for the whole run (default 5 minutes). */
  timeoutMs?: number;
  /** Memory cap in MiB for the worker (default 4096). */
  memoryMb?: number;
  /** The Node binary (default process.execPath; in VS Code that is Electron, run as Node). */
  nodePath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunOutcome {
  reason: ExitReason;
  /** One sentence for people: what happened, with the last progress and the backend. */
  message: string;
  exitCode: number | null;
  signal: string | null;
  error?: RunError;
  /** The last `step`, `phase` or `progress` event seen: where it was when it stopped. */
  lastProgress?: WorkerEvent;
  backend?: Extract<WorkerEvent, { type: 'backend' }>;
  /** The end of the worker's stderr (native libraries log there). */
  stderrTail: string;
  durationMs: number;
}

export interface CheckOutcome extends RunOutcome {
  result?: CheckResult;
}
export interface ProfileOutcome extends RunOutcome {
  result?: ProfileResult;
}

export interface RunHandle<T> {
  done: Promise<T>;
  /** Kills the worker (and its process group). Safe to call more than once, or after it ended. */
  cancel(): void;
  pid: number | undefined;
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_MEMORY_MB = 4096;

export function startCheck(options: SupervisorOptions, onEvent: (e: WorkerEvent) => void = () => {}): RunHandle<CheckOutcome> {
  return start('check', options, onEvent);
}

export function startProfile(options: SupervisorOptions, onEvent: (e: WorkerEvent) => void = () => {}): RunHandle<ProfileOutcome> {
  return start('profile', options, onEvent);
}

/** Default worker location next to a bundle in dist/ (the CLI's and the client's). */
export function defaultWorkerPath(fromDir: string): string {
  return resolve(fromDir, 'worker.js');
}

function start<T extends CheckOutcome | ProfileOutcome>(mode: 'check' | 'profile', options: SupervisorOptions, onEvent: (e: WorkerEvent) => void): RunHandle<T> {
  if (!options.trusted) throw new Error('ConvLens runs the model only in a trusted workspace: it executes your code');
  if (!existsSync(options.workerPath)) throw new Error(`the training worker is missing: ${options.workerPath} (run \`npm run build\`)`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
  const { workerPath, trusted: _t, timeoutMs: _to, memoryMb: _m, nodePath, env, cwd, ...rest } = options;
  // Leave the worker a fifth of the time (at most 30 s) to report after its training loop stops.
  const workerOptions: WorkerOptions = { ...rest, file: resolve(rest.file), mode, budgetMs: Math.max(1000, timeoutMs - Math.min(30_000, timeoutMs / 5)) };
  const t0 = Date.now();
  const child: ChildProcess = spawn(nodePath ?? process.execPath, [`--max-old-space-size=${memoryMb}`, workerPath, JSON.stringify(workerOptions)], {
    cwd: cwd ?? dirname(resolve(options.file)),
    env: { ...process.env, ...env, ELECTRON_RUN_AS_NODE: '1', CONVLENS_SUPERVISED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });

  let reason: ExitReason | undefined;
  let stderr = '';
  let lastProgress: WorkerEvent | undefined;
  let backend: RunOutcome['backend'];
  let error: RunError | undefined;
  let result: CheckResult | ProfileResult | undefined;
  let exited = false;

  const kill = (why: ExitReason) => {
    reason ??= why;
    if (exited) return;
    try {
      if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };

  const timer = setTimeout(() => kill('timeout'), timeoutMs);
  // Resident memory, polled: V8's heap cap does not see wasm memory or tensor buffers.
  const watchdog = setInterval(() => {
    const rss = residentMb(child.pid);
    if (rss !== undefined && rss > memoryMb) kill('out-of-memory');
  }, 250);

  // A listener that throws must not take the supervisor (the CLI, the extension host) down with it.
  const deliver = (e: WorkerEvent) => {
    try {
      onEvent(e);
    } catch (err) {
      stderr = `${stderr}\n[convlens] event listener threw: ${(err as Error).message}`.slice(-8000);
    }
  };
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const lineText = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!lineText.trim()) continue;
      const e = decodeEvent(lineText);
      if (e.type === 'step' || e.type === 'phase' || e.type === 'progress') lastProgress = e;
      else if (e.type === 'backend') backend = e;
      else if (e.type === 'error') error = e.error;
      else if (e.type === 'result' || e.type === 'profile') result = e.result;
      deliver(e);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  child.stdin!.on('error', () => {}); // EPIPE when the worker is already gone

  const done = new Promise<T>((resolveDone) => {
    const end = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      child.stdin!.destroy();
      if (!reason) {
        if (result && (code === 0 || code === 1)) reason = 'done';
        else if (error?.kind === 'out-of-memory' || /heap out of memory|Reached heap limit|Allocation failed|Cannot enlarge memory|Array buffer allocation failed|OOM/i.test(stderr)) reason = 'out-of-memory';
        else if (error) reason = 'failed';
        else reason = 'crashed';
      }
      const outcome = {
        reason,
        message: describeOutcome(reason, { timeoutMs, memoryMb, lastProgress, backend, error, code, signal, stderr }),
        exitCode: code,
        signal,
        ...(error ? { error } : {}),
        ...(lastProgress ? { lastProgress } : {}),
        ...(backend ? { backend } : {}),
        ...(result ? { result } : {}),
        stderrTail: stderr.slice(-2000),
        durationMs: Date.now() - t0,
      } as T;
      deliver({ type: 'exit', code, signal, reason });
      resolveDone(outcome);
    };
    child.on('error', (e) => {
      error ??= { stage: 'internal', message: `could not start the worker: ${e.message}` };
      end(null, null);
    });
    // 'close' (not 'exit'): every line of stdout has been read by then.
    child.on('close', (code, signal) => end(code, signal));
  });

  return { done, cancel: () => kill('cancelled'), pid: child.pid };
}

/** Resident set size in MiB (Linux /proc; elsewhere the V8 heap cap is the only limit). */
function residentMb(pid: number | undefined): number | undefined {
  if (!pid || process.platform !== 'linux') return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function progressText(e: WorkerEvent | undefined): string {
  if (!e) return 'before it reported any progress';
  if (e.type === 'step') return `at overfit step ${e.step}/${e.total} (loss ${e.loss.toPrecision(3)})`;
  if (e.type === 'phase') return `while ${e.message}`;
  if (e.type === 'progress') return `while timing ${e.message} (${e.done}/${e.total})`;
  return '';
}

export function describeOutcome(
  reason: ExitReason,
  c: { timeoutMs: number; memoryMb: number; lastProgress?: WorkerEvent; backend?: RunOutcome['backend']; error?: RunError; code: number | null; signal: string | null; stderr: string },
): string {
  const on = c.backend ? ` on ${c.backend.backend}` : '';
  const where = progressText(c.lastProgress);
  switch (reason) {
    case 'done':
      return `finished${on}`;
    case 'cancelled':
      return `cancelled ${where}${on}`;
    case 'timeout':
      return `stopped after ${Math.round(c.timeoutMs / 1000)} s (the time limit) ${where}${on}; raise the limit or use fewer steps / a faster backend`;
    case 'out-of-memory':
      if (c.error?.kind === 'out-of-memory') return `ran out of memory ${where}${on}: ${c.error.message}`;
      return `ran out of memory (limit ${c.memoryMb} MiB) ${where}${on}; use a smaller batch (--batch) or raise the limit`;
    case 'failed':
      return `could not run (${c.error?.stage}): ${c.error?.message}${c.error?.file ? ` at ${c.error.file}:${c.error.line}` : ''}`;
    default: {
      const tail = c.stderr.trim().split('\n').filter((l) => l.trim()).slice(-1)[0]?.slice(0, 300);
      return `the worker crashed (${c.signal ? `signal ${c.signal}` : `exit code ${c.code}`}) ${where}${on}${tail ? `: ${tail}` : ''}`;
    }
  }
}
