/**
 * The layout pipeline in Node (no browser): what is drawn for each collapse state, chunking at
 * clean cuts, and geometry invariants on the fixtures (no overlapping boxes, frames hold their
 * members, every edge routed from its source's box to its target's).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkGraph } from '../../webview/src/graph/chunks';
import { collapsedPredicate, defaultCollapse, groupKeys, repeatedBlocks } from '../../webview/src/graph/collapse';
import { fallbackLayout } from '../../webview/src/graph/fallback_layout';
import { layoutGraph, type Box, type Geometry, type LayoutStats } from '../../webview/src/graph/layout';
import type { ChunkRunner } from '../../webview/src/graph/elk_runner';
import { layoutJson } from '../../webview/src/graph/layout_client';
import { textWidth } from '../../webview/src/graph/measure';
import { groupRepresentative, indexGraph, indexGraphSteps, representative, visibleGraph, visibleGraphSteps, type VisibleGraph } from '../../webview/src/graph/visible';
import { fixtureMessage } from './harness';
import { syntheticModel } from './synthetic';

/** A chunk runner that fails the test if ELK is asked for anything. */
const noElk: ChunkRunner = async (inputs) => {
  throw new Error(`ELK was asked for ${inputs.length} chunk(s)`);
};

/** A visible graph of boxes `ids` (in topological order) and edges between them (no groups). */
function plainGraph(ids: string[], edges: [string, string][]): VisibleGraph {
  return {
    items: ids.map((id, order) => ({ id, kind: 'layer' as const, width: 120, height: 40, order })),
    frames: [],
    edges: edges.map(([source, target]) => ({ id: `${source}>${target}`, source, target, edgeIds: [], shape: null, label: '8×8×4', labelWidth: 40, merge: false })),
  };
}

const FIXTURES = ['googlenet', 'resnet50', 'densenet121', 'unet', 'vgg16', 'mobilenet', 'shared_layers', 'two_files_main', 'alexnet'];

function model(name: string, i = 0) {
  return fixtureMessage(name).models[i]!;
}

function inside(a: Box, b: Box): boolean {
  return a.x >= b.x - 0.5 && a.y >= b.y - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y + a.height <= b.y + b.height + 0.5;
}

function near(p: { x: number; y: number }, b: Box): boolean {
  return p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
}

function checkGeometry(v: VisibleGraph, g: Geometry, name: string): void {
  const boxes = v.items.map((it) => [it.id, g.items[it.id]!] as const);
  for (const [id, b] of boxes) assert.ok(b, `${name}: ${id} placed`);
  const sorted = [...boxes].sort((a, b) => a[1].y - b[1].y);
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length && sorted[j]![1].y < sorted[i]![1].y + sorted[i]![1].height; j++) {
      const [p, a] = sorted[i]!;
      const [q, b] = sorted[j]!;
      assert.ok(!(a.x < b.x + b.width && b.x < a.x + a.width), `${name}: ${p} overlaps ${q}`);
    }
  for (const it of v.items) if (it.parent) assert.ok(inside(g.items[it.id]!, g.frames[it.parent]!), `${name}: ${it.id} inside frame ${it.parent}`);
  for (const f of v.frames) if (f.parent) assert.ok(inside(g.frames[f.id]!, g.frames[f.parent]!), `${name}: frame ${f.id} inside ${f.parent}`);
  for (const e of v.edges) {
    const pts = g.edges[e.id]?.points;
    assert.ok(pts && pts.length >= 2, `${name}: edge ${e.id} routed`);
    assert.ok(near(pts[0]!, g.items[e.source]!), `${name}: ${e.id} starts at its source`);
    assert.ok(near(pts.at(-1)!, g.items[e.target]!), `${name}: ${e.id} ends at its target`);
    // Top to bottom: an edge never climbs.
    assert.ok(pts.at(-1)!.y >= pts[0]!.y, `${name}: ${e.id} goes down`);
  }
  for (const b of [...Object.values(g.items), ...Object.values(g.frames)]) assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= g.width && b.y + b.height <= g.height, `${name}: inside the drawing`);
}

describe('visible graph', () => {
  test('expanded: one item per node, one edge per edge, a frame per multi-layer helper call', () => {
    for (const f of FIXTURES) {
      const { graph } = model(f);
      const v = visibleGraph(indexGraph(graph), () => false);
      assert.equal(v.items.length, graph.nodes.length, f);
      assert.equal(v.edges.length, graph.edges.length, f);
      assert.equal(v.frames.length, graph.groups.filter((g) => g.nodeIds.length >= 2).length, f);
    }
  });

  test('collapsing a group replaces its nodes by one box and merges parallel edges', () => {
    const { graph } = model('googlenet');
    const ix = indexGraph(graph);
    const g = graph.groups.find((x) => x.label === 'inceptionModule')!;
    const v = visibleGraph(ix, (id) => id === g.id);
    assert.equal(v.items.length, graph.nodes.length - g.nodeIds.length + 1);
    assert.equal(v.items.filter((i) => i.kind === 'group').length, 1);
    const into = v.edges.filter((e) => e.target === g.id);
    assert.equal(into.length, 1, 'four branch inputs from one tensor are one edge');
    assert.equal(into[0]!.edgeIds.length, 4);
    assert.equal(representative(ix, (id) => id === g.id, g.nodeIds[3]!), g.id);
    assert.equal(groupRepresentative(ix, () => false, g.id), g.id);
  });

  test('big models open at block level: DenseNet-121 collapses its 58 conv blocks and 3 transitions', () => {
    const { graph, report } = model('densenet121');
    const ix = indexGraph(graph);
    const blocks = repeatedBlocks(ix);
    const labels = [...blocks].map((id) => ix.groups.get(id)!.label);
    assert.equal(labels.filter((l) => l === 'convBlock').length, 58);
    assert.equal(labels.filter((l) => l === 'transitionBlock').length, 3);
    const state = defaultCollapse(report.layers.length);
    assert.equal(state.mode, 'blocks');
    const v = visibleGraph(ix, collapsedPredicate(state, groupKeys(ix), blocks));
    assert.equal(v.items.filter((i) => i.kind === 'group').length, 61);
    assert.equal(defaultCollapse(model('resnet50').report.layers.length).mode, 'none');
  });

  test('the index and the visible graph built in steps (the panel) equal those built at once', () => {
    const run = <T>(g: Generator<void, T, void>): { value: T; steps: number } => {
      for (let steps = 0; ; steps++) {
        const r = g.next();
        if (r.done) return { value: r.value, steps };
      }
    };
    const { graph, report } = model('densenet121');
    const ix = indexGraph(graph);
    const stepped = run(indexGraphSteps(graph, 50));
    assert.deepEqual(stepped.value, ix);
    assert.ok(stepped.steps >= (2 * graph.nodes.length) / 50, `${stepped.steps} steps`);
    const ixBlocks = repeatedBlocks(ix);
    for (const collapsed of [() => false, collapsedPredicate(defaultCollapse(report.layers.length), groupKeys(ix), ixBlocks)]) {
      const v = run(visibleGraphSteps(ix, collapsed, 50));
      assert.deepEqual(v.value, visibleGraph(ix, collapsed));
      assert.ok(v.steps >= graph.nodes.length / 50, `${v.steps} steps`);
    }
    // Under the step size: not one yield.
    assert.equal(run(indexGraphSteps(model('unet').graph)).steps, 0);
  });

  test('the layout request is JSON written in steps: the visible graph less edge shapes and graph edge ids', () => {
    const v = visibleGraph(indexGraph(syntheticModel(2500).graph), () => false);
    const g = layoutJson(v, 1000);
    let steps = 0;
    let r = g.next();
    for (; !r.done; r = g.next()) steps++;
    assert.equal(steps, Math.ceil(v.items.length / 1000) + Math.ceil(v.edges.length / 1000));
    const back = JSON.parse(r.value) as VisibleGraph;
    assert.deepEqual(back.items, JSON.parse(JSON.stringify(v.items)));
    assert.deepEqual(back.frames, v.frames);
    assert.deepEqual(back.edges, v.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, label: e.label, labelWidth: e.labelWidth, merge: e.merge, shape: null, edgeIds: [] })));
    const empty = layoutJson({ items: [], frames: [], edges: [] });
    let e = empty.next();
    while (!e.done) e = empty.next();
    assert.deepEqual(JSON.parse(e.value), { items: [], frames: [], edges: [] });
  });

  test('group keys are stable across analyses and name the nesting path', () => {
    const a = groupKeys(indexGraph(model('densenet121').graph));
    const b = groupKeys(indexGraph(model('densenet121').graph));
    assert.deepEqual([...a], [...b]);
    assert.ok([...a.values()].includes('BLOCKS.forEach callback#2/denseBlock#1/convBlock#3'), [...a.values()].slice(0, 5).join(' '));
  });
});

describe('layout', () => {
  test('fixtures, expanded and at block level: no overlaps, frames hold members, edges go source to target', async () => {
    for (const f of FIXTURES) {
      const msg = fixtureMessage(f);
      for (const { graph } of msg.models) {
        const ix = indexGraph(graph);
        for (const collapsed of [() => false, collapsedPredicate({ mode: 'blocks', overrides: {} }, groupKeys(ix), repeatedBlocks(ix))]) {
          const v = visibleGraph(ix, collapsed);
          checkGeometry(v, await layoutGraph(v), `${f}/${graph.model}`);
        }
      }
    }
  });

  test('long chains are cut into chunks at single-tensor boundaries, never inside a frame', () => {
    const { graph } = model('resnet50');
    const v = visibleGraph(indexGraph(graph), () => false);
    const chunks = chunkGraph(v, 20);
    assert.ok(chunks.length > 5, `${chunks.length} chunks`);
    assert.equal(chunks.reduce((n, c) => n + c.items.length, 0), v.items.length);
    const chunkOf = new Map(chunks.flatMap((c, i) => c.items.map((id) => [id, i] as const)));
    const frameChunk = new Map(chunks.flatMap((c, i) => c.frames.map((id) => [id, i] as const)));
    for (const it of v.items) if (it.parent) assert.equal(chunkOf.get(it.id), frameChunk.get(it.parent), `${it.id} with its frame`);
    // Every edge between chunks leaves the entry node of the chunk it enters.
    for (const e of v.edges) {
      const [a, b] = [chunkOf.get(e.source)!, chunkOf.get(e.target)!];
      if (a !== b) assert.equal(chunks[b]!.entry, e.source, `${e.id} crosses at the cut`);
    }
    // U-Net's skips span the whole encoder-decoder: no cut between its first and last step.
    const unet = visibleGraph(indexGraph(model('unet').graph), () => false);
    const uc = chunkGraph(unet, 5);
    assert.ok(uc.some((c) => unet.frames.filter((f) => !f.parent).every((f) => c.frames.includes(f.id))), 'all U-Net steps in one chunk');
  });

  test('series-parallel graphs (inception branches, projection shortcuts) are placed without ELK: 5,000 layers, no overlaps, every edge routed', async () => {
    const v = visibleGraph(indexGraph(syntheticModel(5000).graph), () => false);
    const stats = {} as LayoutStats;
    const g = await layoutGraph(v, stats, noElk);
    checkGeometry(v, g, 'synthetic 5000');
    assert.ok(stats.seriesParallel > 0, `${stats.seriesParallel} series-parallel chunks`);
    assert.equal(stats.chains + stats.seriesParallel, stats.chunks);
  });

  test('series-parallel placement: branches side by side in source order under their fork, nested parts inside their branch, shortcuts beside', async () => {
    // in -> a; a forks into b (-> c -> [d1 | d2] -> e) and f; both meet in j; a -> j directly too.
    const v = plainGraph(['in', 'a', 'b', 'c', 'd1', 'd2', 'e', 'f', 'j', 'out'], [['in', 'a'], ['a', 'b'], ['b', 'c'], ['c', 'd1'], ['c', 'd2'], ['d1', 'e'], ['d2', 'e'], ['e', 'j'], ['a', 'f'], ['f', 'j'], ['a', 'j'], ['j', 'out']]);
    const stats = {} as LayoutStats;
    const g = await layoutGraph(v, stats, noElk, 5);
    checkGeometry(v, g, 'nested');
    assert.equal(stats.seriesParallel, stats.chunks - stats.chains);
    const b = (id: string) => g.items[id]!;
    const mid = (id: string) => b(id).x + b(id).width / 2;
    assert.equal(b('b').y, b('f').y, 'branches start on one row');
    assert.ok(b('b').x + b('b').width <= b('f').x, 'in source order, left to right');
    assert.equal(mid('b'), mid('a'), 'the longest branch hangs straight under its fork');
    assert.equal(b('d1').y, b('d2').y, 'the nested fork too');
    assert.ok(b('d1').x + b('d1').width <= b('d2').x);
    assert.ok(b('j').y > Math.max(b('e').y, b('f').y) && b('out').y > b('j').y, 'the join below its branches');
    // The direct a -> j edge runs right of everything between a and j.
    const lane = Math.max(...g.edges['a>j']!.points.map((p) => p.x));
    for (const id of ['b', 'c', 'd1', 'd2', 'e', 'f']) assert.ok(lane > b(id).x + b(id).width, `the shortcut passes right of ${id}`);
  });

  test('what is neither a chain nor series-parallel still goes to ELK (two branches that cross over)', async () => {
    const v = plainGraph(['in', 'a', 'b', 'c', 'd', 'out'], [['in', 'a'], ['in', 'b'], ['a', 'c'], ['a', 'd'], ['b', 'd'], ['c', 'out'], ['d', 'out']]);
    const stats = {} as LayoutStats;
    let asked = 0;
    const counting: ChunkRunner = async (inputs, done) => {
      asked += inputs.length;
      const { runLocal } = await import('../../webview/src/graph/elk_runner');
      return runLocal(inputs, done);
    };
    checkGeometry(v, await layoutGraph(v, stats, counting, 5), 'crossing branches');
    assert.ok(asked > 0 && stats.seriesParallel === 0, `${asked} ELK chunks, ${stats.seriesParallel} series-parallel`);
  });

  test('the fallback layering (used if ELK throws) still yields a valid drawing', async () => {
    const input = { id: 'root', children: [{ id: 'f', children: [{ id: 'a', width: 100, height: 40 }, { id: 'b', width: 100, height: 40 }] }, { id: 'c', width: 100, height: 40 }], edges: [{ id: 'e1', sources: ['a'], targets: ['b'] }, { id: 'e2', sources: ['b'], targets: ['c'] }, { id: 'e3', sources: ['a'], targets: ['c'] }] };
    const out = fallbackLayout(input);
    const [f, c] = out.children!;
    const [a, b] = f!.children!;
    assert.ok(a!.y! < b!.y! && b!.y! < c!.y!, 'layered top to bottom');
    assert.ok(inside({ x: a!.x!, y: a!.y!, width: 100, height: 40 }, { x: f!.x!, y: f!.y!, width: f!.width!, height: f!.height! }));
    assert.equal(out.edges!.every((e) => (e as { sections?: unknown[] }).sections?.length === 1), true);
  });

  test('the same input lays out the same way (cache and determinism)', async () => {
    const v = visibleGraph(indexGraph(model('googlenet').graph), () => false);
    const a = JSON.stringify(await layoutGraph(structuredClone(v)));
    const b = JSON.stringify(await layoutGraph(structuredClone(v)));
    assert.equal(a, b);
  });

  test('text measurement errs wide', () => {
    // Measured in Chromium with DejaVu Sans (getComputedTextLength), the widest common UI font.
    const measured: [string, number, boolean, number][] = [
      ['3×3 conv, 512, /2', 12, true, 116.9],
      ['concat (axis -1)', 12, true, 104.6],
      ['112×112×64', 11, false, 74.4],
      ['28×28×192 → 28×28×256', 11, false, 151.1],
      ['▾ anonymous function · 372k params', 11, true, 227.9],
      ['iiiilll111', 11, false, 42.4],
    ];
    for (const [text, size, bold, px] of measured) {
      const w = textWidth(text, size, bold);
      assert.ok(w >= px && w <= px * 1.12, `${text}: ${w} for ${px}`);
    }
    assert.equal(textWidth('', 12), 0);
  });
});
