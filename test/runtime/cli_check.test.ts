/**
 * `convlens check` end to end (worker process included): JSON and human output, exit codes, the
 * bundled examples, and errors in the user's file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkCommand } from '../../server/src/cli/check';
import { repoRoot, workerBundle } from './worker_bundle';
import { reportValidator } from '../helpers/report_schema';

async function run(args: string[], flags: Record<string, string | true>): Promise<{ code: number; out: string; err: string }> {
  process.env.CONVLENS_WORKER = workerBundle();
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log, error = console.error, write = process.stderr.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await checkCommand(args.map((a) => join(repoRoot, a)), new Map(Object.entries(flags)));
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

test('--json on a healthy model: exit 0 and the documented fields', async () => {
  const r = await run(['test/fixtures/runtime/tiny_cnn.ts'], { json: true, steps: '25', batch: '8' });
  assert.equal(r.code, 0, r.out);
  const j = JSON.parse(r.out);
  const validate = reportValidator('CheckOutput');
  assert.ok(validate(j), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(j.seed, 1, 'the default seed is reported');
  // auto: wasm here; tfjs-node(-gpu) where ConvLens's optional dependencies installed.
  assert.ok(['wasm', 'tfjs-node', 'tfjs-node-gpu'].includes(j.backend), j.backend);
  assert.equal(j.passed, true);
  assert.deepEqual(j.checks.map((c: { id: string }) => c.id), ['forward-shape', 'finite-output', 'initial-loss', 'overfit', 'gradient-flow', 'throughput']);
  assert.ok(j.checks.every((c: { passed: boolean; message: string }) => c.passed && c.message.length > 10));
  assert.equal(j.losses.length, 26);
  assert.ok(j.imagesPerSecond > 0);
  assert.deepEqual(Object.keys(j.gradients[0]).filter((k) => ['layerIndex', 'range', 'norm'].includes(k)).sort(), ['layerIndex', 'norm', 'range']);
  assert.deepEqual(j.backendDiagnosis.map((l: string) => l.split(':')[0]), ['tfjs-node-gpu', 'webgpu', 'webgl', 'tfjs-node', 'wasm', 'cpu', 'webgpu-node']);
  assert.ok(j.backendDiagnosis.some((l: string) => l.startsWith(`${j.backend}: used`)));
  // The command line has no panel: the panel's GPU backends say so rather than vanish.
  for (const b of ['webgpu', 'webgl']) assert.match(j.backendDiagnosis.find((l: string) => l.startsWith(`${b}:`)), /ConvLens panel in VS Code; the command line has no panel/);
  assert.equal(j.outcome.reason, 'done');
});

test('a model that cannot learn: exit 1 and a verdict per check', async () => {
  const r = await run(['test/fixtures/runtime/cannot_learn.ts'], { model: 'deadRelu', steps: '10', batch: '8', backend: 'wasm' });
  assert.equal(r.code, 1);
  assert.match(r.out, /^ConvLens check: .*cannot_learn\.ts › deadRelu$/m);
  assert.match(r.out, /^Backend: wasm \(cpu\)$/m);
  assert.match(r.out, /^PASS {2}Output shape/m);
  assert.match(r.out, /^FAIL {2}Overfit one batch +The loss only fell from/m);
  assert.match(r.out, /^FAIL {2}Gradient flow +.*dead \(zero gradient\)/m);
  assert.match(r.out, /conv2d_Conv2D\d+:24 .* dead/);
  assert.match(r.out, /2 of 6 checks failed\./);
  assert.match(r.err, /step 10\/10 +loss/);
});

test('the bundled examples run', async () => {
  const r = await run(['examples/resnet20_cifar.ts'], { json: true, steps: '2', batch: '4', backend: 'wasm' });
  const j = JSON.parse(r.out);
  assert.equal(j.model, 'resnet20');
  assert.equal(j.checks.find((c: { id: string }) => c.id === 'forward-shape').status, 'pass');
  assert.equal(j.checks.find((c: { id: string }) => c.id === 'gradient-flow').status, 'pass');
  assert.equal(j.gradients.length, 43);
  assert.ok(j.gradients.every((g: { layerIndex: number | null }) => g.layerIndex !== null));
});

test("an error in the user's file: exit 2, with file and line", async () => {
  const r = await run(['test/fixtures/runtime/misbehaving.ts'], { model: 'throws', backend: 'wasm' });
  assert.equal(r.code, 2);
  assert.match(r.out, /Could not complete: could not run \(build\): filters must be positive at .*misbehaving\.ts:32/);
  const j = JSON.parse((await run(['test/fixtures/runtime/misbehaving.ts'], { model: 'throws', backend: 'wasm', json: true })).out);
  assert.equal(j.passed, false);
  assert.ok(reportValidator('CheckOutput')(j), 'a run that could not finish still matches the contract');
  assert.equal(j.outcome.reason, 'failed');
  assert.equal(j.outcome.error.line, 32);
});

test('--backend webgl on the command line: exit 2, saying it runs in the panel', async () => {
  const r = await run(['test/fixtures/runtime/tiny_cnn.ts'], { backend: 'webgl' });
  assert.equal(r.code, 2);
  assert.match(r.out, /the webgl backend runs in a Web Worker of the ConvLens panel in VS Code; the command line has no panel/);
});

test('bad usage: exit 2', async () => {
  assert.equal((await run([], {})).code, 2);
  assert.equal((await run(['test/fixtures/runtime/tiny_cnn.ts'], { backend: 'tpu' })).code, 2);
  assert.equal((await run(['test/fixtures/runtime/tiny_cnn.ts'], { steps: 'many' })).code, 2);
  assert.equal((await run(['test/fixtures/runtime/nope.ts'], {})).code, 2);
  assert.equal((await run(['test/fixtures/runtime/tiny_cnn.ts'], { seed: '-1' })).code, 2);
});

test('--root is where the code runs: the worker reads an import from a sibling folder and pairs every layer', async () => {
  const root = join(repoRoot, 'test/fixtures/runtime/rooted');
  const r = await run(['test/fixtures/runtime/rooted/app/model.ts'], { json: true, steps: '5', batch: '8', backend: 'wasm', root });
  const j = JSON.parse(r.out);
  assert.equal(j.outcome.reason, 'done', j.outcome.message);
  // Pairing needs the engine's layers, which need UNITS from ../shared: null pairs mean the import was refused.
  assert.deepEqual(j.gradients.map((g: { layerIndex: number | null }) => g.layerIndex), [0, 1, 2]);
  assert.ok(j.gradients.every((g: { file?: string }) => g.file === undefined || g.file.endsWith('.ts')));
});
