/**
 * Engine speed: median full analysis time for DenseNet-121, ResNet-50 and a generated 1,000-layer
 * model; its ratio to ts.createSourceFile on the same text (goal ≤ 3×) and to real tfjs building the
 * same model (goal ≥ 100× faster); and the process RSS. Ratios from one run, never a pass/fail timer.
 *   node --import tsx bench/engine.bench.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import type * as Engine from '../server/src/engine';

// The engine as it ships (dist/engine.js, built by `npm run bench`), not the sources through tsx,
// whose transform adds per-function helpers that slow the interpreter down by about a third.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyzeSource, ParseMemory } = require('../dist/engine.js') as typeof Engine;
import { diskHost } from '../server/src/host/disk_host';
import { buildNamed, loadFixtureModule, tfjs } from '../test/helpers/tfjs_oracle';
import { generatedModel } from '../test/helpers/generated_models';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeMedian(run: () => void, minRuns = 15, minMs = 1500): number {
  for (let i = 0; i < 5; i++) run(); // warm-up (JIT)
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < minRuns || performance.now() - t0 < minMs) {
    const a = performance.now();
    run();
    times.push(performance.now() - a);
    if (times.length > 500) break;
  }
  return median(times);
}

export interface EngineBenchRow {
  model: string;
  layers: number;
  analysisMs: number;
  parseMs: number;
  parseRatio: number;
  tfjsBuildMs: number;
  tfjsRatio: number;
  /** Re-analysis after a one-character edit: from scratch, and with the session's ParseMemory (incremental parse), measured alternately. */
  editFreshMs: number;
  editKeptMs: number;
}

/**
 * One-character edits (a digit in a trailing comment, so the model is unchanged), analysed alternately
 * from scratch and with a ParseMemory kept across edits, as the language server does: load on the
 * machine hits both halves alike. Medians.
 */
function editTimes(text: string, path: string, rounds = 40): { fresh: number; kept: number } {
  const memory = new ParseMemory();
  analyzeSource(text, path, diskHost, { parses: memory });
  const fresh: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < rounds + 5; i++) {
    const edited = `${text}\n// edit ${i % 10}\n`;
    let t = performance.now();
    analyzeSource(edited, path, diskHost);
    const f = performance.now() - t;
    t = performance.now();
    analyzeSource(edited, path, diskHost, { parses: memory });
    const k = performance.now() - t;
    if (i >= 5) {
      fresh.push(f);
      kept.push(k);
    }
  }
  return { fresh: median(fresh), kept: median(kept) };
}

export async function benchEngine(): Promise<{ rows: EngineBenchRow[]; rssMB: number }> {
  const tf = await tfjs();
  const dir = mkdtempSync(resolve(tmpdir(), 'convlens-bench-'));
  const genPath = resolve(dir, 'generated1000.ts');
  writeFileSync(genPath, generatedModel(1000));
  const cases = [
    { path: resolve(__dirname, '../test/fixtures/models/densenet121.ts'), name: 'denseNet121' },
    { path: resolve(__dirname, '../test/fixtures/models/resnet50.ts'), name: 'resNet50' },
    { path: genPath, name: 'generated' },
  ];
  const rows: EngineBenchRow[] = [];
  for (const c of cases) {
    const text = readFileSync(c.path, 'utf8');
    const result = analyzeSource(text, c.path, diskHost);
    const layers = result.models.find((m) => m.report.name === c.name)!.report.layers.length;
    const analysisMs = timeMedian(() => analyzeSource(text, c.path, diskHost));
    const parseMs = timeMedian(() => ts.createSourceFile(c.path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
    const mod = loadFixtureModule(c.path);
    const t0 = performance.now();
    const model = await buildNamed(mod, c.name);
    const tfjsBuildMs = performance.now() - t0;
    model.dispose();
    tf.disposeVariables();
    const edit = editTimes(text, c.path);
    rows.push({ model: c.name, layers, analysisMs, parseMs, parseRatio: analysisMs / parseMs, tfjsBuildMs, tfjsRatio: tfjsBuildMs / analysisMs, editFreshMs: edit.fresh, editKeptMs: edit.kept });
  }
  return { rows, rssMB: process.memoryUsage().rss / 2 ** 20 };
}

if (require.main === module) {
  void benchEngine().then(({ rows, rssMB }) => {
    for (const r of rows)
      console.log(
        `${r.model.padEnd(12)} ${String(r.layers).padStart(5)} layers: analysis ${r.analysisMs.toFixed(2)} ms (median) = ${r.parseRatio.toFixed(1)}× ts.createSourceFile (${r.parseMs.toFixed(2)} ms); tfjs builds it in ${r.tfjsBuildMs.toFixed(0)} ms = ${r.tfjsRatio.toFixed(0)}× slower; after an edit ${r.editKeptMs.toFixed(2)} ms incremental vs ${r.editFreshMs.toFixed(2)} ms from scratch (${(r.editKeptMs / r.editFreshMs).toFixed(2)}×)`,
      );
    console.log(`process RSS ${rssMB.toFixed(0)} MB`);
  });
}
