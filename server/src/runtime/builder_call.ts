/**
 * Reaching and calling the user's builder once their module is loaded. Host-neutral (no Node
 * imports): the Node worker loads modules with user_module.ts, the panel's worker with
 * browser/user_bundle.ts, and both call the builder here.
 */
import type { LayersModel } from './tf_types';

/** Owner and method of a model name: 'resNet50' → ['resNet50'], 'ResNet.build' → ['ResNet', 'build']. */
export function splitName(name: string): [string, string | undefined] {
  const dot = name.indexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, undefined];
}

function lookup(exports: Record<string, unknown>, owner: string): unknown {
  if (owner in exports) return exports[owner];
  const d = exports.default as { name?: string } | undefined;
  if (d && (typeof d === 'function' || typeof d === 'object') && d.name === owner) return d;
  return undefined;
}

export interface BuiltModel {
  model: LayersModel;
  /** How it was reached: 'export', 'top-level binding'. */
  via: string;
}

/**
 * Build the model the engine calls `name`: an exported (or top-level) builder function (awaited
 * when async), `Class.method` on a new instance, or a variable holding a model. `load` evaluates
 * the user's file (fresh each call), with `export { owner as __convlens_builder__ }` appended when
 * `extraExport` is given, to reach a builder the file does not export.
 */
export async function callBuilder(name: string, load: (extraExport?: string) => Record<string, unknown>, file: string): Promise<BuiltModel> {
  const [owner, method] = splitName(name);
  if (name.includes(' › ')) throw new Error(`'${name}' is a sub-model built inside another builder; check its parent model instead`);
  let exports = load();
  let value = lookup(exports, owner);
  let via = 'export';
  if (value === undefined) {
    // Not exported: load again with an extra export of the top-level binding.
    exports = load(owner);
    value = exports.__convlens_builder__;
    via = 'top-level binding';
  }
  if (value === undefined) throw new Error(`'${owner}' is neither exported nor a top-level binding of ${file}`);
  let result: unknown;
  if (method) {
    const Cls = value as new () => Record<string, (() => unknown) | undefined>;
    const inst = new Cls();
    const fn = inst[method];
    if (typeof fn !== 'function') throw new Error(`${owner} has no method '${method}'`);
    result = fn.call(inst);
  } else result = typeof value === 'function' && !isModel(value) ? (value as () => unknown)() : value;
  result = await result;
  if (!isModel(result)) throw new Error(`${name}() did not return a tf.LayersModel (got ${describe(result)})`);
  return { model: result, via };
}

function isModel(v: unknown): v is LayersModel {
  return !!v && typeof v === 'object' && typeof (v as LayersModel).predict === 'function' && Array.isArray((v as LayersModel).layers);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

