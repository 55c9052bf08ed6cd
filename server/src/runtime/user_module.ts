/**
 * Runs the user's model file for real: compile it and its local imports with TypeScript's
 * transpileModule (already in the worker: the engine parses with it; no native bundler to ship),
 * bind every '@tensorflow/tfjs*' import to the tfjs of the loaded backend, evaluate it, and call
 * the builder the engine named. This executes the user's code: callers run it only in a trusted
 * workspace, and only inside the worker process.
 */
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { callBuilder, type BuiltModel } from './builder_call';
import { isRelativeSpecifier, resolveRelative } from '../engine/interp/modules';

export { splitName, type BuiltModel } from './builder_call';

const TFJS = /^@tensorflow\/tfjs(-[a-z-]+)?$/;

/** A syntax error in the user's code, with where it is. */
export class TranspileError extends Error {
  constructor(
    message: string,
    readonly location: { file: string; line: number },
  ) {
    super(message);
  }
}

/** CommonJS for one file, with an inline source map so stack traces point at the user's lines. */
export function transpile(file: string, text: string): string {
  const out = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      inlineSourceMap: true,
      inlineSources: false,
    },
  });
  const err = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (err && err.file && err.start !== undefined) {
    const { line, character } = err.file.getLineAndCharacterOfPosition(err.start);
    throw new TranspileError(`${file}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(err.messageText, ' ')}`, { file, line: line + 1 });
  }
  return out.outputText;
}

/**
 * Loads the user's file as a module at its own path (Node's source-map support puts their file and
 * line in stack traces). Relative imports of local .ts/.js files load the same way; tfjs imports get
 * `tfModule`; other packages resolve from the user's folder. `extraExport` adds
 * `export { name as __convlens_builder__ }` to reach a builder the file does not export.
 */
export function loadUserModule(file: string, tfModule: Record<string, unknown>, extraExport?: string): Record<string, unknown> {
  type Internal = Module & { _compile(code: string, filename: string): void; require(id: string): unknown; paths: string[] };
  const Ctor = Module as unknown as { new (id: string, parent?: unknown): Internal; _nodeModulePaths(dir: string): string[] };
  const loaded = new Map<string, Internal>();
  process.setSourceMapsEnabled(true);
  const load = (path: string, text: string): Internal => {
    const cached = loaded.get(path);
    if (cached) return cached; // import cycles see the partial exports, as in Node
    const m = new Ctor(path);
    loaded.set(path, m);
    m.filename = path;
    m.paths = Ctor._nodeModulePaths(dirname(path));
    const nodeRequire = createRequire(path);
    m.require = (id: string): unknown => {
      if (TFJS.test(id)) return tfModule;
      if (isRelativeSpecifier(id)) {
        const found = resolveRelative(path, id, { readFile: (p) => tryRead(p) });
        if (found && /\.[cm]?[jt]sx?$/.test(found.path)) return load(found.path, found.text).exports;
      }
      return nodeRequire(id);
    };
    m._compile(transpile(path, text), path);
    m.loaded = true;
    return m;
  };
  const text = readFileSync(file, 'utf8') + (extraExport ? `\nexport { ${extraExport} as __convlens_builder__ };\n` : '');
  return load(file, text).exports as Record<string, unknown>;
}

function tryRead(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Build the model the engine calls `name` from the user's file (see builder_call.ts for how the
 * builder is reached and called; the panel's worker calls builders the same way).
 */
export function buildUserModel(file: string, name: string, tfModule: Record<string, unknown>): Promise<BuiltModel> {
  return callBuilder(name, (extraExport) => loadUserModule(file, tfModule, extraExport), file);
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
