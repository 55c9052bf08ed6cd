/**
 * Saved models that are wrong or broken: weights that do not fit the topology, shards missing or
 * cut short, corrupt / truncated / huge / non-model files. Each gets one clear diagnostic naming
 * the layer or the cause, and nothing hangs. The model files are written by real tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeSavedModel, MAX_TOPOLOGY_BYTES, type SavedModelResult } from '../../server/src/engine/analyze_saved';
import { openModelFile, shardSizeReader } from '../../server/src/host/model_file';
import { captureArtifacts, writeLayersModel } from '../helpers/saved_artifacts';
import { tfjs } from '../helpers/tfjs_oracle';

const tmp = mkdtempSync(join(tmpdir(), 'convlens-saved-checks-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

async function smallCnn(dir: string, shardBytes = 4096) {
  await tfjs();
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 8, kernelSize: 3, name: 'conv_a' }),
      tf.layers.batchNormalization({ name: 'bn_a' }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, name: 'conv_b' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 10, name: 'head' }),
    ],
  });
  const art = await captureArtifacts(model);
  model.dispose();
  return writeLayersModel(join(tmp, dir), art, shardBytes);
}

function read(path: string): SavedModelResult {
  const a = openModelFile(path);
  try {
    return analyzeSavedModel(a, path, { fileSize: shardSizeReader(path) });
  } finally {
    a.close();
  }
}

const errors = (r: SavedModelResult) => r.diagnostics.filter((d) => d.severity === 'error');

test('a consistent model.json and its shards give no diagnostics', async () => {
  const w = await smallCnn('ok');
  assert.ok(w.shards.length > 1, 'several shards');
  assert.deepEqual(read(w.modelJson).diagnostics, []);
});

test('an edited config whose weights no longer fit names the layer and both shapes', async () => {
  const w = await smallCnn('edited');
  const json = JSON.parse(readFileSync(w.modelJson, 'utf8'));
  json.modelTopology.config.layers[2].config.filters = 32; // conv_b: 16 → 32 filters, weights still for 16
  writeFileSync(w.modelJson, JSON.stringify(json, null, 2));
  const errs = errors(read(w.modelJson));
  const conv = errs.find((d) => d.code === 'weights-mismatch' && /'conv_b'/.test(d.message) && /kernel/.test(d.message));
  assert.ok(conv, JSON.stringify(errs, null, 1));
  assert.match(conv.message, /\[3, 3, 8, 16\].*\[3, 3, 8, 32\]/);
  // The dense layer after it reads a different width now: its kernel no longer fits either.
  assert.ok(errs.some((d) => /'head'/.test(d.message)));
  // The diagnostic points at conv_b in model.json.
  const text = readFileSync(w.modelJson, 'utf8').split('\n');
  assert.match(text[conv.range.start.line]!, /conv_b/);
});

test('weights for a layer the model does not have, and a layer without its weights', async () => {
  const w = await smallCnn('renamed');
  const json = JSON.parse(readFileSync(w.modelJson, 'utf8'));
  for (const wt of json.weightsManifest[0].weights) if (wt.name.startsWith('head/')) wt.name = wt.name.replace('head/', 'classifier/');
  writeFileSync(w.modelJson, JSON.stringify(json));
  const errs = errors(read(w.modelJson));
  assert.ok(errs.some((d) => /no layer named 'classifier'/.test(d.message)));
  assert.ok(errs.some((d) => /Dense 'head' has no kernel, bias in the weights manifest/.test(d.message)));
});

test('a missing shard names the layers whose weights it holds', async () => {
  const w = await smallCnn('missing');
  unlinkSync(join(w.dir, w.shards[1]!));
  const errs = errors(read(w.modelJson));
  assert.equal(errs.length, 1, JSON.stringify(errs));
  assert.match(errs[0]!.message, new RegExp(`weight shard ${w.shards[1]} is missing: it holds the weights of .*'conv_b'`));
});

test('a truncated shard: how many bytes are missing and whose weights are cut off', async () => {
  const w = await smallCnn('truncated');
  const last = join(w.dir, w.shards[w.shards.length - 1]!);
  truncateSync(last, 10);
  const errs = errors(read(w.modelJson));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.message, /short; .* looks cut off: a truncated download\?\): the weights of .*'head'.* are incomplete/);
});

test('a shard cut short in the middle: that shard, and the layers whose bytes it held', async () => {
  const w = await smallCnn('middle');
  truncateSync(join(w.dir, w.shards[0]!), 100);
  const errs = errors(read(w.modelJson));
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.message, new RegExp(`${w.shards[0]} looks cut off: a truncated download\\?\\): the weights of 'conv_a', 'bn_a', 'conv_b' are incomplete`));
  assert.equal(errs[0]!.range.start.line, 0);
});

test('shards bigger than the manifest: another model\'s weights', async () => {
  const w = await smallCnn('bigger');
  writeFileSync(join(w.dir, w.shards[0]!), Buffer.concat([readFileSync(join(w.dir, w.shards[0]!)), Buffer.alloc(64)]));
  assert.match(errors(read(w.modelJson))[0]!.message, /64 too many\): the shards belong to another model/);
});

test('corrupt, truncated, empty, non-model and huge files get one message each, never an exception', async () => {
  const w = await smallCnn('corrupt');
  const text = readFileSync(w.modelJson, 'utf8');
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['truncated.json', text.slice(0, Math.floor(text.length / 2)), /not valid JSON/],
    ['garbage.json', '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [{"class_name": 3}]}}}', /has no class_name/],
    ['array.json', '[1, 2, 3]', /not a model/],
    ['package.json', '{"name": "x", "version": "1.0.0"}', /not a model/],
    ['empty.json', '', /the file is empty/],
    ['graph.json', '{"format": "graph-model", "modelTopology": {"node": []}, "weightsManifest": []}', /graph model/],
    ['weights_only.json', '{"weightsManifest": []}', /no modelTopology/],
    ['deep.json', `{"modelTopology": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`, /./],
    ['model.h5', new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), /HDF5/],
    ['bad.keras', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), /not a complete ZIP archive/],
  ];
  for (const [name, content, message] of cases) {
    const p = join(tmp, name);
    writeFileSync(p, content);
    const r = read(p);
    assert.equal(r.models.length, 0, name);
    assert.equal(errors(r).length, 1, `${name}: ${JSON.stringify(r.diagnostics)}`);
    assert.match(errors(r)[0]!.message, message, name);
  }
  // Over the topology cap: refused from its size alone (the bytes are never read).
  let reads = 0;
  const huge = { size: MAX_TOPOLOGY_BYTES + 1, read: (o: number, len: number) => (reads++, new Uint8Array(Math.min(len, 8)).fill(0x7b)) };
  const r = analyzeSavedModel(huge, '/x/model.json');
  assert.match(errors(r)[0]!.message, /MB; ConvLens reads model topologies up to 50 MB/);
  assert.equal(reads, 1, 'only the first bytes were looked at');
});
