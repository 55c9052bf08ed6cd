/**
 * Measures the hot paths at 2k and 20k layers and prints their time ratios as JSON (complexity.test.ts
 * runs it in a process of its own, with GC on the main thread and a young generation large enough
 * that no collection happens inside a timed run: young-generation GC costs grow with the live set,
 * which makes a linear algorithm look superlinear below the young generation's size).
 *
 * Each time is CPU time of this process. Both sizes do the same amount of work per timed run: the
 * big model once against ten separate copies of the small one. So both touch as much memory and
 * last as long (on a busy machine, a run longer than a time slice comes back to cold caches after
 * each switch). The two sizes are timed in turns and the fastest run of each is kept. What stays
 * is the memory hierarchy: a 2k model's maps fit in the CPU's caches where 20k's do not, which
 * costs a linear algorithm up to half again its ratio on a busy machine (measured: 6-15 for these
 * paths at load averages of 12-20 on 2 cores); a quadratic one is at 100.
 * `node ... complexity_probe.ts NAME...` measures only the paths whose name contains one of them.
 */
import { analyzeSource, type AnalysisResult, type Range } from '../../server/src/engine';
import { inlayHints } from '../../server/src/ide/hints';
import { chunkGraph } from '../../webview/src/graph/chunks';
import { collapsedPredicate, defaultCollapse, groupKeys, repeatedBlocks } from '../../webview/src/graph/collapse';
import { indexGraph, visibleGraph } from '../../webview/src/graph/visible';
import { generatedLoopModel, generatedModel } from '../helpers/generated_models';

export const SMALL = 2000;
export const BIG = 20000;
const COPIES = BIG / SMALL;
const ROUNDS = 5;
const LIMITS = { limits: { maxLayers: 25_000 } };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

export interface Ratio {
  name: string;
  /** CPU ms per call. */
  small: number;
  big: number;
  ratio: number;
}

function measure(name: string, make: (size: number, copy: number) => () => void): Ratio {
  const smalls = Array.from({ length: COPIES }, (_x, i) => make(SMALL, i));
  const b = make(BIG, 0);
  for (const f of smalls) f();
  b();
  let small = Infinity;
  let big = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    gc();
    small = Math.min(small, cpuMs(() => {
      for (const f of smalls) f();
    }) / COPIES);
    gc();
    big = Math.min(big, cpuMs(b));
  }
  return { name, small, big, ratio: big / small };
}

/**
 * A structured clone keeps a model's graph (read through its getter) but not what the hints read
 * apart from it (not enumerable): the call sites' tallies and layer lines the report made, and the `groupTotals`
 * built on first read from columns the report took of the model's nodes (not cloned). They are
 * plain data, cloned here from the original's, untimed; a clone's layer sites refer to its own layers.
 */
function withGroups(copy: AnalysisResult, original: AnalysisResult): AnalysisResult {
  copy.models.forEach((m, i) => {
    const o = original.models[i]!;
    const { layers, sites } = structuredClone({ layers: o.report.layers, sites: o.layerSites });
    m.report.layers = layers;
    Object.defineProperty(m, 'layerSites', { value: sites });
    Object.defineProperty(m, 'layerLines', { value: structuredClone(o.layerLines) });
    Object.defineProperty(m, 'layerAt', { value: (i: number) => m.report.layers[i]! });
    Object.defineProperty(m, 'layerCount', { value: layers.length });
    Object.defineProperty(m, 'groupTotals', { value: structuredClone(o.groupTotals) });
  });
  return copy;
}

function middle(text: string): Range {
  const start = Math.max(0, Math.floor(text.split('\n').length / 2) - 30);
  return { start: { line: start, character: 0 }, end: { line: start + 60, character: 0 } };
}

function main(): Ratio[] {
  const styles = { straight: generatedModel, loop: generatedLoopModel };
  const made = new Map<string, { text: string; result: AnalysisResult }>();
  const get = (style: keyof typeof styles, n: number, copy: number) => {
    let m = made.get(`${style}${n}`);
    if (!m) {
      const text = styles[style](n);
      made.set(`${style}${n}`, (m = { text, result: analyzeSource(text, `/generated/${style}${n}.ts`, undefined, LIMITS) }));
    }
    // Every size is timed on a fresh copy: separate objects (no cache or memory shared), and laid
    // out alike in memory (an analysis's own objects lie scattered among the interpreter's, a
    // copy's together; comparing one kind with the other measured the heap, not the code).
    return { text: m.text, result: withGroups(structuredClone(m.result), m.result) };
  };
  const only = process.argv.slice(2);
  const out: Ratio[] = [];
  const ratio = (name: string, make: (size: number, copy: number) => () => void) => {
    if (!only.length || only.some((o) => name.includes(o))) out.push(measure(name, make));
  };
  for (const style of ['straight', 'loop'] as const)
    ratio(`inlay hints, 60-line viewport, ${style} style, first request after an analysis`, (n, copy) => {
      const { text, result } = get(style, n, copy);
      const range = middle(text);
      // A shallow copy is a new analysis to the hint cache: this times building the sites too.
      return () => void inlayHints({ ...result }, { shape: true, params: true, macs: false }, range);
    });
  const graph = (n: number, copy: number) => get('loop', n, copy).result.models[0]!.graph;
  // Not a path of ours: how much more a plain Map of the graph's node ids costs at 20k than at 2k
  // on this machine (the panel's paths build several such Maps), to read their ratios against.
  ratio('baseline: a Map of the node ids (loop style)', (n, copy) => {
    const g = graph(n, copy);
    return () => {
      const m = new Map<string, unknown>();
      for (const x of g.nodes) m.set(x.id, x);
    };
  });
  ratio('the panel: groupKeys (loop style)', (n, copy) => {
    const ix = indexGraph(graph(n, copy));
    return () => void groupKeys(ix);
  });
  ratio('the panel: indexGraph (loop style)', (n, copy) => {
    const g = graph(n, copy);
    return () => void indexGraph(g);
  });
  for (const mode of ['blocks', 'none'] as const)
    ratio(`the panel: visibleGraph + chunkGraph, ${mode === 'blocks' ? 'blocks collapsed' : 'expanded'} (loop style)`, (n, copy) => {
      const ix = indexGraph(graph(n, copy));
      const collapsed = collapsedPredicate({ ...defaultCollapse(n), mode }, groupKeys(ix), repeatedBlocks(ix));
      return () => void chunkGraph(visibleGraph(ix, collapsed));
    });
  return out;
}

if (require.main === module) process.stdout.write(JSON.stringify(main()));
