/**
 * Paths split by a condition that does not touch a model (a route's input check deciding whether
 * another model is built) do not make that model a variant: it is reported once, unlabelled, with
 * tfjs's numbers. A builder whose paths make different models still gets its variants.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const SRC = `import * as tf from '@tensorflow/tfjs';
export function buildScorer() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [6], units: 4, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}
export function buildTagger(kind) {
  const m = tf.sequential();
  if (kind === 'wide') m.add(tf.layers.dense({ inputShape: [6], units: 32 }));
  else m.add(tf.layers.dense({ inputShape: [6], units: 8 }));
  return m;
}
export function mount(app) {
  app.post('/tag', (req, res) => {
    if (!req.body.kind) return res.status(400).json({ error: 'kind?' });
    res.json({ params: buildTagger(req.body.kind).countParams() });
  });
  app.post('/score', (req, res) => {
    res.json({ params: buildScorer().countParams() });
  });
}`;

test('a model the other paths\' condition does not touch is one report, not variants; the varying builder keeps its variants', async () => {
  const r = analyzeSource(SRC, '/virtual/routes.js');
  const scorers = r.models.filter((m) => m.report.name === 'buildScorer').map((m) => m.report);
  assert.equal(scorers.length, 1, `buildScorer reported ${scorers.length} times: ${scorers.map((s) => JSON.stringify(s.variant?.label)).join(', ')}`);
  assert.equal(scorers[0]!.variant, undefined);
  await tfjs();
  const mod = loadModuleFromText(SRC, undefined, 'js') as Record<string, (...a: unknown[]) => never>;
  assert.deepEqual(statedMismatches(scorers[0]!, mod.buildScorer!()), []);
  const taggers = r.models.filter((m) => m.report.name === 'buildTagger').map((m) => m.report);
  for (const kind of ['wide', 'narrow']) {
    const t = taggers.find((x) => (kind === 'wide' ? /= 'wide'/ : /≠ 'wide'/).test(x.variant?.label ?? ''));
    assert.ok(t, `no ${kind} variant among ${taggers.map((x) => x.variant?.label).join(' | ')}`);
    assert.deepEqual(statedMismatches(t, mod.buildTagger!(kind)), [], kind);
  }
});
