/**
 * Incremental parsing (the language server re-parses an edited file with ts.updateSourceFile): for
 * seeded random edits of the fixture models, typed one after another as in an editor, the updated
 * tree is node for node the tree a fresh parse gives, and the analysis of it says the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { parseSource } from '../../server/src/engine/syntax/parse';
import { reparse } from '../../server/src/engine/syntax/recover';
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
