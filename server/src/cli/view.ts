/**
 * `convlens view FILE [--model NAME] [--expand] [--dark] --out arch.html|arch.svg`
 *
 * .html: the panel itself as one standalone page (script, styles, layout worker and the analysis
 * inlined; strict CSP; opens with no network). .svg: the same drawing code as the panel's export,
 * laid out here in Node (big models at block level unless --expand; light colours unless --dark).
 * Exit status: 0 written, 1 written but the model has shape errors (or no model was found),
 * 2 bad usage or unreadable input.
 */
import { existsSync, readFileSync } from 'node:fs';
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
import { displayPath, formatDiagnostic } from './diagnostics';
import { analyzeFile } from './source';
import { say, warn } from './terminal';
import { WriteError, writeFileAtomic } from './write_file';

const USAGE = 'usage: convlens view FILE [--model NAME] [--expand] [--dark] --out arch.html|arch.svg';

export async function viewCommand(files: string[], flags: Map<string, string | true>): Promise<number> {
  const out = flags.get('out');
  if (files.length !== 1 || typeof out !== 'string' || !/\.(html?|svg)$/i.test(out)) {
    warn(USAGE);
    return 2;
  }
  const file = resolve(files[0]!);
  const a = analyzeFile(files[0]!, flags);
  if (!a.ok) {
    warn(`convlens: ${a.message}`);
    return 2;
  }
  const result = a.result;
  const want = flags.get('model');
  if (typeof want === 'string' && !result.models.some((m) => m.report.name === want)) {
    warn(`convlens: no model named '${want}' in ${displayPath(file)}; models: ${result.models.map((m) => m.report.name).join(', ') || 'none'}`);
    return 2;
  }
  for (const d of result.diagnostics) if (d.severity === 'error') warn(formatDiagnostic(result.file, d));
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  const target = resolve(out);

  if (/\.svg$/i.test(out)) {
    const model = result.models.find((m) => m.report.name === want) ?? result.models[0];
    if (!model) {
      warn(`convlens: no model found in ${displayPath(file)}; nothing to draw`);
      return 1;
    }
    if (!write(target, await svgOf(model.graph, model.report, flags.has('expand'), flags.has('dark')))) return 2;
    say(`wrote ${displayPath(target)} (${model.report.name}, ${model.report.layers.length} layers)`);
    return errors ? 1 : 0;
  }

  const assets = readAssets();
  if (!assets) {
    warn('convlens: dist/webview.js, dist/webview.css, dist/layout_worker.js or dist/elk_worker.js is missing; run `npm run build`');
    return 2;
  }
  if (!write(target, standaloneHtml({ ...assets, data: message(result, file, typeof want === 'string' ? want : undefined), title: `ConvLens — ${displayPath(file)}` }))) return 2;
  say(`wrote ${displayPath(target)} (${result.models.length} model${result.models.length === 1 ? '' : 's'})`);
  if (!result.models.length) warn(`convlens: no model found in ${displayPath(file)}`);
  return errors || !result.models.length ? 1 : 0;
}

/** Whole or not at all (write_file.ts); a failure is a message, not a stack trace. */
function write(target: string, data: string): boolean {
  try {
    writeFileAtomic(target, data);
    return true;
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    warn(`convlens: ${e.message}`);
    return false;
  }
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
