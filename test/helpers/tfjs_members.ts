/**
 * The names a tfjs layer or model object has (its own fields and everything on its prototype
 * chain), read from real @tensorflow/tfjs objects: every tf.layers factory, built by applying it to
 * symbolic inputs (build() adds fields), and a Sequential and a functional model. The engine's
 * copy (server/src/engine/tfjs/member_names.ts, written by scripts/gen-member-names.ts) must equal
 * this: a method called on a layer or model outside it does not exist in tfjs, and calling it throws.
 */
import * as tf from '@tensorflow/tfjs';
import { GENERATORS, generateCases, innerLayers } from '../unit/catalogue_gen';

function namesOf(o: object, into: Set<string>): void {
  for (let p: object | null = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null)
    for (const k of Object.getOwnPropertyNames(p)) into.add(k);
}

export function tfjsMemberNames(): { layer: string[]; model: string[] } {
  const layers = tf.layers as unknown as Record<string, (cfg: unknown) => tf.layers.Layer>;
  const layer = new Set<string>();
  const built = new Map<string, number>();
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const c of generateCases()) {
      if (!(c.factory in GENERATORS) || (built.get(c.factory) ?? 0) >= 3) continue;
      let l: tf.layers.Layer;
      try {
        l = layers[c.factory]!(innerLayers(structuredClone(c.config), (f, cfg) => layers[f]!(cfg)));
        if (c.factory !== 'inputLayer') {
          const ins = c.inputs.map((s) => tf.input({ batchShape: s }));
          l.apply(ins.length === 1 ? ins[0]! : ins);
        }
      } catch {
        continue;
      }
      built.set(c.factory, (built.get(c.factory) ?? 0) + 1);
      namesOf(l, layer);
    }
    const model = new Set<string>();
    const seq = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    namesOf(seq, model);
    const x = tf.input({ shape: [3] });
    namesOf(tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor }), model);
    return { layer: [...layer].sort(), model: [...model].sort() };
  } finally {
    console.warn = warn;
  }
}
