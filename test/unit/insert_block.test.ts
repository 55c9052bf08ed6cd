/**
 * Insert Block… offers every block kind wherever it fits, written with the file's own helper when
 * it has one (DenseNet's denseBlock / transitionBlock) and with ConvLens's helper otherwise, in
 * functional, `model.add` and `layers: [...]` code. (That each edit type-checks is the property
 * test's job: actions.property.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeSource, type TextEdit } from '../../server/src/engine';
import { diskHost } from '../../server/src/host/disk_host';
import { blockActions, blockKeeper } from '../../server/src/ide/actions';
import { BLOCK_ACTIONS, blockActionOf, type BlockAction } from '../../protocol/lsp';

const fixture = (p: string) => resolve(__dirname, '../fixtures', p);

function actionsAt(file: string, needle: string) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  const character = lines[line]!.indexOf(needle);
  const before = analyzeSource(text, file, diskHost);
  const actions = blockActions(before, text, { start: { line, character }, end: { line, character } }, blockKeeper(before, (t) => analyzeSource(t, file, diskHost)));
  return { text, actions, kinds: new Set(actions.map((a) => blockActionOf(a.kind))) };
}

function apply(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => starts[p.line]! + p.character;
  return [...edits].sort((a, b) => off(b.range.start) - off(a.range.start)).reduce((t, e) => t.slice(0, off(e.range.start)) + e.newText + t.slice(off(e.range.end)), text);
}

const ALL = Object.keys(BLOCK_ACTIONS) as BlockAction[];

test('DenseNet: every kind is offered in the stem, dense + transition with the file\'s own helpers', () => {
  const { text, actions, kinds } = actionsAt(fixture('models/densenet121.ts'), "tf.layers.batchNormalization({ axis: 3, epsilon: EPS, name: 'conv1_bn' })");
  assert.deepEqual([...kinds].sort(), [...ALL].sort());
  const dense = actions.find((a) => blockActionOf(a.kind) === 'dense')!;
  assert.match(dense.title, /this file's denseBlock and transitionBlock/);
  const edited = apply(text, dense.edits);
  // No second denseBlock: the file's is called, with fresh layer-name prefixes.
  assert.equal(edited.match(/function denseBlock\(/g)?.length, 1);
  assert.match(edited, /transitionBlock\(denseBlock\(.* as tf\.SymbolicTensor, 4, 'dense_inserted'\), 0\.5, 'transition_inserted'\)/);
  const after = analyzeSource(edited, fixture('models/densenet121.ts'), diskHost);
  const before = analyzeSource(text, fixture('models/densenet121.ts'), diskHost);
  assert.equal(after.diagnostics.filter((d) => d.severity === 'error').length, 0);
  assert.ok(after.models[0]!.report.layers.length > before.models[0]!.report.layers.length);
});

test('a file helper whose parameters mean something else is not called: ConvLens\'s is added under a free name', () => {
  // examples/vgg16.ts has vggBlock(model: tf.Sequential, ...): not a tensor → tensor helper.
  const { text, actions } = actionsAt(resolve(__dirname, '../../examples/vgg16.ts'), 'model.add(');
  const vgg = actions.find((a) => blockActionOf(a.kind) === 'vgg');
  if (vgg) assert.doesNotMatch(apply(text, vgg.edits), /function vggBlock\(x/);
  for (const a of actions) {
    const edited = apply(text, a.edits);
    assert.equal(edited.match(/function vggBlock\(/g)?.length ?? 0, 1, a.title);
  }
});

test('model.add code: every kind, the block reads its input shape from the model', () => {
  const { text, actions, kinds } = actionsAt(fixture('models/alexnet.ts'), "tf.layers.conv2d({ filters: 256, kernelSize: 5");
  assert.deepEqual([...kinds].sort(), [...ALL].sort());
  for (const a of actions.filter((x) => blockActionOf(x.kind) !== 'vgg')) {
    const edited = apply(text, a.edits);
    assert.match(edited, /blockModel\(model\.outputs\[0\]\.shape\.slice\(1\) as number\[\]/, a.title);
    assert.doesNotMatch(edited, /blockModel\(\[\d/, `${a.title}: no hard-coded input shape`);
  }
});

test('a layers: [...] list: the block says which input shape it assumes, the list keeps its trailing comma', () => {
  const file = fixture('edits/layers_list.ts');
  const { text, actions, kinds } = actionsAt(file, "tf.layers.conv2d({filters: 64");
  assert.deepEqual([...kinds].sort(), [...ALL].sort());
  for (const a of actions.filter((x) => blockActionOf(x.kind) !== 'vgg')) {
    const edited = apply(text, a.edits);
    assert.match(edited, /blockModel\(\[\d+, \d+, \d+\] \/\* input \d+×\d+×\d+ as today: update it if the input size changes \*\//, a.title);
    assert.match(edited, /\}\),\n {4}\],/, `${a.title}: trailing comma kept`);
    assert.doesNotMatch(a.edits.map((e) => e.newText).join(''), /\{ [a-z]/, `${a.title}: {tight} braces like the file`);
  }
});
