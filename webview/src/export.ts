/**
 * Export of what the graph view shows: a self-contained SVG (colours of the current theme written
 * in, tooltips as <title>) and a PNG rasterised from it at 2× (capped so huge graphs still fit a
 * canvas).
 */
import type { ModelGraph, ModelReport } from '../../server/src/engine/report/types';
import { hexWriter, type BasePalette } from './graph/palette';
import { exportTitle, renderSvg, type GraphLayout } from './graph/svg';

/** Chromium's canvas limits: 32,767 px a side and about 268 M pixels; stay well inside. */
const MAX_SIDE = 16_000;
const MAX_PIXELS = 120e6;

export function exportSvg(graph: ModelGraph, report: ModelReport, layout: GraphLayout, palette: BasePalette): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + renderSvg(graph, report, layout, { standalone: hexWriter(palette), titles: true, title: exportTitle(report) });
}

export async function svgToPng(svg: string): Promise<string> {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const width = Number(m?.[1] ?? 800);
  const height = Number(m?.[2] ?? 600);
  let scale = 2;
  scale = Math.min(scale, MAX_SIDE / width, MAX_SIDE / height, Math.sqrt(MAX_PIXELS / (width * height)));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rasterised'));
    });
    img.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.floor(width * scale));
    canvas.height = Math.max(1, Math.floor(height * scale));
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
