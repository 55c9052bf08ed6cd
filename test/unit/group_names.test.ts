/**
 * The graph's group names: a helper's calls are told apart by the arguments that differ (the name
 * passed in, else the loop's position), and callbacks are named by the call they are passed to —
 * never "anonymous function".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';

const groups = (file: string) => {
  const r = analyzeSource(readFileSync(file, 'utf8'), file, diskHost);
  return r.models.flatMap((m) => m.graph.groups);
};
const models = resolve(__dirname, '../fixtures/models');

test('ResNet-50: identity blocks read "stage 2, block b" (the arguments that differ), conv blocks their stage', () => {
  const g = groups(join(models, 'resnet50.ts'));
  const ids = g.filter((x) => x.label === 'identityBlock').map((x) => x.detail);
  assert.deepEqual(ids.slice(0, 3), ['stage 2, block b', 'stage 2, block c', 'stage 3, block b']);
  assert.equal(new Set(ids).size, ids.length, 'every identity block is told apart');
  assert.deepEqual(g.filter((x) => x.label === 'convBlock').map((x) => x.detail), ['stage 2, strides 1', 'stage 3, strides 2', 'stage 4, strides 2', 'stage 5, strides 2']);
});

test('GoogLeNet: inception modules read the name passed in', () => {
  const d = groups(join(models, 'googlenet.ts')).filter((x) => x.label === 'inceptionModule').map((x) => x.detail);
  assert.deepEqual(d, ['inception_3a', 'inception_3b', 'inception_4a', 'inception_4b', 'inception_4c', 'inception_4d', 'inception_4e', 'inception_5a', 'inception_5b']);
});

test('callbacks are named by the call they are passed to, and their loop position', () => {
  const d = groups(join(models, 'densenet121.ts')).filter((x) => x.label === 'BLOCKS.forEach callback');
  assert.equal(d.length, 4);
  assert.deepEqual(d.map((x) => x.detail), ['blocks 6, i 0', 'blocks 12, i 1', 'blocks 24, i 2', 'blocks 16, i 3']);
});

test('no group of any fixture, example or corpus file is called "anonymous function"', () => {
  const dirs = [models, resolve(__dirname, '../../examples'), resolve(__dirname, '../realworld/fixtures')];
  const files = dirs.flatMap((d) => (readdirSync(d, { recursive: true }) as string[]).filter((f) => /\.(ts|tsx|js|jsx|mjs)$/.test(f)).map((f) => join(d, f)));
  const anonymous = files.filter((f) => groups(f).some((g) => /anonymous/.test(g.label)));
  assert.deepEqual(anonymous, []);
});

test('a helper called once has no detail; one called with the same arguments each time has none either', () => {
  const text = `import * as tf from '@tensorflow/tfjs';
function block(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  return tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
}
export function net(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = block(input, 16);
  x = block(x, 16);
  return tf.model({ inputs: input, outputs: x });
}
`;
  const r = analyzeSource(text, '/same.ts');
  const g = r.models[0]!.graph.groups;
  assert.equal(g.length, 2);
  assert.ok(g.every((x) => x.label === 'block' && x.detail === undefined));
});

test('an anonymous function called through what holds it is named by that (a curried factory, a Map entry); one written as an object property keeps its key', () => {
  const text = `import * as tf from '@tensorflow/tfjs';
const conv = (k) => (filters) => (x) => tf.layers.conv2d({ filters, kernelSize: k, padding: 'same' }).apply(x);
const conv3 = conv(3);
const HEADS = new Map([['dense', (x, n) => tf.layers.dense({ units: n }).apply(tf.layers.flatten().apply(x))]]);
const POOL = { max: (x) => tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) };
export function net() {
  const input = tf.input({ shape: [8, 8, 3] });
  const makeHead = HEADS.get('dense');
  const kind = 'max';
  return tf.model({ inputs: input, outputs: makeHead(POOL[kind](conv3(4)(input)), 2) });
}
`;
  const labels = analyzeSource(text, '/curried.ts').models[0]!.graph.groups.map((g) => g.label);
  assert.deepEqual(labels.sort(), ['conv3(…)', 'makeHead', 'max']);
});

test('methods of an unnamed class read as the class a mixin returns (`WithHead(…).head`), or the name it is bound to', () => {
  const text = `import * as tf from '@tensorflow/tfjs';
class Base {
  build() {
    const input = tf.input({ shape: [6] });
    return tf.model({ inputs: input, outputs: this.head(this.stem(input)) });
  }
}
function WithHead(B) {
  return class extends B {
    head(x) { return tf.layers.dense({ units: 2 }).apply(x); }
  };
}
const Stem = class extends WithHead(Base) {
  stem(x) { return tf.layers.dense({ units: 4 }).apply(x); }
};
export const net = () => new Stem().build();
`;
  const labels = analyzeSource(text, '/mixin.js').models.find((m) => m.report.name === 'net')!.graph.groups.map((g) => g.label);
  assert.deepEqual(labels.sort(), ['Stem.stem', 'WithHead(…).head']);
});
