/** The profile table in headless Chromium: rows, sorting, totals, reveal, copy as Markdown/CSV. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fixtureMessage, launch, openPanel, skipReason } from './harness';
import { COLUMNS, sortedRows, toCsv, toMarkdown } from '../../webview/src/profile/table_data';

describe('profile table (pure)', () => {
  const { report } = fixtureMessage('resnet50').models[0]!;

  test('sorting is stable and puts unknown values last', () => {
    const byParams = sortedRows(report, { key: 'params', dir: -1 });
    const params = byParams.map((i) => report.layers[i]!.params!);
    for (let k = 1; k < params.length; k++) assert.ok(params[k - 1]! >= params[k]!);
    // Ties (all the 0-param layers) keep model order.
    const zeros = byParams.filter((i) => report.layers[i]!.params === 0);
    assert.deepEqual(zeros, [...zeros].sort((a, b) => a - b));
    const withNull = structuredClone(report);
    withNull.layers[3]!.params = null;
    assert.equal(sortedRows(withNull, { key: 'params', dir: -1 }).at(-1), 3);
    assert.equal(sortedRows(withNull, { key: 'params', dir: 1 }).at(-1), 3);
  });

  test('Markdown and CSV: a header, one line per layer, a totals line', () => {
    const order = report.layers.map((_l, i) => i);
    const md = toMarkdown(report, order).trim().split('\n');
    assert.match(md[0]!, /^\*\*resNet50\*\* — 25,636,712 params/);
    const table = md.slice(2);
    assert.equal(table.length, 2 + report.layers.length + 1);
    assert.equal(table[0], `| ${COLUMNS.map((c) => c.title).join(' | ')} |`);
    assert.match(table.at(-1)!, /\*\*Total \(176 layers\)\*\* \| .*\*\*25,636,712\*\* \| \*\*100%\*\*/);
    const csv = toCsv(report, order).trim().split('\n');
    assert.equal(csv.length, 1 + report.layers.length + 1);
    assert.equal(csv[1], '1,conv1_pad,ZeroPadding2D,zero pad 3,"[null,230,230,3]",0,0,0,1×1,634800');
    assert.match(csv.at(-1)!, /^,Total \(176 layers\),,,,25636712,100,/);
  });
});

describe('profile view', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('one row per layer, totals, sort by a column, click reveals, copy posts', async () => {
    const p = await openPanel(browser);
    const msg = fixtureMessage('googlenet');
    await p.send({ ...msg, view: 'profile' });
    await p.page.waitForSelector('table.profile tbody tr');
    const { report } = msg.models[0]!;
    assert.equal(await p.page.locator('table.profile tbody tr').count(), report.layers.length);
    assert.match((await p.page.textContent('table.profile tfoot')) ?? '', /Total \(82 layers\).*6,998,552.*100%/);

    await p.page.click('th.c-params button');
    assert.equal(await p.page.getAttribute('th.c-params', 'aria-sort'), 'descending');
    const order = await p.page.$$eval('table.profile tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-layer-index'))));
    const params = order.map((i) => report.layers[i]!.params!);
    for (let k = 1; k < params.length; k++) assert.ok(params[k - 1]! >= params[k]!, `row ${k} out of order`);
    assert.equal(report.layers[order[0]!]!.displayName, 'loss3_classifier');
    await p.page.click('th.c-params button');
    assert.equal(await p.page.getAttribute('th.c-params', 'aria-sort'), 'ascending');
    await p.page.click('th.c-name button');
    const names = await p.page.$$eval('table.profile tbody td.c-name', (c) => c.map((x) => x.textContent ?? ''));
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    const i = report.layers.findIndex((l) => l.displayName === 'inception_4a_pool_proj');
    await p.page.click(`table.profile tr[data-layer-index="${i}"]`);
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'reveal').at(-1), { type: 'reveal', file: report.layers[i]!.file, range: report.layers[i]!.range });

    await p.page.click('button[title="Copy the table as Markdown"]');
    await p.page.click('button[title="Copy the table as CSV"]');
    const copies = (await p.posted()).filter((m) => m.type === 'copy') as unknown as { text: string }[];
    assert.equal(copies.length, 2);
    assert.equal(copies[0]!.text.trim().split('\n').length, 2 + 2 + report.layers.length + 1);
    assert.match(copies[1]!.text, /^#,Layer,Type,/);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('a refresh repeating the same view does not undo the tab the user picked', async () => {
    const p = await openPanel(browser);
    const msg = { ...fixtureMessage('vgg16'), view: 'profile' as const };
    await p.send(msg);
    await p.page.waitForSelector('table.profile tbody tr');
    await p.page.click('button.tab-graph');
    await p.send({ ...msg, version: 2 });
    await p.drawn();
    assert.equal(await p.page.getAttribute('button.tab-graph', 'aria-selected'), 'true');
    await p.send({ ...msg, version: 3, view: 'graph' });
    await p.send({ ...msg, version: 4, view: 'profile' });
    await p.page.waitForFunction(() => document.querySelector('button.tab-profile')?.getAttribute('aria-selected') === 'true');
    await p.page.context().close();
  });
});
