/**
 * `convlens profile` as text: what the JSON report says, a person reads in the table — variants by
 * their conditions, and counts that depend on open sizes as their expressions, never a bare '?'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Report } from '../../server/src/engine';

const ROOT = resolve(__dirname, '../..');
const CLI = resolve(ROOT, 'dist/cli.js');

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('each variant is a table headed by its conditions, the default one marked', () => {
  const file = 'test/realworld/fixtures/switch_model_type.ts';
  const report = JSON.parse(run(['profile', file, '--json'])) as Report;
  const heads = run(['profile', file]).split('\n').filter((l) => l.startsWith('Model: '));
  assert.equal(heads.length, report.models.length);
  report.models.forEach((m, i) => {
    assert.ok(m.variant, `${m.name} is a variant`);
    assert.ok(heads[i]!.startsWith(`Model: "${m.name}" [${m.variant!.label}]${m.variant!.default ? " (the file's defaults)" : ''} (`), heads[i]);
  });
});

test('params, MACs and shapes that depend on open sizes read as their expressions', () => {
  const file = 'test/realworld/fixtures/symbolic_sizes.ts';
  const report = JSON.parse(run(['profile', file, '--json', '--model', 'buildRegressor'])) as Report;
  const m = report.models[0]!;
  assert.ok(m.totalParamsExpr && m.macsExpr, 'the report has expressions');
  const text = run(['profile', file, '--model', 'buildRegressor']);
  assert.match(text, new RegExp(`^Total params: ${escape(m.totalParamsExpr.text)}$`, 'm'));
  assert.match(text, new RegExp(`^MACs \\(batch 1\\): ${escape(m.macsExpr.text)};`, 'm'));
  const first = m.layers[0]!;
  assert.ok(text.includes(first.paramsExpr!.text), `the first layer's params ${first.paramsExpr!.text}`);
  assert.ok(!/^Total params: \?/m.test(text));
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
