/**
 * The inlay hints read call-site tallies the report sums as it is built (layerSites) and on first
 * read of the groups (groupTotals.sites), not the layers and groups themselves. Each tally must be
 * what summing its instances from the report's own lists gives: the layers grouped by their range,
 * and the groups (checked against the graph in lazy_graph.test) grouped by their call site. A
 * model without layer tallies must have one layer per call.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeSource, type Range, type Shape } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { generatedLoopModel } from '../helpers/generated_models';

const dirs = ['../fixtures/models', '../fixtures/broken', '../../examples', '../realworld/fixtures'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f)));

const key = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

interface Expected {
  count: number;
  shapes: string[];
  params: (number | null)[];
  macs: number | null;
  error: boolean;
}

function expected(instances: { shape: Shape | null; params: number | null; macs: number | null; error: boolean }[]): Expected {
  const shapes: string[] = [];
  for (const i of instances) if (JSON.stringify(i.shape) !== shapes[shapes.length - 1]) shapes.push(JSON.stringify(i.shape));
  const macs = instances.reduce<number | null>((a, i) => (a === null || i.macs === null ? null : a + i.macs), 0);
  return { count: instances.length, shapes, params: instances.map((i) => i.params), macs, error: instances.some((i) => i.error) };
}

function check(t: { count: number; shapes: (Shape | null)[]; paramsLo: number; paramsHi: number; paramsUnknown: boolean; macs: number; error: boolean }, e: Expected, what: string): void {
  assert.equal(t.count, e.count, `${what}: count`);
  assert.deepEqual(t.shapes.map((s) => JSON.stringify(s)), e.shapes, `${what}: shapes`);
  const known = e.params.filter((p): p is number => p !== null);
  assert.equal(t.paramsUnknown, known.length < e.params.length, `${what}: params unknown`);
  assert.equal(t.paramsLo, known.length ? Math.min(...known) : Infinity, `${what}: params low`);
  assert.equal(t.paramsHi, known.length ? Math.max(...known) : -Infinity, `${what}: params high`);
  assert.equal(Number.isNaN(t.macs) ? null : t.macs, e.macs, `${what}: macs`);
  assert.equal(t.error, e.error, `${what}: error`);
}

test('call-site tallies equal their instances summed from the report', () => {
  const texts = files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));
  texts.push({ file: '/generated/loop.ts', text: generatedLoopModel(500) });
  let sites = 0;
  let groupSites = 0;
  let singles = 0;
  for (const { file, text } of texts) {
    for (const m of analyzeSource(text, file, diskHost).models) {
      const what = `${file} ${m.report.name}`;
      const byRange = new Map<string, typeof m.report.layers>();
      for (const l of m.report.layers) byRange.set(key(l.range), [...(byRange.get(key(l.range)) ?? []), l]);
      // Where hints can fall: the layers without an `.apply` around them, and in source order the
      // running maximum of the lines their calls and applies end on.
      const layers = m.report.layers;
      assert.deepEqual([...m.layerLines.unapplied], layers.flatMap((l, i) => (l.applyRange ? [] : [i])), `${what}: unapplied layers`);
      let last = -1;
      const ends = layers.map((l) => (last = Math.max(last, l.range.end.line, l.applyRange?.end.line ?? -1)));
      assert.deepEqual(m.layerLines.endLine && [...m.layerLines.endLine], m.layerSites ? undefined : ends, `${what}: end lines`);
      if (!m.layerSites) {
        // None: every call constructs one layer.
        assert.ok([...byRange.values()].every((ls) => ls.length === 1), `${what}: a call with several layers has no tally`);
        singles++;
        continue;
      }
      assert.deepEqual(m.layerSites.map((s) => key(s.range)), [...byRange.keys()], `${what}: layer sites`);
      for (const s of m.layerSites) {
        const ls = byRange.get(key(s.range))!;
        assert.equal(s.first, ls[0], `${what}: first instance`);
        const applies = new Set(ls.map((l) => (l.applyRange ? key(l.applyRange) : '')));
        assert.equal(s.sameApply, applies.size === 1 && !applies.has(''), `${what}: same apply`);
        check(s, expected(ls.map((l) => ({ shape: l.outputShape, params: l.params, macs: l.macs, error: !!l.error }))), `${what} ${key(s.range)}`);
        sites++;
      }
      if (!m.hasGroups) continue;
      const bySite = new Map<string, typeof m.groups>();
      for (const g of m.groups) bySite.set(`${g.file} ${key(g.range)}`, [...(bySite.get(`${g.file} ${key(g.range)}`) ?? []), g]);
      const tallies = m.groupTotals.sites;
      assert.deepEqual(tallies.map((t) => `${t.site.file} ${key(t.site.range)}`), [...bySite.keys()], `${what}: group sites`);
      for (const t of tallies) {
        const gs = bySite.get(`${t.site.file} ${key(t.site.range)}`)!;
        assert.equal(t.label, gs[0]!.label, `${what}: label`);
        check(t, expected(gs.map((g) => ({ shape: g.outputShape, params: g.params, macs: g.macs, error: g.error }))), `${what} ${t.label}`);
        groupSites++;
      }
    }
  }
  // Enough of both kinds, and sites with many instances, or the check proves little.
  assert.ok(sites >= 200 && groupSites >= 30 && singles >= 20, `${sites} layer sites, ${groupSites} group sites, ${singles} models of one layer per call`);
});
