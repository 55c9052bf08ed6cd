/**
 * The Training view and the measured-latency column, fed with the events of real runtime runs
 * (the supervisor runs the training worker on a small CNN here), rendered in headless Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, openPanel, skipReason } from './harness';
import { startCheck, startProfile } from '../../server/src/runtime/supervisor';
import type { WorkerEvent } from '../../protocol/worker';
import { workerBundle } from '../runtime/worker_bundle';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';

const fixture = resolve(__dirname, '../fixtures/runtime/tiny_cnn.ts');
const shots = resolve(__dirname, '../../artifacts/screenshots');

describe('training view', { skip: skipReason() }, () => {
  let browser: Browser;
  let check: WorkerEvent[] = [];
  let profile: WorkerEvent[] = [];
  before(async () => {
    browser = await launch();
    const base = { workerPath: workerBundle(), trusted: true, file: fixture, model: 'tinyCnn', backend: 'wasm' as const, timeoutMs: 120_000 };
    await startCheck({ ...base, steps: 20 }, (e) => check.push(e)).done;
    await startProfile({ ...base, repeats: 2 }, (e) => profile.push(e)).done;
    check = JSON.parse(JSON.stringify(check));
    profile = JSON.parse(JSON.stringify(profile));
  });
  after(() => browser?.close());

  const modelMessage = () => {
    const r = analyzeSource(readFileSync(fixture, 'utf8'), fixture, diskHost);
    return { type: 'model', uri: `file://${fixture}`, version: 1, models: r.models.map(({ report, graph }) => ({ report, graph })), diagnostics: [], selected: 'tinyCnn', view: 'training' };
  };

  test('a check run: verdicts, a live loss curve, gradient bars that reveal their layer', async () => {
    const result = check.find((e) => e.type === 'result');
    assert.ok(result && result.type === 'result', 'the check produced a result');
    const p = await openPanel(browser, { width: 1200, height: 900 });
    await p.send(modelMessage());
    assert.equal(await p.page.isVisible('.tab-training'), false, 'the Training tab waits for the first event');
    for (const e of check) await p.send({ type: 'training', event: e });
    await p.page.waitForSelector('.training-view .run-status.pass, .training-view .run-status.fail');
    assert.equal(await p.page.isVisible('.view-training'), true, 'the panel switched to the Training view the host asked for');
    assert.equal(await p.page.locator('.training-view .verdict').count(), result.result.checks.length);
    assert.ok(await p.page.locator('.training-view .loss-chart canvas').count() > 0, 'the loss curve is drawn');
    const first = check.find((e) => e.type === 'gradients' && e.when === 'first');
    assert.ok(first && first.type === 'gradients');
    assert.equal(await p.page.locator('.training-view .grad-row').count(), first.layers.length);
    await p.page.locator('.training-view .grad-row').first().click();
    const reveal = (await p.posted()).filter((m) => m.type === 'reveal').at(-1) as { range: unknown } | undefined;
    assert.deepEqual(reveal?.range, first.layers[0]!.range);
    // The loss axis starts at 0 and the pass threshold is drawn where the check puts it.
    const model = check.find((e) => e.type === 'model') as Extract<WorkerEvent, { type: 'model' }>;
    const firstLoss = (check.find((e) => e.type === 'step') as Extract<WorkerEvent, { type: 'step' }>).loss;
    const chart = await p.page.$eval('.training-view .loss-chart', (el) => ({ ...(el as HTMLElement).dataset }));
    assert.equal(Number(chart.yMin), 0);
    assert.ok(model.lossFraction! > 0 && model.lossFraction! < 1);
    assert.ok(Math.abs(Number(chart.threshold) - model.lossFraction! * firstLoss) < 1e-9 * firstLoss, JSON.stringify(chart));
    assert.ok(Number(chart.yMax) >= firstLoss);
    const status = await p.page.textContent('.training-view .run-status');
    assert.match(status!, new RegExp(`on ${result.result.backend}`));
    assert.deepEqual(p.errors, []);
    mkdirSync(shots, { recursive: true });
    await p.page.screenshot({ path: resolve(shots, 'training-tiny-cnn.png') });
    await p.page.close();
  });

  test('a profile run adds measured latency to the Profile view', async () => {
    const res = profile.find((e) => e.type === 'profile');
    assert.ok(res && res.type === 'profile', 'the profile run produced a result');
    const p = await openPanel(browser);
    await p.send({ ...modelMessage(), view: 'profile' });
    for (const e of profile) await p.send({ type: 'training', event: e });
    await p.page.waitForSelector('.profile-view th.c-latency');
    const measured = res.result.layers.filter((l) => l.layerIndex !== null).length;
    const cells = await p.page.$$eval('.profile-view tbody td.c-latency', (tds) => tds.filter((td) => td.textContent!.trim() !== '').length);
    assert.equal(cells, measured);
    assert.match((await p.page.textContent('.profile-view .measured'))!, new RegExp(`forward pass ${res.result.totalMs[0]!.toFixed(1)} ms at batch 1`));
    assert.equal(await p.page.isVisible('.tab-training'), false, 'a profile run does not open the Training tab');
    await p.page.close();
  });

  test('a profile run shows a progress bar with what is timed and a Cancel that reaches the host', async () => {
    const p = await openPanel(browser, { width: 600, height: 700 });
    await p.send({ ...modelMessage(), view: 'profile' });
    await p.page.waitForSelector('table.profile tbody tr');
    const firstProgress = profile.findIndex((e) => e.type === 'progress');
    assert.ok(firstProgress > 0, 'the run sent progress events');
    for (const e of profile.slice(0, firstProgress + 1)) await p.send({ type: 'training', event: e });
    await p.page.waitForSelector('.run-progress:not([hidden])');
    const label = await p.page.textContent('.run-progress .run-label');
    assert.match(label!, /^Measuring latency: batch 1: /);
    const ev = profile[firstProgress] as Extract<WorkerEvent, { type: 'progress' }>;
    assert.equal(await p.page.$eval('.run-progress progress', (b) => (b as HTMLProgressElement).value), ev.done / ev.total);
    // The bar stays in view above the table (sticky) and inside the 600 px panel.
    const box = (await p.page.locator('.run-progress').boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 600, JSON.stringify(box));
    await p.page.click('.run-progress .run-cancel');
    assert.ok((await p.posted()).some((m) => m.type === 'cancelRun'), 'Cancel asks the host to stop the worker');
    // The partial result (batch 1) fills the column before the run ends.
    const partial = profile.findIndex((e) => e.type === 'profile');
    for (const e of profile.slice(firstProgress + 1, partial + 1)) await p.send({ type: 'training', event: e });
    await p.page.waitForSelector('.profile-view th.c-latency');
    assert.match((await p.page.textContent('.profile-view th.c-latency'))!, /batch 1\)/);
    assert.equal(await p.page.isVisible('.run-progress'), true, 'still measuring the larger batch');
    mkdirSync(shots, { recursive: true });
    await p.page.screenshot({ path: resolve(shots, 'profile-progress-600.png') });
    for (const e of profile.slice(partial + 1)) await p.send({ type: 'training', event: e });
    await p.page.waitForSelector('.run-progress', { state: 'hidden' });
    assert.match((await p.page.textContent('.profile-view th.c-latency'))!, /batch 1 \/ 8\)/);
    mkdirSync(shots, { recursive: true });
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  test('a cancelled profile run says so and keeps the static table', async () => {
    const p = await openPanel(browser, { width: 600, height: 700 });
    await p.send({ ...modelMessage(), view: 'profile' });
    await p.page.waitForSelector('table.profile tbody tr');
    const started = profile.find((e) => e.type === 'started')!;
    await p.send({ type: 'training', event: started });
    await p.send({ type: 'training', event: { type: 'exit', code: null, signal: 'SIGTERM', reason: 'cancelled' } });
    await p.page.waitForFunction(() => document.querySelector('.run-progress .run-label')?.textContent === 'Measuring cancelled.');
    assert.equal(await p.page.isVisible('.run-progress .run-cancel'), false);
    assert.ok(await p.page.locator('table.profile tbody tr').count() > 0);
    await p.page.close();
  });

  test('the loss chart of a failed overfit (2.30 → 2.28): axis from 0, the threshold line, the relative change in words', async () => {
    const p = await openPanel(browser, { width: 600, height: 800 });
    await p.send(modelMessage());
    const losses = Array.from({ length: 20 }, (_, i) => 2.3 - (0.02 * i) / 19);
    const events: unknown[] = [
      { type: 'started', pid: 1, mode: 'check', file: fixture, model: 'tinyCnn', time: 0 },
      { type: 'model', name: 'tinyCnn', params: 16618, layers: 6, inputShapes: [[null, 32, 32, 3]], outputShapes: [[null, 10]], batchSize: 32, lossName: 'categoricalCrossentropy', optimizerName: 'adam', compiledByBuilder: false, lossFraction: 0.5, available: ['tinyCnn'] },
      ...losses.map((loss, i) => ({ type: 'step', step: i + 1, total: 20, loss, ms: 5 })),
    ];
    for (const e of events) await p.send({ type: 'training', event: e });
    await p.page.waitForFunction(() => (document.querySelector('.training-view .loss-chart') as HTMLElement | null)?.dataset.yMin !== undefined);
    const chart = await p.page.$eval('.training-view .loss-chart', (el) => ({ ...(el as HTMLElement).dataset }));
    assert.equal(Number(chart.yMin), 0, 'the axis starts at 0, not at 2.28');
    assert.ok(Math.abs(Number(chart.threshold) - 1.15) < 1e-9, chart.threshold);
    assert.ok(Number(chart.yMax) >= 2.3 && Number(chart.yMax) < 2.6, chart.yMax);
    assert.equal(await p.page.textContent('.training-view .loss-note'), 'Loss 2.300 → 2.280 (−0.9% since step 1) · the check passes below 1.150 (50% of the first loss)');
    // The threshold is a drawn series (uPlot's legend lists it).
    assert.match((await p.page.textContent('.training-view .loss-chart .u-legend'))!, /pass below/);
    await p.page.screenshot({ path: resolve(shots, 'training-loss-failed-overfit-600.png') });
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
