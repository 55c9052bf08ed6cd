/** `convlens view`: the standalone page renders in Chromium with the network off; the SVG parses. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { viewCommand } from '../../server/src/cli/view';
import { STUB_VSCODE, launch, skipReason } from './harness';

const models = resolve(__dirname, '../fixtures/models');
const broken = resolve(__dirname, '../fixtures/broken');
const dir = mkdtempSync(join(tmpdir(), 'convlens-view-'));
const flags = (out: string, more: [string, string | true][] = []) => new Map<string, string | true>([['out', join(dir, out)], ...more]);

async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const [log, err] = [console.log, console.error];
  console.log = console.error = () => undefined;
  try {
    return await f();
  } finally {
    [console.log, console.error] = [log, err];
  }
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('convlens view', () => {
  test('usage errors exit 2', async () => {
    assert.equal(await quiet(() => viewCommand([], flags('a.html'))), 2);
    assert.equal(await quiet(() => viewCommand([join(models, 'vgg16.ts')], new Map())), 2);
    assert.equal(await quiet(() => viewCommand([join(models, 'vgg16.ts')], flags('a.pdf'))), 2);
    assert.equal(await quiet(() => viewCommand([join(models, 'nope.ts')], flags('a.svg'))), 2);
    assert.equal(await quiet(() => viewCommand([join(models, 'vgg16.ts')], flags('a.svg', [['model', 'resnet']]))), 2);
  });

  test('SVG: a self-contained drawing that parses, one box per layer', async () => {
    assert.equal(await quiet(() => viewCommand([join(models, 'googlenet.ts')], flags('g.svg'))), 0);
    const svg = readFileSync(join(dir, 'g.svg'), 'utf8');
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/data-layer-index="/g) ?? []).length, 82);
    assert.doesNotMatch(svg, /var\(--|<script|href=/);
    assert.match(svg, /googLeNet — 7M params/);
  });

  test('SVG of a file with a shape error is still written, exit 1', async () => {
    assert.equal(await quiet(() => viewCommand([join(broken, 'add_mismatch.ts')], flags('b.svg'))), 1);
    assert.match(readFileSync(join(dir, 'b.svg'), 'utf8'), /class="node[^"]* err"/);
  });
});

describe('convlens view in Chromium', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('the HTML page renders with every request other than file:, data: and blob: refused', async () => {
    assert.equal(await quiet(() => viewCommand([join(models, 'resnet50.ts')], flags('r.html'))), 0);
    const page = await browser.newPage();
    const refused: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.route('**', (r) => (/^(file|data|blob):/.test(r.request().url()) ? r.continue() : (refused.push(r.request().url()), r.abort())));
    await page.goto(`file://${join(dir, 'r.html')}`);
    await page.waitForSelector('.cl-graph .node', { timeout: 30_000 });
    assert.equal(await page.locator('.cl-graph [data-layer-index]').count(), 176);
    assert.deepEqual(refused, []);
    assert.deepEqual(errors, []);
    // No host here: a click on a layer says where it is instead of revealing it.
    await page.click('.cl-graph [data-layer-index="0"]');
    assert.match((await page.textContent('.toast')) ?? '', /resnet50\.ts:\d+:\d+/);
    await page.close();
  });

  test('the SVG renders in Chromium as an image document', async () => {
    assert.equal(await quiet(() => viewCommand([join(models, 'unet.ts')], flags('u.svg'))), 0);
    const page = await browser.newPage();
    await page.addInitScript(STUB_VSCODE);
    await page.goto(`file://${join(dir, 'u.svg')}`);
    const r = await page.evaluate(() => ({ root: document.documentElement.localName, nodes: document.querySelectorAll('.node').length, err: !!document.querySelector('parsererror') }));
    assert.deepEqual(r, { root: 'svg', nodes: 33, err: false });
    await page.close();
  });
});
