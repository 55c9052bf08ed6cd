/**
 * The report contract (docs/report.md, docs/report.schema.json) holds for what the built CLI
 * really prints: `convlens profile --json` on the examples, the fixture models and a model with
 * unknown sizes (null counts and dims), and `convlens lint --json` on broken and advised files.
 * (`convlens check --json` is validated in test/runtime/cli_check.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportValidator } from '../helpers/report_schema';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

function cli(args: string[]): unknown {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `convlens ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const profileFiles = [
  ...readdirSync(join(ROOT, 'examples')).map((f) => `examples/${f}`),
  ...readdirSync(join(ROOT, 'test/fixtures/models')).filter((f) => !f.startsWith('_')).map((f) => `test/fixtures/models/${f}`),
  'test/fixtures/report/unknowns.ts',
];

test('convlens profile --json matches the schema on every example and fixture model', () => {
  const validate = reportValidator('Report');
  let models = 0;
  for (const f of profileFiles) {
    const doc = cli(['profile', f, '--json']) as { models: unknown[] };
    assert.ok(validate(doc), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    models += doc.models.length;
  }
  assert.ok(models >= profileFiles.length, `${models} models`);
});

test('unknown sizes are null in the report, never 0 or a guess, and the schema accepts them', () => {
  const doc = cli(['profile', 'test/fixtures/report/unknowns.ts', '--json']) as {
    models: { totalParams: number | null; macs: number | null; activationBytes: number | null; outputShapes: (number | null)[][]; layers: { className: string; params: number | null; macs: number | null; outputShape: (number | null)[] | null }[] }[];
  };
  const m = doc.models.find((x) => x.layers.some((l) => l.className === 'Dense'))!;
  assert.ok(m, 'the model is analysed');
  const conv = m.layers.find((l) => l.className === 'Conv2D')!;
  const dense = m.layers.find((l) => l.className === 'Dense')!;
  assert.equal(conv.params, 448, 'a conv on open spatial dims still has known params');
  assert.deepEqual(conv.outputShape, [null, null, null, 16]);
  assert.equal(conv.macs, null, 'MACs need the spatial size');
  assert.equal(dense.params, null, 'the head width comes from a file');
  assert.equal(m.totalParams, null);
  assert.equal(m.macs, null);
  assert.equal(m.activationBytes, null);
  assert.ok(reportValidator('Report')(doc));
});

test('sizes the file names stay null with their expressions beside them, and the schema holds them (a malformed tree fails)', () => {
  type Doc = { models: { name: string; totalParams: number | null; totalParamsExpr?: { text: string; tree: unknown }; inputShapesExpr?: unknown[]; layers: { paramsExpr?: { text: string } }[] }[] };
  const doc = cli(['profile', 'test/realworld/fixtures/symbolic_sizes.ts', '--json']) as Doc;
  const validate = reportValidator('Report');
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3)));
  const reg = doc.models.find((m) => m.name === 'buildRegressor')!;
  assert.equal(reg.totalParams, null, 'the count stays a number or null');
  assert.equal(reg.totalParamsExpr?.text, '64·numFeatures + 129');
  assert.deepEqual(reg.inputShapesExpr, [[null, { text: 'numFeatures', tree: { sym: 'numFeatures' } }]]);
  assert.equal(reg.layers[0]!.paramsExpr?.text, '64·numFeatures + 64');
  // MACs: the dense layers' numFeatures·64 + 64·1 (dense and convolutions count, DESIGN.md).
  const withMacs = reg as typeof reg & { macs: number | null; macsExpr?: { text: string } };
  assert.equal(withMacs.macs, null);
  assert.equal(withMacs.macsExpr?.text, '64·numFeatures + 64');
  const bad = structuredClone(doc);
  (bad.models[0]!.totalParamsExpr as { tree: unknown }).tree = { op: 'floorDiv', args: [{ sym: 'h' }, 0] };
  assert.equal(validate(bad), false, 'a division by 0');
});

test('convlens lint --json matches the schema on broken files and on files with design advice', () => {
  const validate = reportValidator('LintOutput');
  const files = [
    ...readdirSync(join(ROOT, 'test/fixtures/broken')).map((f) => `test/fixtures/broken/${f}`),
    ...readdirSync(join(ROOT, 'test/fixtures/advice')).map((f) => `test/fixtures/advice/${f}`),
  ];
  const doc = cli(['lint', ...files, '--json']) as { diagnostics: { fix?: unknown }[] }[];
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(doc.length, files.length);
  assert.ok(doc.some((f) => f.diagnostics.some((d) => d.fix)), 'some findings carry a fix');
});

test('the schema rejects what the contract forbids (so the tests above can fail)', () => {
  const validate = reportValidator('Report');
  const good = cli(['profile', 'examples/vgg16.ts', '--json']) as { models: Record<string, unknown>[] };
  assert.ok(validate(good));
  const bad = (f: (m: Record<string, unknown>) => void) => {
    const d = structuredClone(good);
    f(d.models[0]!);
    return validate(d);
  };
  assert.equal(bad((m) => (m.totalParams = '138M')), false, 'a count as a string');
  assert.equal(bad((m) => delete m.macs), false, 'a missing count (null is the way to say unknown)');
  assert.equal(bad((m) => (m.kind = 'graph')), false, 'an unknown kind');
  assert.equal(bad((m) => ((m.layers as Record<string, unknown>[])[0]!.params = -1)), false, 'a negative count');
  assert.equal(bad((m) => ((m.layers as Record<string, unknown>[])[0]!.outputShape = [null, 1.5])), false, 'a fractional dim');
});

test('saved model files: convlens profile and lint --json match the schema (a tfjs model.json with a shard cut short, and an unreadable file)', async () => {
  const { mkdtempSync, rmSync, truncateSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const tf = await import('@tensorflow/tfjs');
  const { captureArtifacts, writeLayersModel } = await import('../helpers/saved_artifacts');
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'convlens-schema-'));
  try {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const w = writeLayersModel(dir, await captureArtifacts(model));
    model.dispose();
    truncateSync(join(dir, w.shards[0]!), 8);
    const profile = cli(['profile', w.modelJson, '--json']) as { models: unknown[]; diagnostics: { code: string }[] };
    assert.ok(reportValidator('Report')(profile), JSON.stringify(reportValidator('Report').errors?.slice(0, 3)));
    assert.equal(profile.models.length, 1);
    assert.ok(profile.diagnostics.some((d) => d.code === 'weights-shard'));
    const lint = cli(['lint', w.modelJson, join(ROOT, 'package.json'), '--json']);
    const validate = reportValidator('LintOutput');
    assert.ok(validate(lint), JSON.stringify(validate.errors?.slice(0, 3)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
