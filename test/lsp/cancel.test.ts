// A superseded analysis stops: the language server's worker reads a cancel cell shared with the
// main thread (analysis_service.ts) through the engine's cancellation token (charge()).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { AnalysisCancelled, analyzeSource } from '../../server/src/engine';
import { AnalysisFailed, AnalysisService } from '../../server/src/lsp/analysis_service';

/** Small to parse, long to interpret: the time goes where cancellation can reach it. */
function slowModel(layers: number): string {
  return `import * as tf from '@tensorflow/tfjs';
export function build() {
  const input = tf.input({ shape: [8] });
  let x = input;
  for (let i = 0; i < ${layers}; i++) x = tf.layers.dense({ units: 8, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}
`;
}
const TINY = `import * as tf from '@tensorflow/tfjs';
export function build() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  return m;
}
`;

test('the engine stops when its cancellation token fires, and runs to the end when it does not', () => {
  const text = slowModel(300);
  let reads = 0;
  assert.throws(() => analyzeSource(text, '/w/slow.ts', undefined, { cancellation: { get isCancellationRequested() { return ++reads > 3; } } }), AnalysisCancelled);
  const never = analyzeSource(text, '/w/slow.ts', undefined, { cancellation: { isCancellationRequested: false } });
  const plain = analyzeSource(text, '/w/slow.ts');
  assert.equal(never.models[0]!.report.totalParams, plain.models[0]!.report.totalParams);
  assert.equal(plain.models[0]!.report.totalParams, 8 * 8 + 8 + 300 * (8 * 8 + 8) - (8 * 8 + 8));
});

const WORKER = resolve(__dirname, '../../dist/server.js');

test('a newer version cancels the running analysis of the old one: the new hints do not wait for it', { skip: !existsSync(WORKER) && 'dist/server.js missing: npm run build' }, async () => {
  const service = new AnalysisService(WORKER, () => ({ maxSteps: 50_000_000, timeoutMs: 120_000 }), () => undefined);
  const scope = { roots: ['/w'] };
  try {
    // Warm the worker, then time the slow version alone (another document).
    await service.analyze('file:///w/warm.ts', 1, '/w/warm.ts', TINY, () => ({}), scope);
    const slow = slowModel(4000);
    let t0 = performance.now();
    await service.analyze('file:///w/alone.ts', 1, '/w/alone.ts', slow, () => ({}), scope);
    const alone = performance.now() - t0;

    const old = service.analyze('file:///w/a.ts', 1, '/w/a.ts', slow, () => ({}), scope);
    const oldOutcome = old.then(() => 'finished', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, Math.min(50, alone / 4))); // let the worker start on it
    t0 = performance.now();
    const fresh = await service.analyze('file:///w/a.ts', 2, '/w/a.ts', TINY, () => ({}), scope);
    const waited = performance.now() - t0;
    const o = await oldOutcome;
    assert.ok(o instanceof AnalysisFailed && o.stale, `the old version's analysis ${o === 'finished' ? 'ran to its end' : `failed otherwise: ${String(o)}`}`);
    assert.deepEqual(fresh.models, ['build']);
    // A ratio measured in one run: without cancellation the new version waits for most of `alone`.
    assert.ok(waited < alone / 3, `the new version waited ${waited.toFixed(0)} ms; the old one alone takes ${alone.toFixed(0)} ms`);
  } finally {
    service.dispose();
  }
});
