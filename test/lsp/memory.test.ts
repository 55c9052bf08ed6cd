/**
 * Issue 12's memory figures for the built language server: its resident memory after 500 edits of
 * DenseNet-121 (each version analysed, advice every 50th) stays within 1.5× of what it holds after
 * the first analysis; 20 open model files fit in 600 MB. Memory ratios and caps, no timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { startServer } from '../helpers/lsp_client';

const linux = process.platform === 'linux';
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const full = { start: { line: 0, character: 0 }, end: { line: 9999, character: 0 } };
const EDITS = Number(process.env.CONVLENS_MEMORY_EDITS ?? 500);

test(`RSS after ${EDITS} edits of DenseNet-121 stays within 1.5× of the RSS after the first analysis`, { skip: !linux && '/proc' }, async () => {
  const path = resolve(__dirname, '../fixtures/models/densenet121.ts');
  const text = readFileSync(path, 'utf8');
  const s = await startServer();
  try {
    const uri = s.open(path, text);
    // The first analysis, with its advice published.
    await s.diagnostics(uri, (p) => p.version === 1, 120_000);
    await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: full });
    // Both figures are taken once the server is idle (the user stopped typing): the advice pass is
    // done and the worker's idle collection has run.
    await new Promise((r) => setTimeout(r, 2000));
    const first = rssMb(s.proc.pid!);
    // Edits that change the model (the growth rate of one block) and ones that do not (a comment).
    const growth = /GROWTH_RATE = 32/.exec(text);
    assert.ok(growth, 'a number to edit');
    let v = 1;
    for (let i = 0; i < EDITS; i++) {
      const body = i % 2 ? `${text}\n// edit ${i}\n` : text.slice(0, growth.index) + growth[0].replace('32', String(16 + (i % 5) * 8)) + text.slice(growth.index + growth[0].length);
      v = s.change(uri, body);
      // Each version analysed (the hint request waits for it); every 50th also gets its advice.
      await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: full });
      if (i % 50 === 49) await s.diagnostics(uri, (p) => p.version === v, 120_000);
    }
    await s.diagnostics(uri, (p) => p.version === v, 120_000);
    await new Promise((r) => setTimeout(r, 2000));
    const last = rssMb(s.proc.pid!);
    console.log(`  DenseNet-121: RSS ${first.toFixed(0)} MB after the first analysis, ${last.toFixed(0)} MB after ${EDITS} edits (${(last / first).toFixed(2)}×)`);
    assert.ok(last <= 1.5 * first, `${last.toFixed(0)} MB > 1.5 × ${first.toFixed(0)} MB`);
  } finally {
    await s.close();
  }
});

test('20 open model files stay under 600 MB', { skip: !linux && '/proc' }, async () => {
  const dirs = [resolve(__dirname, '../fixtures/models'), resolve(__dirname, '../../examples'), resolve(__dirname, '../realworld/fixtures')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith('_')).map((f) => join(d, f))).slice(0, 20);
  assert.equal(files.length, 20);
  const s = await startServer();
  try {
    const uris = files.map((f) => s.open(f, readFileSync(f, 'utf8')));
    for (const uri of uris) {
      await s.diagnostics(uri, (p) => p.version === 1, 120_000);
      await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: full });
    }
    await new Promise((r) => setTimeout(r, 2000));
    const rss = rssMb(s.proc.pid!);
    console.log(`  20 open model files: RSS ${rss.toFixed(0)} MB`);
    assert.ok(rss < 600, `${rss.toFixed(0)} MB`);
  } finally {
    await s.close();
  }
});
