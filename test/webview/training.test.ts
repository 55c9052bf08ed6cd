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
});
