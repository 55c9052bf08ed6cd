/**
 * Dependency injection (Angular's): a class the file never constructs gets, for each constructor
 * parameter typed by a class of the program, an instance of that class built the same way (its own
 * parameters injected, defaults taken). ngOnInit's model then has the service's sizes; compared
 * with the same classes constructed by hand in Node and tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const SRC = `import * as tf from '@tensorflow/tfjs';
export class ModelConfig {
  inputDim = 20;
  labels = ['a', 'b', 'c', 'd'];
}
export class LayerFactory {
  constructor(private readonly cfg: ModelConfig, private readonly widen: number = 3) {}
  hidden(): tf.layers.Layer {
    return tf.layers.dense({ units: this.cfg.inputDim * this.widen, activation: 'relu' });
  }
}
export class TrainerComponent {
  model: tf.Sequential | null = null;
  constructor(private readonly factory: LayerFactory, private cfg: ModelConfig) {}
  ngOnInit(): void {
    const net = tf.sequential();
    net.add(tf.layers.inputLayer({ inputShape: [this.cfg.inputDim] }));
    net.add(this.factory.hidden());
    net.add(tf.layers.dense({ units: this.cfg.labels.length, activation: 'softmax' }));
    this.model = net;
  }
}
`;

test('a constructor parameter typed by a class of the file is an instance of it, built with its own injected parameters', async () => {
  const r = analyzeSource(SRC, '/virtual/trainer.component.ts');
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'no false error');
  const report = r.models.find((m) => m.report.name.startsWith('TrainerComponent.ngOnInit'))?.report;
  assert.ok(report, `no model of TrainerComponent.ngOnInit among: ${r.models.map((m) => m.report.name).join(', ') || 'none'}`);
  await tfjs();
  const mod = loadModuleFromText(SRC) as Record<string, new (...a: unknown[]) => any>;
  const cfg = new mod.ModelConfig!();
  const c = new mod.TrainerComponent!(new mod.LayerFactory!(cfg), cfg);
  c.ngOnInit();
  assert.ok(report.totalParams !== null, 'the injected instances decide every size: the total is stated');
  assert.deepEqual(statedMismatches(report, c.model), []);
});

test('a class that needs an instance of itself is not built: that parameter stays unknown, nothing loops', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
  export class Node2 {
    constructor(private parent: Node2) {}
    build() { const m = tf.sequential(); m.add(tf.layers.dense({ units: 2, inputShape: [3] })); return m; }
  }`;
  const r = analyzeSource(src, '/virtual/loop.ts');
  assert.deepEqual(r.models.map((m) => [m.report.name, m.report.totalParams]), [['Node2.build', 8]]);
});
