/**
 * Every range the engine places goes through rangeIn (one line search from the file's line starts);
 * it must say exactly what typescript's getLineAndCharacterOfPosition says, for every
 * kind of line break typescript knows and for locs that span lines, end early or sit at the end.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { rangeIn } from '../../server/src/engine/source';
import { mulberry32 } from '../helpers/prng';

test('rangeIn equals typescript’s getLineAndCharacterOfPosition', () => {
  const model = readFileSync(resolve(__dirname, '../../examples/vgg16.ts'), 'utf8');
  const texts = [model, model.replace(/\n/g, '\r\n'), model.replace(/\n/g, '\r'), 'a\u2028b\u2029c\r\n\nd', '', 'x', '\n\n\n'];
  const rand = mulberry32(7);
  let checked = 0;
  for (const text of texts) {
    const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest);
    const starts = sf.getLineStarts();
    const at = () => Math.floor(rand() * (text.length + 1));
    const locs: { start: number; end: number }[] = [];
    for (let p = 0; p <= text.length; p++) locs.push({ start: p, end: p });
    for (let i = 0; i < 2000; i++) {
      const a = at();
      locs.push({ start: a, end: Math.min(text.length, a + Math.floor(rand() * 40)) }, { start: a, end: at() });
    }
    for (const loc of locs) {
      assert.deepEqual(rangeIn(loc, starts), { start: sf.getLineAndCharacterOfPosition(loc.start), end: sf.getLineAndCharacterOfPosition(loc.end) }, `${JSON.stringify(text.slice(0, 20))} ${loc.start}-${loc.end}`);
      checked++;
    }
  }
  assert.ok(checked > 20000);
});
