/**
 * The layering the architecture promises, checked on the import statements themselves:
 * the engine imports no editor, protocol or IO module; folders import each other without cycles
 * (the runtime is a library the CLI uses, not the other way round; advice uses blocks, blocks use
 * edit, never back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SOURCE_DIRS = ['server/src', 'client/src', 'webview/src', 'protocol'];

function files(dir: string): string[] {
  const abs = join(ROOT, dir);
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(abs);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(abs, n);
    if (statSync(p).isDirectory()) out = out.concat(files(relative(ROOT, p)));
    else if (/\.tsx?$/.test(n)) out.push(p);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and `import()`/`require()` of string literals. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

/** The folder a source file belongs to for layering: server/src/engine/advice/rules → engine/advice. */
function unit(file: string): string {
  const rel = relative(ROOT, file).replace(/\\/g, '/');
  const parts = rel.split('/');
  if (parts[0] === 'server') return parts.slice(2, parts[2] === 'engine' ? 4 : 3).join('/').replace(/\.tsx?$/, '');
  return parts[0]!;
}

const all = SOURCE_DIRS.flatMap(files);

test('the engine imports neither vscode, the LSP libraries nor Node IO', () => {
  const banned = /^(vscode|vscode-languageserver.*|vscode-languageclient.*|vscode-jsonrpc|node:(fs|child_process|net|http|https|worker_threads)|fs|child_process)$/;
  const offenders: string[] = [];
  for (const f of all.filter((f) => f.includes(`${join('server', 'src', 'engine')}`)))
    for (const s of importsOf(readFileSync(f, 'utf8'))) if (banned.test(s)) offenders.push(`${relative(ROOT, f)} imports ${s}`);
  assert.deepEqual(offenders, []);
});

test('folders import each other without cycles', () => {
  const edges = new Map<string, Set<string>>();
  const why = new Map<string, string>();
  for (const f of all) {
    const from = unit(f);
    for (const s of importsOf(readFileSync(f, 'utf8'))) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(f), s);
      const to = unit(target);
      if (to === from || to.startsWith('..')) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      why.set(`${from}→${to}`, `${relative(ROOT, f)} imports ${s}`);
    }
  }
  // Depth-first search; a back edge is a cycle, reported with the files that make it.
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (u: string) => {
    state.set(u, 'open');
    stack.push(u);
    for (const v of edges.get(u) ?? []) {
      if (state.get(v) === 'open') {
        const cyc = [...stack.slice(stack.indexOf(v)), v];
        cycles.push(cyc.slice(1).map((x, i) => why.get(`${cyc[i]}→${x}`)).join('; '));
      } else if (!state.has(v)) visit(v);
    }
    stack.pop();
    state.set(u, 'done');
  };
  for (const u of [...edges.keys()].sort()) if (!state.has(u)) visit(u);
  assert.deepEqual(cycles, []);
});

test('the import scanner sees the forms the codebase uses (so the two tests above can fail)', () => {
  const text = `import a from './a';\nimport type { B } from "../b";\nexport { c } from './c';\nimport './d';\nconst e = require('./e');\nawait import('./f');`;
  assert.deepEqual(importsOf(text), ['./a', '../b', './c', './d', './e', './f']);
});

test("the check's browser host (the panel's Web Worker) reaches no Node module, however deep", () => {
  const { builtinModules } = require('node:module') as typeof import('node:module');
  const node = (s: string) => s.startsWith('node:') || builtinModules.includes(s.split('/')[0]!);
  const entry = join(ROOT, 'server/src/runtime/browser/training_worker.ts');
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const s of importsOf(readFileSync(f, 'utf8'))) {
      if (node(s)) offenders.push(`${relative(ROOT, f)} imports ${s}`);
      if (!s.startsWith('.')) continue;
      const base = resolve(dirname(f), s);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
      if (target) visit(target);
    }
  };
  visit(entry);
  assert.ok(seen.size > 8, `only ${seen.size} files reached: the walk is broken`);
  assert.ok([...seen].some((f) => f.endsWith('sanity_check.ts')), 'the shared check is part of the browser host');
  assert.deepEqual(offenders, []);
});
