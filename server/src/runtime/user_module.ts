/**
 * Runs the user's model file for real: bundle it with esbuild (its local imports included, npm
 * packages left to Node), bind every '@tensorflow/tfjs*' import to the tfjs of the loaded backend,
 * evaluate it, and call the builder the engine named. This executes the user's code: callers run
 * it only in a trusted workspace, and only inside the worker process.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import type { LayersModel } from './tf_types';

const own = createRequire(__filename);

/** Bundled code; esbuild is loaded at run time (its API cannot be bundled into dist/worker.js). */
export function transpile(file: string, exportAlias?: string): string {
  const esbuild = own('esbuild') as typeof import('esbuild');
  const common = {
    bundle: true,
    write: false,
    platform: 'node' as const,
    format: 'cjs' as const,
    target: 'node20',
    packages: 'external' as const,
    sourcemap: 'inline' as const,
    sourcesContent: false,
    logLevel: 'silent' as const,
  };
  try {
    const out = exportAlias
      ? esbuild.buildSync({
          ...common,
          stdin: {
            contents: `${readFileSync(file, 'utf8')}\nexport { ${exportAlias} as __convlens_builder__ };\n`,
            resolveDir: dirname(file),
            sourcefile: file,
            loader: /\.[cm]?tsx?$/.test(file) ? 'ts' : 'js',
          },
        })
      : esbuild.buildSync({ ...common, entryPoints: [file] });
    return out.outputFiles![0]!.text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors;
    if (errors?.length) {
      const first = errors[0]!;
      const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
      throw Object.assign(new Error(`${where}${first.text}`), { location: first.location });
    }
    throw e;
  }
}

/** Evaluates bundled CommonJS code; tfjs imports get `tfModule`, other packages resolve from the user's folder. */
export function evaluate(code: string, file: string, tfModule: Record<string, unknown>): Record<string, unknown> {
  const userRequire = createRequire(file);
  const req = (id: string): unknown => (/^@tensorflow\/tfjs(-[a-z-]+)?$/.test(id) ? tfModule : userRequire(id));
  const module = { exports: {} as Record<string, unknown> };
  process.setSourceMapsEnabled(true);
  const fn = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }) as (
    e: unknown, r: unknown, m: unknown, f: string, d: string,
  ) => void;
  fn(module.exports, req, module, file, dirname(file));
  return module.exports;
}

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
 * when async), `Class.method` on a new instance, or a variable holding a model.
 */
export async function buildUserModel(file: string, name: string, tfModule: Record<string, unknown>): Promise<BuiltModel> {
  const [owner, method] = splitName(name);
  if (name.includes(' › ')) throw new Error(`'${name}' is a sub-model built inside another builder; check its parent model instead`);
  let exports = evaluate(transpile(file), file, tfModule);
  let value = lookup(exports, owner);
  let via = 'export';
  if (value === undefined) {
    // Not exported: re-bundle with an extra export of the top-level binding.
    exports = evaluate(transpile(file, owner), file, tfModule);
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

/** The first frame of an error's stack that points into the user's files (source-mapped). */
export function userFrame(err: unknown, file: string): { file: string; line: number } | undefined {
  const stack = (err as Error)?.stack ?? '';
  const dir = dirname(file);
  for (const m of stack.matchAll(/\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?/g)) {
    const f = m[1]!;
    if (f.startsWith(dir) && !f.includes('node_modules')) return { file: f, line: Number(m[2]) };
  }
  return undefined;
}
