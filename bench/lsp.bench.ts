/**
 * Responsiveness through the real server: didChange → fresh inlay hints for the DenseNet-121
 * fixture, p50/p95 over back-to-back edits (the diagnostics debounce is not involved: a hint
 * request for the new version starts its analysis at once). Goal p95 ≤ 50 ms.
 *
 * Two phases, reported apart because they answer different questions: the first edits after the
 * server starts (V8 has not optimised the engine yet: what a user sees while typing the first
 * lines), and the steady state of an editing session (the goal's figure). Each edit changes the
 * growth rate, so every layer's shape changes and nothing can be reused.
 *   npm run build && node --import tsx bench/lsp.bench.ts
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { startServer } from '../test/helpers/lsp_client';

export interface Latency {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export interface LspBench {
  hints: number;
  /** The first `first` edits after the server answered its first request. */
  cold: Latency;
  /** The `edits` edits after those. */
  steady: Latency;
  /** 1-minute load average before and after. */
  load: [number, number];
}

function latency(times: number[]): Latency {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1]!, n: s.length };
}

export async function benchLsp(edits = 100, first = 20): Promise<LspBench> {
  const path = resolve(__dirname, '../test/fixtures/models/densenet121.ts');
  const text = readFileSync(path, 'utf8');
  const load0 = loadavg()[0]!;
  const s = await startServer(process.env.BENCH_NO_ADVICE ? { advice: { enabled: false } } : {});
  try {
    const uri = s.open(path, text);
    const range = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };
    await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
    const times: number[] = [];
    let hints = 0;
    for (let i = 0; i < first + edits; i++) {
      const edited = text.replace('const GROWTH_RATE = 32;', `const GROWTH_RATE = ${32 + (i % 8)};`);
      const t0 = performance.now();
      s.change(uri, edited);
      const r = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range });
      times.push(performance.now() - t0);
      hints = r?.length ?? 0;
    }
    return { hints, cold: latency(times.slice(0, first)), steady: latency(times.slice(first)), load: [load0, loadavg()[0]!] };
  } finally {
    await s.close();
  }
}

export function describeLsp(r: LspBench): string[] {
  const line = (l: Latency) => `p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`;
  return [
    `${r.hints} hints; load average ${r.load[0].toFixed(1)}–${r.load[1].toFixed(1)}`,
    `editing session (${r.steady.n} edits after the first ${r.cold.n}): ${line(r.steady)}`,
    `first ${r.cold.n} edits after the server starts: ${line(r.cold)}`,
  ];
}

if (require.main === module) void benchLsp().then((r) => console.log(`didChange → inlay hints (DenseNet-121)\n  ${describeLsp(r).join('\n  ')}`));
