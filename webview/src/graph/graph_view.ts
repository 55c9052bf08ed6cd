/**
 * The live graph: the SVG from svg.ts inside a pannable, zoomable stage, with the minimap, a
 * tooltip, highlights (editor cursor, search, selection) and level of detail (text hides when it
 * would be unreadable, which also keeps 5,000-node graphs fast to paint).
 */
import type { ModelGraph, ModelReport } from '../../../server/src/engine/report/types';
import { bytes, human, shapeCompact } from '../../../server/src/engine/report/format';
import type { Box } from './layout';
import { Minimap } from './minimap';
import { FAMILY_COLOR, type BasePalette } from './palette';
import { BAND, BAND_SLACK, nodeTooltip, renderSvg, type DeferredBands, type GraphLayout } from './svg';
import { FONT, groupName } from './node_content';
import { drive, nextFrame } from '../slices';

export interface Viewport {
  x: number;
  y: number;
  k: number;
}

export interface GraphViewEvents {
  /** A layer or input node was clicked. */
  node(nodeId: string, ev: MouseEvent): void;
  /** A collapsed group box or an expanded group's frame header was clicked. */
  group(groupId: string, ev: MouseEvent): void;
  /** The view moved (to remember it). */
  viewport?(vp: Viewport): void;
}

export type Mark = 'cursor' | 'match' | 'current' | 'selected';

const K_MAX = 4;
/**
 * From this many boxes on, bands enter the DOM only when first scrolled near: even hidden
 * (display none), 35,000 SVG elements cost the first style pass most of a second, and 1,000
 * boxes' 7,000 about a third of the first paint on a busy 2-core machine; 400 boxes and 100
 * frames in hidden bands still made the first style and layout 180 ms (25 ms deferred).
 */
const DEFER_FROM = 300;
/** The paint layers of svg.ts, in the order of DeferredBands' parts. */
const LAYERS = ['frames', 'edges', 'edge-labels', 'nodes'];
/** Below these zoom levels edge labels, then all text, are hidden. */
const LOD_LABELS = 0.7;
const LOD_TEXT = 0.4;
/** Fitting keeps box titles at least this large on screen (the tests hold it to that). */
export const MIN_LABEL_PX = 9;
/** The smallest zoom at which box titles are MIN_LABEL_PX. */
export const K_LEGIBLE = MIN_LABEL_PX / FONT.title;

export class GraphView {
  readonly root: HTMLDivElement;
  private stage: HTMLDivElement;
  private tooltip: HTMLDivElement;
  private minimap: Minimap;
  private svg: SVGSVGElement | undefined;
  private viewportEl: SVGGElement | undefined;
  private vp: Viewport = { x: 0, y: 0, k: 1 };
  private layout: GraphLayout | undefined;
  private graph: ModelGraph | undefined;
  private report: ModelReport | undefined;
  private elements = new Map<string, Element>();
  /** Band index -> its <g> in each paint layer; and which bands are shown. */
  private bands = new Map<number, Element[]>();
  private shown = new Set<number>();
  private deferred: DeferredBands = new Map();
  private marks = new Map<Mark, Set<string>>();
  private raf = 0;
  private tipFor: Element | undefined;
  /** The viewport the last fit that could not show everything legibly chose (pressing Fit again shows all). */
  private legibleFit: Viewport | undefined;
  /**
   * The stage's size when the ResizeObserver last looked (layout was clean then). Drawing reads
   * it instead of clientWidth: reading that right after writing the markup forced a style and
   * layout pass over the whole new SVG, done again in the frame after the view is set.
   */
  private seen: { w: number; h: number } | undefined;

  constructor(private readonly events: GraphViewEvents) {
    this.root = document.createElement('div');
    this.root.className = 'graph-view';
    this.root.tabIndex = 0;
    this.root.setAttribute('role', 'application');
    this.root.setAttribute('aria-label', 'Model graph: drag to pan, wheel to zoom, click a layer to reveal its code');
    this.stage = document.createElement('div');
    this.stage.className = 'stage';
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.root.append(this.stage, this.tooltip);
    this.minimap = new Minimap(this.root, (x, y) => this.centerAt(x, y));
    this.minimap.setVisible(false);
    this.wire();
    new ResizeObserver(() => {
      this.seen = { w: this.stage.clientWidth, h: this.stage.clientHeight };
      this.updateView();
    }).observe(this.stage);
  }

  get viewport(): Viewport {
    return { ...this.vp };
  }

  get current(): GraphLayout | undefined {
    return this.layout;
  }

  /**
   * Draws a laid-out graph. `view`: 'initial' (readable zoom, top of the graph), a viewport to
   * restore, or an anchor: keep group `id` where it was on screen (after a collapse toggle).
   */
  show(graph: ModelGraph, report: ModelReport, layout: GraphLayout, palette: BasePalette, view: 'initial' | Viewport | { anchor: string; screen: { x: number; y: number } }): void {
    this.graph = graph;
    this.report = report;
    this.layout = layout;
    const t0 = performance.now();
    this.deferred = new Map();
    const big = layout.visible.items.length + layout.visible.frames.length >= DEFER_FROM;
    const markup = renderSvg(graph, report, layout, big ? { live: true, deferred: this.deferred } : { live: true });
    const t1 = performance.now();
    this.stage.innerHTML = markup;
    performance.measure('cl:draw-markup', { start: t0, end: t1 });
    performance.measure('cl:draw-dom', { start: t1 });
    this.svg = this.stage.querySelector('svg')!;
    this.viewportEl = this.svg.querySelector('g.viewport') as SVGGElement;
    this.elements.clear();
    this.tipFor = undefined;
    this.register(this.svg);
    this.bands.clear();
    this.shown.clear();
    for (const el of this.svg.querySelectorAll('[data-band]')) {
      const b = Number(el.getAttribute('data-band'));
      (this.bands.get(b) ?? this.bands.set(b, []).get(b)!).push(el);
    }
    for (const [mark, ids] of this.marks) this.applyMark(mark, ids);
    // A big graph's minimap (10,000 boxes on a canvas) is drawn from the next frame on, in steps
    // with frames between; so is the minimap of a big graph's top, drawn ahead of the rest.
    if (big || graph.nodes.length >= DEFER_FROM)
      void nextFrame().then(async () => {
        if (this.layout === layout) await drive(this.minimapSteps(palette));
      });
    else this.drawMinimap(palette);
    if (view === 'initial') this.initialView(true);
    else if ('anchor' in view) {
      const b = this.boxOf(view.anchor);
      if (b) this.vp = { ...this.vp, x: view.screen.x - b.x * this.vp.k, y: view.screen.y - b.y * this.vp.k };
    } else this.vp = { ...view };
    this.apply();
  }

  clear(message: string): void {
    this.layout = undefined;
    this.svg = undefined;
    this.viewportEl = undefined;
    this.elements.clear();
    this.stage.innerHTML = '';
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = message;
    this.stage.append(p);
    this.minimap.setVisible(false);
  }

  drawMinimap(palette: BasePalette): void {
    const steps = this.minimapSteps(palette, Infinity);
    while (!steps.next().done);
  }

  private *minimapSteps(palette: BasePalette, every?: number): Generator<void, void, void> {
    const l = this.layout;
    const g = this.graph;
    if (!l || !g) return;
    const fam = new Map(g.nodes.map((n) => [n.id, n.family]));
    yield* this.minimap.drawing(l.geometry, (id) => palette[FAMILY_COLOR[fam.get(id) ?? 'other'] ?? 'gray'], palette.border, palette.accent, every);
    if (this.layout === l) this.updateView();
  }

  /** Where a box of the current drawing is on screen (top-left, stage coordinates). */
  screenOf(id: string): { x: number; y: number } | undefined {
    const b = this.boxOf(id);
    return b ? { x: this.vp.x + b.x * this.vp.k, y: this.vp.y + b.y * this.vp.k } : undefined;
  }

  /** Is `id` a box of the current drawing (drawn, or in a band not yet inserted)? */
  has(id: string): boolean {
    const g = this.layout?.geometry;
    return !!(g?.items[id] ?? g?.frames[id]);
  }

  /** Indexes the node and group elements under `root` and gives them their marks. */
  private register(root: Element): void {
    for (const el of root.querySelectorAll('[data-node-id], [data-group-id]')) {
      const id = el.getAttribute('data-node-id') ?? el.getAttribute('data-group-id')!;
      this.elements.set(id, el);
      for (const [mark, ids] of this.marks) if (ids.has(id)) el.classList.add(mark);
    }
  }

  private boxOf(id: string): Box | undefined {
    const g = this.layout?.geometry;
    return g?.items[id] ?? g?.frames[id];
  }

  // ---- viewport
  /**
   * The stage's size. `seen`: as the ResizeObserver last saw it, where that is known (no forced
   * layout); right when nothing can have resized the stage since its last frame (a drawing after
   * awaiting the layout), or where a resize is corrected by the observer's own call (updateView).
   */
  private size(seen = false): { w: number; h: number } {
    const s = seen ? this.seen : undefined;
    return { w: (s ? s.w : this.stage.clientWidth) || 800, h: (s ? s.h : this.stage.clientHeight) || 600 };
  }

  private fitScale(seen = false): number {
    const g = this.layout?.geometry;
    if (!g) return 1;
    const { w, h } = this.size(seen);
    return Math.min(w / g.width, h / g.height);
  }

  /** The whole graph when it is readable that way; else full width (at most 1:1) from the top. `seen`: see size(). */
  initialView(seen = false): void {
    const g = this.layout?.geometry;
    if (!g) return;
    const { w, h } = this.size(seen);
    const fit = this.fitScale(seen);
    if (fit >= K_LEGIBLE) {
      const k = Math.min(1, fit);
      this.vp = { k, x: (w - g.width * k) / 2, y: Math.max(0, (h - g.height * k) / 2) };
    } else this.vp = this.topAtLegibleZoom(undefined, seen);
    this.apply();
  }

  /** Can the whole graph be shown with legible labels? */
  fitIsLegible(): boolean {
    return this.fitScale() >= K_LEGIBLE;
  }

  /** Is the view still where the last fit put it because the whole graph would have been illegible? */
  fittedLegibly(): boolean {
    const f = this.legibleFit;
    return !!f && Math.abs(f.k - this.vp.k) < 1e-6 && Math.abs(f.x - this.vp.x) < 0.5 && Math.abs(f.y - this.vp.y) < 0.5;
  }

  /**
   * 'legible': the whole graph when its labels stay at least MIN_LABEL_PX on screen; else its top,
   * as wide as fits, at the smallest legible zoom (the minimap shows the rest). 'all': all of it,
   * however small (labels hide below LOD_TEXT).
   */
  fit(mode: 'legible' | 'all' = 'legible'): void {
    const g = this.layout?.geometry;
    if (!g) return;
    const { w, h } = this.size();
    this.legibleFit = undefined;
    if (mode === 'all' || this.fitIsLegible()) {
      const k = Math.min(K_MAX, this.fitScale());
      this.vp = { k, x: (w - g.width * k) / 2, y: (h - g.height * k) / 2 };
    } else {
      // As much as fits while the labels stay legible: the smallest legible zoom.
      this.vp = this.topAtLegibleZoom(K_LEGIBLE);
      this.legibleFit = { ...this.vp };
    }
    this.apply();
  }

  /** The top of the graph, centred, at zoom `k` (default: 1:1, or narrower down to the legible minimum when the graph is wide). */
  private topAtLegibleZoom(k0?: number, seen = false): Viewport {
    const g = this.layout!.geometry;
    const { w } = this.size(seen);
    const k = k0 ?? Math.max(K_LEGIBLE, Math.min(1, w / g.width));
    return { k, x: Math.max(0, (w - g.width * k) / 2), y: 0 };
  }

  zoom(factor: number, cx?: number, cy?: number): void {
    const { w, h } = this.size();
    const x = cx ?? w / 2;
    const y = cy ?? h / 2;
    const kMin = Math.min(0.05, this.fitScale() * 0.5);
    const k = Math.max(kMin, Math.min(K_MAX, this.vp.k * factor));
    const f = k / this.vp.k;
    this.vp = { k, x: x - (x - this.vp.x) * f, y: y - (y - this.vp.y) * f };
    this.apply();
  }

  pan(dx: number, dy: number): void {
    this.vp = { ...this.vp, x: this.vp.x + dx, y: this.vp.y + dy };
    this.apply();
  }

  /** Centre graph point (x, y) in the stage. */
  centerAt(x: number, y: number): void {
    const { w, h } = this.size();
    this.vp = { ...this.vp, x: w / 2 - x * this.vp.k, y: h / 2 - y * this.vp.k };
    this.apply();
  }

  /** Bring a box into view (centred), zooming in to a readable scale if needed. */
  reveal(id: string, onlyIfHidden = false): void {
    const b = this.boxOf(id);
    if (!b) return;
    if (onlyIfHidden) {
      const { w, h } = this.size();
      const s = this.screenOf(id)!;
      if (s.x >= 0 && s.y >= 0 && s.x + b.width * this.vp.k <= w && s.y + b.height * this.vp.k <= h) return;
    }
    if (this.vp.k < 0.6) this.vp = { ...this.vp, k: 0.8 };
    this.centerAt(b.x + b.width / 2, b.y + b.height / 2);
  }

  private apply(): void {
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(() => this.updateView());
  }

  private updateView(): void {
    if (!this.viewportEl || !this.svg || !this.layout) return;
    const { x, y, k } = this.vp;
    this.viewportEl.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    this.svg.classList.toggle('lod-labels', k < LOD_LABELS);
    this.svg.classList.toggle('lod-text', k < LOD_TEXT);
    const { w, h } = this.size(true);
    this.showBands(-y / k, (h - y) / k);
    const g = this.layout.geometry;
    this.minimap.setVisible(g.width * k > w * 1.05 || g.height * k > h * 1.05);
    this.minimap.setView(-x / k, -y / k, w / k, h / k);
    this.events.viewport?.(this.viewport);
  }

  /** Shows the bands that meet graph rows [top, bottom] (plus a screen of margin), hides the rest. */
  private showBands(top: number, bottom: number): void {
    if (!this.bands.size) return;
    const margin = Math.max(bottom - top, BAND_SLACK);
    const first = Math.floor((top - margin) / BAND);
    const last = Math.floor((bottom + margin) / BAND);
    for (const [b, els] of this.bands) {
      const on = b >= first && b <= last;
      if (on === this.shown.has(b)) continue;
      if (on) this.shown.add(b);
      else this.shown.delete(b);
      const parts = on ? this.deferred.get(b) : undefined;
      if (parts) {
        this.deferred.delete(b);
        for (const el of els) el.innerHTML = (parts[LAYERS.indexOf(el.parentElement?.getAttribute('class') ?? '')] ?? []).map((write) => write()).join('');
        for (const el of els) this.register(el);
      }
      for (const el of els) el.setAttribute('display', on ? 'inline' : 'none');
    }
  }

  // ---- marks
  mark(mark: Mark, ids: Iterable<string>): void {
    const old = this.marks.get(mark);
    if (old) for (const id of old) this.elements.get(id)?.classList.remove(mark);
    const set = new Set(ids);
    this.marks.set(mark, set);
    this.applyMark(mark, set);
  }

  private applyMark(mark: Mark, ids: Set<string>): void {
    for (const id of ids) this.elements.get(id)?.classList.add(mark);
    if (mark === 'match') this.svg?.classList.toggle('searching', ids.size > 0);
  }

  // ---- input
  private wire(): void {
    let drag: { x: number; y: number; vp: Viewport; moved: boolean; target: Element | null; id: number } | undefined;
    this.stage.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, vp: { ...this.vp }, moved: false, target: e.target as Element, id: e.pointerId };
      this.root.focus({ preventScroll: true });
    });
    this.stage.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) {
        this.moveTooltip(e);
        return;
      }
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        this.stage.setPointerCapture(e.pointerId);
        this.stage.classList.add('panning');
        this.tooltip.hidden = true;
      }
      this.vp = { ...drag.vp, x: drag.vp.x + dx, y: drag.vp.y + dy };
      this.apply();
    });
    const end = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return;
      const d = drag;
      drag = undefined;
      this.stage.classList.remove('panning');
      if (this.stage.hasPointerCapture(e.pointerId)) this.stage.releasePointerCapture(e.pointerId);
      if (!d.moved && e.type === 'pointerup') this.click(d.target, e);
    };
    this.stage.addEventListener('pointerup', end);
    this.stage.addEventListener('pointercancel', end);
    this.stage.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        const r = this.stage.getBoundingClientRect();
        // Pinch gestures arrive as ctrl+wheel with small deltas; plain wheels zoom more gently.
        const f = Math.exp(-e.deltaY * unit * (e.ctrlKey ? 0.01 : 0.0015));
        this.zoom(f, e.clientX - r.left, e.clientY - r.top);
        if (e.deltaX) this.pan(-e.deltaX * unit, 0);
      },
      { passive: false },
    );
    this.stage.addEventListener('pointerleave', () => (this.tooltip.hidden = true));
    this.root.addEventListener('keydown', (e) => this.key(e));
  }

  private click(target: Element | null, e: MouseEvent): void {
    const node = target?.closest('[data-node-id]');
    if (node) return this.events.node(node.getAttribute('data-node-id')!, e);
    const group = target?.closest('.group[data-group-id]') ?? target?.closest('.frame .hit, .frame .head')?.closest('[data-group-id]');
    if (group) this.events.group(group.getAttribute('data-group-id')!, e);
  }

  private key(e: KeyboardEvent): void {
    if ((e.target as HTMLElement).closest('input, select, textarea')) return;
    const step = 60;
    const actions: Record<string, () => void> = {
      '+': () => this.zoom(1.25),
      '=': () => this.zoom(1.25),
      '-': () => this.zoom(0.8),
      '0': () => this.fit(),
      '1': () => this.zoom(1 / this.vp.k),
      ArrowLeft: () => this.pan(step, 0),
      ArrowRight: () => this.pan(-step, 0),
      ArrowUp: () => this.pan(0, step),
      ArrowDown: () => this.pan(0, -step),
      PageUp: () => this.pan(0, this.size().h * 0.8),
      PageDown: () => this.pan(0, -this.size().h * 0.8),
      Home: () => this.initialView(),
    };
    const a = actions[e.key];
    if (a && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      a();
    }
  }

  // ---- tooltip
  private moveTooltip(e: PointerEvent): void {
    const el = (e.target as Element | null)?.closest('[data-node-id], .group[data-group-id]');
    if (!el || !this.graph || !this.report) {
      this.tooltip.hidden = true;
      return;
    }
    if (el !== this.tipFor) {
      this.tipFor = el;
      this.tooltip.textContent = this.tooltipText(el);
    }
    // Shown before it is measured (a hidden element measures 0 wide), then kept inside the panel:
    // right of and below the pointer when there is room, else left of or above it.
    this.tooltip.hidden = false;
    const r = this.root.getBoundingClientRect();
    const tw = this.tooltip.offsetWidth;
    const th = this.tooltip.offsetHeight;
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    const x = px + 14 + tw <= r.width - 4 ? px + 14 : px - 14 - tw;
    const y = py + 16 + th <= r.height - 4 ? py + 16 : py - 10 - th;
    const clamp = (v: number, max: number) => Math.max(4, Math.min(v, max - 4));
    this.tooltip.style.transform = `translate(${clamp(x, r.width - tw)}px, ${clamp(y, r.height - th)}px)`;
  }

  private tooltipText(el: Element): string {
    const nodeId = el.getAttribute('data-node-id');
    if (nodeId) {
      const n = this.graph!.nodes.find((x) => x.id === nodeId);
      if (!n) return '';
      return [...nodeTooltip(this.report!, n.layerIndex, n.className, n.name), n.layerIndex === null ? '' : 'Click: reveal in the editor'].filter(Boolean).join('\n');
    }
    const g = this.graph!.groups.find((x) => x.id === el.getAttribute('data-group-id'));
    if (!g) return '';
    const acts = this.layersOf(g.nodeIds);
    return [
      `${groupName(g)} — ${g.nodeIds.length} layers`,
      `${g.inputShapes.map(shapeCompact).join(', ')} → ${g.outputShapes.map(shapeCompact).join(', ')}`,
      `params ${human(g.params)} · MACs ${human(acts.macs)} · activations ${bytes(acts.bytes)}`,
      'Click: expand · Ctrl/Cmd+click: reveal the call',
    ].join('\n');
  }

  private layersOf(nodeIds: string[]): { macs: number | null; bytes: number | null } {
    const ids = new Set(nodeIds);
    const layers = new Set<number>();
    for (const n of this.graph!.nodes) if (ids.has(n.id) && n.layerIndex !== null) layers.add(n.layerIndex);
    let macs: number | null = 0;
    let b: number | null = 0;
    // A shared layer's report already sums its applications: count each layer once.
    for (const i of layers) {
      const l = this.report!.layers[i]!;
      macs = macs === null || l.macs === null ? null : macs + l.macs;
      b = b === null || l.activationBytes === null ? null : b + l.activationBytes;
    }
    return { macs, bytes: b };
  }
}
