/**
 * The overview in the corner: every box as a coloured rectangle on a canvas (cheap for 5,000
 * nodes), the visible area as a frame; click or drag to move there. The boxes are drawn once per
 * layout or theme into an offscreen canvas; viewport changes only blit it and draw the frame.
 */
import type { Box, Geometry } from './layout';

const MAX_W = 150;
const MAX_H = 220;
/** Very tall graphs (DenseNet: 40:1) are stretched sideways rather than drawn as a hairline. */
const MIN_W = 48;
/** The stepped drawing (drawing()) yields after this many boxes. */
export const MINIMAP_STEP = 2000;

export class Minimap {
  readonly canvas: HTMLCanvasElement;
  private base = document.createElement('canvas');
  private sx = 1;
  private sy = 1;
  private geo: Geometry | undefined;
  private frame = { x: 0, y: 0, w: 0, h: 0 };
  private accent = '#0969da';
  /** Counts drawings: a stepped one stops when a newer one has started. */
  private generation = 0;

  constructor(
    parent: HTMLElement,
    private readonly navigate: (graphX: number, graphY: number) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'minimap';
    this.canvas.setAttribute('aria-label', 'Overview: click to move the view');
    parent.append(this.canvas);
    const go = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      this.navigate((e.clientX - r.left) / this.sx, (e.clientY - r.top) / this.sy);
    };
    this.canvas.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      this.canvas.setPointerCapture(e.pointerId);
      go(e);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (this.canvas.hasPointerCapture(e.pointerId)) go(e);
    });
  }

  draw(geo: Geometry, colorOf: (id: string) => string, frameColor: string, accent: string): void {
    const steps = this.drawing(geo, colorOf, frameColor, accent, Infinity);
    while (!steps.next().done);
  }

  /**
   * `draw` in steps: the boxes go onto the offscreen canvas `every` at a time (yielding between),
   * and the minimap shows them once all are there (until then, the previous drawing). A newer
   * drawing stops an older one at its next step.
   */
  *drawing(geo: Geometry, colorOf: (id: string) => string, frameColor: string, accent: string, every = MINIMAP_STEP): Generator<void, void, void> {
    const gen = ++this.generation;
    const sy = Math.min(MAX_W / geo.width, MAX_H / geo.height);
    const sx = Math.max(sy, Math.min(MAX_W, MIN_W) / geo.width);
    const w = Math.max(24, Math.ceil(geo.width * sx));
    const h = Math.max(24, Math.ceil(geo.height * sy));
    const dpr = globalThis.devicePixelRatio || 1;
    const base = every === Infinity ? this.base : document.createElement('canvas');
    base.width = Math.ceil(w * dpr);
    base.height = Math.ceil(h * dpr);
    const ctx = base.getContext('2d')!;
    ctx.setTransform(dpr * sx, 0, 0, dpr * sy, 0, 0);
    ctx.clearRect(0, 0, geo.width, geo.height);
    ctx.strokeStyle = frameColor;
    ctx.lineWidth = 1 / sy;
    for (const b of Object.values(geo.frames)) ctx.strokeRect(b.x, b.y, b.width, b.height);
    // One fill colour at a time (setting fillStyle parses the colour).
    const byColor = new Map<string, Box[]>();
    let n = 0;
    for (const id in geo.items) {
      const c = colorOf(id);
      (byColor.get(c) ?? byColor.set(c, []).get(c)!).push(geo.items[id]!);
      if (++n % every === 0) {
        yield;
        if (gen !== this.generation) return;
      }
    }
    for (const [c, boxes] of byColor) {
      ctx.fillStyle = c;
      // At least one device pixel tall, or thin chains vanish.
      for (const b of boxes) {
        ctx.fillRect(b.x, b.y, b.width, Math.max(b.height, 1 / sy));
        if (++n % every === 0) {
          yield;
          if (gen !== this.generation) return;
          ctx.fillStyle = c;
        }
      }
    }
    this.base = base;
    this.geo = geo;
    this.accent = accent;
    this.sx = sx;
    this.sy = sy;
    this.canvas.width = base.width;
    this.canvas.height = base.height;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    this.paint();
  }

  /** The visible area in graph coordinates. */
  setView(x: number, y: number, w: number, h: number): void {
    this.frame = { x, y, w, h };
    this.paint();
  }

  /** Shown only once something is drawn (a stepped drawing takes some frames). */
  setVisible(v: boolean): void {
    this.canvas.hidden = !v || !this.geo;
  }

  private paint(): void {
    if (!this.geo) return;
    const ctx = this.canvas.getContext('2d')!;
    const dpr = globalThis.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.base, 0, 0);
    ctx.setTransform(dpr * this.sx, 0, 0, dpr * this.sy, 0, 0);
    ctx.strokeStyle = this.accent;
    ctx.lineWidth = 1.5 / this.sy;
    const f = this.frame;
    ctx.strokeRect(f.x, f.y, f.w, f.h);
  }
}
