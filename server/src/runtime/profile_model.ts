/**
 * Profile Model, measured: forward latency of every layer and of every helper-call group (the
 * engine graph's groups), and of the whole model, at batch 1 and a larger batch. Layers run one
 * by one on real tensors in topological order, each timed alone, so the per-layer sum includes a
 * dispatch per layer that a whole predict() shares.
 *
 * Kept short, because someone is waiting: one untimed predict() per batch size warms every kernel
 * up (instead of a warm-up run per layer); a measurement stops repeating once two runs agree
 * within 10% (or it has spent a second), up to `repeats` runs, and its median is taken; the
 * layer's output for the next layer is the first timed run's. Batch 1 is measured first and sent
 * as soon as it is done (a `profile` event with `partial: true`), and `progress` events say which
 * layer is being timed.
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
  /** At most this many timed runs per measurement (default 5); fewer when they agree. */
  repeats?: number;
  emit?: (e: WorkerEvent) => void;
}

/** Two consecutive runs within this fraction of each other make a measurement stable. */
const STABLE = 0.1;
/** Below this a difference is timer noise (performance.now() is coarsened to ~0.1 ms in places). */
const NOISE_MS = 0.05;
/** A measurement that has run this long stops after its second run. */
const BUDGET_MS = 1000;
const PROGRESS_EVERY_MS = 100;

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
  let runs = 0;
  /** Median ms of `f`; `keep` receives the first run's output (the caller disposes it), others are disposed. */
  const time = (f: () => Tensor | Tensor[], keep?: (out: Tensor | Tensor[]) => void): number => {
    const ms: number[] = [];
    const start = performance.now();
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const out = f();
      settle(out);
      ms.push(performance.now() - t0);
      runs++;
      if (r === 0 && keep) keep(out);
      else tf.dispose(out);
      const [a, b] = ms.slice(-2);
      if (b !== undefined && (Math.abs(a! - b) <= STABLE * Math.max(a!, b) + NOISE_MS || performance.now() - start > BUDGET_MS)) break;
    }
    return median(ms);
  };

  const perLayer = new Map<TfLayer, number[]>();
  const totalMs: number[] = [];
  const layerSumMs: number[] = [];
  const total = batchSizes.length * (layers.length + 1);
  let done = 0;
  let lastProgress = 0;
  const progress = (message: string, force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    input.emit?.({ type: 'progress', phase: 'profile', done, total, message });
  };
  const result = (measured: number[]): ProfileResult => resultOf(input, pairs, perLayer, measured, totalMs, layerSumMs, repeats);
  for (const [bi, batch] of batchSizes.entries()) {
    input.emit?.({ type: 'phase', phase: 'profile', message: `timing ${layers.length} layers at batch ${batch}` });
    const feeds = model.inputs.map((s, i) => {
      const dims = s.shape.slice(1).map((d, j) => d ?? input.report?.inputShapes[i]?.[j + 1] ?? 32) as number[];
      return tf.randomNormal([batch, ...dims], 0, 1, 'float32', 7 + i);
    });
    const predict = () => model.predict(feeds.length === 1 ? feeds[0]! : feeds);
    progress(`batch ${batch}: warming up`, true);
    const warm = predict();
    settle(warm);
    tf.dispose(warm);
    progress(`batch ${batch}: the whole model`, true);
    totalMs.push(time(predict));
    done++;
    const values = new Map<number, Tensor>();
    model.inputs.forEach((s, i) => values.set((s as unknown as SymbolicLike).id, feeds[i]!));
    let sum = 0;
    for (const [li, layer] of layers.entries()) {
      progress(`batch ${batch}: layer ${li + 1} of ${layers.length} (${layer.name})`);
      let ms = 0;
      for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes) {
        const ins = node.inputTensors.map((t) => values.get(t.id));
        if (ins.some((t) => !t)) continue; // an application in another model
        const arg = ins.length === 1 ? ins[0]! : (ins as Tensor[]);
        const apply = () => (layer as unknown as { apply(x: unknown, k?: unknown): Tensor | Tensor[] }).apply(arg, node.callArgs ?? {});
        ms += time(apply, (out) => (Array.isArray(out) ? out : [out]).forEach((t, k) => values.set(node.outputTensors[k]!.id, t)));
      }
      const row = perLayer.get(layer) ?? [];
      row[bi] = ms;
      perLayer.set(layer, row);
      sum += ms;
      done++;
    }
    layerSumMs.push(sum);
    tf.dispose([...values.values()]);
    progress(`batch ${batch}: done`, true);
    // What is measured so far, at once: batch 1 is what people look at first.
    if (bi < batchSizes.length - 1) input.emit?.({ type: 'profile', result: result(batchSizes.slice(0, bi + 1)), partial: true });
  }
  const out = result(batchSizes);
  out.runs = runs;
  return out;
}

function resultOf(
  input: ProfileInput,
  pairs: ReturnType<typeof pairLayers>,
  perLayer: Map<TfLayer, number[]>,
  batchSizes: number[],
  totalMs: number[],
  layerSumMs: number[],
  repeats: number,
): ProfileResult {
  const n = batchSizes.length;
  const rows: LatencyRow[] = pairs.map((p) => ({
    layerIndex: p.index,
    name: p.layer.name,
    className: p.layer.getClassName(),
    ...(p.report ? { range: p.report.range } : {}),
    ms: (perLayer.get(p.layer) ?? []).slice(0, n).concat(Array(n).fill(0)).slice(0, n),
  }));
  const groups: GroupLatency[] = [];
  if (input.graph) {
    const byIndex = new Map<number, LatencyRow>();
    rows.forEach((r) => r.layerIndex !== null && byIndex.set(r.layerIndex, r));
    const nodeLayer = new Map(input.graph.nodes.map((x) => [x.id, x.layerIndex]));
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
    batchSizes: [...batchSizes],
    totalMs: totalMs.slice(0, n),
    layerSumMs: layerSumMs.slice(0, n),
    layers: rows,
    groups,
    repeats,
  };
}
