/**
 * A 5,000-layer branched graph (inception branches, residual shortcuts) on the standalone page, as
 * `convlens view --out` writes it: laid out without ELK, drawn whole with no overlapping boxes and
 * every edge, and drawn in slices that let frames paint between them (no timing asserted: the
 * slices are counted).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DATA_PART_ITEMS, standaloneHtml } from '../../webview/src/html';
import { DIST, launch, nodeBoxes, overlaps, skipReason } from './harness';
import { syntheticModel } from './synthetic';

const skip = skipReason();

describe('a 5,000-layer branched graph on the standalone page', { skip }, () => {
  let browser: Browser;
  let dir: string;
  const model = syntheticModel(5000);
  before(async () => {
    browser = await launch();
    dir = mkdtempSync(resolve(tmpdir(), 'convlens-big-'));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is read in parts, laid out without ELK, drawn whole (every node and edge, no overlaps), in slices', async () => {
    const asset = (f: string) => readFileSync(resolve(DIST, f), 'utf8');
    const data = { type: 'model', uri: 'file:///synthetic.ts', version: null, models: [model], diagnostics: [], view: 'graph' };
    const html = standaloneHtml({ script: asset('webview.js'), style: asset('webview.css'), worker: asset('layout_worker.js'), elkWorker: asset('elk_worker.js'), data });
    // The long arrays (layers, nodes, edges) travel in parts the page parses one at a time.
    const parts = (html.match(/class="convlens-data-part"/g) ?? []).length;
    const long = [model.report.layers, model.graph.nodes, model.graph.edges].reduce((n, a) => n + Math.ceil(a.length / DATA_PART_ITEMS), 0);
    assert.equal(parts, long);
    const file = resolve(dir, 'page.html');
    writeFileSync(file, html);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => performance.getEntriesByName('cl:draw').length > 0, undefined, { timeout: 120_000 });

    const stats = await page.evaluate(() => (performance.getEntriesByName('cl:layout')[0] as PerformanceMeasure).detail as { chunks: number; chains: number; seriesParallel: number; lanes: number });
    assert.equal(stats.chains + stats.seriesParallel, stats.chunks, `no chunk for ELK: ${JSON.stringify(stats)}`);
    assert.equal(stats.lanes, 0, 'no ELK worker was started for the drawing');

    // Reading the data, before the drawing and the minimap: at least three pauses for a frame.
    const slices = await page.evaluate(() => performance.getEntriesByName('cl:slice').length);
    assert.ok(slices >= 3, `${slices} slices`);

    // Fit twice: the whole graph, however small, so every band is in the DOM.
    await page.click('button:has-text("Fit")');
    await page.click('button:has-text("Fit")');
    await page.waitForFunction((n) => document.querySelectorAll('.cl-graph .node').length === n, model.graph.nodes.length, { timeout: 30_000 });
    const boxes = await nodeBoxes(page);
    assert.equal(boxes.length, model.graph.nodes.length);
    assert.deepEqual(overlaps(boxes), []);
    assert.equal(await page.locator('.cl-graph path.edge').count(), model.graph.edges.length);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
