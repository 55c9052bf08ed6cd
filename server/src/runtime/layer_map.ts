/**
 * Pairs tfjs's layer objects with the engine report's layers, so a gradient or a latency measured
 * on a tfjs layer lands on the right source range. The report lists layers in order of first
 * application with InputLayers left out; tfjs's inbound node ids give the same order (the same rule
 * the fixture tests use against real tfjs).
 */
import type { LayerReport, ModelReport } from '../engine/report/types';

/** The subset of a tfjs layer this module reads. */
export interface TfLayer {
  name: string;
  getClassName(): string;
  trainableWeights: { name: string; shape: (number | null)[]; read(): { name: string } }[];
}

export interface PairedLayer {
  layer: TfLayer;
  /** Index into report.layers, or null. */
  index: number | null;
  report?: LayerReport;
}

function firstNodeId(l: TfLayer): number {
  return (l as unknown as { inboundNodes?: { id: number }[] }).inboundNodes?.[0]?.id ?? 0;
}

/** tfjs layers (InputLayers left out) in order of first application. */
export function orderedLayers(model: { layers: TfLayer[] }): TfLayer[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').sort((a, b) => firstNodeId(a) - firstNodeId(b));
}

export function pairLayers(model: { layers: TfLayer[] }, report: ModelReport | undefined): PairedLayer[] {
  const layers = orderedLayers(model);
  if (!report) return layers.map((layer) => ({ layer, index: null }));
  const same = report.layers.length === layers.length && layers.every((l, i) => l.getClassName() === report.layers[i]!.className);
  if (same) return layers.map((layer, i) => ({ layer, index: i, report: report.layers[i] }));
  // Fall back to the names users give (`name: 'stem_conv'`), which both sides keep.
  const byName = new Map<string, number>();
  report.layers.forEach((l, i) => l.name && byName.set(l.name, i));
  return layers.map((layer) => {
    const i = byName.get(layer.name);
    return i !== undefined && report.layers[i]!.className === layer.getClassName() ? { layer, index: i, report: report.layers[i] } : { layer, index: null };
  });
}
