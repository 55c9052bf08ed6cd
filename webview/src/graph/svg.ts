/**
 * The architecture drawing as an SVG string. One writer for the live panel (inserted as markup, so
 * 5,000 nodes cost one parse rather than 20,000 createElement calls), the panel's SVG/PNG export
 * and `convlens view --out arch.svg`. Pure string building: runs in the browser and in Node.
 */
import type { ModelGraph, ModelReport } from '../../../server/src/engine/report/types';
import { bytes, exact, human, pair, shapeText } from '../../../server/src/engine/report/format';
import type { Geometry, Point } from './layout';
import { FONT, GROUP_H, LAYER_H, PAD_X, frameHeader, groupName, groupText, layerText } from './node_content';
import { fitText, textWidth } from './measure';
import { graphCss, type ColorWriter } from './palette';
import type { VisibleGraph } from './visible';

export interface GraphLayout {
  visible: VisibleGraph;
  geometry: Geometry;
}

export interface SvgOptions {
  /** Write colours into a <style> and paint the background: a file that stands alone. */
  standalone?: ColorWriter;
  /** Native tooltips (<title>) on every box; the live panel has its own. */
  titles?: boolean;
  /** Heading drawn above the graph in standalone files. */
  title?: string;
  /** For the panel: fills its container; pan and zoom move the `.viewport` group. */
  live?: boolean;
  /** With `live`: band contents go here instead of into the markup (huge graphs). */
  deferred?: DeferredBands;
}

const HEADING_H = 34;
/** Height of the panel's visibility bands, in graph px. */
export const BAND = 1500;
/** How far (graph px) something may reach below its band; the panel shows bands this much beyond the view at least. */
export const BAND_SLACK = 300;

/**
 * Markup with its band (-1: not in one band, always shown), written when it is needed: a deferred
 * band's markup only when the band first comes into view (10,000 boxes' markup took 150-250 ms).
 */
type Bucketed = [number, () => string][];

/**
 * One paint layer (frames, edges, labels, boxes): unbanded markup first, then a hidden <g> per
 * band, holding its markup, or, when `deferred` is given, empty with the markup's writers kept
 * there (band -> writers per layer) for the panel to call when the band first comes into view.
 */
function layer(cls: string, index: number, entries: Bucketed, deferred?: DeferredBands): string {
  const bands = new Map<number, (() => string)[]>();
  let out = `<g class="${cls}">`;
  for (const [b, m] of entries) {
    if (b < 0) out += m();
    else (bands.get(b) ?? bands.set(b, []).get(b)!).push(m);
  }
  for (const [b, ms] of [...bands].sort((x, y) => x[0] - y[0])) {
    if (deferred) (deferred.get(b) ?? deferred.set(b, [[], [], [], []]).get(b)!)[index] = ms;
    out += `<g data-band="${b}" display="none">${deferred ? '' : ms.map((m) => m()).join('')}</g>`;
  }
  return out + '</g>';
}

/** Band -> the writers of its part of each paint layer (frames, edges, edge labels, boxes). */
export type DeferredBands = Map<number, [(() => string)[], (() => string)[], (() => string)[], (() => string)[]]>;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderSvg(graph: ModelGraph, report: ModelReport, layout: GraphLayout, options: SvgOptions = {}): string {
  const { visible: v, geometry: g } = layout;
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const groups = new Map(graph.groups.map((x) => [x.id, x]));
  const out: string[] = [];
  const top = options.standalone && options.title ? HEADING_H : 0;
  // A heading wider than the drawing widens the file.
  const w = Math.ceil(Math.max(g.width, options.standalone && options.title ? textWidth(options.title, FONT.title, true) + 48 : 0));
  const h = Math.ceil(g.height + top);
  out.push(
    options.live
      ? '<svg xmlns="http://www.w3.org/2000/svg" class="cl-graph live" width="100%" height="100%">'
      : `<svg xmlns="http://www.w3.org/2000/svg" class="cl-graph" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
  );
  if (options.standalone) {
    out.push(`<style>${graphCss(options.standalone)}</style><rect class="bg" width="100%" height="100%"/>`);
    if (options.title) out.push(`<text x="${24}" y="${22}" class="t">${escapeXml(options.title)}</text>`);
  }
  out.push(
    '<defs>',
    '<marker id="cl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,1 L10,5 L0,9 z"/></marker>',
    '<marker id="cl-arrow-merge" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow-merge" d="M0,1 L10,5 L0,9 z"/></marker>',
    '</defs>',
  );
  out.push(options.live ? '<g class="viewport">' : top ? `<g transform="translate(0,${top})">` : '<g>');

  // Frames outermost first, so inner frames paint over outer ones.
  const depth = new Map<string, number>();
  const frameParent = new Map(v.frames.map((f) => [f.id, f.parent]));
  const depthOf = (id: string): number => {
    if (depth.has(id)) return depth.get(id)!;
    const p = frameParent.get(id);
    const d = p && frameParent.has(p) ? depthOf(p) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  // Tall drawings in the panel are cut into horizontal bands that are shown only near the view
  // (display="none" skips style, text shaping and paint): 5,000 nodes draw as fast as 500.
  const banded = !!options.live && g.height > 2 * BAND;
  // What reaches at most BAND_SLACK into the next band belongs to the band of its top (the panel
  // shows a band's neighbours at least that far beyond it); only taller things are always shown.
  // Always-shown boxes and edges across band borders were ~1,000 elements at 10,000 nodes, most
  // of the first style and layout pass.
  const bandOf = (y0: number, y1: number) => {
    if (!banded) return -1;
    const a = Math.floor(y0 / BAND);
    return a === Math.floor(y1 / BAND) || y1 - y0 <= BAND_SLACK ? a : -1;
  };
  const frames: Bucketed = [];
  for (const f of [...v.frames].sort((a, b) => depthOf(a.id) - depthOf(b.id))) {
    const b = g.frames[f.id];
    const grp = groups.get(f.id);
    if (!b || !grp) continue;
    frames.push([
      bandOf(b.y, b.y + b.height),
      () =>
        `<g class="frame d${depthOf(f.id) % 4}" data-group-id="${escapeXml(f.id)}">` +
        `<rect class="box" x="${r(b.x)}" y="${r(b.y)}" width="${r(b.width)}" height="${r(b.height)}" rx="8"/>` +
        `<rect class="hit" x="${r(b.x)}" y="${r(b.y)}" width="${r(b.width)}" height="22" fill="transparent"/>` +
        `<text class="head" x="${r(b.x + 10)}" y="${r(b.y + 16)}">${escapeXml(frameHeader(grp, b.width - 20))}</text>` +
        (options.titles && grp.range ? `<title>${escapeXml(`${grp.label}() — ${grp.nodeIds.length} layers`)}</title>` : '') +
        '</g>',
    ]);
  }

  const edges: Bucketed = [];
  const labels: Bucketed = [];
  for (const e of v.edges) {
    const eg = g.edges[e.id];
    if (!eg || eg.points.length < 2) continue;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const p of eg.points) {
      y0 = Math.min(y0, p.y);
      y1 = Math.max(y1, p.y);
    }
    edges.push([bandOf(y0, y1), () => `<path class="edge${e.merge ? ' merge' : ''}" data-edge-id="${escapeXml(e.id)}" d="${roundedPath(eg.points)}" marker-end="url(#${e.merge ? 'cl-arrow-merge' : 'cl-arrow'})"/>`]);
    const at = eg.label;
    if (e.label && at) labels.push([bandOf(at.y, at.y), () => `<text class="el" x="${r(at.x)}" y="${r(at.y + 3.5)}"${at.anchor === 'end' ? ' text-anchor="end"' : ''}>${escapeXml(e.label)}</text>`]);
  }

  const boxes: Bucketed = [];
  for (const it of v.items) {
    const b = g.items[it.id];
    if (!b) continue;
    const band = bandOf(b.y, b.y + b.height);
    if (it.kind === 'group') {
      const grp = groups.get(it.id);
      if (!grp) continue;
      boxes.push([
        band,
        () => {
          const t = groupText(grp, grp.nodeIds.length);
          return (
            `<g class="group" data-group-id="${escapeXml(it.id)}" transform="translate(${r(b.x)},${r(b.y)})">` +
            `<rect class="stack" x="4" y="4" width="${b.width}" height="${GROUP_H}" rx="6"/>` +
            `<rect class="body" width="${b.width}" height="${GROUP_H}" rx="6"/>` +
            `<text class="t" x="${PAD_X}" y="17">▸ ${escapeXml(fitText(t.title, FONT.title, b.width - 2 * PAD_X - textWidth(t.count, FONT.sub) - 24, true))}</text>` +
            `<text class="c" x="${b.width - PAD_X}" y="17" text-anchor="end">${escapeXml(t.count)}</text>` +
            `<text class="s" x="${PAD_X}" y="33">${escapeXml(fitText(t.shapes, FONT.sub, b.width - 2 * PAD_X))}</text>` +
            `<text class="s" x="${PAD_X}" y="48">${escapeXml(fitText(t.params, FONT.sub, b.width - 2 * PAD_X))}</text>` +
            (options.titles ? `<title>${escapeXml(`${groupName(grp)}: ${t.count}, ${t.shapes}, ${t.params}`)}</title>` : '') +
            '</g>'
          );
        },
      ]);
      continue;
    }
    const n = nodes.get(it.id);
    if (!n) continue;
    boxes.push([
      band,
      () => {
        const t = layerText(n);
        const attr = n.layerIndex === null ? 'data-input=""' : `data-layer-index="${n.layerIndex}"`;
        const rx = n.layerIndex === null ? LAYER_H / 2 : 5;
        return (
          `<g class="node f-${n.family}${n.error ? ' err' : ''}" ${attr} data-node-id="${escapeXml(n.id)}" transform="translate(${r(b.x)},${r(b.y)})">` +
          `<rect class="body" width="${b.width}" height="${LAYER_H}" rx="${rx}"/>` +
          `<text class="t" x="${PAD_X}" y="17">${escapeXml(fitText(t.title, FONT.title, b.width - 2 * PAD_X, true))}</text>` +
          `<text class="s" x="${PAD_X}" y="32">${escapeXml(t.shape)}</text>` +
          (t.params ? `<text class="p" x="${b.width - PAD_X}" y="32" text-anchor="end">${escapeXml(t.params)}</text>` : '') +
          (options.titles ? `<title>${escapeXml(nodeTooltip(report, n.layerIndex, n.className, n.name).join('\n'))}</title>` : '') +
          '</g>'
        );
      },
    ]);
  }
  const d = options.deferred;
  out.push(layer('frames', 0, frames, d), layer('edges', 1, edges, d), layer('edge-labels', 2, labels, d), layer('nodes', 3, boxes, d));
  out.push('</g></svg>');
  return out.join('');
}

/** The heading of exported drawings. */
export function exportTitle(r: ModelReport): string {
  return `${r.name} — ${human(r.totalParams)} params · ${human(r.macs)} MACs · ${r.layers.length} layers`;
}

/** Tooltip lines for a layer: what the hover in the editor says, in short. */
export function nodeTooltip(report: ModelReport, layerIndex: number | null, className: string, name?: string): string[] {
  const l = layerIndex === null ? undefined : report.layers[layerIndex];
  if (!l) return [`${className}${name ? ` '${name}'` : ''}`];
  const lines = [`${l.className} '${l.displayName}' — ${l.label}`, `${l.inputShapes.map(shapeText).join(' + ')} → ${shapeText(l.outputShape)}`];
  lines.push(`params ${exact(l.params)}${l.nonTrainableParams ? ` (${exact(l.nonTrainableParams)} non-trainable)` : ''} · MACs ${human(l.macs)}`);
  if (l.receptiveField) lines.push(`receptive field ${pair(l.receptiveField)}, jump ${pair(l.jump)}`);
  lines.push(`activation ${bytes(l.activationBytes)} (float32, batch 1)`);
  if (l.applications > 1) lines.push(`shared: applied ${l.applications}×`);
  if (l.chain.length) lines.push(`in ${l.chain.map((c) => `${c.name}()`).join(' ← ')}`);
  if (l.error) lines.push(`error: ${l.error}`);
  return lines;
}

function r(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** Orthogonal polyline with rounded corners (radius up to 6 px, less on short segments). */
export function roundedPath(pts: Point[]): string {
  let d = `M${r(pts[0]!.x)},${r(pts[0]!.y)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    const c = pts[i + 1]!;
    const l1 = Math.hypot(b.x - a.x, b.y - a.y);
    const l2 = Math.hypot(c.x - b.x, c.y - b.y);
    const rad = Math.min(6, l1 / 2, l2 / 2);
    if (rad < 0.5) {
      d += `L${r(b.x)},${r(b.y)}`;
      continue;
    }
    const p1 = { x: b.x + ((a.x - b.x) / l1) * rad, y: b.y + ((a.y - b.y) / l1) * rad };
    const p2 = { x: b.x + ((c.x - b.x) / l2) * rad, y: b.y + ((c.y - b.y) / l2) * rad };
    d += `L${r(p1.x)},${r(p1.y)}Q${r(b.x)},${r(b.y)} ${r(p2.x)},${r(p2.y)}`;
  }
  const last = pts[pts.length - 1]!;
  return d + `L${r(last.x)},${r(last.y)}`;
}
