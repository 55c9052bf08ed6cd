/**
 * The user's model file as a script for the panel's Web Worker (browser/training_worker.ts): the
 * file and its relative imports, each compiled to CommonJS with the same transpile() the Node
 * worker uses, wrapped in a function and listed with where each of its imports leads. tfjs imports
 * are bound to the panel's tfjs there. Imports the panel cannot satisfy (Node modules such as fs or
 * path, other npm packages) are refused here with the import named, and the check stays in the
 * Node worker.
 *
 * Not esbuild: the .vsix ships no node_modules and esbuild is a native binary per platform (the
 * same reason user_module.ts uses TypeScript); the worker already has TypeScript.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename } from 'node:path';
import ts from 'typescript';
import { isRelativeSpecifier, resolveRelative } from '../engine/interp/modules';
import { transpile } from './user_module';

export const TFJS_SPECIFIER = /^@tensorflow\/tfjs(-[a-z-]+)?$/;
/** The dependency value that means "the panel's tfjs". */
export const TFJS_DEP = '@tfjs';

export interface RefusedImport {
  specifier: string;
  file: string;
  /** 1-based line of the import in the user's source. */
  line: number;
  why: 'node' | 'package' | 'missing';
}

export type PanelBundleOutcome = { ok: true; script: string; files: string[] } | { ok: false; reason: string; refused: RefusedImport[] };

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (s: string) => s.startsWith('node:') || NODE_BUILTINS.has(s) || NODE_BUILTINS.has(s.split('/')[0]!);

function tryRead(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** Line of the first quoted occurrence of `spec` in the original source (the import), 1-based. */
function lineOf(text: string, spec: string): number {
  const at = [`'${spec}'`, `"${spec}"`, `\`${spec}\``].map((q) => text.indexOf(q)).filter((i) => i >= 0);
  if (!at.length) return 1;
  return text.slice(0, Math.min(...at)).split('\n').length;
}

/** Requires of a compiled module (type-only imports are gone by then). */
function requiresOf(compiled: string): string[] {
  return [...new Set(ts.preProcessFile(compiled, true, true).importedFiles.map((f) => f.fileName))];
}

const stripSourceMap = (js: string) => js.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\s*$/, '\n');

/**
 * Bundle `file` for the panel. `owner` is the builder's top-level name: the entry is also compiled
 * with `export { owner as __convlens_builder__ }` appended (key `<file>#builder`), for builders the
 * file does not export — the browser loader tries the plain module first, as user_module.ts does.
 */
export function bundleForPanel(file: string, owner: string): PanelBundleOutcome {
  const modules: { key: string; path: string; deps: Record<string, string>; code: string }[] = [];
  const seen = new Set<string>();
  const refused: RefusedImport[] = [];
  const refuse = (r: RefusedImport) => refused.some((x) => x.specifier === r.specifier && x.file === r.file) || refused.push(r);

  const visit = (path: string, text: string, key = path): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const compiled = /\.json$/i.test(path) ? `module.exports = ${JSON.stringify(JSON.parse(text))};\n` : transpile(path, text);
    const deps: Record<string, string> = {};
    const entry = { key, path, deps, code: stripSourceMap(compiled) };
    modules.push(entry);
    for (const spec of requiresOf(compiled)) {
      if (TFJS_SPECIFIER.test(spec)) {
        deps[spec] = TFJS_DEP;
      } else if (isRelativeSpecifier(spec)) {
        const found = resolveRelative(path, spec, { readFile: tryRead });
        if (found && /\.([cm]?[jt]sx?|json)$/i.test(found.path)) {
          deps[spec] = found.path;
          visit(found.path, found.text);
        } else refuse({ specifier: spec, file: path, line: lineOf(text, spec), why: 'missing' });
      } else refuse({ specifier: spec, file: path, line: lineOf(text, spec), why: isNodeBuiltin(spec) ? 'node' : 'package' });
    }
  };

  const text = readFileSync(file, 'utf8');
  visit(file, text);
  visit(file, `${text}\nexport { ${owner} as __convlens_builder__ };\n`, `${file}#builder`);
  if (refused.length) return { ok: false, reason: refusalMessage(refused), refused };

  const body = modules
    .map((m) => `${JSON.stringify(m.key)}: { path: ${JSON.stringify(m.path)}, deps: ${JSON.stringify(m.deps)}, fn: function (exports, require, module, __filename, __dirname) {\n${m.code}\n} }`)
    .join(',\n');
  const script = `globalThis.__convlensUser = { entry: ${JSON.stringify(file)}, modules: {\n${body}\n} };\n`;
  return { ok: true, script, files: [...new Set(modules.map((m) => m.path))] };
}

/** One plain sentence naming what the panel cannot load, and what happens instead. */
export function refusalMessage(refused: RefusedImport[]): string {
  const what = (r: RefusedImport) =>
    `'${r.specifier}' (${basename(r.file)}:${r.line}, ${r.why === 'node' ? 'a Node module' : r.why === 'package' ? 'an npm package' : 'a file that was not found'})`;
  const list = refused.slice(0, 3).map(what).join(', ') + (refused.length > 3 ? ` and ${refused.length - 3} more` : '');
  return (
    `the model file imports ${list}: the panel runs the check in a browser worker, which loads only @tensorflow/tfjs and the file's ` +
    'relative imports, so the check runs in the Node worker instead'
  );
}
