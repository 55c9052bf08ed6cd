/**
 * The in-place patch of an edit inside one number or string that keeps its length
 * (syntax/literal_edit.ts): for seeded random edits of literals in the fixture models and corpus
 * files, typed one after another as in an editor, the updated tree equals a fresh parse in every
 * node, node list, JSDoc comment, literal value and line start, and edits it must refuse go to typescript.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { parseSource } from '../../server/src/engine/syntax/parse';
import { patchLiteralEdit } from '../../server/src/engine/syntax/literal_edit';
import { reparse } from '../../server/src/engine/syntax/recover';
import { analyzeSource, ParseMemory } from '../../server/src/engine';
import { mulberry32 } from '../helpers/prng';

/** Everything a parse leaves that the patch could get wrong, node lists and JSDoc included. */
function dump(sf: ts.SourceFile): string[] {
  const out: string[] = [`lines ${sf.getLineStarts().join(',')}`, `end ${sf.end}`];
  const visitNode = (n: ts.Node): void => {
    const lit = ts.isNumericLiteral(n) || ts.isStringLiteral(n) ? ` ${JSON.stringify(n.text)}` : '';
    out.push(`${ts.SyntaxKind[n.kind]} ${n.pos}-${n.end}${lit}`);
    ts.forEachChild(n, visitNode, visitArray);
    for (const d of (n as { jsDoc?: ts.Node[] }).jsDoc ?? []) visitNode(d);
  };
  const visitArray = (a: ts.NodeArray<ts.Node>): void => {
    out.push(`[ ${a.pos}-${a.end}`);
    a.forEach(visitNode);
  };
  visitNode(sf);
  return out;
}

const ROOT = resolve(__dirname, '../..');
const CORPUS = resolve(ROOT, 'test/realworld/fixtures');
const FILES = [
  'test/fixtures/models/densenet121.ts',
  'test/fixtures/models/resnet50.ts',
  'examples/vgg16.ts',
  ...readdirSync(CORPUS).filter((f) => /\.(ts|js|tsx|jsx)$/.test(f)).map((f) => join('test/realworld/fixtures', f)),
].map((f) => resolve(ROOT, f));

/** A literal's replacement: another number (longer, shorter, or as long), a decimal, another string, or something that must not be patched. */
function replacement(token: string, rnd: () => number): string {
  const r = rnd();
  if (/^['"]/.test(token)) {
    const q = token[0]!;
    const words = ['same', 'valid', 'relu', 'x', '', 'a longer name', "it\\'s", '\\u0041', 'tab\\t'];
    if (r < 0.05) return token.slice(0, -1); // unterminated: typescript's to report
    return q + words[Math.floor(rnd() * words.length)]! + q;
  }
  const nums = ['1', '7', '32', '64', '128', '1024', '0.5', '1e3', '0x1F', '1_000', '3.', '07', '2n'];
  return nums[Math.floor(rnd() * nums.length)]!;
}

test('edits inside numbers and strings: the patched tree is the fresh parse, edit after edit', () => {
  const rnd = mulberry32(20261202);
  let patched = 0;
  let edits = 0;
  for (const file of FILES) {
    let text = readFileSync(file, 'utf8');
    let sf = parseSource(text, file);
    if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length) continue;
    for (let i = 0; i < 12; i++) {
      const tokens = [...text.matchAll(/\b\d+\b|'[^'\n]*'|"[^"\n]*"/g)];
      if (!tokens.length) break;
      const m = tokens[Math.floor(rnd() * tokens.length)]!;
      // One character of it overwritten (the length kept: what is patched), the whole token
      // replaced, or a character typed into it / deleted from it (typescript's).
      const at = m.index! + Math.floor(rnd() * (m[0].length + 1));
      const over = m.index! + Math.floor(rnd() * m[0].length);
      const r = rnd();
      const next =
        r < 0.5
          ? text.slice(0, over) + '0123456789ab\''[Math.floor(rnd() * 13)] + text.slice(over + 1)
          : r < 0.8
            ? text.slice(0, m.index) + replacement(m[0], rnd) + text.slice(m.index! + m[0].length)
            : rnd() < 0.5
              ? text.slice(0, at) + '12x'[Math.floor(rnd() * 3)] + text.slice(at)
              : text.slice(0, at) + text.slice(at + 1);
      const fresh = parseSource(next, file);
      if ((fresh as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length) continue; // only clean parses are kept as a base
      const before = sf;
      const updated = reparse(sf, next);
      if (updated === before) patched++;
      assert.deepEqual(dump(updated), dump(fresh), `${file}: edit ${i} of ${JSON.stringify(m[0])}`);
      text = next;
      sf = updated;
      edits++;
    }
  }
  assert.ok(edits > 400, `only ${edits} edits`);
  // Many edits are patched; the rest (a length change, a 0x number, an escape, a token that turns into another) went to typescript.
  assert.ok(patched > edits / 4 && patched < edits, `${patched} of ${edits} edits patched`);
});

test('refused: edits that change the length or more than one literal, add a line, change a token kind or a JSX attribute', () => {
  const cases: [string, string][] = [
    ['const a = 32;\n', 'const a = 128;\n'], // longer: every later position moves
    ['const a = 32;\nconst b = 64;\n', 'const a = 31;\nconst b = 61;\n'], // two tokens
    ["const s = 'ab';\n", "const s = 'a\\\nb';\n"], // a line continuation: line starts move
    ['const a = 32;\n', 'const a = 3x;\n'], // no longer one number
    ['const a = 32;\n', 'const a = 0x32;\n'], // another kind of number
    ["const a = 'x';\n", "const a = 'x\\u{41}';\n"], // an extended escape
  ];
  for (const [old, next] of cases) {
    const sf = parseSource(old, '/t.ts');
    let s = 0;
    while (old[s] === next[s]) s++;
    let t = 0;
    while (t < Math.min(old.length, next.length) - s && old[old.length - 1 - t] === next[next.length - 1 - t]) t++;
    assert.equal(patchLiteralEdit(sf, next, s, old.length - t, next.length - t), undefined, next);
  }
  const jsx = "const e = <Layer padding='same' />;\n";
  const sf = parseSource(jsx, '/t.tsx');
  assert.equal(patchLiteralEdit(sf, jsx.replace('same', 'sama'), jsx.indexOf('same') + 3, jsx.indexOf('same') + 4, jsx.indexOf('same') + 4), undefined);
});

test('an analysis after patched edits reports what a fresh analysis reports', () => {
  const rnd = mulberry32(11);
  const file = resolve(ROOT, 'test/fixtures/models/resnet50.ts');
  const memory = new ParseMemory();
  let text = readFileSync(file, 'utf8');
  analyzeSource(text, file, undefined, { parses: memory });
  for (let i = 0; i < 15; i++) {
    const nums = [...text.matchAll(/\b(\d+)\b/g)];
    const m = nums[Math.floor(rnd() * nums.length)]!;
    text = text.slice(0, m.index) + String(Math.max(1, Math.round(Number(m[1]) * (0.5 + rnd() * 1.5)))) + text.slice(m.index! + m[0].length);
    const kept = analyzeSource(text, file, undefined, { parses: memory });
    const fresh = analyzeSource(text, file);
    assert.deepEqual(JSON.parse(JSON.stringify(kept.report)), JSON.parse(JSON.stringify(fresh.report)), `edit ${i}`);
  }
});
