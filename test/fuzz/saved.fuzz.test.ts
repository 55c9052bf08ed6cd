/**
 * Seeded corruption of real saved models (a tfjs model.json and a .keras archive written from it):
 * flipped, deleted and duplicated bytes, cut-off tails. The reader must answer every time, with
 * either a model or diagnostics, and never throw. Replay a failure from the printed seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { analyzeSavedModel } from '../../server/src/engine/analyze_saved';
import { captureArtifacts, toKeras3 } from '../helpers/saved_artifacts';
import { mulberry32 } from '../helpers/prng';
import { zipSync, strToU8 } from 'fflate';

function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = Array.from(bytes);
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * out.length);
    const kind = rand();
    if (kind < 0.4) out[at] = Math.floor(rand() * 256);
    else if (kind < 0.6) out.splice(at, 1 + Math.floor(rand() * 40));
    else if (kind < 0.8) out.splice(at, 0, ...out.slice(at, at + 1 + Math.floor(rand() * 40)));
    else out.length = at;
  }
  return Uint8Array.from(out);
}

test('corrupted model.json and .keras files: an answer every time, never an exception', async () => {
  await tf.setBackend('cpu');
  const inputs = tf.input({ shape: [16, 16, 3], name: 'img' });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'c1' }).apply(inputs) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 1, name: 'c2' }).apply(a) as tf.SymbolicTensor;
  const s = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: 'head' }).apply(tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(s)) as tf.SymbolicTensor;
  const model = tf.model({ inputs, outputs: out });
  const art = await captureArtifacts(model);
  const json = strToU8(JSON.stringify({ modelTopology: art.modelTopology, format: art.format, weightsManifest: [{ paths: ['w.bin'], weights: art.weightSpecs }] }));
  const archive = zipSync({ 'config.json': [strToU8(JSON.stringify(toKeras3(art.modelTopology as Record<string, unknown>, model))), { level: 6 }], 'metadata.json': strToU8('{"keras_version": "3.6.0"}') });
  model.dispose();
  let models = 0;
  let failures = 0;
  for (let seed = 1; seed <= 600; seed++) {
    const rand = mulberry32(seed);
    const source = seed % 2 ? json : archive;
    const bytes = mutate(source, rand);
    let r;
    try {
      r = analyzeSavedModel(bytes, seed % 2 ? '/fuzz/model.json' : '/fuzz/model.keras', { fileSize: () => null });
    } catch (e) {
      assert.fail(`seed ${seed}: the reader threw ${(e as Error).stack}`);
    }
    assert.ok(r.models.length > 0 || r.diagnostics.length > 0, `seed ${seed}: neither a model nor a diagnostic`);
    if (r.models.length) models++;
    else failures++;
  }
  // Both outcomes occur: some edits leave a readable model (a changed number), most break the file.
  assert.ok(models > 0 && failures > 0, `${models} readable, ${failures} not`);
});
