/**
 * `npm run bench`: every benchmark, printed as figures and ratios measured in this one run.
 * Never a pass/fail timer (DESIGN.md): goals are printed beside the figures for the reader.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';

/** Every section says what else the machine was doing: the load average before and after it. */
async function section(title: string, run: () => Promise<void>): Promise<void> {
  console.log(`\n## ${title}`);
  console.log(`  (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores at the start)`);
  const t0 = performance.now();
  try {
    await run();
  } catch (e) {
    console.log(`  failed: ${(e as Error).stack ?? e}`);
  }
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(1)} at the end)`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  // `scale:hints` runs one part of the scale section.
  const scaleParts = only.filter((k) => k.startsWith('scale:')).map((k) => k.slice(6));
  const want = (k: string) => !only.length || only.includes(k) || (k === 'scale' && scaleParts.length > 0);
  console.log(`ConvLens benchmarks — node ${process.version}, ${new Date().toISOString()}`);

  if (want('catalogue'))
    await section('Layer catalogue: shape + params evaluations per second vs tfjs computeOutputShape', async () => {
      const { benchCatalogue } = await import('./catalogue.bench');
      const r = await benchCatalogue();
      console.log(`  ${r.configs} valid configs: ours ${Math.round(r.ours).toLocaleString('en-US')}/s (validate + shape + weights + MACs + RF), tfjs ${Math.round(r.tfjs).toLocaleString('en-US')}/s (shape only) — ratio ${r.ratio.toFixed(2)}×`);
    });

  if (want('engine'))
    await section('Engine: full analysis (goal ≤ 3× ts.createSourceFile, ≥ 100× faster than tfjs building the model)', async () => {
      const { benchEngine } = await import('./engine.bench');
      const { rows, rssMB } = await benchEngine();
      for (const r of rows)
        console.log(
          `  ${r.model.padEnd(12)} ${String(r.layers).padStart(4)} layers: ${r.analysisMs.toFixed(2)} ms median = ${r.parseRatio.toFixed(1)}× createSourceFile (${r.parseMs.toFixed(2)} ms); tfjs build ${r.tfjsBuildMs.toFixed(0)} ms = ${r.tfjsRatio.toFixed(0)}× slower than us; after an edit ${r.editKeptMs.toFixed(2)} ms incremental vs ${r.editFreshMs.toFixed(2)} ms from scratch (${(r.editKeptMs / r.editFreshMs).toFixed(2)}×, alternated)`,
        );
      console.log(`  process RSS ${rssMB.toFixed(0)} MB (tfjs models built in-process included)`);
    });

  if (want('advice'))
    await section('Design advice on N-layer models: analysis + advice with every fix read (goal: linear — advice ÷ analysis flat in N)', async () => {
      const { benchAdvice } = await import('./advice.bench');
      const rows = benchAdvice();
      for (const r of rows) {
        const base = rows.find((x) => x.family === r.family)!;
        const growth = r.adviceMs / r.layers / (base.adviceMs / base.layers);
        console.log(
          `  ${r.family.padEnd(20)} N=${String(r.layers).padStart(5)}: analysis ${r.analysisMs.toFixed(0)} ms, with advice ${r.adviceMs.toFixed(0)} ms = ${(r.adviceMs / r.analysisMs).toFixed(1)}× analysis; ${(r.adviceMs / r.layers).toFixed(2)} ms/layer (${growth.toFixed(2)}× N=${base.layers}'s); ${r.findings} findings, ${r.fixes} fixes`,
        );
      }
    });

  if (want('lsp'))
    await section('Language server: didChange → fresh inlay hints, DenseNet-121 (goal p95 ≤ 50 ms)', async () => {
      const { benchLsp, describeLsp } = await import('./lsp.bench');
      for (const l of describeLsp(await benchLsp())) console.log(`  ${l}`);
    });

  if (want('webview') && existsSync(resolve(__dirname, 'webview.bench.ts')))
    await section('Panel: layout + first paint in headless Chromium (goals ≤ 0.5 s / 1 s / 3 s)', async () => {
      const mod = (await import('./webview.bench')) as { benchWebview: () => Promise<Record<string, number>> };
      const r = await mod.benchWebview();
      for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
    });

  if (want('scale'))
    await section('Scale: generated models of 1k / 5k / 20k layers, straight and loop style (medians until stable, load average beside each)', async () => {
      const { benchScale } = await import('./scale.bench');
      await benchScale(scaleParts);
    });

  if (want('saved'))
    await section('Saved models: a 5,000-layer model.json read and drawn (panel goal for 5,000 nodes: 3 s)', async () => {
      const { benchSaved } = await import('./saved.bench');
      const r = await benchSaved();
      for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
    });

  if (want('runtime') && existsSync(resolve(__dirname, 'runtime.bench.ts')))
    await section('Runtime: training throughput on the reference CNN (goal ≥ 250 img/s on wasm; harness overhead ≤ 5%)', async () => {
      const mod = (await import('./runtime.bench')) as { benchRuntime: () => Promise<Record<string, number>> };
      const r = await mod.benchRuntime();
      for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
    });

  if (want('gpu') && existsSync(resolve(__dirname, 'gpu.bench.ts')))
    await section('Panel GPU: the check on WebGL2 / WebGPU in headless Chromium (SwiftShader here) beside wasm and stock cpu, reference CNN, batch 32', async () => {
      const mod = (await import('./gpu.bench')) as { benchGpu: () => Promise<Record<string, string | number>> };
      const r = await mod.benchGpu();
      for (const [k, v] of Object.entries(r)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(1) : v}`);
    });

  if (want('profile'))
    await section('Profile Model: time to the first measured latency (worker process, default backend; the panel shows batch 1 then)', async () => {
      const { benchProfile, formatRow } = await import('./profile.bench');
      for (const r of await benchProfile()) console.log(`  ${formatRow(r)}`);
    });

  // Not in the default run (minutes): `npm run bench -- verdicts`.
  if (only.includes('verdicts'))
    await section('Sanity check: verdicts across seeds (goal: 0 wrong verdicts; each run is one seed)', async () => {
      const { benchVerdicts } = await import('./verdicts.bench');
      for (const [k, v] of Object.entries(await benchVerdicts())) console.log(`  ${k}: ${v}`);
    });
}

void main();
