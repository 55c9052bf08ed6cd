// Design advice (one re-analysis per fix) waits until the user stops typing: while edits keep
// coming, the worker is free for each keystroke's hints; once they stop, the advice arrives.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { startServer } from '../helpers/lsp_client';

const SERVER = resolve(__dirname, '../../dist/server.js');
// The advice hook stalls the worker this long (not cancellable): a keystroke that met a running
// advice would wait for most of it, whatever the machine's speed.
const STALL_MS = 4000;
const hasAdvice = (codes: unknown[]) => codes.includes('gap-head');

test('advice does not start while edits keep coming (each keystroke gets its hints without waiting for it), and arrives once they stop', { skip: !existsSync(SERVER) && 'dist/server.js missing: npm run build' }, async () => {
  const path = resolve(__dirname, '../../examples/vgg16.ts');
  const text = readFileSync(path, 'utf8');
  const s = await startServer({}, { env: { CONVLENS_TEST_ADVICE_DELAY_MS: String(STALL_MS) } });
  try {
    const uri = s.open(path, text);
    // The opened version is advised at once (nobody is typing yet).
    await s.diagnostics(uri, (p) => p.version === 1 && hasAdvice(p.diagnostics.map((d) => d.code)), 60_000);
    const range = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };
    const waits: number[] = [];
    const answered: Promise<void>[] = [];
    let v = 1;
    // An edit every 250 ms, whatever the answers take: past the diagnostics debounce (150 ms), so
    // without the idle rule the advice would start between edits; within its idle time (500 ms).
    for (let i = 0; i < 10; i++) {
      v = s.change(uri, `${text}\n// edit ${i}\n`);
      const t0 = performance.now();
      answered.push(s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }).then(() => void waits.push(performance.now() - t0)));
      await new Promise((r) => setTimeout(r, 250));
    }
    await Promise.all(answered);
    const worst = Math.max(...waits);
    console.log(`  hint round trips while typing: ${waits.map((w) => w.toFixed(0)).join(", ")} ms`);
    assert.ok(worst < STALL_MS / 2, `a keystroke's hints waited ${worst.toFixed(0)} ms: an advice ran while the user typed`);
    const last = v;
    const advised = await s.diagnostics(uri, (p) => p.version === last && hasAdvice(p.diagnostics.map((d) => d.code)), 60_000);
    assert.equal(advised.version, last);
  } finally {
    await s.close();
  }
});
