/**
 * Seeded fuzzing of the language server (the built dist/server.js over stdio): random incremental
 * edit sequences on copies of the fixtures, with issue 12's probes mixed in (imports of a FIFO,
 * /dev/zero, a link out of the workspace, a file over the size cap; 1,000-deep nesting; endless
 * loops; control characters and NUL; a 60,000-character line; odd URIs; closing and reopening).
 * The server must answer every request (a value or null, never an error or a hang) and end with
 * diagnostics for the last version of every open document.
 *   CONVLENS_LSP_FUZZ_EDITS (default 2000), CONVLENS_FUZZ_SEED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidCloseTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ModelGraphRequest } from '../../protocol/lsp';
import { startServer, type LspSession } from '../helpers/lsp_client';
import { fuzzWorkspace } from '../helpers/fuzz_workspace';
import { mulberry32 } from '../helpers/prng';

const SEED = Number(process.env.CONVLENS_FUZZ_SEED ?? 20261130);
const EDITS = Number(process.env.CONVLENS_LSP_FUZZ_EDITS ?? 2000);

const { ws, corpus } = fuzzWorkspace('convlens-lsp-fuzz-');
writeFileSync(join(ws, 'big.js'), `export const x = '${'a'.repeat(1100 * 1024)}';\n`);
if (process.platform !== 'win32') symlinkSync('/etc/hostname', join(ws, 'host.js'));

const PROBE_LINES = [
  "import z from '../../../../../../../../dev/zero.js';",
  "import p from './pipe.js';",
  "import h from './host.js';",
  "import b from './big.js';",
  "import s from '../../secret/.env.js';",
  `const deep = ${'('.repeat(1000)}1${')'.repeat(1000)};`,
  `const arr = ${'['.repeat(1000)}1${']'.repeat(1000)};`,
  'while (true) {}',
  'for (;;) { x = x + 1; }',
  "const name = '\u001b]0;PWNED\u0007\u009b\u202e';",
  'const nul = "\u0000\u0000";',
  `const long = '${'x'.repeat(60_000)}';`,
  '((((((((',
  '}}}}]]]))',
];
const TOKENS = ['(', ')', '{', '}', '[', ']', ',', ';', '.', '=>', 'tf', 'tf.layers', 'conv2d', 'apply', 'model.add(', 'filters: 0', 'kernelSize: 3', '-1', '1e308', 'NaN', "'", '"', '`', '\n', '  ', 'x', 'await ', 'return '];

type Pick = <T>(xs: T[]) => T;

function randomEdit(doc: TextDocument, rnd: () => number, pick: Pick): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const text = doc.getText();
  const a = Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  let start = a;
  let end = a;
  let insert = '';
  if (kind < 0.35) insert = pick(TOKENS);
  else if (kind < 0.6) end = Math.min(text.length, a + 1 + Math.floor(rnd() * 40));
  else if (kind < 0.75) {
    // Replace a whole line with a probe line.
    const line = doc.positionAt(a).line;
    start = doc.offsetAt({ line, character: 0 });
    end = doc.offsetAt({ line: line + 1, character: 0 });
    insert = `${pick(PROBE_LINES)}\n`;
  } else if (kind < 0.9) {
    const nums = [...text.matchAll(/\b\d+\b/g)];
    if (nums.length) {
      const m = pick(nums);
      start = m.index!;
      end = start + m[0].length;
      insert = pick(['0', '1', '3', '7', '64', '100000', '-2']);
    } else insert = pick(TOKENS);
  } else {
    // Duplicate a random line (grows files, repeats layers).
    const line = doc.positionAt(a).line;
    start = end = doc.offsetAt({ line, character: 0 });
    insert = text.slice(start, doc.offsetAt({ line: line + 1, character: 0 }));
  }
  return { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: insert };
}

test(`LSP fuzz: ${EDITS} random edits with probes; every request answered; diagnostics for the last versions (seed ${SEED})`, async () => {
  const rnd = mulberry32(SEED);
  const pick: Pick = (xs) => xs[Math.floor(rnd() * xs.length)]!;
  const s: LspSession = await startServer({}, { folders: [ws] });
  const logs: string[] = [];
  s.conn.onNotification('window/logMessage', (m: { message: string }) => void logs.push(m.message));
  const docs = new Map<string, TextDocument>();
  const counts = { requests: 0, nulls: 0, opened: 0, closed: 0, wholeProbes: 0 };
  const open = (uri: string, path: string, text: string) => {
    s.open(uri.startsWith('file:') ? path : uri, text, 'typescript');
    docs.set(uri, TextDocument.create(uri, 'typescript', 1, text));
    counts.opened++;
  };
  const openFixture = () => {
    const f = pick(corpus);
    const path = join(ws, f.name);
    const uri = `file://${path}`;
    if (!docs.has(uri)) open(uri, path, f.text);
  };
  try {
    for (let i = 0; i < 4; i++) openFixture();
    // Odd URIs live through the whole run.
    for (const u of ['untitled:100%', 'file:///x/%E0%A4%A.ts']) open(u, u, pick(corpus).text);
    const ask = async (uri: string) => {
      const doc = docs.get(uri)!;
      const range = { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } };
      const position = doc.positionAt(Math.floor(rnd() * doc.getText().length));
      const which = Math.floor(rnd() * 6);
      const t = { textDocument: { uri } };
      const req: Promise<unknown> =
        which === 0
          ? s.conn.sendRequest(InlayHintRequest.type, { ...t, range })
          : which === 1
            ? s.conn.sendRequest(HoverRequest.type, { ...t, position })
            : which === 2
              ? s.conn.sendRequest(CodeActionRequest.type, { ...t, range: { start: position, end: position }, context: { diagnostics: [] } })
              : which === 3
                ? s.conn.sendRequest(DocumentSymbolRequest.type, t)
                : which === 4
                  ? s.conn.sendRequest(CodeLensRequest.type, t)
                  : s.conn.sendRequest(ModelGraphRequest.method, { uri });
      let timer: NodeJS.Timeout | undefined;
      const value = await Promise.race([req, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`request ${which} on ${uri} got no answer in 60 s`)), 60_000)))]);
      clearTimeout(timer);
      counts.requests++;
      if (value === null) counts.nulls++;
    };
    for (let i = 0; i < EDITS; i++) {
      const uris = [...docs.keys()];
      const uri = pick(uris);
      const doc = docs.get(uri)!;
      if (rnd() < 0.01 && uri.startsWith('file:')) {
        // Close it, and open another.
        void s.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
        docs.delete(uri);
        counts.closed++;
        openFixture();
        continue;
      }
      let change;
      if (rnd() < 0.02) {
        // The whole document becomes a probe file.
        counts.wholeProbes++;
        const body = pick([PROBE_LINES.slice(0, 5).join('\n'), PROBE_LINES[5]!, '', '\u0000'.repeat(100), `${pick(corpus).text}\n${PROBE_LINES.join('\n')}`]);
        change = { range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, text: body };
      } else change = randomEdit(doc, rnd, pick);
      const version = s.edit(uri, change.range, change.text);
      docs.set(uri, TextDocument.update(doc, [change], version));
      if (rnd() < 0.25) await ask(pick([...docs.keys()]));
    }
    // Every open document ends with diagnostics for its last version.
    for (const [uri, doc] of docs) {
      const d = await s.diagnostics(uri, (p) => p.version === doc.version, 120_000);
      assert.equal(d.version, doc.version);
    }
    assert.equal(s.proc.exitCode, null, 'the server exited');
    // A crash of the analysis worker, or an error escaping a handler, is a bug even when the server recovers.
    const bugs = logs.filter((l) => /crashed|exited with code|unhandled rejection|publishing diagnostics .* failed/.test(l));
    assert.deepEqual(bugs, []);
    const timeouts = logs.filter((l) => /exceeded \d+ ms/.test(l)).length;
    console.log(`LSP fuzz: ${EDITS} edits, ${counts.requests} requests (${counts.nulls} null), ${counts.opened} documents opened, ${counts.closed} closed, ${counts.wholeProbes} whole-file probes; ${timeouts} analyses past the time cap`);
  } finally {
    await s.close();
  }
});
