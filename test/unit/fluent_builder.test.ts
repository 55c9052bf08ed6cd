/**
 * Library builders in the fluent style: `new NetBuilder(shape).conv(32).pool().dense(10).build()`,
 * where the chain pushes specs on `this` and `build()` turns them into layers. The engine reports
 * the models the file's chains build, checked against real tfjs; `build()` run on a fresh instance
 * (nothing pushed yet) makes a model with no layer, which is no model of the file. A layer's
 * getConfig() gives the sizes it was given, as tfjs's does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const HEAD = "import * as tf from '@tensorflow/tfjs';\n";
type Model = Parameters<typeof statedMismatches>[1];

const FLUENT = `
export class NetBuilder {
  private specs: Array<[string, number]> = [];
  constructor(private shape: number[]) {}
  conv(f: number) { this.specs.push(['conv', f]); return this; }
  pool() { this.specs.push(['pool', 2]); return this; }
  dense(u: number) { this.specs.push(['dense', u]); return this; }
  build() {
    const m = tf.sequential();
    this.specs.forEach(([kind, n], i) => {
      const first = i === 0 ? { inputShape: this.shape } : {};
      if (kind === 'conv') m.add(tf.layers.conv2d({ ...first, filters: n, kernelSize: 3 }));
      else if (kind === 'pool') m.add(tf.layers.maxPooling2d({ poolSize: n }));
      else { m.add(tf.layers.flatten()); m.add(tf.layers.dense({ units: n })); }
    });
    return m;
  }
}
export class GraphBuilder {
  input = tf.input({ shape: [8] });
  x: any = this.input;
  then(units: number) { this.x = tf.layers.dense({ units }).apply(this.x); return this; }
  build() { return tf.model({ inputs: this.input, outputs: this.x }); }
}
export function small() { return new NetBuilder([12, 12, 1]).conv(4).pool().conv(8).dense(3).build(); }
export function mlp() { return new GraphBuilder().then(16).then(2).build(); }
`;

test('a fluent builder: the models its chains build are reported and equal to tfjs; build() on a fresh instance is no model', async () => {
  const r = analyzeSource(HEAD + FLUENT, '/virtual/m.ts');
  assert.deepEqual(r.models.map((m) => m.report.name).sort(), ['mlp', 'small']);
  await tfjs();
  const mod = loadModuleFromText(HEAD + FLUENT);
  for (const m of r.models) {
    assert.notEqual(m.report.totalParams, null);
    assert.deepEqual(statedMismatches(m.report, (mod[m.report.name] as () => Model)()), [], m.report.name);
  }
});

test('layer.getConfig() gives the sizes, rate, padding and useBias the layer was given; other keys are not guessed', async () => {
  const src = `
export function rebuilt() {
  const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false });
  const drop = tf.layers.dropout({ rate: 0.25 });
  const c = conv.getConfig();
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [10, 10, 2], filters: (c.filters as number) * 2, kernelSize: 3, padding: c.padding as any, useBias: c.useBias as boolean }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: (drop.getConfig().rate as number) * 20 }));
  return m;
}`;
  const r = analyzeSource(HEAD + src, '/virtual/m.ts');
  const report = r.models.find((m) => m.report.name === 'rebuilt')!.report;
  assert.notEqual(report.totalParams, null);
  await tfjs();
  const mod = loadModuleFromText(HEAD + src);
  assert.deepEqual(statedMismatches(report, (mod.rebuilt as () => Model)()), []);
  // kernelSize is [3, 3] in tfjs's config, not the 3 it was given: unknown here, never 3.
  const k = analyzeSource(HEAD + `export function k() {
  const ks = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).getConfig().kernelSize;
  const m = tf.sequential(); m.add(tf.layers.dense({ inputShape: [2], units: Array.isArray(ks) ? 5 : 9 })); return m;
}`, '/virtual/k.ts');
  // Either branch may run: each is a variant, none is stated as the model.
  assert.ok(k.models.length === 2 && k.models.every((m) => m.report.variant), 'no guess about kernelSize');
});
