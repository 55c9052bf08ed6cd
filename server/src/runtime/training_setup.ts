/**
 * What the sanity check trains on: one fixed random batch, targets that fit the model's head, the
 * builder's own compile settings when it compiled the model (else Adam 1e-3 and a loss chosen from
 * the head), and the loss function tfjs's own training step minimises.
 */
import type { Tf, LayersModel, Tensor } from './tf_types';

export type HeadKind = 'softmax' | 'sigmoid' | 'linear';

export interface Head {
  kind: HeadKind;
  /** Size of the last axis (classes for a softmax head). */
  units: number;
  layerName: string;
  /** Names of two consecutive softmax layers, when the output passes through softmax twice. */
  doubleSoftmax?: [string, string];
}

export interface TrainingSetup {
  inputs: Tensor[];
  targets: Tensor[];
  batchSize: number;
  heads: Head[];
  /** The loss as named in compile ('categoricalCrossentropy') or 'custom'. */
  lossName: string;
  optimizerName: string;
  compiledByBuilder: boolean;
  /** tfjs's training loss: mean data loss (summed over outputs) + regularisation penalties. */
  lossFn: () => Tensor;
  dispose(): void;
}

type AnyLayer = {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  inboundNodes?: { inboundLayers: AnyLayer[] }[];
  outputLayers?: AnyLayer[];
};

/** The activation a layer applies last, looking into nested models. */
function activationOf(layer: AnyLayer): string {
  const cls = layer.getClassName();
  if (cls === 'Softmax') return 'softmax';
  if (layer.outputLayers?.length) return activationOf(layer.outputLayers[0]!);
  const act = layer.getConfig().activation;
  return typeof act === 'string' ? act : 'linear';
}

export function detectHeads(model: LayersModel): Head[] {
  return model.outputs.map((out) => {
    const layer = (out as unknown as { sourceLayer: AnyLayer }).sourceLayer;
    const act = activationOf(layer);
    const units = (out.shape[out.shape.length - 1] as number | null) ?? 1;
    const kind: HeadKind = act === 'softmax' ? 'softmax' : act === 'sigmoid' ? 'sigmoid' : 'linear';
    const head: Head = { kind, units, layerName: layer.name };
    const prev = layer.inboundNodes?.[0]?.inboundLayers?.[0];
    if (kind === 'softmax' && prev && activationOf(prev) === 'softmax') head.doubleSoftmax = [prev.name, layer.name];
    return head;
  });
}

/** The inner functional model of a Sequential holds the compiled state. */
function compiledCore(model: LayersModel): { lossFunctions?: ((y: Tensor, p: Tensor) => Tensor)[]; calculateLosses(): Tensor[] } {
  const inner = (model as unknown as { model?: LayersModel }).model;
  return (inner && (inner as unknown as { lossFunctions?: unknown }).lossFunctions ? inner : model) as never;
}

function lossNameOf(loss: unknown): string {
  if (typeof loss === 'string') return loss;
  if (Array.isArray(loss)) return loss.map(lossNameOf).join(', ');
  if (typeof loss === 'function') return (loss as { name?: string }).name || 'custom';
  return 'custom';
}

export function defaultLoss(head: Head): string {
  if (head.kind === 'softmax' && head.units > 1) return 'categoricalCrossentropy';
  if (head.kind === 'sigmoid') return 'binaryCrossentropy';
  return 'meanSquaredError';
}

/** Random targets that suit the loss: one-hot classes, class indices, 0/1 labels or N(0,1). */
function makeTarget(tf: Tf, loss: string, head: Head, shape: number[], seed: number): Tensor {
  const classes = shape[shape.length - 1]!;
  if (/^sparseCategorical/i.test(loss)) return tf.randomUniform(shape.slice(0, -1), 0, classes, 'int32', seed).asType('float32');
  const kind = /categorical/i.test(loss) ? 'softmax' : /binary/i.test(loss) ? 'sigmoid' : /squared|absolute|huber|log_cosh|logcosh/i.test(loss) ? 'linear' : head.kind;
  if (kind === 'softmax' && classes > 1) return tf.oneHot(tf.randomUniform(shape.slice(0, -1), 0, classes, 'int32', seed), classes).asType('float32');
  if (kind === 'sigmoid' || kind === 'softmax') return tf.randomUniform(shape, 0, 1, 'float32', seed).round();
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/**
 * Batch size when the caller gave none: 32, smaller when the activations of one training step
 * would not fit ~1 GiB (forward outputs kept for backprop plus their gradients ≈ 3× the forward
 * activations), and on a CPU smaller for big models (≈ 6·MACs FLOPs per image per step; keep a
 * step near a second at ~20 GFLOP/s). At least 2, so batch-norm statistics mean something.
 */
export function chooseBatchSize(activationBytes: number | null, macs: number | null, device: 'gpu' | 'cpu'): number {
  let b = 32;
  if (activationBytes) b = Math.min(b, Math.floor(2 ** 30 / (3 * activationBytes)));
  if (macs && device === 'cpu') b = Math.min(b, Math.floor(20e9 / (6 * macs)));
  return Math.max(2, b);
}

export interface SetupOptions {
  batchSize: number;
  seed: number;
  /** Shapes for inputs whose dims tfjs leaves null (besides the batch): from the engine or 32. */
  inputShapes?: (number | null)[][];
}

export function prepareTraining(tf: Tf, model: LayersModel, opts: SetupOptions): TrainingSetup {
  const heads = detectHeads(model);
  const compiledByBuilder = !!(model as unknown as { optimizer_?: unknown }).optimizer_ && model.loss !== undefined;
  if (!compiledByBuilder) {
    const losses = heads.map(defaultLoss);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: losses.length === 1 ? losses[0]! : losses });
  }
  const lossSpec = model.loss as unknown;
  const lossNames = model.outputs.map((_, i) => lossNameOf(Array.isArray(lossSpec) ? lossSpec[i] : lossSpec));
  const inputs = model.inputs.map((input, i) => {
    const fallback = opts.inputShapes?.[i];
    const dims = input.shape.slice(1).map((d, j) => d ?? fallback?.[j + 1] ?? 32) as number[];
    const shape = [opts.batchSize, ...dims];
    return input.dtype === 'int32' ? tf.randomUniform(shape, 0, 10, 'int32', opts.seed + i) : tf.randomNormal(shape, 0, 1, 'float32', opts.seed + i);
  });
  // Output shapes from one inference pass (dims tfjs leaves open are known only then).
  const outShapes = tf.tidy(() => {
    const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
    return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
  });
  const targets = outShapes.map((s, i) => makeTarget(tf, lossNames[i]!, heads[i]!, s, opts.seed + 100 + i));
  const core = compiledCore(model);
  const lossFn = (): Tensor => {
    const x = inputs.length === 1 ? inputs[0]! : inputs;
    const out = model.apply(x, { training: true }) as Tensor | Tensor[];
    const outs = Array.isArray(out) ? out : [out];
    let total: Tensor | undefined;
    outs.forEach((o, i) => {
      const l = core.lossFunctions![i]!(targets[i]!, o);
      total = total ? tf.add(total, l) : l;
    });
    let loss = tf.mean(total!);
    for (const r of core.calculateLosses()) loss = tf.add(loss, r);
    return loss;
  };
  const opt = model.optimizer as unknown as { getClassName(): string; learningRate?: number };
  const lr = typeof opt.learningRate === 'number' ? ` (learning rate ${opt.learningRate})` : '';
  return {
    inputs,
    targets,
    batchSize: opts.batchSize,
    heads,
    lossName: [...new Set(lossNames)].join(', '),
    optimizerName: `${opt.getClassName()}${lr}`,
    compiledByBuilder,
    lossFn,
    dispose: () => tf.dispose([...inputs, ...targets]),
  };
}
