/**
 * A model used as a layer of another model (`base.apply(x)`, `outer.add(block)`). tfjs re-runs the
 * inner graph on the new input; we replay each inner node's catalogue spec on the new shapes, so the
 * outer model gets exact shapes, the inner weights (counted once) and the MACs at the new size.
 */
import { LayerError, type LayerOutput, type LayerSpec, type Shape, type WeightSpec } from '../layers/types';
import type { ModelValue } from './values';
import { modelNodes, weightClash } from './session';

export function modelLayerSpec(model: ModelValue): LayerSpec<undefined> {
  const className = model.kind === 'sequential' ? 'Sequential' : 'Model';
  return {
    className,
    factories: [],
    family: 'other',
    configure: () => undefined,
    apply: (_cfg, inputShapes) => replay(model, className, inputShapes),
    describe: () => `${className}${model.name ? ` '${model.name}'` : ''}`,
  };
}

function replay(model: ModelValue, className: string, inputShapes: Shape[]): LayerOutput {
  if (inputShapes.length !== model.inputs.length)
    throw new LayerError(`${className}: it takes ${model.inputs.length} input(s) but was given ${inputShapes.length}`, 'shape');
  const shapes = new Map<unknown, Shape | null>();
  // tfjs does not check the input against the inner model's inputShape: it re-runs the inner
  // layers' shape inference on what it is given (a fully convolutional block works at any size).
  // What cannot work is a different rank, or inner weights built for other sizes (checked below).
  let resized: string | undefined;
  model.inputs.forEach((t, i) => {
    const declared = t.shape;
    const given = inputShapes[i]!;
    if (declared && declared.length !== given.length)
      throw new LayerError(`${className}: it expects inputs of shape ${fmt(declared)} but was given ${fmt(given)}`, 'shape');
    if (declared && declared.some((d, k) => k > 0 && d !== null && given[k] !== null && d !== given[k])) resized ??= `built for inputs of shape ${fmt(declared)} but given ${fmt(given)}`;
    shapes.set(t, given);
  });
  const weights: WeightSpec[] = [];
  let macs: number | null = 0;
  const seenLayers = new Set<unknown>();
  for (const node of modelNodes(model)) {
    if (node.layer.className === 'InputLayer') continue;
    const spec = node.layer.spec;
    const ins = node.inputs.map((t) => shapes.get(t) ?? t.shape);
    if (!spec || node.layer.configError || ins.some((s) => s === null)) {
      shapes.set(node.output, null);
      macs = null;
      // Its weights are unknown too: the whole model's count must not silently leave them out.
      if (!seenLayers.has(node.layer)) {
        seenLayers.add(node.layer);
        weights.push(UNKNOWN_WEIGHT);
      }
      continue;
    }
    const out = spec.apply(node.layer.config, ins as Shape[]);
    const clash = resized && node.layer.weights ? weightClash(node.layer.weights, out.weights) : undefined;
    if (clash)
      throw new LayerError(`${className}: ${resized}, and its ${node.layer.className}${node.layer.name ? ` '${node.layer.name}'` : ''} has ${clash} (running the model throws)`, 'shape',
        'apply the model to inputs of the shape it was built for, or build a new one for this size');
    shapes.set(node.output, out.outputShape);
    if (!seenLayers.has(node.layer)) {
      seenLayers.add(node.layer);
      weights.push(...out.weights);
    }
    macs = macs === null || out.macs === null ? null : macs + out.macs;
  }
  const outs = model.outputs.map((t) => shapes.get(t) ?? t.shape);
  const first = outs[0] ?? null;
  if (model.incomplete.length || !first) {
    // Parts of the inner model are unknown: so are its output and its weights.
    return { outputShape: first, ...(outs.length > 1 ? { outputShapes: outs } : {}), weights: [...weights, UNKNOWN_WEIGHT], macs: null, rf: { kind: 'drop' } };
  }
  return { outputShape: first, ...(outs.length > 1 ? { outputShapes: outs } : {}), weights, macs, rf: { kind: 'drop' } };
}

/** Stands for weights the analysis cannot size: one unknown dim keeps every count that includes it unknown. */
const UNKNOWN_WEIGHT: WeightSpec = { name: 'unknown', shape: [null], trainable: true };

function fmt(s: Shape): string {
  return `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
}
