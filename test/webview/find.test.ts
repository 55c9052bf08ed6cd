/** Cursor and search targets (pure): which drawn boxes an editor position or a query points at. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorTargets, sameFile, searchTargets } from '../../webview/src/graph/find';
import { indexGraph } from '../../webview/src/graph/visible';
import { fixtureMessage } from './harness';

test('file URIs match engine paths, on Windows too', () => {
  assert.ok(sameFile('file:///work/a%20b/m.ts', '/work/a b/m.ts'));
  assert.ok(sameFile('file:///c%3A/Users/me/m.ts', 'C:\\Users\\me\\m.ts'));
  assert.ok(sameFile('untitled:Untitled-1', 'untitled:Untitled-1'));
  assert.ok(!sameFile('file:///work/m.ts', '/work/n.ts'));
});

test('a position in a helper marks every layer it makes; collapsed, their block', () => {
  const msg = fixtureMessage('googlenet');
  const { graph, report } = msg.models[0]!;
  const ix = indexGraph(graph);
  const conv = report.layers[0]!.range.start;
  const all = cursorTargets({ graph, report, ix, collapsed: () => false }, msg.uri, conv);
  assert.equal(all.layers.size, report.layers.filter((l) => l.className === 'Conv2D').length);
  const g = graph.groups.find((x) => x.label === 'inceptionModule')!;
  const folded = cursorTargets({ graph, report, ix, collapsed: (id) => id === g.id }, msg.uri, conv);
  assert.ok(folded.ids.has(g.id));
  assert.equal(folded.ids.size, all.ids.size - g.nodeIds.filter((n) => all.ids.has(n)).length + 1);
  assert.equal(cursorTargets({ graph, report, ix, collapsed: () => false }, 'file:///other.ts', conv).ids.size, 0);
});

test('search matches names, types and block names', () => {
  const { graph, report } = fixtureMessage('resnet50').models[0]!;
  const c = { graph, report, ix: indexGraph(graph), collapsed: () => false };
  assert.equal(searchTargets(c, 'res2a_branch1').size, 1);
  assert.equal(searchTargets(c, 'batchnorm').size, report.layers.filter((l) => l.className === 'BatchNormalization').length);
  assert.equal(searchTargets(c, 'identityblock').size, graph.groups.filter((g) => g.label === 'identityBlock').length);
});
