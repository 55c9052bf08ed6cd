/**
 * A report's layer rows are built when read (model_report.ts lazyRows): an edit's hints read one
 * viewport's rows, not the table. Whatever order they are read in, the rows must be the table's own
 * objects and the report the same JSON (key order included) as one whose table was read first.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { inlayHints } from '../../server/src/ide/hints';
import { generatedModel } from '../helpers/generated_models';
import { mulberry32 } from '../helpers/prng';

const dirs = ['../fixtures/models', '../fixtures/broken', '../../examples', '../realworld/fixtures'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f)));

test('rows read one by one are the table’s rows, and the report is the same JSON', () => {
  const rand = mulberry32(5);
  let models = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const eager = analyzeSource(text, file, diskHost);
    const tables = eager.models.map((m) => m.report.layers);
    const lazy = analyzeSource(text, file, diskHost);
    lazy.models.forEach((m, k) => {
      assert.equal(m.layerCount, tables[k]!.length, `${file} ${m.report.name}: layer count`);
      // A random half of the rows, in a random order, before the table.
      const picked = [...Array(m.layerCount).keys()].filter(() => rand() < 0.5).sort(() => rand() - 0.5);
      const early = new Map(picked.map((i) => [i, m.layerAt(i)] as const));
      const table = m.report.layers;
      for (const [i, row] of early) assert.equal(table[i], row, `${file} ${m.report.name}: row ${i} is the table's`);
      if (m.layerCount) assert.equal(m.layerAt(0), table[0], `${file}: a row read after the table is the table's`);
      models++;
    });
    assert.equal(JSON.stringify(lazy.report), JSON.stringify(eager.report), `${file}: the report's JSON`);
  }
  assert.ok(models >= 200, `${models} models`);
});

test('a viewport’s hints leave the table unbuilt; a clone or JSON of the report builds it', () => {
  const text = generatedModel(2000);
  const r = analyzeSource(text, '/virtual/generated_straight.ts');
  const m = r.models[0]!;
  const mid = Math.floor(text.split('\n').length / 2);
  const hints = inlayHints(r, { shape: true, params: true, macs: false }, { start: { line: mid, character: 0 }, end: { line: mid + 60, character: 0 } });
  assert.ok(hints.length >= 50, `${hints.length} hints`);
  assert.ok(Object.getOwnPropertyDescriptor(m.report, 'layers')?.get, 'hints read report.layers (every row built)');
  const copy = structuredClone(r.report);
  assert.equal(copy.models[0]!.layers.length, m.layerCount);
  assert.equal(Object.getOwnPropertyDescriptor(m.report, 'layers')?.get, undefined, 'the table is data once read');
  assert.deepEqual(copy.models[0]!.layers, m.report.layers);
});
