/**
 * Hints for a viewport are built from the layers whose hints can fall in it (not every site of the
 * file): they must be exactly the whole file's hints that lie in the viewport, for any window,
 * on a fresh analysis (viewport first) and after scrolling.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeSource, type Position } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { inlayHints } from '../../server/src/ide/hints';
import { generatedLoopModel, generatedModel } from '../helpers/generated_models';
import { mulberry32 } from '../helpers/prng';

const dirs = ['../fixtures/models', '../fixtures/advice', '../../examples', '../realworld/fixtures'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f)));
const cmp = (a: Position, b: Position) => a.line - b.line || a.character - b.character;

test('viewport hints are the whole file’s hints in the viewport', () => {
  const rand = mulberry32(11);
  const opts = { shape: true, params: true, macs: true };
  const texts = files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));
  texts.push({ file: '/virtual/generated_straight.ts', text: generatedModel(300) }, { file: '/virtual/generated_loop.ts', text: generatedLoopModel(300) });
  let windows = 0;
  let shown = 0;
  for (const { file, text } of texts) {
    const lines = text.split('\n').length;
    const whole = inlayHints(analyzeSource(text, file, diskHost), opts);
    // One analysis asked for viewports only (the first request builds just its sites), scrolled.
    const viewed = analyzeSource(text, file, diskHost);
    for (let k = 0; k < 8; k++) {
      const startLine = Math.floor(rand() * lines);
      const range = { start: { line: startLine, character: Math.floor(rand() * 30) }, end: { line: startLine + 1 + Math.floor(rand() * 60), character: Math.floor(rand() * 80) } };
      const expected = whole.filter((h) => cmp(h.position, range.start) >= 0 && cmp(h.position, range.end) <= 0);
      assert.deepEqual(inlayHints(viewed, opts, range), expected, `${file} lines ${range.start.line}-${range.end.line}`);
      windows++;
      shown += expected.length;
    }
    // Windows that start exactly at a hint: its layer's own call may end before the window.
    for (const h of whole.filter((_, i) => i % Math.max(1, Math.floor(whole.length / 20)) === 0)) {
      const range = { start: h.position, end: { line: h.position.line + Math.floor(rand() * 3), character: 200 } };
      const expected = whole.filter((x) => cmp(x.position, range.start) >= 0 && cmp(x.position, range.end) <= 0);
      assert.deepEqual(inlayHints(viewed, opts, range), expected, `${file} from ${h.position.line}:${h.position.character}`);
      windows++;
    }
  }
  assert.ok(windows > 500 && shown > 500, `${windows} windows, ${shown} hints`);
});
