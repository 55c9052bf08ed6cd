/**
 * Choosing the panel's GPU, without a browser: the worker's decision from what a panel's probe
 * reports (hardware, software rasteriser, no float32 render targets), the handoff it sends, the
 * bundle for the panel (evaluated here with the same loader the panel's worker uses), and a
 * builder that imports Node's fs, which stays in the Node worker with the import named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import type { PanelDevice } from '../../protocol/worker';
import { panelAttempt } from '../../server/src/runtime/backend_diagnosis';
import { loadBackend } from '../../server/src/runtime/backends';
import { bundleForPanel } from '../../server/src/runtime/panel_bundle';
import { callBuilder } from '../../server/src/runtime/builder_call';
import { loadBundle, type UserBundle } from '../../server/src/runtime/browser/user_bundle';
import { buildUserModel } from '../../server/src/runtime/user_module';
import { startCheck } from '../../server/src/runtime/supervisor';
import { repoRoot, workerBundle } from './worker_bundle';

const TINY = join(repoRoot, 'test/fixtures/runtime/tiny_cnn.ts');
const FS = join(repoRoot, 'test/fixtures/runtime/node_imports.ts');

const RTX = 'WebGL2 · ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)';
const SWIFTSHADER = 'WebGL2 · ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const device = (webgl: Partial<PanelDevice['webgl']>): PanelDevice => ({
  webgpu: { available: false, reason: 'requestAdapter() gave no adapter' },
  webgl: { available: true, float32: true, software: false, adapter: RTX, ...webgl },
});

async function run(file: string, model: string, backend: 'auto' | 'webgl', panel: PanelDevice | undefined) {
  const events: import('../../protocol/worker').WorkerEvent[] = [];
  const outcome = await startCheck({ workerPath: workerBundle(), trusted: true, file, model, backend, panel, steps: 3, batchSize: 4, timeoutMs: 120_000 }, (e) => events.push(e)).done;
  return { outcome, events };
}

test('panelAttempt: hardware is used; under auto a software rasteriser or float16-only WebGL is passed over, configured it runs', () => {
  assert.equal(panelAttempt('webgl', device({}), false).status, 'used');
  const sw = panelAttempt('webgl', device({ adapter: SWIFTSHADER }), false);
  assert.equal(sw.kind, 'software-renderer');
  assert.match(sw.reason, /SwiftShader.*is a software rasteriser: the GPU API would compute on the CPU, slower than wasm/);
  assert.equal(sw.software, true);
  const forced = panelAttempt('webgl', device({ adapter: SWIFTSHADER }), true);
  assert.equal(forced.status, 'used');
  assert.match(forced.reason, /a software rasteriser, computing on the CPU/);
  const f16 = panelAttempt('webgl', device({ float32: false }), false);
  assert.equal(f16.kind, 'no-float32');
  assert.match(f16.reason, /WEBGL_RENDER_FLOAT32_CAPABLE is false/);
  assert.match(panelAttempt('webgl', device({ float32: false }), true).reason, /float16 precision/);
  assert.equal(panelAttempt('webgpu', device({}), false).kind, 'no-adapter');
  assert.equal(panelAttempt('webgl', undefined, false).kind, 'no-panel');
});

test('auto with a hardware GPU in the panel: the worker hands the check over with a bundle that builds the same model', async () => {
  const { outcome, events } = await run(TINY, 'tinyCnn', 'auto', device({}));
  assert.equal(outcome.reason, 'done');
  assert.ok(outcome.handoff, outcome.message);
  assert.equal(outcome.result, undefined);
  assert.deepEqual(events.map((e) => e.type), ['started', 'handoff', 'exit']);
  const h = outcome.handoff;
  assert.equal(h.backend, 'webgl');
  assert.equal(h.model, 'tinyCnn');
  assert.deepEqual(h.available, ['tinyCnn', 'CompiledCnn.build']);
  assert.equal(h.seed, 1);
  assert.equal(h.report?.layers.length, 6);
  const by = Object.fromEntries(h.attempts.map((a) => [a.backend, a]));
  assert.equal(by['tfjs-node-gpu']!.status, 'failed'); // not installed here
  assert.equal(by.webgpu!.kind, 'no-adapter');
  assert.equal(by.webgl!.status, 'used');
  assert.equal(by.webgl!.adapter, RTX);
  assert.deepEqual(['tfjs-node', 'wasm', 'cpu', 'webgpu-node'].map((b) => by[b]!.status), ['not-tried', 'not-tried', 'not-tried', 'not-tried']);

  // The bundle, evaluated as the panel's worker does (a script defining __convlensUser), builds
  // the model the Node loader builds: same layers, same parameter count.
  const sandbox: { __convlensUser?: UserBundle } = {};
  runInNewContext(h.bundle, { globalThis: sandbox });
  const bundle = sandbox.__convlensUser!;
  assert.equal(bundle.entry, TINY);
  const viaBundle = (await callBuilder('tinyCnn', (extra) => loadBundle(bundle, tf as unknown as Record<string, unknown>, extra), TINY)).model;
  const viaNode = (await buildUserModel(TINY, 'tinyCnn', tf as unknown as Record<string, unknown>)).model;
  assert.deepEqual(viaBundle.layers.map((l) => l.getClassName()), viaNode.layers.map((l) => l.getClassName()));
  assert.equal(viaBundle.countParams(), viaNode.countParams());
  const compiled = (await callBuilder('CompiledCnn.build', (extra) => loadBundle(bundle, tf as unknown as Record<string, unknown>, extra), TINY)).model;
  assert.equal(compiled.countParams(), viaNode.countParams());
  tf.dispose([viaBundle, viaNode, compiled] as never);
});

test('auto with a software rasteriser or a float16-only WebGL in the panel: the check runs on wasm and says why', async () => {
  for (const [webgl, kind] of [[{ adapter: SWIFTSHADER, software: true }, 'software-renderer'], [{ float32: false }, 'no-float32']] as const) {
    const { outcome } = await run(TINY, 'tinyCnn', 'auto', device(webgl));
    assert.equal(outcome.handoff, undefined);
    assert.equal(outcome.result?.backend, 'wasm', outcome.message);
    const a = outcome.result!.backendAttempts.find((x) => x.backend === 'webgl')!;
    assert.equal(a.kind, kind);
  }
});

test('a builder importing fs: the panel refuses it with the import named, and the Node worker runs the check', async () => {
  const b = bundleForPanel(FS, 'fromDisk');
  assert.equal(b.ok, false);
  assert.ok(!b.ok && b.refused.some((r) => r.specifier === 'fs' && r.why === 'node' && r.line === 4));
  const { outcome } = await run(FS, 'fromDisk', 'webgl', device({}));
  assert.equal(outcome.handoff, undefined);
  assert.equal(outcome.result?.backend, 'wasm', outcome.message);
  const a = outcome.result!.backendAttempts.find((x) => x.backend === 'webgl')!;
  assert.equal(a.kind, 'node-imports');
  assert.match(a.reason, /imports 'fs' \(node_imports\.ts:4, a Node module\): the panel runs the check in a browser worker, which loads only @tensorflow\/tfjs and the file's relative imports, so the check runs in the Node worker instead/);
});

test('webgpu-node (Dawn) when configured: not installed here, said so, then the CPU backends', async () => {
  const be = await loadBackend({ choice: 'webgpu-node' });
  assert.equal(be.name, 'wasm');
  const a = be.attempts.find((x) => x.backend === 'webgpu-node')!;
  assert.equal(a.status, 'failed');
  assert.equal(a.kind, 'not-installed');
  assert.match(a.reason, /npm package webgpu \(Dawn for Node\) is not installed/);
  assert.deepEqual(be.attempts.filter((x) => x.status === 'not-tried' && x.reason.includes('--backend webgpu-node')).map((x) => x.backend), ['tfjs-node-gpu', 'webgpu', 'webgl']);
});
