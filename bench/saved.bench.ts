/**
 * Saved models: reading a 5,000-layer model.json (parse, build through the catalogue, report and
 * graph) and drawing it in the panel (headless Chromium, the same measure as the panel bench:
 * message posted → SVG painted). Medians of several runs, with the machine's load average printed.
 * Run: npx tsx bench/saved.bench.ts
 */
import { loadavg } from 'node:os';
import { analyzeSavedModel } from '../server/src/engine/analyze_saved';
import { launch, openPanel, skipReason } from '../test/webview/harness';
import type { ModelMessage } from '../protocol/panel';
import { generatedModelJson } from './saved_model';
import { syntheticModel } from '../test/webview/synthetic';

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
  if (process.env.CONVLENS_BENCH_SAVED_ADVICE) {
    // About a minute at 5,000 layers: each saving re-analyses the model (why the editor skips it above 2,000).
    const t0 = performance.now();
    analyzeSavedModel(bytes, '/bench/model.json', { advice: true });
    out['the same with design advice (measured on the TypeScript rebuild), one run, ms'] = performance.now() - t0;
  }
  const why = skipReason();
  if (why) {
    out['panel'] = `skipped: ${why}`;
    return out;
  }
  const msg: ModelMessage = { type: 'model', uri: 'file:///bench/model.json', version: 1, models: result.models.map(({ report, graph }) => ({ report, graph })), diagnostics: result.diagnostics, findings: [], source: result.formatLabel, view: 'graph' };
  const synthetic = syntheticModel(layers);
  const reference: ModelMessage = { type: 'model', uri: 'file:///bench/synthetic.ts', version: 1, models: [synthetic], diagnostics: [] };
  const browser = await launch();
  const draws: number[] = [];
  const refDraws: number[] = [];
  try {
    // Interleaved with the panel bench's synthetic graph of the same size, so both see the same load.
    for (let i = 0; i < 6; i++) {
      const p = await openPanel(browser);
      const ref = i % 2 === 1;
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
        ref ? reference : msg,
      );
      (ref ? refDraws : draws).push(ms);
      await p.page.context().close();
    }
  } finally {
    await browser.close();
  }
  out['panel: message → drawn (layout + first paint), median of 3, ms (panel goal for 5,000 nodes: 3,000)'] = median(draws);
  out['open + draw (read median + draw median), ms'] = median(read) + median(draws);
  out[`the panel bench's synthetic ${layers}-node graph, same runs, median ms`] = median(refDraws);
  out['saved model draw / synthetic draw'] = median(draws) / median(refDraws);
  out['load average at end'] = loadavg()[0]!;
  return out;
}

if (require.main === module)
  void benchSaved().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
  });
