/**
 * `convlens view FILE [--model NAME] [--expand] [--dark] --out arch.html|arch.svg`
 *
 * .html: the panel itself as one standalone page (script, styles, layout worker and the analysis
 * inlined; strict CSP; opens with no network). .svg: the same drawing code as the panel's export,
 * laid out here in Node (big models at block level unless --expand; light colours unless --dark).
 * Exit status: 0 written, 1 written but the model has shape errors (or no model was found),
 * 2 bad usage or unreadable input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisResult } from '../engine';
import { collapsedPredicate, defaultCollapse, groupKeys, repeatedBlocks } from '../../../webview/src/graph/collapse';
import { layoutGraph } from '../../../webview/src/graph/layout';
import { fallbackPalette, hexWriter } from '../../../webview/src/graph/palette';
import { exportTitle, renderSvg } from '../../../webview/src/graph/svg';
import { indexGraph, visibleGraph } from '../../../webview/src/graph/visible';
import { standaloneHtml } from '../../../webview/src/html';
import type { ModelMessage } from '../../../protocol/panel';
import { analyzeFile } from './analyze_file';
import { displayPath, formatDiagnostic } from './diagnostics';

const USAGE = 'usage: convlens view FILE [--model NAME] [--expand] [--dark] --out arch.html|arch.svg';

export async function viewCommand(files: string[], flags: Map<string, string | true>): Promise<number> {
  const out = flags.get('out');
  if (files.length !== 1 || typeof out !== 'string' || !/\.(html?|svg)$/i.test(out)) {
    console.error(USAGE);
    return 2;
  }
  const file = resolve(files[0]!);
  const result = analyzeFile(file, flags);
  if (!result) return 2;
  const want = flags.get('model');
  if (typeof want === 'string' && !result.models.some((m) => m.report.name === want)) {
    console.error(`convlens: no model named '${want}' in ${displayPath(file)}; models: ${result.models.map((m) => m.report.name).join(', ') || 'none'}`);
    return 2;
  }
  for (const d of result.diagnostics) if (d.severity === 'error') console.error(formatDiagnostic(result.file, d));
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  const target = resolve(out);

  if (/\.svg$/i.test(out)) {
    const model = result.models.find((m) => m.report.name === want) ?? result.models[0];
    if (!model) {
      console.error(`convlens: no model found in ${displayPath(file)}; nothing to draw`);
      return 1;
    }
    writeFileSync(target, await svgOf(model.graph, model.report, flags.has('expand'), flags.has('dark')));
    console.log(`wrote ${displayPath(target)} (${model.report.name}, ${model.report.layers.length} layers)`);
    return errors ? 1 : 0;
  }

  const assets = readAssets();
  if (!assets) {
    console.error('convlens: dist/webview.js, dist/webview.css, dist/layout_worker.js or dist/elk_worker.js is missing; run `npm run build`');
    return 2;
  }
  writeFileSync(target, standaloneHtml({ ...assets, data: message(result, file, typeof want === 'string' ? want : undefined), title: `ConvLens — ${displayPath(file)}` }));
  console.log(`wrote ${displayPath(target)} (${result.models.length} model${result.models.length === 1 ? '' : 's'})`);
  if (!result.models.length) console.error(`convlens: no model found in ${displayPath(file)}`);
  return errors || !result.models.length ? 1 : 0;
}

function message(result: AnalysisResult, file: string, selected: string | undefined): ModelMessage {
  const m: ModelMessage = {
    type: 'model',
    uri: pathToFileURL(file).href,
    version: null,
    models: result.models.map(({ report, graph }) => ({ report, graph })),
    diagnostics: result.diagnostics,
    view: 'graph',
  };
  if (selected) m.selected = selected;
  return m;
}

/** The panel's SVG export, laid out in Node: repeated blocks collapsed on big models unless --expand. */
export async function svgOf(graph: Parameters<typeof renderSvg>[0], report: Parameters<typeof renderSvg>[1], expand: boolean, dark = false): Promise<string> {
  const ix = indexGraph(graph);
  const state = defaultCollapse(report.layers.length);
  if (expand) state.mode = 'none';
  const visible = visibleGraph(ix, collapsedPredicate(state, groupKeys(ix), repeatedBlocks(ix)));
  const geometry = await layoutGraph(visible);
  const svg = renderSvg(graph, report, { visible, geometry }, { standalone: hexWriter(fallbackPalette(dark)), titles: true, title: exportTitle(report) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}

/** The bundles sit next to the running CLI (dist/cli.js); from sources (tsx), in dist/. */
function readAssets(): { script: string; style: string; worker: string; elkWorker: string } | undefined {
  for (const dir of [__dirname, resolve(__dirname, '../../../dist')]) {
    const p = (n: string) => join(dir, n);
    if (!['webview.js', 'webview.css', 'layout_worker.js', 'elk_worker.js'].every((f) => existsSync(p(f)))) continue;
    return { script: readFileSync(p('webview.js'), 'utf8'), style: readFileSync(p('webview.css'), 'utf8'), worker: readFileSync(p('layout_worker.js'), 'utf8'), elkWorker: readFileSync(p('elk_worker.js'), 'utf8') };
  }
  return undefined;
}
