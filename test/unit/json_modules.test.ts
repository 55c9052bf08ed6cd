/**
 * Local JSON modules (`require('./config.json')`, `import cfg from './cfg.json' with { type: 'json' }`)
 * hold the sizes of many Node scripts' models: the engine reads them as Node / a bundler does, and
 * its numbers are checked against real tfjs building from the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSource } from '../../server/src/engine';
import { confinedDiskHost } from '../../server/src/host/disk_host';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

const CONFIG = { inputs: 12, hidden: [32, 16], classes: 5 };

function project(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'convlens-json-')));
  mkdirSync(join(dir, 'configs'));
  writeFileSync(join(dir, 'configs', 'mlp.json'), JSON.stringify(CONFIG, null, 2));
  writeFileSync(join(dir, 'broken.json'), '{ "inputs": 12, }');
  return dir;
}

const BODY = `
function build() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [cfg.inputs], units: cfg.hidden[0], activation: 'relu' }));
  for (const units of cfg.hidden.slice(1)) m.add(tf.layers.dense({ units }));
  m.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  return m;
}`;

test('a local JSON module is its data: require, default import with { type: "json" }, named import; the numbers are tfjs\'s', async () => {
  const dir = project();
  const host = confinedDiskHost({ roots: [dir] });
  const sources: [string, string][] = [
    ['cjs.js', `const tf = require('@tensorflow/tfjs');\nconst cfg = require('./configs/mlp.json');\nconst { classes } = require('./configs/mlp.json');${BODY}\nmodule.exports = { build };`],
    ['esm.ts', `import * as tf from '@tensorflow/tfjs';\nimport cfg from './configs/mlp.json' with { type: 'json' };\nimport { classes } from './configs/mlp.json';${BODY}\nexport { build };`],
  ];
  await tfjs();
  for (const [name, src] of sources) {
    writeFileSync(join(dir, name), src);
    const r = analyzeSource(src, join(dir, name), host);
    assert.deepEqual(r.diagnostics.filter((d) => d.code === 'unresolved-import'), [], name);
    const report = r.models.find((m) => m.report.name === 'build')?.report;
    assert.ok(report, `${name}: no model 'build' among ${r.models.map((m) => m.report.name).join(', ')}`);
    assert.notEqual(report.totalParams, null, name);
    const mod = loadModuleFromText(src, dir, name.endsWith('.ts') ? 'ts' : 'js') as { build?: () => never; default?: { build: () => never } };
    const truth = (mod.build ?? mod.default!.build)();
    assert.deepEqual(statedMismatches(report, truth), [], name);
  }
});

test('both requires of one JSON file are the same object, as in Node\'s module cache; malformed JSON (loading it throws) is unknown, with a warning', () => {
  const dir = project();
  const host = confinedDiskHost({ roots: [dir] });
  const src = `const tf = require('@tensorflow/tfjs');
const a = require('./configs/mlp.json');
a.classes = 9;
const b = require('./configs/mlp.json');
const bad = require('./broken.json');
function build() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [bad.inputs], units: b.classes }));
  return m;
}
module.exports = { build };`;
  writeFileSync(join(dir, 'shared.js'), src);
  const r = analyzeSource(src, join(dir, 'shared.js'), host);
  const report = r.models.find((m) => m.report.name === 'build')!.report;
  assert.deepEqual(report.outputShapes, [[null, 9]]);
  assert.equal(report.totalParams, null, 'the input size comes from a file Node cannot parse');
  assert.ok(r.diagnostics.some((d) => d.code === 'unresolved-import' && /broken\.json' is not valid JSON/.test(d.message)), 'the broken file is named');
});
