/**
 * Module records and relative-import resolution. The engine does no IO: an AnalysisHost hands it the
 * text of other local files (the CLI reads the disk, the language server its open documents first).
 */
import path from 'node:path';
import type ts from 'typescript';
import { Scope } from './scope';
import type { Value } from './values';

export interface AnalysisHost {
  /** The text of a file, or undefined when it does not exist. Paths use forward slashes. */
  readFile(path: string): string | undefined;
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

/** Resolve './layers' against the importing file, the way TypeScript's bundler resolution would. */
export function resolveRelative(fromFile: string, spec: string, host: AnalysisHost): { path: string; text: string } | undefined {
  const base = path.posix.join(path.posix.dirname(normalizePath(fromFile)), spec);
  const stems = [base];
  // TypeScript ESM style: `import './util.js'` refers to util.ts.
  const m = /\.(m|c)?jsx?$/.exec(base);
  if (m) stems.unshift(base.slice(0, -m[0].length));
  for (const stem of stems) {
    for (const ext of EXTENSIONS) {
      const candidate = stem + ext;
      if (candidate === base && ext === '' && !/\.[cm]?[jt]sx?$/.test(base)) continue;
      const text = host.readFile(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
  }
  return undefined;
}

export function isRelativeSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..';
}
