/** Building the user's model from their file: what the worker can reach, and how errors point back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBackend } from '../../server/src/runtime/backends';
import { buildUserModel } from '../../server/src/runtime/user_module';
import { repoRoot } from './worker_bundle';

const fixture = (f: string) => join(repoRoot, 'test/fixtures/runtime', f);

test('builders that are not exported, top-level variables, and tfjs-node imports', async () => {
  const be = await loadBackend({ choice: 'cpu' });
  const hidden = await buildUserModel(fixture('builders.ts'), 'hiddenBuilder', be.module);
  assert.equal(hidden.via, 'top-level binding');
  assert.deepEqual(hidden.model.outputs[0]!.shape, [null, 3]);
  const net = await buildUserModel(fixture('builders.ts'), 'net', be.module);
  assert.deepEqual(net.model.outputs[0]!.shape, [null, 2]);
  // '@tensorflow/tfjs-node(-gpu)' imports got the loaded backend's tfjs: the model runs on it.
  const y = net.model.predict(be.tf.ones([1, 6])) as import('@tensorflow/tfjs').Tensor;
  assert.deepEqual(y.shape, [1, 2]);
  const tiny = await buildUserModel(fixture('tiny_cnn.ts'), 'tinyCnn', be.module);
  assert.equal(tiny.via, 'export');
  await assert.rejects(buildUserModel(fixture('builders.ts'), 'nothing', be.module), /'nothing' is neither exported nor a top-level binding/);
});

test('a syntax error points at its file and line', async () => {
  const be = await loadBackend({ choice: 'cpu' });
  await assert.rejects(buildUserModel(fixture('syntax_error.ts'), 'broken', be.module), (e: Error & { location?: { file: string; line: number } }) => {
    assert.equal(e.location?.file, fixture('syntax_error.ts'));
    assert.equal(e.location?.line, 5);
    assert.match(e.message, /syntax_error\.ts:5:\d+: '\)' expected/);
    return true;
  });
});
