/**
 * Profile Model, measured: forward latency of every layer and of every helper-call group (the
 * engine graph's groups), and of the whole model, at batch 1 and a larger batch. Layers run one
 * by one on real tensors in topological order, each timed alone (median of several repeats after
 * a warm-up), so the per-layer sum includes a dispatch per layer that a whole predict() shares.
 */
import type { ModelGraph, ModelReport } from '../engine/report/types';
import type { BackendAttempt, BackendName } from './backend_diagnosis';
import type { GroupLatency, LatencyRow, ProfileResult, WorkerEvent } from '../../../protocol/worker';
import { orderedLayers, pairLayers, type TfLayer } from './layer_map';
import type { LayersModel, Tensor, Tf } from './tf_types';

export interface ProfileInput {
  tf: Tf;
  model: LayersModel;
  report?: ModelReport;
  graph?: ModelGraph;
  file: string;
  name: string;
  backend: { name: BackendName; device: 'gpu' | 'cpu'; attempts: BackendAttempt[] };
  batchSizes?: number[];
  repeats?: number;
  emit?: (e: WorkerEvent) => void;
}

interface SymbolicLike {
  id: number;
  shape: (number | null)[];
  dtype: string;
}
interface NodeLike {
  inputTensors: SymbolicLike[];
  outputTensors: SymbolicLike[];
  callArgs?: Record<string, unknown>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function profileModel(input: ProfileInput): Promise<ProfileResult> {
  const { tf, model } = input;
  const repeats = Math.max(1, input.repeats ?? 5);
  const batchSizes = input.batchSizes ?? [1, 8];
  const pairs = pairLayers(model as never, input.report);
  const layers = orderedLayers(model as never);
  const gpu = input.backend.device === 'gpu';
  // CPU backends compute synchronously; a GPU queues work, so wait for it before reading the clock.
  const settle = (t: Tensor | Tensor[]) => {
    if (gpu) for (const x of Array.isArray(t) ? t : [t]) x.dataSync();
  };
  const time = (f: () => Tensor | Tensor[]): number => {
    const runs: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const t0 = performance.now();
      const out = f();
      settle(out);
      const ms = performance.now() - t0;
      tf.dispose(out);
      if (r > 0) runs.push(ms); // the first run warms up
    }
    return median(runs);
  };

  const perLayer = new Map<TfLayer, number[]>();
  const totalMs: number[] = [];
  const layerSumMs: number[] = [];
  for (const [bi, batch] of batchSizes.entries()) {
    input.emit?.({ type: 'phase', phase: 'profile', message: `timing ${layers.length} layers at batch ${batch}` });
    const feeds = model.inputs.map((s, i) => {
      const dims = s.shape.slice(1).map((d, j) => d ?? input.report?.inputShapes[i]?.[j + 1] ?? 32) as number[];
      return tf.randomNormal([batch, ...dims], 0, 1, 'float32', 7 + i);
    });
    totalMs.push(time(() => model.predict(feeds.length === 1 ? feeds[0]! : feeds)));
    const values = new Map<number, Tensor>();
    model.inputs.forEach((s, i) => values.set((s as unknown as SymbolicLike).id, feeds[i]!));
    let sum = 0;
    for (const layer of layers) {
      let ms = 0;
      for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes) {
        const ins = node.inputTensors.map((t) => values.get(t.id));
        if (ins.some((t) => !t)) continue; // an application in another model
        const arg = ins.length === 1 ? ins[0]! : (ins as Tensor[]);
        const apply = () => (layer as unknown as { apply(x: unknown, k?: unknown): Tensor | Tensor[] }).apply(arg, node.callArgs ?? {});
        ms += time(apply);
        const out = apply();
        (Array.isArray(out) ? out : [out]).forEach((t, k) => values.set(node.outputTensors[k]!.id, t));
      }
      const row = perLayer.get(layer) ?? [];
      row[bi] = ms;
      perLayer.set(layer, row);
      sum += ms;
    }
    layerSumMs.push(sum);
    tf.dispose([...values.values()]);
  }

  const rows: LatencyRow[] = pairs.map((p) => ({
    layerIndex: p.index,
    name: p.layer.name,
    className: p.layer.getClassName(),
    ...(p.report ? { range: p.report.range } : {}),
    ms: perLayer.get(p.layer) ?? batchSizes.map(() => 0),
  }));
  const groups: GroupLatency[] = [];
  if (input.graph) {
    const byIndex = new Map<number, LatencyRow>();
    rows.forEach((r) => r.layerIndex !== null && byIndex.set(r.layerIndex, r));
    const nodeLayer = new Map(input.graph.nodes.map((n) => [n.id, n.layerIndex]));
    for (const g of input.graph.groups) {
      const idx = new Set(g.nodeIds.map((id) => nodeLayer.get(id)).filter((i): i is number => i !== null && i !== undefined));
      const ms = batchSizes.map((_, bi) => [...idx].reduce((s, i) => s + (byIndex.get(i)?.ms[bi] ?? 0), 0));
      groups.push({ groupId: g.id, label: g.label, ...(g.range ? { range: g.range } : {}), ms });
    }
  }
  return {
    file: input.file,
    model: input.name,
    backend: input.backend.name,
    device: input.backend.device,
    backendAttempts: input.backend.attempts,
    batchSizes,
    totalMs,
    layerSumMs,
    layers: rows,
    groups,
    repeats,
  };
}
