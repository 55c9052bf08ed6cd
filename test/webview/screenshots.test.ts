/**
 * Screenshots of the panel (kept under artifacts/screenshots/, the best copied to docs/images/ by
 * hand): GoogLeNet, ResNet-50 and DenseNet-121 graphs, a profile table, dark and high-contrast
 * themes. Also checks that text stays legible: the labels' colour contrasts with the background.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { applyTheme, fixtureMessage, launch, openPanel, redraw, skipReason, type Panel } from './harness';

const OUT = resolve(__dirname, '../../artifacts/screenshots');

describe('screenshots', { skip: skipReason() }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function shot(name: string, model: string, opts: { theme?: 'light' | 'dark' | 'hc'; view?: 'graph' | 'profile'; prepare?: (p: Panel) => Promise<void>; size?: { width: number; height: number } } = {}): Promise<Panel> {
    const p = await openPanel(browser, opts.size ?? { width: 1200, height: 800 });
    await applyTheme(p.page, opts.theme ?? 'light');
    await p.send({ ...fixtureMessage(model), view: opts.view ?? 'graph' });
    if ((opts.view ?? 'graph') === 'graph') await p.drawn();
    else await p.page.waitForSelector('table.profile tbody tr');
    await opts.prepare?.(p);
    await p.page.waitForTimeout(250);
    await p.page.screenshot({ path: resolve(OUT, `${name}.png`) });
    return p;
  }

  test('GoogLeNet, ResNet-50, DenseNet-121, a profile table', async () => {
    // Centre an interesting place: find a layer, then clear the search (the view stays).
    const centre = (q: string) => async (p: Panel) => {
      await p.page.fill('input.search', q);
      await p.page.waitForSelector('.cl-graph .current');
      await p.page.press('input.search', 'Escape');
    };
    for (const [name, model, at] of [
      ['googlenet', 'googlenet', undefined],
      ['resnet50', 'resnet50', 'bn2a_branch2b'],
      ['densenet121', 'densenet121', 'transitionBlock'],
    ] as const) {
      const p = await shot(name, model, at ? { prepare: centre(at) } : {});
      assert.deepEqual(p.errors, []);
      await p.page.context().close();
    }
    const o = await shot('resnet50-blocks', 'resnet50', { prepare: async (p) => redraw(p.page, () => p.page.click('button.collapse-all')) });
    await o.page.context().close();
    const p = await shot('profile-resnet50', 'resnet50', { view: 'profile', prepare: (x) => x.page.click('th.c-params button') });
    await p.page.context().close();
  });

  test('dark and high-contrast themes: text contrasts with the background', async () => {
    for (const theme of ['dark', 'hc'] as const) {
      const p = await shot(`googlenet-${theme}`, 'googlenet', { theme });
      const c = await p.page.evaluate(() => {
        const lum = (c: string) => {
          const [r, g, b] = c.match(/[\d.]+/g)!.slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const ratio = (a: string, b: string) => {
          const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
          return (x! + 0.05) / (y! + 0.05);
        };
        const text = getComputedStyle(document.querySelector('.cl-graph .node .t')!).fill;
        const body = getComputedStyle(document.querySelector('.cl-graph .node.f-conv > .body')!).fill;
        return ratio(text, body);
      });
      assert.ok(c >= 4.5, `${theme}: label/box contrast ${c.toFixed(2)}`);
      await p.page.context().close();
    }
    const p = await shot('profile-googlenet-dark', 'googlenet', { theme: 'dark', view: 'profile' });
    await p.page.context().close();
  });
});
