/**
 * The language server's side of the saved-model viewer: the client sends the file's JSON text, the
 * worker answers with the panel's payload, the weight groups for the shard check, and design
 * advice; Copy as TypeScript comes from the same analysis.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer, type LspSession } from '../helpers/lsp_client';
import { analyzeSource } from '../../server/src/engine';
import { analyzeSavedModel } from '../../server/src/engine/analyze_saved';
import { diskHost } from '../../server/src/host/disk_host';
import type { SavedModelAnswer } from '../../protocol/lsp';
import { buildNamed, loadFixtureModule, tfjs } from '../helpers/tfjs_oracle';
import { captureArtifacts } from '../helpers/saved_artifacts';

let s: LspSession;
before(async () => {
  s = await startServer();
});
after(async () => {
  await s.close();
});

test('convlens/savedModel: a tfjs model.json gives the same report as the engine, its shards and its advice; Copy as TypeScript follows', async () => {
  await tfjs();
  const file = resolve(__dirname, '../fixtures/models/alexnet.ts');
  const model = await buildNamed(loadFixtureModule(file), 'alexNet');
  const art = await captureArtifacts(model);
  model.dispose();
  const text = JSON.stringify({ modelTopology: art.modelTopology, format: art.format, generatedBy: art.generatedBy, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs }] });
  const uri = 'file:///work/alexnet/model.json';
  const answer = await s.conn.sendRequest<SavedModelAnswer>('convlens/savedModel', { uri, version: 1, path: '/work/alexnet/model.json', text });
  const direct = analyzeSavedModel(text, '/work/alexnet/model.json', { advice: true });
  assert.deepEqual(answer.models.map((m) => m.report), direct.models.map((m) => m.report));
  assert.match(answer.formatLabel, /TensorFlow\.js layers model \(tfjs-layers v4\.22\.0\)/);
  assert.deepEqual(answer.shards.map((g) => g.paths), [['group1-shard1of1.bin']]);
  assert.equal(answer.shards[0]!.bytes, (art.weightData as ArrayBuffer).byteLength);
  // The advice AlexNet gets in code, as findings without fixes.
  const fromCode = analyzeSource(readFileSync(file, 'utf8'), file, diskHost, { advice: true }).findings!.map((f) => f.diagnostic.code).sort();
  const findings = await s.conn.sendRequest<{ code: string }[] | null>('convlens/savedModelAdvice', { uri, version: 1 });
  assert.deepEqual(findings!.map((d) => d.code).sort(), fromCode);
  const code = await s.conn.sendRequest<string | null>('convlens/savedModelTypeScript', { uri, version: 1 });
  assert.match(code!, /export function sequential1\(\): tf\.Sequential/);
  assert.equal(await s.conn.sendRequest('convlens/savedModelTypeScript', { uri, version: 2 }), null, 'a version the worker has not seen');
});

test('convlens/savedModel: a broken file is an answer with one diagnostic, and the server keeps answering', async () => {
  const answer = await s.conn.sendRequest<SavedModelAnswer>('convlens/savedModel', { uri: 'file:///x/model.json', version: 1, path: '/x/model.json', text: '{"modelTopology": {"class_name": "Sequen' });
  assert.equal(answer.models.length, 0);
  assert.equal(answer.diagnostics.length, 1);
  assert.match(answer.diagnostics[0]!.message, /not valid JSON/);
});
