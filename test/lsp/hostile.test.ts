/**
 * Issue 12 against the built language server: imports confined to the workspace folder (a FIFO,
 * /dev/zero, a secret outside, a link out: each an unresolved-import with its reason, no blocked
 * thread, `exit` still ends the server); malformed URIs; a timeout in design advice keeps the shape
 * diagnostics; a timeoutMs past what timers take is clamped, not a 1 ms timeout.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitNotification, HoverRequest, InlayHintRequest, ShutdownRequest, CodeActionRequest } from 'vscode-languageserver-protocol/node';
import { startServer } from '../helpers/lsp_client';

const tmp = mkdtempSync(join(tmpdir(), 'convlens-lsp-hostile-'));
const ws = join(tmp, 'ws');
const SECRET = 'sk-live-5ecret-7oken';
mkdirSync(join(ws, 'sub'), { recursive: true });
mkdirSync(join(tmp, 'secret'));
writeFileSync(join(tmp, 'secret/.env.js'), `API_TOKEN = "${SECRET}"; export const units = 3;\n`);
writeFileSync(join(ws, 'units.ts'), 'export const units = 7;\n');
if (process.platform !== 'win32') symlinkSync('/etc/hostname', join(ws, 'host.js'));
const haveFifo = process.platform !== 'win32' && spawnSync('mkfifo', [join(ws, 'pipe.js')]).status === 0;
const MODEL = `import * as tf from '@tensorflow/tfjs';
import z from '../../../../../../../../../dev/zero.js';
${haveFifo ? "import p from '../pipe.js';" : ''}
import s from '../../secret/.env.js';
import { units } from '../units';
export function build() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units, inputShape: [4] }));
  return m;
}
`;
const broken = resolve(__dirname, '../fixtures/broken/add_mismatch.ts');

after(() => rmSync(tmp, { recursive: true, force: true }));

const full = { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } };

test('imports: refused outside the workspace folder and for FIFOs, with reasons; edits do not pile up blocked reads; exit ends the server', async () => {
  const s = await startServer({}, { folders: [ws] });
  try {
    const path = join(ws, 'sub/m.ts');
    const uri = s.open(path, MODEL);
    const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'unresolved-import'));
    const why = d.diagnostics.filter((x) => x.code === 'unresolved-import').map((x) => String(typeof x.message === 'string' ? x.message : (x.message as { value: string }).value));
    assert.ok(why.some((m) => /dev\/zero\.js.*is outside the workspace folder/.test(m)), why.join('\n'));
    assert.ok(why.some((m) => /\.env\.js.*is outside the workspace folder/.test(m)), why.join('\n'));
    if (haveFifo) assert.ok(why.some((m) => /pipe\.js.*named pipe \(FIFO\)/.test(m)), why.join('\n'));
    assert.doesNotMatch(JSON.stringify(d), new RegExp(SECRET));
    // The import inside the workspace was read: units = 7 → 4×7 + 7 params.
    const hints = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: full });
    assert.ok(hints?.some((h) => /35 params/.test(String(h.label))), JSON.stringify(hints?.map((h) => h.label)));
    // Each edit re-reads the imports: twenty of them, then the last version is answered.
    let v = 1;
    for (let i = 0; i < 20; i++) v = s.change(uri, `${MODEL}\n// edit ${i}\n`);
    await s.diagnostics(uri, (p) => p.version === v);
    const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 7, character: 20 } });
    assert.ok(hover, 'the server still answers');
    await s.conn.sendRequest(ShutdownRequest.type);
    await s.conn.sendNotification(ExitNotification.type);
    const code = await new Promise<number | null>((res) => {
      if (s.proc.exitCode !== null) return res(s.proc.exitCode);
      const t = setTimeout(() => res(-1), 15_000);
      s.proc.once('exit', (c) => {
        clearTimeout(t);
        res(c);
      });
    });
    assert.equal(code, 0, 'the server did not exit on `exit`');
  } finally {
    await s.close();
  }
});

test('malformed URIs: the documents are answered and the server keeps serving the others', async () => {
  const s = await startServer();
  try {
    const text = readFileSync(broken, 'utf8');
    const odd = ['untitled:100%', 'file:///x/%E0%A4%A.ts', 'untitled:%zz%'];
    for (const u of odd) s.open(u, `${text}\nimport './x';\n`, 'typescript');
    for (const u of odd) {
      const d = await s.diagnostics(u);
      assert.ok(d.diagnostics.some((x) => x.severity === 1), `${u}: ${JSON.stringify(d.diagnostics.map((x) => x.message))}`);
    }
    const untitled = await s.diagnostics('untitled:100%');
    assert.ok(untitled.diagnostics.some((x) => x.code === 'unresolved-import' && /not saved in a folder/.test(String(x.message))));
    const uri = s.open(broken, text);
    const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => x.severity === 1));
    assert.ok(d.diagnostics.length > 0);
  } finally {
    await s.close();
  }
});

test('a design-advice timeout keeps the shape diagnostics already published, and is not retried for the same version', async () => {
  // The hook makes advice take 4 s; the cap is 1 s. Analysis itself takes a few ms.
  const s = await startServer({ analysis: { timeoutMs: 1000 } }, { env: { CONVLENS_TEST_ADVICE_DELAY_MS: '4000' } });
  try {
    const uri = s.open(broken, readFileSync(broken, 'utf8'));
    const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => /Design advice is unavailable/.test(String(x.message))), 30_000);
    const errors = d.diagnostics.filter((x) => x.severity === 1 && x.code !== 'analysis-failed');
    assert.ok(errors.length >= 1, `the shape errors were replaced: ${JSON.stringify(d.diagnostics.map((x) => x.message))}`);
    assert.ok(!d.diagnostics.some((x) => x.code === 'analysis-failed' && x.severity === 2), 'no warning-level failure replaced them');
    // A code action asks for advice again: the failed version is not re-run (no second 4 s stall).
    const actions = await s.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: full, context: { diagnostics: [] } });
    assert.ok(Array.isArray(actions));
    const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    void hover;
  } finally {
    await s.close();
  }
});

test('timeoutMs past 2^31 ms is clamped: analyses run, they do not all time out at once', async () => {
  const s = await startServer({ analysis: { timeoutMs: 2 ** 31 + 1, maxSteps: 1e15 } });
  try {
    const uri = s.open(broken, readFileSync(broken, 'utf8'));
    const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => x.severity === 1));
    assert.ok(!d.diagnostics.some((x) => x.code === 'analysis-failed'), JSON.stringify(d.diagnostics.map((x) => x.message)));
  } finally {
    await s.close();
  }
});
