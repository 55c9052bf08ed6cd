/**
 * Layers and layer arguments the real-world corpus reaches beyond the common ones (pixel shuffle
 * custom layers, ConvLSTM2D, preprocessing layers, channels-first stacks): every number the engine
 * states is checked against tfjs 4.22 building the same code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfns from '@tensorflow/tfjs';
import { analyzeSource, type ModelReport } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const analyze = (code: string) => analyzeSource(code, '/virtual/breadth.ts');
const errors = (r: ReturnType<typeof analyze>) => r.diagnostics.filter((d) => d.severity === 'error');

function model(r: ReturnType<typeof analyze>, name: string): ModelReport {
  const m = r.models.find((x) => x.report.name === name);
  assert.ok(m, `model ${name} in ${r.models.map((x) => x.report.name).join(', ')}`);
  return m.report;
}

/** Build export `name` of `code` in tfjs with `args`; every number the report states must be tfjs's. */
async function agrees(code: string, report: ModelReport, name: string, ...args: unknown[]): Promise<tfns.LayersModel> {
  const tf = await tfjs();
  const mod = loadModuleFromText(code);
  const built = (await (mod[name] as (...a: unknown[]) => unknown)(...args)) as tfns.LayersModel;
  assert.deepEqual(statedMismatches(report, built), [], `${report.name} with ${JSON.stringify(args)}`);
  tf.disposeVariables();
  return built;
}

test('a custom layer computing on a size the analysis does not know gives an unknown size, not null arithmetic', async () => {
  // null * 2 is 0 in JS: handing user code null for an unknown height made a pixel shuffle 0 tall.
  const code = `import * as tf from '@tensorflow/tfjs';
class PixelShuffle extends tf.layers.Layer {
  static className = 'PixelShuffle';
  constructor(private readonly scale: number) { super({}); }
  build(inputShape: tf.Shape) {
    const s = inputShape as number[];
    this.addWeight('gain', [s[1] * 0 + 1, s[3] / (this.scale * this.scale)], 'float32', tf.initializers.ones());
  }
  computeOutputShape(inputShape: tf.Shape): tf.Shape {
    const [b, h, w, c] = inputShape as number[];
    return [b, h * this.scale, w * this.scale, c / (this.scale * this.scale)];
  }
}
export function shuffled(height: number) {
  const lr = tf.input({ shape: [height, 16, 3] });
  const x = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same' }).apply(lr) as tf.SymbolicTensor;
  return tf.model({ inputs: lr, outputs: new PixelShuffle(2).apply(x) as tf.SymbolicTensor });
}`;
  const r = analyze(code);
  assert.deepEqual(errors(r), []);
  const m = model(r, 'shuffled');
  assert.equal(m.outputShapes[0]![1], null);
  assert.equal(m.outputShapes[0]![2], 32);
  for (const h of [5, 9]) (await agrees(code, m, 'shuffled', h)).dispose();
});
