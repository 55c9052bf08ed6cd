/**
 * A saved model file in the panel (what the model viewer sends): the Findings tab appears with the
 * file's kind, its weights checks and its advice; a row shows its layer in the graph. Source files
 * never get the tab. The model comes from a model.json written by real tfjs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import * as tf from '@tensorflow/tfjs';
import { fixtureMessage, launch, openPanel, skipReason } from './harness';
import { analyzeSavedModel } from '../../server/src/engine/analyze_saved';
import { captureArtifacts } from '../helpers/saved_artifacts';
import { buildNamed, loadFixtureModule, tfjs } from '../helpers/tfjs_oracle';
import type { ModelMessage } from '../../protocol/panel';
import { resolve } from 'node:path';

describe('findings tab (saved model files)', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('lists the weights check and the advice; a row reveals its layer; source files have no tab', async () => {
    await tfjs();
    const model = await buildNamed(loadFixtureModule(resolve(__dirname, '../fixtures/models/alexnet.ts')), 'alexNet');
    const art = await captureArtifacts(model);
    model.dispose();
    tf.disposeVariables();
    const text = JSON.stringify({ modelTopology: art.modelTopology, format: art.format, generatedBy: art.generatedBy, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs }] });
    // The shard is cut short: the check says so, next to the advice.
    const r = analyzeSavedModel(text, '/models/alexnet/model.json', { fileSize: () => 1000, advice: true });
    const findings = r.findings!.map((f) => f.diagnostic);
    assert.ok(findings.some((d) => d.code === 'gap-head'));
    const msg: ModelMessage = { type: 'model', uri: 'file:///models/alexnet/model.json', version: 1, models: r.models.map(({ report, graph }) => ({ report, graph })), diagnostics: r.diagnostics, findings, source: `model.json: ${r.formatLabel}`, view: 'graph' };
    const p = await openPanel(browser);
    await p.send(msg);
    await p.drawn();
    assert.equal(await p.page.isVisible('.tab-findings'), true);
    await p.page.click('.tab-findings');
    const rows = p.page.locator('.findings-list .finding');
    assert.equal(await rows.count(), r.diagnostics.length + findings.length);
    assert.match((await p.page.textContent('.findings .source')) ?? '', /TensorFlow\.js layers model/);
    assert.match((await rows.first().textContent()) ?? '', /error.*weight shards hold 1,000 bytes.*weights-shard/);
    // The gap-head finding is about the flatten layer: clicking it shows the graph with that layer selected.
    const flatten = r.models[0]!.report.layers.findIndex((l) => l.className === 'Flatten');
    await p.page.locator('.finding', { hasText: 'gap-head' }).click();
    assert.equal(await p.page.isVisible('.view-graph'), true);
    assert.equal(await p.page.locator(`.cl-graph [data-layer-index="${flatten}"].selected`).count(), 1);

    await p.send(fixtureMessage('googlenet'));
    await p.drawn();
    assert.equal(await p.page.isVisible('.tab-findings'), false);
    assert.deepEqual(p.errors, []);
  });
});
