/**
 * Saved models: reading a 5,000-layer model.json (parse, build through the catalogue, report and
 * graph) and drawing it in the panel (headless Chromium, the same measure as the panel bench:
 * message posted → SVG painted). Medians of several runs, with the machine's load average printed.
 * Run: npx tsx bench/saved.bench.ts
 */
import { loadavg } from 'node:os';
import { analyzeSavedModel } from '../server/src/engine/saved';
import { launch, openPanel, skipReason } from '../test/webview/harness';
import type { ModelMessage } from '../webview/src/protocol';
import { generatedModelJson } from './saved_model';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchSaved(layers = 5000, runs = 5): Promise<Record<string, number | string>> {
  const text = generatedModelJson(layers);
  const bytes = new TextEncoder().encode(text);
  const read: number[] = [];
  let result = analyzeSavedModel(bytes, '/bench/model.json', { fileSize: () => null });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = analyzeSavedModel(bytes, '/bench/model.json', { fileSize: () => null });
    read.push(performance.now() - t0);
  }
  const m = result.models[0]!;
  const out: Record<string, number | string> = {
    [`${m.report.layers.length}-layer model.json (${(bytes.length / 1048576).toFixed(1)} MB): read + build + report, median ms`]: median(read),
    'load average at start': loadavg()[0]!,
  };
  const t0 = performance.now();
  analyzeSavedModel(bytes, '/bench/model.json', { advice: true });
  out['the same with design advice (measured on the TypeScript rebuild), one run, ms'] = performance.now() - t0;
  const why = skipReason();
  if (why) {
    out['panel'] = `skipped: ${why}`;
    return out;
  }
  const msg: ModelMessage = { type: 'model', uri: 'file:///bench/model.json', version: 1, models: result.models.map(({ report, graph }) => ({ report, graph })), diagnostics: result.diagnostics, findings: [], source: result.formatLabel, view: 'graph' };
  const browser = await launch();
  const draws: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const p = await openPanel(browser);
      const ms = await p.page.evaluate(
        (m) =>
          new Promise<number>((done) => {
            const t = performance.now();
            const tick = () => {
              if (document.querySelector('.cl-graph g.viewport[transform]')) requestAnimationFrame(() => done(performance.now() - t));
              else requestAnimationFrame(tick);
            };
            window.postMessage(m, '*');
            requestAnimationFrame(tick);
          }),
        msg,
      );
      draws.push(ms);
      await p.page.context().close();
    }
  } finally {
    await browser.close();
  }
  out['panel: message → drawn (layout + first paint), median of 3, ms (panel goal for 5,000 nodes: 3,000)'] = median(draws);
  out['open + draw (read median + draw median), ms'] = median(read) + median(draws);
  out['load average at end'] = loadavg()[0]!;
  return out;
}

if (require.main === module)
  void benchSaved().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
  });
