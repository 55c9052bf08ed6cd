/**
 * The graph view, rendered from the real bundle in headless Chromium with real fixture graphs:
 * counts, no overlapping boxes, collapse/expand, click-to-reveal, cursor highlight, search, export.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { syntheticModel } from './synthetic';
import { fixtureMessage, launch, nodeBoxes, openPanel, overlaps, redraw, skipReason, type Panel } from './harness';

const skip = skipReason();

describe('graph view', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function panelWith(name: string): Promise<Panel> {
    const p = await openPanel(browser);
    await p.send(fixtureMessage(name));
    await p.drawn();
    return p;
  }

  const count = (p: Panel, sel: string) => p.page.locator(sel).count();

  test('GoogLeNet: one element per node and per edge, no two boxes overlap', async () => {
    const p = await panelWith('googlenet');
    const { graph } = fixtureMessage('googlenet').models[0]!;
    assert.equal(await count(p, '.cl-graph [data-layer-index]'), graph.nodes.filter((n) => n.layerIndex !== null).length);
    assert.equal(await count(p, '.cl-graph [data-input]'), graph.nodes.filter((n) => n.layerIndex === null).length);
    assert.equal(await count(p, '.cl-graph .edge'), graph.edges.length);
    // Nothing collapsed on a small model; each inception module is an expanded frame.
    assert.equal(await count(p, '.cl-graph .group'), 0);
    assert.equal(await count(p, '.cl-graph .frame[data-group-id]'), graph.groups.filter((g) => g.nodeIds.length >= 2).length);
    const boxes = await nodeBoxes(p.page);
    assert.equal(boxes.length, graph.nodes.length);
    assert.deepEqual(overlaps(boxes), []);
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('every layer index is drawn and in range', async () => {
    const p = await panelWith('resnet50');
    const { report } = fixtureMessage('resnet50').models[0]!;
    const idx = await p.page.$$eval('.cl-graph [data-layer-index]', (els) => els.map((e) => Number(e.getAttribute('data-layer-index'))));
    assert.deepEqual([...new Set(idx)].sort((a, b) => a - b), report.layers.map((_l, i) => i));
    assert.deepEqual(overlaps(await nodeBoxes(p.page)), []);
    await p.page.context().close();
  });

  test('collapsing one inception module hides its 8 layers behind one box; expanding restores them', async () => {
    const p = await panelWith('googlenet');
    const { graph } = fixtureMessage('googlenet').models[0]!;
    const g = graph.groups.find((x) => x.label === 'inceptionModule')!;
    const before = await count(p, '.cl-graph .node');
    const edgesBefore = await count(p, '.cl-graph .edge');
    await redraw(p.page, () => p.page.click(`.cl-graph .frame[data-group-id="${g.id}"] .hit`));
    assert.equal(await count(p, '.cl-graph .node'), before - g.nodeIds.length);
    assert.equal(await count(p, `.cl-graph .group[data-group-id="${g.id}"]`), 1);
    assert.equal(await count(p, `.cl-graph .frame[data-group-id="${g.id}"]`), 0);
    for (const id of g.nodeIds) assert.equal(await count(p, `.cl-graph [data-node-id="${id}"]`), 0);
    // Edges inside the block disappear; the 4 fan-in edges become one, the 4 fan-out edges stay 4.
    const inside = graph.edges.filter((e) => g.nodeIds.includes(e.source) && g.nodeIds.includes(e.target)).length;
    const into = graph.edges.filter((e) => !g.nodeIds.includes(e.source) && g.nodeIds.includes(e.target));
    assert.equal(await count(p, '.cl-graph .edge'), edgesBefore - inside - into.length + new Set(into.map((e) => e.source)).size);
    assert.deepEqual(overlaps(await nodeBoxes(p.page)), []);
    await redraw(p.page, () => p.page.click(`.cl-graph .group[data-group-id="${g.id}"]`));
    assert.equal(await count(p, '.cl-graph .node'), before);
    assert.equal(await count(p, '.cl-graph .edge'), edgesBefore);
    await p.page.context().close();
  });

  test('DenseNet-121 (428 layers) opens collapsed at block level; Expand all shows every layer and edge', async () => {
    const p = await panelWith('densenet121');
    const { graph, report } = fixtureMessage('densenet121').models[0]!;
    assert.ok(report.layers.length > 300);
    const boxes = await count(p, '.cl-graph .group');
    assert.ok(boxes >= 58, `collapsed blocks: ${boxes}`);
    assert.ok((await count(p, '.cl-graph .node')) < 60);
    assert.deepEqual(overlaps(await nodeBoxes(p.page)), []);
    await redraw(p.page, () => p.page.click('button.collapse-all'));
    assert.equal(await count(p, '.cl-graph .group'), 0);
    // 600 boxes: bands enter the DOM when first scrolled near; the minimap takes the view down the graph.
    const mm = (await p.page.locator('canvas.minimap').boundingBox())!;
    for (let i = 0; i <= 40; i++) {
      await p.page.mouse.click(mm.x + mm.width / 2, mm.y + (mm.height * i) / 40);
      await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    }
    await p.page.waitForFunction((n) => document.querySelectorAll('.cl-graph .node').length === n, graph.nodes.length, { timeout: 10_000 }).catch(() => undefined);
    assert.equal(await count(p, '.cl-graph .node'), graph.nodes.length);
    assert.equal(await count(p, '.cl-graph .edge'), graph.edges.length);
    assert.deepEqual(overlaps(await nodeBoxes(p.page)), []);
    assert.match(await p.page.textContent('button.collapse-all') ?? '', /Collapse blocks/);
    await p.page.context().close();
  });

  test('a click on a layer posts reveal with that layer\'s exact range', async () => {
    const p = await panelWith('googlenet');
    const { report } = fixtureMessage('googlenet').models[0]!;
    const i = report.layers.findIndex((l) => l.displayName === 'inception_3a_3x3');
    await p.page.click(`.cl-graph [data-layer-index="${i}"]`);
    const reveal = (await p.posted()).filter((m) => m.type === 'reveal').at(-1);
    assert.deepEqual(reveal, { type: 'reveal', file: report.layers[i]!.file, range: report.layers[i]!.range });
    assert.equal(await count(p, `.cl-graph [data-layer-index="${i}"].selected`), 1);
    await p.page.context().close();
  });

  test('the editor cursor on a layer call highlights its node(s); on a helper call, its block', async () => {
    const msg = fixtureMessage('googlenet');
    const { report, graph } = msg.models[0]!;
    const p = await panelWith('googlenet');
    // The conv() helper's tf.layers.conv2d call makes 57 layers: all of them light up.
    const conv = report.layers[0]!.range;
    await p.send({ type: 'cursor', uri: msg.uri, line: conv.start.line, character: conv.start.character + 3 });
    await p.page.waitForSelector('.cl-graph .node.cursor');
    const same = report.layers.filter((l) => l.range.start.line === conv.start.line).length;
    assert.equal(await count(p, '.cl-graph .node.cursor'), same);
    // The cursor on `inceptionModule(...)` (call site of group g) marks g's frame.
    const g = graph.groups.find((x) => x.label === 'inceptionModule')!;
    await p.send({ type: 'cursor', uri: msg.uri, line: g.range!.start.line, character: g.range!.start.character + 1 });
    await p.page.waitForSelector(`.cl-graph .frame.cursor[data-group-id="${g.id}"]`);
    assert.equal(await count(p, '.cl-graph .node.cursor'), 0);
    // Another document's cursor is ignored.
    await p.send({ type: 'cursor', uri: 'file:///elsewhere.ts', line: conv.start.line, character: conv.start.character + 3 });
    await p.page.waitForTimeout(100);
    assert.equal(await count(p, `.cl-graph .frame.cursor[data-group-id="${g.id}"]`), 1);
    await p.page.context().close();
  });

  test('search finds layers by name and by type, and steps through them', async () => {
    const p = await panelWith('googlenet');
    await p.page.fill('input.search', 'maxpool');
    await p.page.waitForSelector('.cl-graph .node.match');
    const { report } = fixtureMessage('googlenet').models[0]!;
    assert.equal(await count(p, '.cl-graph .node.match'), report.layers.filter((l) => l.className === 'MaxPooling2D').length);
    assert.equal(await count(p, '.cl-graph .node.current'), 1);
    assert.match((await p.page.textContent('.search-count')) ?? '', /^1\/\d+$/);
    await p.page.press('input.search', 'Enter');
    assert.match((await p.page.textContent('.search-count')) ?? '', /^2\//);
    await p.page.fill('input.search', 'inception_4b_5x5');
    await p.page.waitForFunction(() => document.querySelectorAll('.cl-graph .node.match').length === 2);
    await p.page.press('input.search', 'Escape');
    assert.equal(await count(p, '.cl-graph .match'), 0);
    await p.page.context().close();
  });

  test('a new model message re-renders, keeping the viewport and the collapse state', async () => {
    const p = await panelWith('googlenet');
    const g = fixtureMessage('googlenet').models[0]!.graph.groups.find((x) => x.label === 'inceptionModule')!;
    await redraw(p.page, () => p.page.click(`.cl-graph .frame[data-group-id="${g.id}"] .hit`));
    await p.page.click('button[title^="Zoom in"]');
    await p.page.mouse.move(600, 500);
    await p.page.mouse.down();
    await p.page.mouse.move(500, 300, { steps: 5 });
    await p.page.mouse.up();
    await p.page.waitForTimeout(100);
    const vp = await p.page.getAttribute('.cl-graph g.viewport', 'transform');
    await redraw(p.page, () => p.send({ ...fixtureMessage('googlenet'), version: 2 }));
    assert.equal(await p.page.getAttribute('.cl-graph g.viewport', 'transform'), vp);
    assert.equal(await count(p, `.cl-graph .group[data-group-id="${g.id}"]`), 1);
    await p.page.context().close();
  });

  test('export posts a standalone SVG and a PNG', async () => {
    const p = await panelWith('resnet50');
    await p.page.click('button[title="Export the graph as SVG"]');
    await p.page.click('button[title="Export the graph as PNG"]');
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'export').length === 2, undefined, { timeout: 30_000 });
    const ex = (await p.posted()).filter((m) => m.type === 'export') as unknown as { format: string; data: string; name: string }[];
    const svg = ex.find((e) => e.format === 'svg')!;
    assert.match(svg.data, /^<\?xml[^>]*>\s*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg.data, /<style>/);
    assert.doesNotMatch(svg.data, /var\(--/, 'exported colours are concrete');
    assert.equal(svg.name, 'resNet50.svg');
    const parsed = await p.page.evaluate((s) => {
      const d = new DOMParser().parseFromString(s, 'image/svg+xml');
      return { error: !!d.querySelector('parsererror'), nodes: d.querySelectorAll('[data-layer-index]').length };
    }, svg.data);
    assert.deepEqual(parsed, { error: false, nodes: 176 });
    const png = ex.find((e) => e.format === 'png')!;
    assert.match(png.data, /^data:image\/png;base64,iVBORw0KGgo/);
    // The host's Export command asks the panel.
    await p.send({ type: 'requestExport', format: 'svg' });
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'export').length === 3);
    await p.page.context().close();
  });

  test('a 2,000-layer graph: bands near the view are in the DOM, others arrive when scrolled to', async () => {
    const p = await openPanel(browser);
    const m = syntheticModel(2000);
    await p.send({ type: 'model', uri: 'file:///synthetic.ts', version: 1, models: [m], diagnostics: [] });
    await p.drawn();
    const drawn = await count(p, '.cl-graph .node');
    assert.ok(drawn > 10 && drawn < 600, `${drawn} nodes in the DOM`);
    // Search reaches a layer at the far end: its band is inserted and it is marked.
    const last = m.report.layers.at(-1)!.displayName;
    await p.page.fill('input.search', last);
    await p.page.waitForSelector(`.cl-graph .node.current[data-layer-index="${m.report.layers.length - 1}"]`);
    assert.ok(await p.page.isVisible(`.cl-graph [data-layer-index="${m.report.layers.length - 1}"]`));
    // The minimap moves the view back to the top.
    const mm = (await p.page.locator('canvas.minimap').boundingBox())!;
    await p.page.mouse.click(mm.x + mm.width / 2, mm.y + 2);
    await p.page.waitForSelector('.cl-graph [data-input]', { state: 'visible' });
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test("a builder with variants: one picker entry per variant, the file's defaults first chosen; picking one draws it and posts the builder's name", async () => {
    const file = resolve(__dirname, '../realworld/fixtures/switch_model_type.ts');
    const r = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
    const msg = { type: 'model', uri: `file://${file}`, version: 1, models: r.models.map(({ report, graph }) => ({ report, graph })), diagnostics: r.diagnostics, selected: 'createModel' };
    assert.ok(r.models.length >= 2 && r.models.every((m) => m.report.name === 'createModel' && m.report.variant), 'the fixture builds variants of one builder');
    const p = await openPanel(browser);
    await p.send(msg);
    await p.drawn();
    const options = await p.page.$$eval('select.picker option', (o) => o.map((x) => ({ value: (x as HTMLOptionElement).value, text: x.textContent })));
    assert.deepEqual(options.map((o) => o.value), r.models.map((m) => `createModel [${m.report.variant!.label}]`));
    const dflt = r.models.findIndex((m) => m.report.variant!.default);
    assert.ok(dflt >= 0, 'one variant is the defaults');
    assert.match(options[dflt]!.text ?? '', /the file's defaults/);
    assert.equal(await p.page.inputValue('select.picker'), options[dflt]!.value, 'the host named the builder: its default variant is shown');
    assert.equal(await count(p, '.cl-graph .node'), r.models[dflt]!.graph.nodes.length);
    const other = (dflt + 1) % r.models.length;
    await redraw(p.page, () => p.page.selectOption('select.picker', options[other]!.value));
    assert.equal(await count(p, '.cl-graph .node'), r.models[other]!.graph.nodes.length);
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'selectModel').at(-1), { type: 'selectModel', name: 'createModel' });
    assert.deepEqual(p.errors, []);
    await p.page.context().close();
  });

  test('several models in one file: a picker; choosing posts selectModel', async () => {
    const p = await panelWith('shared_layers');
    const msg = fixtureMessage('shared_layers');
    assert.equal(await p.page.isVisible('select.picker'), true);
    const names = msg.models.map((m) => m.report.name);
    assert.deepEqual(await p.page.$$eval('select.picker option', (o) => o.map((x) => (x as HTMLOptionElement).value)), names);
    await redraw(p.page, () => p.page.selectOption('select.picker', names[1]!));
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'selectModel').at(-1), { type: 'selectModel', name: names[1] });
    // Shared layers: several nodes carry the same layer index.
    const g = msg.models[1]!.graph;
    assert.equal(await count(p, '.cl-graph .node'), g.nodes.length);
    await p.page.context().close();
  });
});
