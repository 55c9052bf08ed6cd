/**
 * Ground truth for fixture tests: run a fixture file in real @tensorflow/tfjs. The file is bundled
 * with esbuild (local imports included; tfjs-node / -node-gpu / -layers mapped to @tensorflow/tfjs),
 * loaded as a module, and each model the engine reports is built the way the engine named it.
 */
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';

let backendReady: Promise<unknown> | undefined;
export function tfjs(): Promise<typeof tf> {
  backendReady ??= tf.setBackend('cpu');
  return backendReady.then(() => tf);
}

const req = createRequire(__filename);

/** Bundle a fixture to CommonJS and load it with tfjs bound to the pure-JS package. */
export function loadFixtureModule(file: string): Record<string, unknown> {
  const out = buildSync({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    alias: {
      '@tensorflow/tfjs-node': '@tensorflow/tfjs',
      '@tensorflow/tfjs-node-gpu': '@tensorflow/tfjs',
      '@tensorflow/tfjs-layers': '@tensorflow/tfjs',
    },
    external: ['@tensorflow/tfjs'],
  });
  const code = out.outputFiles[0]!.text;
  const mod = { exports: {} as Record<string, unknown> };
  // __dirname / __filename as Node gives a CommonJS module (builders find model files next to themselves).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', '__dirname', '__filename', code)(mod, mod.exports, req, dirname(file), file);
  return mod.exports;
}

/**
 * Build the model the engine calls `name` from the fixture's exports: a function (`vgg16`), a
 * class method (`ResNet.build`), or a variable holding a model. Async builders are awaited.
 */
export async function buildNamed(exports: Record<string, unknown>, name: string): Promise<tf.LayersModel> {
  const [owner, method] = name.includes('.') ? name.split('.') : [name, undefined];
  const v = exports[owner!] ?? (exports.default && (exports.default as { name?: string }).name === owner ? exports.default : undefined);
  if (v === undefined) throw new Error(`fixture does not export '${owner}'`);
  let result: unknown;
  if (method) {
    const Cls = v as new () => Record<string, () => unknown>;
    const inst = new Cls();
    result = inst[method]!();
  } else result = typeof v === 'function' ? (v as () => unknown)() : v;
  return (await result) as tf.LayersModel;
}

export interface TruthLayer {
  className: string;
  name: string;
  outputShape: (number | null)[];
  params: number;
  trainable: number;
}

/** Layers as tfjs has them, InputLayers left out, in order of first application. */
export function truthLayers(model: tf.LayersModel): TruthLayer[] {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const firstNode = (l: tf.layers.Layer) => ((l as unknown as { inboundNodes: { id: number }[] }).inboundNodes[0]?.id ?? 0);
  layers.sort((a, b) => firstNode(a) - firstNode(b));
  return layers.map((l) => {
    let shape: unknown;
    try {
      shape = l.outputShape;
    } catch {
      shape = (l as unknown as { inboundNodes: { outputShapes: unknown[] }[] }).inboundNodes[0]!.outputShapes[0];
    }
    const trainable = l.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
    return { className: l.getClassName(), name: l.name, outputShape: shape as (number | null)[], params: l.countParams(), trainable };
  });
}
