/**
 * Starts the training worker (dist/worker.js) as a child process and watches it: events in on a
 * private pipe (fd 3; stdout and stderr are only the user's prints, read in bounded lines), a time
 * cap, a memory cap on every process of the run (leash.ts: a cgroup where one is writable, else
 * RLIMIT_DATA inherited by children, and a watchdog on the run's total resident memory), cancel.
 * Every process the run started is killed when it ends, however it ends: no orphans. Used by the
 * CLI and the VS Code client alike, which pass the worker's path. Runs only when the caller says
 * the workspace is trusted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { decodeEvent, type CheckResult, type ExitReason, type PanelHandoff, type ProfileResult, type RunError, type WorkerEvent, type WorkerOptions } from '../../../protocol/worker';
import { createLeash, type MemoryCapKind } from './leash';

export interface SupervisorOptions extends Omit<WorkerOptions, 'mode' | 'budgetMs'> {
  /** Absolute path of dist/worker.js. */
  workerPath: string;
  /** The caller's statement that the workspace is trusted: the worker executes the user's code. */
  trusted: boolean;
  /** Wall-clock cap for the whole run (default 5 minutes; at most 2^31 - 1 ms, what timers take). */
  timeoutMs?: number;
  /** Memory cap in MiB for the whole run, every process included (default 4096). */
  memoryMb?: number;
  /** The Node binary (default process.execPath; in VS Code that is Electron, run as Node). */
  nodePath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunLimits {
  timeoutMs: number;
  /** The timeout asked for was longer than timers support and was shortened to timeoutMs. */
  timeoutClamped: boolean;
  memoryMb: number;
  /** How the memory cap is enforced on this machine (leash.ts). */
  memoryCap: MemoryCapKind;
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
  limits: RunLimits;
  /** Processes still running when the worker ended (a builder's background children), killed then. */
  reaped: number;
}

export interface CheckOutcome extends RunOutcome {
  result?: CheckResult;
  /** The worker chose a panel backend: the caller runs the check in the panel with this. */
  handoff?: PanelHandoff;
}
export interface ProfileOutcome extends RunOutcome {
  result?: ProfileResult;
}

export interface RunHandle<T> {
  done: Promise<T>;
  /** Kills the worker (and every process of the run). Safe to call more than once, or after it ended. */
  cancel(): void;
  pid: number | undefined;
  limits: RunLimits;
}

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_MEMORY_MB = 4096;
/** setTimeout's largest delay: a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** The user's output kept as log events, at most (the rest is counted, not kept). */
export const MAX_LOG_BYTES = 1024 * 1024;
/** Longest line of user output kept whole, and longest event line accepted. */
export const MAX_LOG_LINE = 8 * 1024;
export const MAX_EVENT_LINE = 16 * 1024 * 1024;

/** The timeout actually used for `ms`, and whether it had to be shortened. */
export function clampTimeout(ms: number): { ms: number; clamped: boolean } {
  if (!(ms > 0)) return { ms: DEFAULT_TIMEOUT_MS, clamped: false };
  return ms > MAX_TIMEOUT_MS ? { ms: MAX_TIMEOUT_MS, clamped: true } : { ms, clamped: false };
}

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

/**
 * Splits a stream into lines without ever holding more than `max` bytes of one: a longer line is
 * passed on cut (`cut` true) and the rest of it skipped, so a writer with no newline cannot grow us.
 */
export function boundedLines(stream: Readable, max: number, onLine: (line: string, cut: boolean) => void): void {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  stream.on('data', (chunk: Buffer) => {
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(10, from);
      const end = nl < 0 ? chunk.length : nl;
      if (!skipping) {
        const take = Math.min(end - from, max - size);
        if (take > 0) {
          parts.push(chunk.subarray(from, from + take));
          size += take;
        }
        if (end - from > take) {
          // Too long: deliver what fits, drop the rest of this line.
          onLine(Buffer.concat(parts, size).toString('utf8'), true);
          parts = [];
          size = 0;
          skipping = nl < 0;
        } else if (nl >= 0) {
          onLine(Buffer.concat(parts, size).toString('utf8'), false);
          parts = [];
          size = 0;
        }
      } else if (nl >= 0) skipping = false;
      from = nl < 0 ? chunk.length : nl + 1;
    }
  });
  stream.on('end', () => {
    if (size && !skipping) onLine(Buffer.concat(parts, size).toString('utf8'), false);
  });
}

function start<T extends CheckOutcome | ProfileOutcome>(mode: 'check' | 'profile', options: SupervisorOptions, onEvent: (e: WorkerEvent) => void): RunHandle<T> {
  if (!options.trusted) throw new Error('ConvLens runs the model only in a trusted workspace: it executes your code');
  if (!existsSync(options.workerPath)) throw new Error(`the training worker is missing: ${options.workerPath} (run \`npm run build\`)`);
  const { ms: timeoutMs, clamped: timeoutClamped } = clampTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
  const { workerPath, trusted: _t, timeoutMs: _to, memoryMb: _m, nodePath, env, cwd, ...rest } = options;
  // Leave the worker a fifth of the time (at most 30 s) to report after its training loop stops.
  const workerOptions: WorkerOptions = { ...rest, file: resolve(rest.file), mode, budgetMs: Math.max(1000, timeoutMs - Math.min(30_000, timeoutMs / 5)) };
  const t0 = Date.now();
  const leash = createLeash(memoryMb);
  const cmd = leash.command(nodePath ?? process.execPath, [`--max-old-space-size=${memoryMb}`, workerPath, JSON.stringify(workerOptions)]);
  const child: ChildProcess = spawn(cmd.cmd, cmd.args, {
    cwd: cwd ?? dirname(resolve(options.file)),
    env: { ...process.env, ...env, ...leash.env, ELECTRON_RUN_AS_NODE: '1', CONVLENS_SUPERVISED: '1', CONVLENS_EVENT_FD: '3' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  if (child.pid) leash.attach(child.pid);
  const limits: RunLimits = { timeoutMs, timeoutClamped, memoryMb, memoryCap: leash.memoryCap };

  let reason: ExitReason | undefined;
  let stderr = '';
  let lastProgress: WorkerEvent | undefined;
  let backend: RunOutcome['backend'];
  let error: RunError | undefined;
  let result: CheckResult | ProfileResult | undefined;
  let handoff: PanelHandoff | undefined;
  let exited = false;
  let reaped = 0;

  const kill = (why: ExitReason) => {
    reason ??= why;
    leash.reap();
  };

  const timer = setTimeout(() => kill('timeout'), timeoutMs);
  // Resident memory of the whole run, polled: V8's heap cap does not see wasm memory, tensor
  // buffers or the processes the user's code starts.
  const watchdog = setInterval(() => {
    if (exited) return;
    // Also records new descendants, so one that detaches later is still known.
    const rss = leash.residentMb();
    if (rss !== undefined && rss > memoryMb) kill('out-of-memory');
  }, 200);

  // A listener that throws must not take the supervisor (the CLI, the extension host) down with it.
  const deliver = (e: WorkerEvent) => {
    try {
      onEvent(e);
    } catch (err) {
      stderr = `${stderr}\n[convlens] event listener threw: ${(err as Error).message}`.slice(-8000);
    }
  };
  const onWorkerEvent = (e: WorkerEvent) => {
    // How the run ended is the supervisor's to say (it adds the one 'exit').
    if (e.type === 'exit') return;
    if (e.type === 'started') leash.confirm();
    if (e.type === 'step' || e.type === 'phase' || e.type === 'progress') lastProgress = e;
    else if (e.type === 'backend') backend = e;
    else if (e.type === 'error') error ??= e.error;
    else if (e.type === 'result' || e.type === 'profile') result = e.result;
    else if (e.type === 'handoff') handoff = e.handoff;
    deliver(e);
  };
  boundedLines(child.stdio[3] as Readable, MAX_EVENT_LINE, (line, cut) => {
    if (cut) return deliver({ type: 'log', level: 'warn', text: `[convlens] an event longer than ${MAX_EVENT_LINE} bytes was dropped` });
    if (line.trim()) onWorkerEvent(decodeEvent(line));
  });
  // The user's own output (and native libraries'): log events, each line and the total capped.
  let logBytes = 0;
  let dropped = 0;
  const userLine = (level: 'log' | 'error') => (line: string, cut: boolean) => {
    if (level === 'error') stderr = `${stderr}${line}\n`.slice(-8000);
    if (!line.trim()) return;
    if (logBytes >= MAX_LOG_BYTES) {
      dropped += line.length;
      return;
    }
    logBytes += line.length;
    deliver({ type: 'log', level, text: cut ? `${line} … (line cut at ${MAX_LOG_LINE} bytes)` : line });
    if (logBytes >= MAX_LOG_BYTES) deliver({ type: 'log', level: 'warn', text: `[convlens] the model printed more than ${MAX_LOG_BYTES / 1024 / 1024} MB; further output is not shown` });
  };
  boundedLines(child.stdout!, MAX_LOG_LINE, userLine('log'));
  boundedLines(child.stderr!, MAX_LOG_LINE, userLine('error'));
  child.stdin!.on('error', () => {}); // EPIPE when the worker is already gone

  const done = new Promise<T>((resolveDone) => {
    let closed = false;
    const end = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      child.stdin!.destroy();
      // The worker is gone: whatever it started goes too (a normal end included).
      reaped += leash.reap();
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        if (!reason) {
          const oomText = /heap out of memory|Reached heap limit|Allocation failed|Cannot enlarge memory|Array buffer allocation failed|could not allocate memory|OOM/i;
          // The worker reports an error or a result, never both: a result next to an error (or
          // before an exit code saying otherwise) was written by the user's code, not by the worker.
          const expectedCode = result && 'passed' in result ? (result.passed ? 0 : 1) : 0;
          if ((result || handoff) && !error && code === expectedCode) reason = 'done';
          else if (leash.oomKilled() || error?.kind === 'out-of-memory' || oomText.test(stderr) || (error && oomText.test(error.message))) reason = 'out-of-memory';
          else if (error) reason = 'failed';
          else if (code === 0) {
            // Exit 0 with no result and no error: the process was ended from inside (process.reallyExit, a native exit).
            error = { stage: 'build', message: 'the worker exited (code 0) before reporting: did your code end the process (process.exit)?' };
            reason = 'failed';
          } else reason = 'crashed';
        }
        leash.dispose();
        const outcome = {
          reason,
          message: describeOutcome(reason, { timeoutMs, memoryMb, handoff: handoff?.backend, lastProgress, backend, error, code, signal, stderr }),
          exitCode: code,
          signal,
          ...(error ? { error } : {}),
          ...(lastProgress ? { lastProgress } : {}),
          ...(backend ? { backend } : {}),
          ...(result && reason === 'done' ? { result } : {}),
          ...(handoff ? { handoff } : {}),
          stderrTail: stderr.slice(-2000),
          durationMs: Date.now() - t0,
          limits: { ...limits, memoryCap: leash.memoryCap },
          reaped,
        } as T;
        deliver({ type: 'exit', code, signal, reason });
        resolveDone(outcome);
      };
      // Every line of the pipes is read once they close; a pipe held open by a process that
      // escaped the reap must not hold the outcome back.
      if (closed) settle();
      else {
        const grace = setTimeout(() => {
          for (const s of [child.stdout, child.stderr, child.stdio[3]]) (s as Readable | null)?.destroy();
          settle();
        }, 2000);
        child.once('close', () => {
          clearTimeout(grace);
          settle();
        });
      }
    };
    child.on('error', (e) => {
      error ??= { stage: 'internal', message: `could not start the worker: ${e.message}` };
      closed = true;
      end(null, null);
    });
    child.on('close', () => (closed = true));
    child.on('exit', (code, signal) => end(code, signal));
  });

  return { done, cancel: () => kill('cancelled'), pid: child.pid, limits };
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
  c: { timeoutMs: number; memoryMb: number; handoff?: string; lastProgress?: WorkerEvent; backend?: RunOutcome['backend']; error?: RunError; code: number | null; signal: string | null; stderr: string },
): string {
  const on = c.backend ? ` on ${c.backend.backend}` : '';
  const where = progressText(c.lastProgress);
  switch (reason) {
    case 'done':
      return c.handoff ? `handed to the panel (${c.handoff})` : `finished${on}`;
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
