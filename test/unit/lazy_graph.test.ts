/**
 * The panel's graph is built on first read, not with every analysis (an edit's hints need it only
 * where a helper call made a group). Built late, it must be exactly what it would have been at
 * once: nothing done after the analysis (hints, hover, design advice re-analysing edited copies)
 * may change it, and `hasGroups` must say whether it has groups without building it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeSource } from '../../server/src/engine';
import { adviseResult } from '../../server/src/engine/analyze';
import { diskHost } from '../../server/src/host/disk_host';
import { inlayHints } from '../../server/src/ide/hints';
import { hoverAt } from '../../server/src/ide/hover';

const dirs = ['../fixtures/models', '../fixtures/advice', '../../examples', '../realworld/fixtures'].map((d) => resolve(__dirname, d));
const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f)));

test('a graph read late equals a graph read at once, and hasGroups says whether it has groups', () => {
  assert.ok(files.length >= 60, `${files.length} files`);
  let grouped = 0;
  let models = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const late = analyzeSource(text, file, diskHost);
    // What the language server does before anyone opens the panel: hints, a hover, design advice.
    inlayHints(late, { shape: true, params: true, macs: true });
    hoverAt(late, { line: 3, character: 4 });
    adviseResult(late, text, (t) => analyzeSource(t, file, diskHost));
    const early = analyzeSource(text, file, diskHost);
    const earlyGraphs = early.models.map((m) => m.graph);
    assert.equal(late.models.length, early.models.length, file);
    late.models.forEach((m, i) => {
      const g = m.graph;
      assert.equal(m.graph, g, `${file}: read twice, built once`);
      assert.deepEqual(g, earlyGraphs[i], `${file} ${m.report.name}`);
      assert.equal(m.hasGroups, g.groups.length > 0, `${file} ${m.report.name}: hasGroups`);
      // The groups the hints read are built apart from the graph: the same groups, in the same
      // order, with the graph group's call site, first output shape and params, and the totals of its nodes.
      assert.deepEqual(m.groups.map((s) => s.id), g.groups.map((x) => x.id), `${file} ${m.report.name}: group ids`);
      m.groups.forEach((s, k) => {
        const x = g.groups[k]!;
        assert.deepEqual([s.label, s.range, s.file, s.outputShape, s.params], [x.label, x.range, x.file, x.outputShapes[0] ?? null, x.params], `${file} ${x.label}`);
        const inside = g.nodes.filter((n) => x.nodeIds.includes(n.id));
        const macs = inside.reduce<number | null>((a, n) => (a === null || n.macs === null ? null : a + n.macs), 0);
        assert.equal(s.macs, macs, `${file} ${x.label}: macs`);
        assert.equal(s.error, inside.some((n) => n.error), `${file} ${x.label}: error`);
      });
      models++;
      if (m.hasGroups) grouped++;
    });
  }
  // Both kinds are present, or the hasGroups check proves little.
  assert.ok(grouped >= 10 && models - grouped >= 10, `${grouped} of ${models} models have groups`);
});
