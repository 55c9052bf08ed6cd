/**
 * The supervisor against the real worker bundle: a normal run streams events and ends with a
 * result; cancel, timeout, a crash, running out of memory and an error in the user's code are each
 * reported with the last progress and the backend; the killed worker leaves no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCheck, startProfile, type SupervisorOptions } from '../../server/src/runtime/supervisor';
import type { WorkerEvent } from '../../protocol/worker';
import { repoRoot, workerBundle } from './worker_bundle';

const fixture = (f: string) => join(repoRoot, 'test/fixtures/runtime', f);
const base = (file: string, extra: Partial<SupervisorOptions> = {}): SupervisorOptions => ({
  workerPath: workerBundle(),
  trusted: true,
  file: fixture(file),
  backend: 'wasm',
  ...extra,
});

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Processes of a process group that still run (zombies are dead and only wait to be reaped). */
function liveInGroup(pgid: number): number[] {
  if (process.platform !== 'linux') return gone(-pgid) ? [] : [pgid];
  const live: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') live.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return live;
}

test('refuses to run in an untrusted workspace', () => {
  assert.throws(() => startCheck({ ...base('tiny_cnn.ts'), trusted: false }), /trusted/);
  assert.throws(() => startCheck({ ...base('tiny_cnn.ts'), workerPath: '/nonexistent/worker.js' }), /worker is missing/);
});

test('a check streams events in order and ends with a result', async () => {
  const events: WorkerEvent[] = [];
  const h = startCheck(base('tiny_cnn.ts', { steps: 4 }), (e) => events.push(e));
  const out = await h.done;
  assert.equal(out.reason, 'done', out.message);
  assert.ok(out.result);
  const types = events.map((e) => e.type);
  for (const t of ['started', 'backend', 'model', 'check', 'gradients', 'step', 'result', 'exit'] as const) assert.ok(types.includes(t), `no ${t} event`);
  assert.ok(types.indexOf('backend') < types.indexOf('step') && types.indexOf('step') < types.indexOf('result'));
  assert.equal(events.filter((e) => e.type === 'step').length, 4);
  assert.equal(out.result.losses.length, 5);
  assert.ok(gone(h.pid!));
});

test('cancel mid-run kills the worker and its process group', async () => {
  let h!: ReturnType<typeof startCheck>;
  let sawStep = false;
  h = startCheck(base('tiny_cnn.ts', { steps: 100_000 }), (e) => {
    if (e.type === 'step' && !sawStep) {
      sawStep = true;
      h.cancel();
    }
  });
  const out = await h.done;
  assert.equal(out.reason, 'cancelled');
  assert.equal(out.lastProgress?.type, 'step');
  assert.equal(out.backend?.backend, 'wasm');
  assert.match(out.message, /cancelled at overfit step \d+\/100000 .* on wasm/);
  assert.ok(gone(h.pid!), `worker ${h.pid} still alive`);
  assert.deepEqual(liveInGroup(h.pid!), [], `processes of group ${h.pid} still running`);
  h.cancel(); // harmless after the end
});

test('a worker whose supervisor is killed exits by itself', async () => {
  // A parent process that starts a long check, prints the worker's pid, and is then SIGKILLed:
  // the worker (in its own process group, so not killed with it) must notice and exit.
  const script = `
    const { startCheck } = require(${JSON.stringify(join(repoRoot, 'server/src/runtime/supervisor.ts'))});
    const h = startCheck(${JSON.stringify(base('tiny_cnn.ts', { steps: 100_000 }))}, (e) => {
      if (e.type === 'step' && e.step === 2) console.log('pid ' + h.pid);
    });`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((res) => parent.stdout!.on('data', (d: Buffer) => {
    const m = /pid (\d+)/.exec(String(d));
    if (m) res(Number(m[1]));
  }));
  assert.equal(gone(pid), false);
  parent.kill('SIGKILL');
  const t0 = Date.now();
  while (!gone(pid) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
  assert.ok(gone(pid) || liveInGroup(pid).length === 0, `worker ${pid} outlived its supervisor`);
  assert.ok(Date.now() - t0 < 10_000);
});

test('a builder that never returns hits the time limit', async () => {
  const h = startCheck(base('misbehaving.ts', { model: 'hangs', timeoutMs: 4000 }));
  const out = await h.done;
  assert.equal(out.reason, 'timeout');
  assert.match(out.message, /stopped after 4 s .*while building hangs on wasm/);
  assert.ok(gone(h.pid!));
  assert.deepEqual(liveInGroup(h.pid!), []);
});

test('a long check stops training at its time budget and still reports', async () => {
  // A timeout generous enough that a loaded CI machine still reports before the hard kill.
  const h = startCheck(base('tiny_cnn.ts', { steps: 100_000, timeoutMs: 12_000 }));
  const out = await h.done;
  assert.equal(out.reason, 'done', out.message);
  const overfit = out.result!.checks.find((c) => c.id === 'overfit')!;
  assert.match(overfit.message, /time limit, 100000 planned/);
});

test('a crash is reported with the signal and the last progress', async () => {
  const out = await startCheck(base('misbehaving.ts', { model: 'crashes' })).done;
  assert.equal(out.reason, 'crashed');
  assert.equal(out.signal, 'SIGABRT');
  assert.match(out.message, /crashed \(signal SIGABRT\) while building crashes on wasm/);
});

test('running out of memory is reported as such', async () => {
  const h = startCheck(base('misbehaving.ts', { model: 'eatsMemory', memoryMb: 300, timeoutMs: 60_000 }));
  const out = await h.done;
  assert.equal(out.reason, 'out-of-memory', out.message);
  assert.match(out.message, /ran out of memory \(limit 300 MiB\) while building eatsMemory on wasm/);
  assert.ok(gone(h.pid!));
});

test("an error in the user's code is reported with its line", async () => {
  const out = await startCheck(base('misbehaving.ts', { model: 'throws' })).done;
  assert.equal(out.reason, 'failed');
  assert.equal(out.error?.stage, 'build');
  assert.match(out.error!.message, /filters must be positive/);
  assert.equal(out.error?.file, fixture('misbehaving.ts'));
  assert.equal(out.error?.line, 32);
});

test("the user's prints become log events", async () => {
  const events: WorkerEvent[] = [];
  const out = await startCheck(base('misbehaving.ts', { model: 'chatty', steps: 2 }), (e) => events.push(e)).done;
  assert.equal(out.reason, 'done', out.message);
  const logs = events.filter((e) => e.type === 'log').map((e) => (e as { text: string }).text);
  assert.ok(logs.includes('building the model') && logs.includes('raw write'), JSON.stringify(logs));
});

test('a profile measures every layer at two batch sizes', async () => {
  const out = await startProfile(base('tiny_cnn.ts', { profileBatch: 4, repeats: 2 })).done;
  assert.equal(out.reason, 'done', out.message);
  const r = out.result!;
  assert.deepEqual(r.batchSizes, [1, 4]);
  assert.equal(r.layers.length, 6);
  assert.ok(r.layers.every((l) => l.layerIndex !== null && l.ms.length === 2 && l.ms.every((m) => m >= 0)));
  assert.ok(r.totalMs.every((m) => m > 0));
});

test('a profile reports progress: batch 1 arrives first as a partial result, progress counts every layer, repeats stop early', async () => {
  const events: WorkerEvent[] = [];
  const out = await startProfile(base('tiny_cnn.ts', { profileBatch: 4, repeats: 5 }), (e) => events.push(e)).done;
  assert.equal(out.reason, 'done', out.message);
  const progress = events.filter((e): e is Extract<WorkerEvent, { type: 'progress' }> => e.type === 'progress');
  assert.ok(progress.length >= 4, `${progress.length} progress events`);
  const total = progress[0]!.total;
  // Two batch sizes × (6 layers + the whole model).
  assert.equal(total, 2 * (6 + 1));
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.done >= progress[i - 1]!.done, 'progress never goes back');
  assert.equal(progress[progress.length - 1]!.done, total);
  assert.ok(progress.some((p) => /layer \d+ of 6/.test(p.message) || /batch 1/.test(p.message)), progress.map((p) => p.message).join(' | '));
  const profiles = events.filter((e): e is Extract<WorkerEvent, { type: 'profile' }> => e.type === 'profile');
  assert.equal(profiles.length, 2);
  assert.equal(profiles[0]!.partial, true);
  assert.deepEqual(profiles[0]!.result.batchSizes, [1]);
  assert.ok(profiles[0]!.result.layers.every((l) => l.ms.length === 1));
  assert.deepEqual(profiles[1]!.result.batchSizes, [1, 4]);
  assert.ok(!profiles[1]!.partial);
  // The first batch's numbers are the final result's first column.
  assert.deepEqual(profiles[1]!.result.totalMs[0], profiles[0]!.result.totalMs[0]);
  // Every measurement runs at least once and at most `repeats` times: 2 × (6 + 1) measurements.
  const runs = profiles[1]!.result.runs!;
  assert.ok(runs >= 14 && runs <= 14 * 5, `${runs} timed runs`);
});

test('a profile can be cancelled while it measures: the exit says so and no process is left', async () => {
  let handle!: ReturnType<typeof startProfile>;
  const events: WorkerEvent[] = [];
  handle = startProfile(base('tiny_cnn.ts', { profileBatch: 4 }), (e) => {
    events.push(e);
    if (e.type === 'progress') handle.cancel();
  });
  const out = await handle.done;
  assert.equal(out.reason, 'cancelled', out.message);
  assert.match(out.message, /cancelled while timing/);
  assert.equal(events[events.length - 1]!.type, 'exit');
  assert.ok(gone(handle.pid!));
});
