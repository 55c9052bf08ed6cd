/**
 * Ground truth for fixture tests: run a fixture file in real @tensorflow/tfjs. The file is bundled
 * with esbuild (local imports included; tfjs-node / -node-gpu / -layers mapped to @tensorflow/tfjs),
 * loaded as a module, and each model the engine reports is built the way the engine named it.
 */
import { build, buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';

let backendReady: Promise<unknown> | undefined;
export function tfjs(): Promise<typeof tf> {
  backendReady ??= tf.setBackend('cpu');
  return backendReady.then(() => tf);
}

const req = createRequire(__filename);

/** The tfjs packages user code imports, all served by the pure-JS @tensorflow/tfjs in tests. */
export const TFJS_ALIASES: Record<string, string> = {
  '@tensorflow/tfjs-node': '@tensorflow/tfjs',
  '@tensorflow/tfjs-node-gpu': '@tensorflow/tfjs',
  '@tensorflow/tfjs-layers': '@tensorflow/tfjs',
};

/** Bundle a fixture to CommonJS and load it with tfjs bound to the pure-JS package. */
export function loadFixtureModule(file: string): Record<string, unknown> {
  const out = buildSync({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    alias: TFJS_ALIASES,
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
 * Bundle a file as an ES module (top-level await allowed; dynamic imports of local files inlined)
 * whose imports of the tfjs packages and of each name in `shims` read `globalThis[globalKey][name]`
 * when the module is evaluated, so each evaluation can get its own stand-ins (a recording tfjs, a
 * React stub). Node builtins a CommonJS file requires are Node's own. Import the result with importBundle.
 */
export async function bundleShimmed(file: string, shims: string[], globalKey: string): Promise<string> {
  const names = new Set([...shims, '@tensorflow/tfjs', ...Object.keys(TFJS_ALIASES)]);
  const out = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    jsx: 'transform',
    // A CommonJS script's require('fs') / require('worker_threads') stays a require of Node's
    // builtin; an ES module evaluated from a data: URL has no `require`, so the bundle gets one.
    banner: { js: `import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(${JSON.stringify(file)});` },
    plugins: [{
      name: 'shims',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (a) => (names.has(a.path) ? { path: a.path, namespace: 'shim' } : undefined));
        b.onLoad({ filter: /.*/, namespace: 'shim' }, (a) => {
          const key = TFJS_ALIASES[a.path] ?? a.path;
          return { contents: `module.exports = globalThis[${JSON.stringify(globalKey)}][${JSON.stringify(key)}];`, loader: 'js' };
        });
      },
    }],
  });
  return out.outputFiles[0]!.text;
}

let imports = 0;
/** Evaluate a bundle from bundleShimmed as a fresh module instance (its top level runs again). */
export function importBundle(code: string): Promise<Record<string, unknown>> {
  // A distinct URL per call: the module map would otherwise hand back the first instance.
  const url = `data:text/javascript;base64,${Buffer.from(`${code}\n// instance ${++imports}\n`).toString('base64')}`;
  return import(url) as Promise<Record<string, unknown>>;
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
  // A nested model's node 0 is its own construction (the node tfjs's Container makes from its
  // inputs to its outputs, with no inbound layers), not a use: a Sequential built before the
  // layers that feed it is used where it is applied (tfjs's model.layers puts it there too).
  type N = { id: number; inboundLayers: unknown[] };
  const firstNode = (l: tf.layers.Layer) => {
    const nodes = (l as unknown as { inboundNodes: N[] }).inboundNodes;
    const isModel = l instanceof tf.LayersModel;
    return (isModel ? nodes.find((n) => n.inboundLayers.length > 0) ?? nodes[0] : nodes[0])?.id ?? 0;
  };
  layers.sort((a, b) => firstNode(a) - firstNode(b));
  return layers.map((l) => {
    let shape: unknown;
    try {
      shape = l.outputShape;
    } catch {
      // Applied at several shapes (a shared layer, a nested model also used on its own): the shape
      // at its first application inside this model (tfjs keys a model's nodes `${name}_ib-${i}`).
      const nodes = (l as unknown as { inboundNodes: { outputShapes: unknown[] }[] }).inboundNodes;
      const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
      const i = own ? nodes.findIndex((_, k) => own.has(`${l.name}_ib-${k}`)) : -1;
      shape = nodes[i < 0 ? 0 : i]!.outputShapes[0];
    }
    const trainable = l.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b as number), 1), 0);
    return { className: l.getClassName(), name: l.name, outputShape: shape as (number | null)[], params: l.countParams(), trainable };
  });
}

/** Like loadFixtureModule, for source text that lives only in a test (`dir` resolves its relative imports). */
export function loadModuleFromText(text: string, dir = __dirname, loader: 'ts' | 'js' = 'ts'): Record<string, unknown> {
  const out = buildSync({
    stdin: { contents: text, resolveDir: dir, loader, sourcefile: `inline.${loader}` },
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
  const mod = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', out.outputFiles[0]!.text)(mod, mod.exports, req);
  return mod.exports;
}

/** A number the engine states (not null) that differs from tfjs's; undefined when every stated number agrees. */
export interface Mismatch {
  where: string;
  ours: unknown;
  tfjs: unknown;
}

/** Shapes compared dim by dim where ours states a dim (rank always). */
function shapeMismatches(where: string, ours: (number | null)[] | null | undefined, truth: (number | null)[], out: Mismatch[]): void {
  if (!ours) return;
  if (ours.length !== truth.length) out.push({ where: `${where} rank`, ours, tfjs: truth });
  else if (ours.some((d, k) => d !== null && d !== truth[k])) out.push({ where, ours, tfjs: truth });
}

/**
 * The "never wrong" check: every number the report states — total, trainable and non-trainable
 * params, the model's output shapes, and per layer the output dims, params and trainable params —
 * that is not null equals what tfjs built. Layers are matched by the user's name when they have
 * one, else in order (InputLayers left out, as in the report).
 */
export function statedMismatches(
  report: {
    totalParams: number | null;
    trainableParams?: number | null;
    nonTrainableParams?: number | null;
    outputShapes?: ((number | null)[] | null)[];
    layers: { className: string; name?: string; outputShape: (number | null)[] | null; params: number | null; trainableParams?: number | null }[];
  },
  model: tf.LayersModel,
): Mismatch[] {
  const out: Mismatch[] = [];
  const truth = truthLayers(model);
  const trainable = truth.reduce((s, t) => s + t.trainable, 0);
  const totals: [string, number | null | undefined, number][] = [
    ['totalParams', report.totalParams, model.countParams()],
    ['trainableParams', report.trainableParams, trainable],
    ['nonTrainableParams', report.nonTrainableParams, model.countParams() - trainable],
  ];
  for (const [where, ours, t] of totals) if (ours !== null && ours !== undefined && ours !== t) out.push({ where, ours, tfjs: t });
  if (report.outputShapes) {
    if (report.outputShapes.length !== model.outputs.length) out.push({ where: 'output count', ours: report.outputShapes.length, tfjs: model.outputs.length });
    else report.outputShapes.forEach((s, k) => shapeMismatches(`output ${k}`, s, model.outputs[k]!.shape, out));
  }
  const byName = new Map(truth.map((t) => [t.name, t] as const));
  report.layers.forEach((l, i) => {
    const t = l.name !== undefined ? byName.get(l.name) : truth[i];
    if (!t) {
      out.push({ where: `layer ${i} (${l.className})`, ours: 'present', tfjs: 'absent' });
      return;
    }
    if (t.className !== l.className) out.push({ where: `layer ${i} class`, ours: l.className, tfjs: t.className });
    if (l.params !== null && l.params !== t.params) out.push({ where: `layer ${i} (${t.name}) params`, ours: l.params, tfjs: t.params });
    if (l.trainableParams !== null && l.trainableParams !== undefined && l.trainableParams !== t.trainable) out.push({ where: `layer ${i} (${t.name}) trainable params`, ours: l.trainableParams, tfjs: t.trainable });
    shapeMismatches(`layer ${i} (${t.name}) output shape`, l.outputShape, t.outputShape, out);
  });
  return out;
}
