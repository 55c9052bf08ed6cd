/**
 * Responsiveness through the real server: didChange → fresh inlay hints for the DenseNet-121
 * fixture, p50/p95 over repeated edits (the diagnostics debounce is not involved: a hint request
 * for the new version starts its analysis at once). Goal p95 ≤ 50 ms.
 *   npm run build && node --import tsx bench/lsp.bench.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { startServer } from '../test/helpers/lsp_client';

export async function benchLsp(edits = 60): Promise<{ p50: number; p95: number; max: number; hints: number }> {
  const path = resolve(__dirname, '../test/fixtures/models/densenet121.ts');
  const text = readFileSync(path, 'utf8');
  const s = await startServer(process.env.BENCH_NO_ADVICE ? { advice: { enabled: false } } : {});
  try {
    const uri = s.open(path, text);
    const range = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
    await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
    const times: number[] = [];
    let hints = 0;
    for (let i = 0; i < edits; i++) {
      // A real edit: the growth rate changes, so every dense layer's shape changes.
      const edited = text.replace('const GROWTH_RATE = 32;', `const GROWTH_RATE = ${32 + (i % 8)};`);
      const t0 = performance.now();
      s.change(uri, edited);
      const r = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
      times.push(performance.now() - t0);
      hints = r?.length ?? 0;
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    return { p50: q(0.5), p95: q(0.95), max: times[times.length - 1]!, hints };
  } finally {
    await s.close();
  }
}

if (require.main === module) {
  void benchLsp().then((r) => console.log(`didChange → inlay hints (DenseNet-121, ${r.hints} hints): p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`));
}
