/**
 * The panel at half width (600 px, where VS Code opens it beside the editor) and at full width
 * (1400 px): Fit keeps box titles legible — at least MIN_LABEL_PX on screen, measured from the
 * rendered text, not just looked at — by collapsing blocks (then the groups around them) and, for
 * what is still too tall, showing the top at the smallest legible zoom; Fit again shows it all.
 * The profile table shows name / output / params / MACs first and scrolls to the rest with the
 * name kept in view; tooltips stay inside the panel; frames are named after the call. Screenshots
 * go to artifacts/screenshots/ (docs/images/ has copies).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { applyTheme, fixtureMessage, launch, openPanel, redraw, skipReason, type Panel } from './harness';
import { MIN_LABEL_PX } from '../../webview/src/graph/graph_view';

const OUT = resolve(__dirname, '../../artifacts/screenshots');

/** Box titles inside the visible stage: how many, and the smallest on-screen font size (CSS px). */
function visibleTitles(page: Page): Promise<{ count: number; minPx: number; hidden: boolean; texts: string[] }> {
  return page.evaluate(() => {
    const stage = document.querySelector('.graph-view .stage')!.getBoundingClientRect();
    const svg = document.querySelector('.cl-graph')!;
    const titles = [...svg.querySelectorAll<SVGTextElement>('.node text.t, .group text.t, .frame text.head')].filter((t) => {
      const r = t.getBoundingClientRect();
      return r.width > 0 && r.right > stage.left && r.left < stage.right && r.bottom > stage.top && r.top < stage.bottom;
    });
    const px = titles.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM()!.a);
    // lod-text hides every label (display: none) when the zoom is too small to read them.
    const hidden = svg.classList.contains('lod-text');
    return { count: titles.length, minPx: px.length ? Math.min(...px) : 0, hidden, texts: titles.map((t) => t.textContent ?? '') };
  });
}

async function fit(p: Panel): Promise<void> {
  const fitButton = p.page.locator('button', { hasText: /^Fit$/ });
  // A Fit that collapses groups re-lays the graph (the svg is replaced); one that only zooms does not.
  const before = await p.page.evaluate(() => document.querySelector('.cl-graph g.viewport')?.getAttribute('transform'));
  await fitButton.click();
  await p.page.waitForFunction((t) => document.querySelector('.cl-graph g.viewport')?.getAttribute('transform') !== t, before, { timeout: 30_000 });
  await p.page.waitForTimeout(300);
}

describe('the panel at 600 px and 1400 px', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(model: string, width: number, view: 'graph' | 'profile' = 'graph'): Promise<Panel> {
    const p = await openPanel(browser, { width, height: 800 });
    await applyTheme(p.page, 'light');
    await p.send({ ...fixtureMessage(model), view });
    if (view === 'graph') await p.drawn();
    else await p.page.waitForSelector('table.profile tbody tr');
    await p.page.waitForTimeout(200);
    return p;
  }

  for (const width of [600, 1400]) {
    test(`ResNet-50 at ${width} px: the first view and Fit keep titles at least ${MIN_LABEL_PX} px; Fit again shows it all`, async () => {
      const p = await open('resnet50', width);
      const first = await visibleTitles(p.page);
      assert.ok(!first.hidden && first.count >= 5 && first.minPx >= MIN_LABEL_PX, `first view: ${JSON.stringify(first)}`);
      await fit(p);
      const fitted = await visibleTitles(p.page);
      assert.ok(!fitted.hidden, 'labels shown after Fit');
      assert.ok(fitted.count >= 8, `${fitted.count} titles in view`);
      assert.ok(fitted.minPx >= MIN_LABEL_PX, `smallest title ${fitted.minPx.toFixed(1)} px`);
      // Fit collapsed the repeated blocks (the semantic zoom) rather than shrinking 176 layers.
      assert.equal(await p.page.textContent('button.collapse-all'), 'Expand all');
      assert.ok(fitted.texts.some((t) => /identityBlock/.test(t)), fitted.texts.join(' | '));
      await p.page.screenshot({ path: resolve(OUT, `resnet50-fit-${width}.png`) });
      await fit(p);
      const all = await visibleTitles(p.page);
      const box = await p.page.evaluate(() => (document.querySelector('.cl-graph g.viewport') as SVGGElement).getBoundingClientRect().height);
      const stage = await p.page.evaluate(() => document.querySelector('.graph-view .stage')!.getBoundingClientRect().height);
      assert.ok(box <= stage + 1, `the second Fit shows the whole graph (${box} of ${stage} px)`);
      assert.ok(all.hidden || all.minPx < fitted.minPx, 'it is smaller than legible: that is what the first Fit avoided');
      assert.deepEqual(p.errors, []);
      await p.page.context().close();
    });
  }

  test('DenseNet-121 at 600 px: Fit collapses level by level until the whole model reads', async () => {
    const p = await open('densenet121', 600);
    await fit(p);
    const t = await visibleTitles(p.page);
    assert.ok(!t.hidden && t.minPx >= MIN_LABEL_PX, JSON.stringify(t));
    // Collapsed down to the stages (the BLOCKS.forEach callback), not to 58 conv blocks.
    assert.ok(t.texts.some((x) => /BLOCKS\.forEach callback/.test(x)), t.texts.join(' | '));
    assert.ok(!t.texts.some((x) => /anonymous/.test(x)));
    await p.page.screenshot({ path: resolve(OUT, 'densenet121-fit-600.png') });
    await p.page.context().close();
  });

  test('frames are named after the call: "identityBlock (stage 2, block b)", not "anonymous function"', async () => {
    const p = await open('resnet50', 1400);
    await p.page.fill('input.search', 'stage 2, block b');
    await p.page.waitForSelector('.cl-graph .current');
    const heads = await p.page.$$eval('.cl-graph .frame text.head', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(heads.some((h) => h.startsWith('▾ identityBlock (stage 2, block b)')), heads.slice(0, 5).join(' | '));
    await p.page.context().close();
  });

  test('the tooltip stays inside a 600 px panel, next to the pointer', async () => {
    const p = await open('googlenet', 600);
    const boxes = await p.page.$$eval('.cl-graph .node', (ns) => ns.map((n) => n.getBoundingClientRect()).filter((r) => r.width > 0 && r.top > 80 && r.bottom < 700).map((r) => ({ x: r.right - 6, y: r.top + r.height / 2 })));
    assert.ok(boxes.length > 0);
    // The rightmost visible box: the tooltip would run off the right edge if placed after the pointer.
    const at = boxes.sort((a, b) => b.x - a.x)[0]!;
    await p.page.mouse.move(at.x - 2, at.y);
    await p.page.mouse.move(at.x, at.y);
    await p.page.waitForSelector('.tooltip:not([hidden])');
    const tip = (await p.page.locator('.tooltip').boundingBox())!;
    const panel = (await p.page.locator('.graph-view').boundingBox())!;
    assert.ok(tip.x >= panel.x && tip.x + tip.width <= panel.x + panel.width + 0.5, `tooltip ${JSON.stringify(tip)} in ${JSON.stringify(panel)}`);
    assert.ok(tip.y >= panel.y && tip.y + tip.height <= panel.y + panel.height + 0.5, `tooltip ${JSON.stringify(tip)} in ${JSON.stringify(panel)}`);
    assert.ok(tip.width > 100, 'it has its text');
    await p.page.screenshot({ path: resolve(OUT, 'googlenet-tooltip-600.png') });
    await p.page.context().close();
  });

  for (const width of [600, 1400]) {
    test(`the profile table at ${width} px: name, output, params and MACs in view, the rest scrolls, the name stays`, async () => {
      const p = await open('resnet50', width, 'profile');
      const right = (key: string) => p.page.$eval(`table.profile th.c-${key}`, (th) => th.getBoundingClientRect().right);
      for (const key of ['name', 'shape', 'params', 'macs']) assert.ok((await right(key)) <= width, `${key} column in view at ${width} px`);
      const font = await p.page.$eval('table.profile td.c-params', (td) => parseFloat(getComputedStyle(td).fontSize));
      assert.ok(font >= MIN_LABEL_PX);
      await p.page.screenshot({ path: resolve(OUT, `resnet50-profile-${width}.png`) });
      const scroll = await p.page.$eval('.view-profile', (v) => ({ sw: v.scrollWidth, cw: v.clientWidth }));
      if (width === 600) {
        assert.ok(scroll.sw > scroll.cw, 'the other columns are there, to the right');
        await p.page.$eval('.view-profile', (v) => (v.scrollLeft = v.scrollWidth));
        const name = (await p.page.locator('table.profile tbody td.c-name').first().boundingBox())!;
        assert.ok(name.x >= 0 && name.x < 80, `the name column stays at the left edge (${name.x})`);
        await p.page.screenshot({ path: resolve(OUT, 'resnet50-profile-600-scrolled.png') });
      } else assert.ok(scroll.sw <= scroll.cw + 1, 'every column fits at 1400 px');
      await p.page.context().close();
    });
  }

  test('collapsing blocks at 600 px gives readable boxes, not slivers', async () => {
    const p = await open('resnet50', 600);
    await redraw(p.page, () => p.page.click('button.collapse-all'));
    await p.page.waitForTimeout(300);
    const t = await visibleTitles(p.page);
    assert.ok(!t.hidden && t.count >= 5 && t.minPx >= MIN_LABEL_PX, JSON.stringify(t));
    await p.page.context().close();
  });
});
