/**
 * Incremental parsing (the language server re-parses an edited file with ts.updateSourceFile): for
 * seeded random edits of the fixture models, typed one after another as in an editor, the updated
 * tree is node for node the tree a fresh parse gives, and the analysis of it says the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { parseSource } from '../../server/src/engine/syntax/parse';
import { reparse } from '../../server/src/engine/syntax/recover';
import { duplicateDeclarations } from '../../server/src/engine/syntax/early_errors';
import { analyzeSource, ParseMemory } from '../../server/src/engine';
import { mulberry32 } from '../helpers/prng';

/** Kind, span and the flags a parse sets, for every node (what the analysis reads). */
function shape(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    out.push(`${ts.SyntaxKind[n.kind]} ${n.pos}-${n.end} ${n.flags & (ts.NodeFlags.BlockScoped | ts.NodeFlags.ThisNodeHasError)}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const FILES = ['test/fixtures/models/densenet121.ts', 'test/fixtures/models/resnet50.ts', 'examples/vgg16.ts'].map((f) => resolve(__dirname, '../..', f));
const EDITS = ['', 'x', '1', ' ', '(', '}', '\n', ', 3', 'const a = 2;\n', '/*', '`'];

test('300 seeded edits: the incrementally updated tree equals a fresh parse, node for node', () => {
  const rnd = mulberry32(20261201);
  let edits = 0;
  for (const file of FILES) {
    let text = readFileSync(file, 'utf8');
    let sf = parseSource(text, file);
    for (let i = 0; i < 100; i++) {
      const at = Math.floor(rnd() * text.length);
      const next = text.slice(0, at) + EDITS[Math.floor(rnd() * EDITS.length)] + text.slice(at + Math.floor(rnd() * 4));
      const updated = reparse(sf, next);
      assert.deepEqual(shape(updated), shape(parseSource(next, file)), `${file}: edit ${i} at ${at}`);
      text = next;
      sf = updated;
      edits++;
    }
  }
  assert.equal(edits, 300);
});

test('analyses that keep a ParseMemory (as the language server does) report what fresh analyses report, edit after edit', () => {
  const rnd = mulberry32(7);
  const file = FILES[0]!;
  const memory = new ParseMemory();
  let text = readFileSync(file, 'utf8');
  // Edits that keep the file analysable: change a number, rename a layer, add a line.
  for (let i = 0; i < 25; i++) {
    const nums = [...text.matchAll(/\b(\d+)\b/g)];
    const m = nums[Math.floor(rnd() * nums.length)]!;
    text = text.slice(0, m.index) + String(Math.max(1, Number(m[1]) + (rnd() < 0.5 ? 1 : -1))) + text.slice(m.index! + m[0].length);
    const kept = analyzeSource(text, file, undefined, { parses: memory });
    const fresh = analyzeSource(text, file);
    assert.deepEqual(JSON.parse(JSON.stringify(kept.report)), JSON.parse(JSON.stringify(fresh.report)), `edit ${i}`);
  }
});

test('a duplicate declaration is found after any edit sequence, though statements an edit did not touch are not walked again', () => {
  const memory = new ParseMemory();
  const file = '/virtual/dup.ts';
  const head = "import * as tf from '@tensorflow/tfjs';\nconst W = 4;\n";
  const a = 'export function a() {\n  const s = tf.sequential();\n  s.add(tf.layers.dense({ units: W, inputShape: [3] }));\n  return s;\n}\n';
  const b = (dup: boolean) => `export function b() {\n  const x = 1;\n  ${dup ? 'const x = 2;\n  ' : ''}if (x) { const y = () => { let q = 1; ${dup ? 'let q = 2; ' : ''}return q; }; y(); }\n  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [x] })] });\n}\n`;
  const steps: [string, number][] = [
    [head + a + b(false), 0],
    [head + a + b(true), 2], // the edit adds both duplicates
    [head.replace('W = 4', 'W = 5') + a + b(true), 2], // an edit elsewhere: b is reused, still reported
    [head.replace('W = 4', 'W = 6') + a + b(false), 0],
    [head.replace('W = 4', 'W = 7') + a + b(false), 0],
    [head.replace('W = 4', 'W = 7') + a.replace('units: W', 'units: W + 1') + b(true), 2],
  ];
  for (const [i, [text, want]] of steps.entries()) {
    const kept = analyzeSource(text, file, undefined, { parses: memory }).diagnostics.filter((d) => d.code === 'syntax-error');
    const fresh = analyzeSource(text, file).diagnostics.filter((d) => d.code === 'syntax-error');
    assert.equal(fresh.length, want, `step ${i}: ${JSON.stringify(fresh)}`);
    assert.deepEqual(kept, fresh, `step ${i}`);
  }
});

test('the duplicate-declaration check skips only subtrees that declare nothing lexically: the same findings as a walk of every node', () => {
  const rnd = mulberry32(99);
  const dir = resolve(__dirname, '../realworld/fixtures');
  const files = [...FILES, ...readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f)).map((f) => join(dir, f))];
  const all = (sf: ts.SourceFile) => {
    // Without the parser's flags the check walks every node.
    const strip = (n: ts.Node) => {
      (n as { transformFlags?: number }).transformFlags = undefined;
      ts.forEachChild(n, strip);
    };
    strip(sf);
    return duplicateDeclarations(sf);
  };
  let found = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // Duplicates put at the start of random blocks (a function body, a loop, an arrow's body, a class method).
    const opens = [...text.matchAll(/\{\n/g)].map((m) => m.index! + 2);
    for (let k = 0; k < 4 && opens.length; k++) {
      const at = opens[Math.floor(rnd() * opens.length)]!;
      const kind = ['let', 'const', 'var', 'class'][Math.floor(rnd() * 4)]!;
      const decl = (v: number) => (kind === 'class' ? `class Dup${v % 1} {}\n` : `${kind} dup = ${v};\n`);
      const second = rnd() < 0.5 ? decl(2) : 'var dup = 3;\n';
      const next = text.slice(0, at) + decl(1) + second + text.slice(at);
      const want = all(parseSource(next, file));
      assert.deepEqual(duplicateDeclarations(parseSource(next, file)), want, `${file}: at ${at}`);
      found += want.length;
    }
  }
  assert.ok(found > 20, `only ${found} duplicates found: the check above would prove little`);
});
