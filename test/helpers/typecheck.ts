/**
 * `tsc --strict` in memory against the real @tensorflow/tfjs declarations in node_modules.
 * Many variants of a file (the file after each offered edit) are checked in ONE Program: each
 * variant is a virtual sibling of the original (so its relative imports resolve), and one type
 * checker resolves tfjs's declarations once for all of them. Library SourceFiles are parsed once per
 * process and shared between Programs. JavaScript is checked for syntax only, as a user's JS is.
 */
import ts from 'typescript';
import { dirname, join, basename, extname, resolve } from 'node:path';

/** What a user's `tsc --strict` says: strict, a modern target, bundler resolution, the DOM lib (tfjs's types use it). */
const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  esModuleInterop: true,
  skipLibCheck: true,
  // The native backends re-export @tensorflow/tfjs; they cannot install here (no libtensorflow download).
  baseUrl: resolve(__dirname, '../..'),
  paths: { '@tensorflow/tfjs-node': ['node_modules/@tensorflow/tfjs'], '@tensorflow/tfjs-node-gpu': ['node_modules/@tensorflow/tfjs'] },
};

const libCache = new Map<string, ts.SourceFile | undefined>();

export interface Variant {
  /** The real file the variant stands for (its directory resolves relative imports). */
  file: string;
  text: string;
}

/** Type errors of each variant (`line:col TSxxxx message`), in the order given; [] where it checks. */
export function typeCheck(variants: Variant[]): string[][] {
  const virtual = new Map<string, string>();
  const names = variants.map((v, i) => {
    const name = join(dirname(v.file), `${basename(v.file, extname(v.file))}.__variant${i}${extname(v.file)}`);
    virtual.set(name, v.text);
    return name;
  });
  const out: string[][] = variants.map(() => []);
  const tsNames = names.filter((n) => !isJs(n));
  if (tsNames.length) {
    const base = ts.createCompilerHost(options, true);
    const host: ts.CompilerHost = {
      ...base,
      fileExists: (f) => virtual.has(f) || base.fileExists(f),
      readFile: (f) => virtual.get(f) ?? base.readFile(f),
      getSourceFile: (f, lang, onError) => {
        const text = virtual.get(f);
        if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
        if (!libCache.has(f)) libCache.set(f, base.getSourceFile(f, lang, onError));
        return libCache.get(f);
      },
    };
    const program = ts.createProgram(tsNames, options, host);
    for (const [i, n] of names.entries()) {
      if (isJs(n)) continue;
      const sf = program.getSourceFile(n)!;
      out[i] = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map(format);
    }
  }
  for (const [i, n] of names.entries()) if (isJs(n)) out[i] = syntaxErrors(virtual.get(n)!, n);
  return out;
}

/** Syntax errors only (what a JavaScript file gets). */
export function syntaxErrors(text: string, fileName: string): string[] {
  const r = ts.transpileModule(text, { fileName, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, allowJs: true } });
  return (r.diagnostics ?? []).map(format);
}

const isJs = (f: string) => /\.(c|m)?jsx?$/.test(f);

function format(d: ts.Diagnostic): string {
  const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return `TS${d.code} ${msg}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${line + 1}:${character + 1} TS${d.code} ${msg}`;
}
