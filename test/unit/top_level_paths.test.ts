/**
 * A script's top level decides on what the analysis cannot know (process.argv, a flag loop in the
 * main() it calls). Its paths are explored as a builder's are: each model it builds differently is
 * a variant, never the first branch's numbers stated as the only ones. Checked against tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSource } from '../../server/src/engine';
import { loadModuleFromText, statedMismatches, tfjs } from '../helpers/tfjs_oracle';

test('top-level if on process.argv: one variant per branch, each with tfjs\'s numbers (before: the first branch, unlabelled)', async () => {
  const src = `const tf = require('@tensorflow/tfjs');
const o = { units: 16 };
if (process.argv[2] === '--small') o.units = 8;
const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [4], units: o.units }));
model.summary();`;
  const r = analyzeSource(src, '/virtual/cli.js');
  const tfm = await tfjs();
  const reports = r.models.filter((m) => m.report.name === 'model').map((m) => m.report);
  assert.equal(reports.length, 2, `variants: ${reports.map((x) => x.variant?.label).join(' | ')}`);
  for (const [label, units] of [[/= '--small'/, 8], [/≠ '--small'/, 16]] as const) {
    const rep = reports.find((x) => label.test(x.variant?.label ?? ''));
    assert.ok(rep, `no variant ${label}`);
    const truth = tfm.sequential({ layers: [tfm.layers.dense({ inputShape: [4], units })] });
    assert.deepEqual(statedMismatches(rep, truth), [], String(label));
  }
});

test('a flag loop over process.argv that writes a const options object (with continue): its sizes are unknown after the loop, not the defaults', async () => {
  const src = `const tf = require('@tensorflow/tfjs');
function parseArgs(argv) {
  const opts = { units: 16, bias: true };
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--no-bias') { opts.bias = false; continue; }
    if (args[i] === '--units') opts.units = parseInt(args[++i], 10);
  }
  return opts;
}
function build(opts) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: opts.units, useBias: opts.bias }));
  return m;
}
function main() {
  build(parseArgs(process.argv)).summary();
}
main();
module.exports = { parseArgs, build };`;
  const r = analyzeSource(src, '/virtual/flags.js');
  await tfjs();
  const mod = loadModuleFromText(src.replace(/^main\(\);$/m, ''), undefined, 'js') as Record<string, (...a: unknown[]) => never>;
  const totals = [[], ['--no-bias'], ['--no-bias', '--units', '8']].map((flags) => (mod.build!(mod.parseArgs!(['node', 'x.js', ...flags])) as { countParams(): number }).countParams());
  assert.equal(new Set(totals).size, 3, `tfjs: ${totals}`);
  for (const m of r.models.filter((x) => x.report.name === 'build')) {
    const t = m.report.totalParams;
    assert.ok(t === null, `variant ${m.report.variant?.label}: the engine states ${t}; tfjs has ${totals.join(', ')} for the flags tried`);
  }
});
