/**
 * What each box says, in one place: the sizes the layout reserves and the text the SVG draws come
 * from the same functions, so text always fits its box.
 */
import type { GraphGroup, GraphNode, Shape } from '../../../server/src/engine/report/types';
import { human, shapeCompact } from '../../../server/src/engine/report/format';
import { fitText, textWidth } from './measure';

export const FONT = { title: 12, sub: 11, edge: 10, frame: 11 } as const;
export const LAYER_H = 40;
export const GROUP_H = 56;
export const PAD_X = 12;
const MIN_W = 150;
const MAX_W = 300;

export interface LayerText {
  title: string;
  shape: string;
  params: string;
}

export function layerText(n: GraphNode): LayerText {
  const title = n.className === 'InputLayer' ? (n.name ? (/input/i.test(n.name) ? n.name : `input ${n.name}`) : 'input') : n.label || n.className;
  return { title, shape: shapeCompact(n.outputShape), params: n.params ? human(n.params) : '' };
}

export function layerSize(n: GraphNode): { width: number; height: number } {
  const t = layerText(n);
  const line2 = textWidth(t.shape, FONT.sub) + (t.params ? textWidth(t.params, FONT.sub) + 16 : 0);
  const w = Math.max(textWidth(t.title, FONT.title, true), line2) + 2 * PAD_X;
  return { width: clampW(w, MIN_W), height: LAYER_H };
}

export interface GroupText {
  title: string;
  count: string;
  shapes: string;
  params: string;
}

export function shapesText(shapes: Shape[]): string {
  if (!shapes.length) return '?';
  return shapes.map((s) => shapeCompact(s)).join(', ');
}

/** A group as people tell it from its siblings: `identityBlock (stage 2, block b)`. */
export function groupName(g: GraphGroup): string {
  return g.detail ? `${g.label} (${g.detail})` : g.label;
}

export function groupText(g: GraphGroup, layers: number): GroupText {
  const params = g.params === null ? '? params' : `${human(g.params)} params`;
  return {
    title: g.label,
    count: `${layers} layer${layers === 1 ? '' : 's'}`,
    shapes: `${shapesText(g.inputShapes)} → ${shapesText(g.outputShapes)}`,
    // What tells this call from the helper's others goes with the params: the title stays the helper.
    params: g.detail ? `${g.detail} · ${params}` : params,
  };
}

export function groupSize(g: GraphGroup, layers: number): { width: number; height: number } {
  const t = groupText(g, layers);
  const w = Math.max(
    textWidth(t.title, FONT.title, true) + textWidth(t.count, FONT.sub) + 28,
    textWidth(t.shapes, FONT.sub),
    textWidth(t.params, FONT.sub),
  );
  return { width: clampW(w + 2 * PAD_X, MIN_W + 20), height: GROUP_H };
}

/** The shortest header a frame must fit: its helper's name and parameter count. */
export function frameHeaderMin(g: GraphGroup): string {
  return `▾ ${groupName(g)} · ${g.params === null ? '?' : human(g.params)} params`;
}

/** The header of an expanded group's frame: shapes too when the frame is wide enough. */
export function frameHeader(g: GraphGroup, width: number): string {
  const full = `▾ ${groupName(g)}  ${shapesText(g.inputShapes)} → ${shapesText(g.outputShapes)} · ${g.params === null ? '?' : human(g.params)} params`;
  if (textWidth(full, FONT.frame, true) <= width) return full;
  return fitText(frameHeaderMin(g), FONT.frame, width, true);
}

export function edgeText(shape: Shape | null): string {
  return shape ? shapeCompact(shape) : '';
}

function clampW(w: number, min: number): number {
  return Math.min(MAX_W, Math.max(min, Math.ceil(w / 10) * 10));
}
