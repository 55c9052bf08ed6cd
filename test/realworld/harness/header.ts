/**
 * The ground-truth header of a corpus file: a block comment `/* @realworld { ... } *\/` holding a JS
 * object literal that says how to build each model the file makes in real tfjs. Schema (README.md
 * beside the corpus has the prose version):
 *
 *   style     what public code the file is written after (for the scoreboard)
 *   umd       true: a classic <script> (global `tf`, no imports); its top-level functions are globals
 *   symbols   sizes the file does not decide (arguments nobody passes, data, loaded models):
 *             name -> { range: [lo, hi], aliases?: [...] }. A model whose build reads a symbol is
 *             "free" (the harness builds it for 3 seeded random values); one that reads none is
 *             "decided" by the file itself
 *   standIns  url -> a model tf.loadLayersModel(url) returns in the ground truth (sizes may be symbols)
 *   setup     JS run before each evaluation of the file, with `sym` and `env`; read symbols lazily
 *             (env.respond(url, () => data using sym.n)) so only the builds that use them are free
 *   models    [{ name, aliases?, build | variants }]
 *     build   { call: 'fn' | 'Class.method', new?: [...], args?: [...], run?: 'js', pick?: n | 'name' }
 *             '$sym' strings anywhere in args/new become the symbol's value; `run` is an async body
 *             with mod, tf, sym, env in scope (returns the model, or pick chooses a recorded one);
 *             bind: { param: value } lets an expression in the builder's parameter names be checked
 *     variants [{ when: ['modelType', 'cnn'], default?: true, build }]: the graphs an undecidable
 *             condition yields; `when` are the words the engine's variant label must contain
 */
import { readFileSync } from 'node:fs';

export interface SymbolSpec {
  range: [number, number];
  aliases?: string[];
}

export interface BuildSpec {
  /**
   * Values of the builder's own parameters in this build, for checking an expression the engine
   * gives in their names (a builder analysed on its own) although the file passes concrete values.
   */
  bind?: Record<string, number>;
  call?: string;
  new?: unknown[];
  args?: unknown[];
  run?: string;
  pick?: number | string;
}

export interface VariantSpec {
  when: string[];
  default?: boolean;
  build: BuildSpec;
}

export interface ModelSpec {
  name: string;
  aliases?: string[];
  build?: BuildSpec;
  variants?: VariantSpec[];
}

export interface StandInSpec {
  /** Input shape without the batch dim; entries may be '$sym'. */
  input: (number | string)[];
  /** Conv layers in order, each { name, filters, strides? } (numbers or '$sym'). */
  layers: { name: string; filters: number | string; strides?: number | string }[];
  /** Units of the classifier head (a dense layer named 'predictions' after global pooling). */
  classes: number | string;
}

export interface Header {
  style: string;
  umd?: boolean;
  symbols?: Record<string, SymbolSpec>;
  standIns?: Record<string, StandInSpec>;
  setup?: string;
  models: ModelSpec[];
}

const HEADER = /\/\*\s*@realworld\s*([\s\S]*?)\*\//;

export function readHeader(path: string): Header | undefined {
  const m = HEADER.exec(readFileSync(path, 'utf8'));
  if (!m) return undefined;
  let h: Header;
  try {
    h = new Function(`return (${m[1]});`)() as Header;
  } catch (e) {
    throw new Error(`${path}: the @realworld header is not a valid object literal: ${(e as Error).message}`);
  }
  if (!h || !Array.isArray(h.models) || !h.models.length) throw new Error(`${path}: the @realworld header lists no models`);
  for (const mdl of h.models) {
    if (!mdl.build === !mdl.variants) throw new Error(`${path}: model ${mdl.name} needs exactly one of build / variants`);
    for (const v of mdl.variants ?? []) if (!v.when?.length) throw new Error(`${path}: a variant of ${mdl.name} has no 'when'`);
  }
  return h;
}
