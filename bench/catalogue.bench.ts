/**
 * Catalogue throughput: our configure + apply per second versus tfjs's computeOutputShape on an
 * unbuilt layer (constructed outside the timed loop), over the same valid generated configs.
 * A ratio measured in one run, never a pass/fail timer (DESIGN.md).
 *   node --import tsx bench/catalogue.bench.ts
 */
import * as tf from '@tensorflow/tfjs';
import { findLayerSpec, type LayerSpec, type Shape } from '../server/src/engine/layers/index';
import { SEED, generateCases, type GenCase } from '../test/unit/catalogue_gen';

interface Prepared {
  spec: LayerSpec;
  config: Record<string, unknown>;
  inputs: Shape[];
  layer: tf.layers.Layer;
  tfjsInput: Shape | Shape[];
}

function prepare(c: GenCase): Prepared | null {
  if (c.factory === 'inputLayer') return null; // has no input to compute from
  const spec = findLayerSpec(c.factory)!;
  const inputs = c.inputs as Shape[];
  try {
    spec.apply(spec.configure(c.config as never), inputs);
    const layers = tf.layers as unknown as Record<string, (cfg: unknown) => tf.layers.Layer>;
    const layer = layers[c.factory]!(structuredClone(c.config));
    const tfjsInput = inputs.length === 1 ? inputs[0]! : inputs;
    layer.computeOutputShape(tfjsInput as never);
    return { spec, config: c.config, inputs, layer, tfjsInput };
  } catch {
    return null; // invalid for us or for tfjs: not part of the comparison
  }
}

/** Runs `once` over the whole set until at least `minMs` have passed; returns evaluations/second. */
function rate(n: number, once: () => void, minMs = 1000): number {
  for (const w0 = performance.now(); performance.now() - w0 < 300; ) once(); // JIT warm-up
  let evals = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    once();
    evals += n;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return (evals / elapsed) * 1000;
}

export async function benchCatalogue(): Promise<{ ours: number; tfjs: number; ratio: number; configs: number }> {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = () => {};
  try {
    const set = generateCases(SEED, 3000).map(prepare).filter((p): p is Prepared => p !== null);
    let sink = 0;
    const ours = rate(set.length, () => {
      for (const p of set) sink += p.spec.apply(p.spec.configure(p.config as never), p.inputs).outputShape?.length ?? 0;
    });
    const tfjs = rate(set.length, () => {
      for (const p of set) sink += (p.layer.computeOutputShape(p.tfjsInput as never) as unknown[]).length;
    });
    if (sink < 0) console.log(sink); // keeps the loops observable
    return { ours, tfjs, ratio: ours / tfjs, configs: set.length };
  } finally {
    console.warn = warn;
  }
}

if (process.argv[1] && /catalogue\.bench\.ts$/.test(process.argv[1])) {
  void benchCatalogue().then((r) => {
    console.log(`catalogue: ${r.configs} valid configs`);
    console.log(`  ours (configure + apply):        ${Math.round(r.ours).toLocaleString('en-US')} evaluations/s`);
    console.log(`  tfjs (computeOutputShape only):  ${Math.round(r.tfjs).toLocaleString('en-US')} evaluations/s`);
    console.log(`  ratio ours/tfjs: ${r.ratio.toFixed(2)}×`);
  });
}
