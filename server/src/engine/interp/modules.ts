/**
 * Module records and relative-import resolution. The engine does no IO: an AnalysisHost hands it the
 * text of other local files (the CLI reads the disk, the language server its open documents first).
 */
import path from 'node:path';
import type ts from 'typescript';
import { Scope } from './scope';
import type { Value } from './values';

/** A host's reason for not reading a file that exists (outside the workspace, not a regular file, too big). */
export interface Refusal {
  refused: string;
}

export interface AnalysisHost {
  /** The text of a file, undefined when it does not exist, or why the host will not read it. Paths use forward slashes. */
  readFile(path: string): string | undefined | Refusal;
  /**
   * A saved model that code loads (`tf.loadLayersModel(path)`): the host resolves `path` (absolute,
   * or relative to where the code would run: the workspace or CLI root), reads it only if it is a
   * regular file inside that root and under the size cap, and says why not otherwise. Optional:
   * without it loaded models are unknown.
   */
  readModelFile?(path: string): { path: string; text: string } | { error: string };
}

/** How a module exports a name: a local binding, a re-export, or a whole namespace (`export * as ns`). */
export type ExportBinding =
  | { kind: 'local'; local: string }
  | { kind: 'value'; value: Value }
  | { kind: 'reexport'; from: ModuleRecord | undefined; name: string };

export class ModuleRecord {
  readonly scope: Scope;
  readonly exports = new Map<string, ExportBinding>();
  /** `export * from './x'` sources, consulted when a name is not exported directly. */
  readonly starExports: ModuleRecord[] = [];
  status: 'new' | 'evaluating' | 'done' = 'new';
  constructor(
    readonly path: string,
    readonly sourceFile: ts.SourceFile,
    globals: Scope,
  ) {
    this.scope = new Scope(globals, true);
    // CommonJS / Node's module locals: code finds files next to itself with path.join(__dirname, ...).
    this.scope.declare('__filename', this.path, true);
    this.scope.declare('__dirname', this.path.slice(0, this.path.lastIndexOf('/')) || '/', true);
  }
}

export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/');
}

const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '/index.ts', '/index.js'];

/** The paths `spec` may name, in the order TypeScript's bundler resolution tries them. */
function candidates(fromFile: string, spec: string): string[] {
  const base = path.posix.join(path.posix.dirname(normalizePath(fromFile)), spec);
  const stems = [base];
  // TypeScript ESM style: `import './util.js'` refers to util.ts.
  const m = /\.(m|c)?jsx?$/.exec(base);
  if (m) stems.unshift(base.slice(0, -m[0].length));
  const out: string[] = [];
  for (const stem of stems)
    for (const ext of EXTENSIONS) {
      const candidate = stem + ext;
      if (candidate === base && ext === '' && !/\.([cm]?[jt]sx?|json)$/.test(base)) continue;
      out.push(candidate);
    }
  return out;
}

/** Resolve './layers' against the importing file, the way TypeScript's bundler resolution would. */
export function resolveRelative(fromFile: string, spec: string, host: AnalysisHost): { path: string; text: string } | undefined {
  for (const candidate of candidates(fromFile, spec)) {
    const text = host.readFile(candidate);
    if (typeof text === 'string') return { path: candidate, text };
  }
  return undefined;
}

/** The `unresolved-import` message for a specifier resolveRelative did not find: the host's refusal when there was one. */
export function unresolvedImportMessage(fromFile: string, spec: string, host: AnalysisHost): string {
  // The refusal of the path as written reads best; else the first one.
  const written = path.posix.join(path.posix.dirname(normalizePath(fromFile)), spec);
  let why: Refusal | undefined;
  for (const candidate of candidates(fromFile, spec)) {
    const r = host.readFile(candidate);
    if (r === undefined || typeof r === 'string') continue;
    if (candidate === written || !why) why = r;
    if (candidate === written) break;
  }
  if (why) return `cannot read local module '${spec}': ${why.refused}; its values are unknown`;
  return `cannot find local module '${spec}' next to ${normalizePath(fromFile).split('/').pop()}; its values are unknown`;
}

/** A JSON module (`require('./config.json')`): its data is the module's value. */
export function isJsonModulePath(p: string): boolean {
  return /\.json$/i.test(p);
}

export function isRelativeSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..';
}
