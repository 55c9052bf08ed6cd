/**
 * Issue 12, item 2: every process a check starts stays on the leash. Builders that leave children
 * behind (plain, detached, in their own session), a child that allocates far past the memory cap,
 * a flood of output with no newline, a forged result line, process.exit(0), and a timeout past what
 * timers take: each ends with the right outcome and nothing left running.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_LOG_BYTES, MAX_TIMEOUT_MS, startCheck, type SupervisorOptions } from '../../server/src/runtime/supervisor';
import { createLeash } from '../../server/src/runtime/leash';
import type { WorkerEvent } from '../../protocol/worker';
import { repoRoot, workerBundle } from './worker_bundle';

const linux = process.platform === 'linux';
const fixture = (f: string) => join(repoRoot, 'test/fixtures/runtime', f);
// Unique per run, so the processes found are this test's (sleep takes fractional seconds).
const MARK = String(process.pid);
const dir = mkdtempSync(join(tmpdir(), 'convlens-leash-'));
const base = (model: string, extra: Partial<SupervisorOptions> = {}): SupervisorOptions => ({
  workerPath: workerBundle(),
  trusted: true,
  file: fixture('misbehaving.ts'),
  backend: 'wasm',
  model,
  steps: 2,
  env: { CONVLENS_TEST_MARK: MARK },
  ...extra,
});

/** Live (not zombie) processes whose command line mentions `text`. */
function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (cmd.includes(text) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

after(() => {
  // Should a test fail, do not leave its sleepers running: only the ones with this run's mark.
  if (linux) for (const pid of processesWith(`.${MARK}`).filter((p) => p !== process.pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a normal end reaps what the builder left running: a plain child, a detached one, one in its own session', { skip: !linux && 'Linux /proc' }, async () => {
  const out = await startCheck(base('spawnsSleepers')).done;
  assert.equal(out.reason, 'done', out.message);
  assert.ok(out.result?.passed !== undefined);
  assert.deepEqual(processesWith(`777.${MARK}`), [], 'the plain child survived');
  assert.deepEqual(processesWith(`778.${MARK}`), [], 'the detached child survived');
  assert.deepEqual(processesWith(`780.${MARK}`), [], 'the setsid child survived');
  // Exactly the three sleepers: a process killed in one round and still dying in the next is one process.
  assert.equal(out.reaped, 3, `reaped ${out.reaped}`);
});

test('when the supervisor itself is killed, the worker takes what the builder started along', { skip: !linux && 'Linux /proc' }, async () => {
  const mark = `${MARK}1`;
  const script = `
    const { startCheck } = require(${JSON.stringify(join(repoRoot, 'server/src/runtime/supervisor.ts'))});
    const h = startCheck(${JSON.stringify({ ...base('spawnsSleepers', { steps: 100_000 }), env: { CONVLENS_TEST_MARK: mark } })}, (e) => {
      if (e.type === 'step' && e.step === 2) console.log('pid ' + h.pid);
    });`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((res) =>
    parent.stdout!.on('data', (d: Buffer) => {
      const m = /pid (\d+)/.exec(String(d));
      if (m) res(Number(m[1]));
    }),
  );
  assert.ok(processesWith(`777.${mark}`).length > 0, 'the sleepers should be running before the supervisor dies');
  parent.kill('SIGKILL');
  // Bounded wait (the worker polls its parent every second): not a timing assertion.
  for (let i = 0; i < 100 && processesWith(`.${mark}`).concat(processesWith(String(pid))).length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(processesWith(`.${mark}`).map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8')), [], 'sleepers outlived the run');
});

for (const cgroup of [true, false]) {
  test(`a child allocating 974 MB stays under a 512 MiB cap (${cgroup ? 'cgroup where writable' : 'RLIMIT_DATA'})`, { skip: !linux && 'Linux' }, async () => {
    const progress = join(dir, `child-${cgroup}.txt`);
    const prev = process.env.CONVLENS_NO_CGROUP;
    if (!cgroup) process.env.CONVLENS_NO_CGROUP = '1';
    let out;
    try {
      out = await startCheck(base('childEatsMemory', { memoryMb: 512, env: { CONVLENS_TEST_MARK: MARK, CONVLENS_TEST_OUT: progress } })).done;
    } finally {
      if (prev === undefined) delete process.env.CONVLENS_NO_CGROUP;
      else process.env.CONVLENS_NO_CGROUP = prev;
    }
    // The child appends each 2 MB it holds; it may be killed mid-write.
    const reached = Math.max(0, ...readFileSync(progress, 'utf8').split('\n').filter(Boolean).map(Number));
    if (!cgroup) assert.equal(out.limits.memoryCap, 'rlimit-data');
    // Under the cap whichever way it was enforced: the child's allocation failed, or the kernel or
    // the watchdog stopped the run as out of memory. Either way it never held the 974 MB.
    assert.ok(reached <= 512, `the child reached ${reached} MB (${out.limits.memoryCap})`);
    assert.ok(['done', 'out-of-memory'].includes(out.reason), `${out.reason}: ${out.message}`);
    console.log(`  memory cap ${out.limits.memoryCap}: the child stopped at ${reached} MB; outcome ${out.reason}`);
  });
}

test('300 MB on stdout with no newline: read in bounded pieces, the run still ends', async () => {
  const events: WorkerEvent[] = [];
  const rss0 = process.memoryUsage().rss;
  const out = await startCheck(base('floods'), (e) => events.push(e)).done;
  const grew = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.equal(out.reason, 'done', out.message);
  const logBytes = events.filter((e) => e.type === 'log').reduce((n, e) => n + (e as { text: string }).text.length, 0);
  assert.ok(logBytes <= MAX_LOG_BYTES + 64 * 1024, `${logBytes} bytes of log kept`);
  // The supervisor (this process) held at most a line's worth of it; a 300 MB string would show.
  assert.ok(grew < 150, `the supervisor grew by ${grew.toFixed(0)} MB`);
});

test('a builder printing a line shaped like a passing result cannot forge one', async () => {
  const out = await startCheck(base('forgesResult')).done;
  assert.equal(out.reason, 'failed', out.message);
  assert.equal(out.result, undefined);
  assert.match(out.error!.message, /the real outcome: this builder fails/);
});

test('forged results written on the event pipe itself: a run that then fails keeps no result, a malformed one is dropped', async () => {
  const events: WorkerEvent[] = [];
  const out = await startCheck(base('forgesOnEventPipe'), (e) => events.push(e)).done;
  assert.equal(out.reason, 'failed', out.message);
  assert.equal(out.result, undefined, 'a result counts only for a run that ended as the worker does after a real one');
  assert.match(out.error!.message, /the real outcome: this builder fails/);
  assert.ok(events.every((e) => e.type !== 'result' || typeof e.result === 'object'), 'the malformed result reached the listener');
  assert.ok(events.some((e) => e.type === 'result' && e.result.model === 'forged'), 'the well-formed forgery is passed on (it cannot be told apart), but does not count');
  assert.ok(events.some((e) => e.type === 'log' && /malformed 'result' event was dropped/.test(e.text)));
});

test('process.exit(0) in the builder: "your code called process.exit", not a crash', async () => {
  const out = await startCheck(base('exitsZero')).done;
  assert.equal(out.reason, 'failed', out.message);
  assert.match(out.message, /your code called process\.exit\(0\) while building the model/);
  assert.equal(out.error?.file, fixture('misbehaving.ts'));
  assert.doesNotMatch(out.message, /crashed/);
});

test('a timeout longer than timers take is clamped and said so, not fired at once', async () => {
  const h = startCheck({ ...base('spawnsSleepers'), file: fixture('tiny_cnn.ts'), model: undefined, timeoutMs: 2_147_484 * 1000 });
  assert.equal(h.limits.timeoutClamped, true);
  assert.equal(h.limits.timeoutMs, MAX_TIMEOUT_MS);
  const out = await h.done;
  assert.equal(out.reason, 'done', out.message);
});

test('no cgroup of a finished run is left behind (ours removed, a killed supervisor\'s swept by the next run)', { skip: !linux && 'Linux' }, async () => {
  createLeash(64).dispose(); // sweeps stale ones, like any run does
  const own = /^\d+:memory:(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
  if (own === undefined) return;
  const parent = `/sys/fs/cgroup/memory${own === '/' ? '' : own}`;
  const left = () => {
    try {
      // Ours, or of a supervisor that is gone; a live one elsewhere (another test run) may hold its own.
      return readdirSync(parent).filter((n) => {
        const pid = Number(/^convlens-(\d+)-/.exec(n)?.[1]);
        if (!pid) return false;
        if (pid === process.pid) return true;
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      });
    } catch {
      return [];
    }
  };
  // Bounded wait: removal is retried while killed processes leave the cgroup.
  for (let i = 0; i < 50 && left().length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(left(), []);
});

test('the leash names how memory is capped here', { skip: !linux && 'Linux' }, () => {
  const l = createLeash(256);
  try {
    assert.ok(['cgroup-v1', 'cgroup-v2', 'rlimit-data'].includes(l.memoryCap), l.memoryCap);
    const cmd = l.command('/bin/true', []);
    assert.equal(cmd.cmd, '/bin/sh');
    assert.deepEqual(cmd.args.slice(-1), ['/bin/true']);
  } finally {
    l.dispose();
  }
});
