/**
 * The built language server, spawned over stdio and driven by a real JSON-RPC client: inlay hints,
 * hover, diagnostics (shape errors and advice), code actions applied to the text, code lens,
 * document symbols, and the custom requests the panel uses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CodeActionRequest,
  CodeLensRequest,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startServer, type LspSession } from '../helpers/lsp_client';
import { analyzeSource } from '../../server/src/engine';

const fixtures = resolve(__dirname, '../fixtures');
let s: LspSession;

before(async () => {
  s = await startServer();
});
after(async () => {
  await s.close();
});

function load(rel: string): { path: string; text: string } {
  const path = resolve(fixtures, rel);
  return { path, text: readFileSync(path, 'utf8') };
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.ts', 'typescript', 1, text), edits);
}

test('inlay hints show the output shape and params after each layer call', async () => {
  const { path, text } = load('models/vgg16.ts');
  const uri = s.open(path, text);
  const hints = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } } });
  assert.ok(hints && hints.length >= 20, `got ${hints?.length} hints`);
  const labels = hints!.map((h) => String(h.label));
  assert.ok(labels.includes('→ 224×224×64 · 1.79k params'), labels.slice(0, 3).join(' | '));
  assert.ok(labels.some((l) => l.startsWith('→ 4096 · 103M params')), 'fc1 hint');
  // The helper `conv` is called 12 times: one hint with the count, the end of the range of shapes,
  // and the range of params with its word (the full shape range does not fit beside it).
  assert.ok(labels.includes('→ …14×14×512 (×12) · 36.9k–2.36M params'), labels.join(' | '));
  for (const l of labels) assert.ok(l.length <= 43, `'${l}' is longer than VS Code shows`);
});

test('hover on a conv call shows shapes, the params breakdown, MACs and receptive field', async () => {
  const { path, text } = load('models/vgg16.ts');
  const uri = s.open(path, text);
  const line = text.split('\n').findIndex((l) => l.includes("'block1_conv1'"));
  const character = text.split('\n')[line]!.indexOf('conv2d');
  const hover = await s.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  const md = (hover!.contents as { value: string }).value;
  assert.match(md, /\*\*Conv2D\*\* `block1_conv1`/);
  assert.match(md, /\[null,224,224,3\]` → `\[null,224,224,64\]/);
  assert.match(md, /kernel 3×3×3×64 \(1,728\) \+ bias 64 \(64\)/);
  assert.match(md, /\*\*MACs\*\* 86,704,128/);
  assert.match(md, /\*\*Receptive field\*\* 3×3/);
});

test('diagnostics: every shape error of a broken file, at the marked lines, with related call sites', async () => {
  const { path, text } = load('broken/helper_error.ts');
  const uri = s.open(path, text);
  const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => x.severity === 1));
  const errors = d.diagnostics.filter((x) => x.severity === 1);
  const marked = text.split('\n').map((l, i) => (l.includes('// error:') ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(errors.map((e) => e.range.start.line), marked);
  assert.ok(errors[0]!.relatedInformation?.some((r) => /convPool/.test(r.message)), 'the helper call is related information');
});

test('advice: a quick fix whose edit changes params by exactly the announced saving', async () => {
  const { path, text } = load('models/vgg16.ts');
  const uri = s.open(path, text);
  const d = await s.diagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'gap-head'));
  const gap = d.diagnostics.find((x) => x.code === 'gap-head')!;
  const actions = await s.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: gap.range, context: { diagnostics: [gap], only: ['quickfix'] } });
  const fix = actions!.find((a) => 'edit' in a && /global average pooling/.test(a.title)) as {
    title: string;
    edit: { changes: Record<string, TextEdit[]> };
    data: { saving: { params: number; macs: number } };
  };
  assert.ok(fix, 'the gap-head fix is offered');
  assert.match(fix.title, /saves 101M params \(−73%\)/);
  const after = applyEdits(text, fix.edit.changes[uri]!);
  const before = analyzeSource(text, path).models[0]!.report;
  const now = analyzeSource(after, path).models[0]!.report;
  assert.equal(before.totalParams! - now.totalParams!, fix.data.saving.params);
  assert.equal(before.macs! - now.macs!, fix.data.saving.macs);
});

test('code lens above each builder with the summary and the panel commands', async () => {
  const { path, text } = load('models/resnet50.ts');
  const uri = s.open(path, text);
  const lenses = await s.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  const titles = lenses!.map((l) => l.command!.title);
  assert.ok(titles.some((t) => /^resNet50 · 25\.6M params · 3\.86G MACs/.test(t)), titles.join(' | '));
  const cmds = lenses!.map((l) => l.command!.command);
  for (const c of ['convlens.profileModel', 'convlens.showArchitecture', 'convlens.runSanityCheck']) assert.ok(cmds.includes(c), c);
  assert.deepEqual(lenses![1]!.command!.arguments, [uri, 'resNet50']);
});

test('document symbols: models with their layers', async () => {
  const { path, text } = load('models/alexnet.ts');
  const uri = s.open(path, text);
  const symbols = (await s.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string; children: { name: string }[] }[];
  assert.equal(symbols[0]!.name, 'alexNet');
  assert.deepEqual(symbols[0]!.children.slice(0, 3).map((c) => c.name), ['conv1', 'max_pooling2d', 'batch_normalization']);
});

test('custom requests: convlens/modelGraph and convlens/profile', async () => {
  const { path, text } = load('models/googlenet.ts');
  const uri = s.open(path, text);
  const g = (await s.conn.sendRequest('convlens/modelGraph', { uri })) as { models: { report: { totalParams: number; layers: unknown[] }; graph: { nodes: unknown[]; edges: unknown[]; groups: { label: string }[] } }[] };
  const m = g.models[0]!;
  assert.equal(m.report.totalParams, 6_998_552);
  assert.equal(m.graph.nodes.length, m.report.layers.length + 1);
  assert.equal(m.graph.groups.filter((x) => x.label === 'inceptionModule').length, 9);
  const p = (await s.conn.sendRequest('convlens/profile', { uri, model: 'googLeNet' })) as { models: { name: string }[] };
  assert.deepEqual(p.models.map((x) => x.name), ['googLeNet']);
});

test('edits re-analyse: a changed filter count changes the hint', async () => {
  const { path, text } = load('models/alexnet.ts');
  const uri = s.open(path, text);
  s.change(uri, text.replace("filters: 96, kernelSize: 11", "filters: 48, kernelSize: 11"));
  const hints = await s.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } } });
  assert.ok(hints!.some((h) => String(h.label) === '→ 55×55×48 · 17.5k params'), hints!.map((h) => h.label).join(' | '));
});

test('an analysis that overruns its time cap is stopped, reported, and the server keeps answering', async () => {
  // The smallest cap the settings allow (500 ms) against a builder that makes a layer object in
  // each of a billion loop iterations: its 2,000,000-step budget alone takes seconds, so the
  // analysis is cut off by time, and the worker is replaced.
  const slow = await startServer({ analysis: { timeoutMs: 500 } });
  try {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'export function slow() {',
      '  let units = 1;',
      '  for (let i = 0; i < 1000; i++) for (let j = 0; j < 1000; j++) for (let k = 0; k < 1000; k++) units = tf.layers.dense({ units: ((i + j + k) % 7) + 1 }) ? units + 1 : units;',
      '  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [4] })] });',
      '}',
    ].join('\n');
    const uri = slow.open(resolve(fixtures, 'slow_builder.ts'), text);
    const d = await slow.diagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'analysis-failed'));
    const failure = d.diagnostics.find((x) => x.code === 'analysis-failed')!;
    assert.match(String(failure.message), /stopped analysing this file after 500 ms/);
    // Still alive: a request gets an answer (null: no analysis), not a hang or a crash.
    const hover = await slow.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(hover, null);
  } finally {
    await slow.close();
  }
});
