/**
 * The real-world harness checked on its own: expressions evaluate as the issue writes them, and the
 * verdicts come out right for reports made up from tfjs's own truth (a right expression is
 * symbolic, a concrete number that only holds for one instantiation is wrong, ...).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { ModelReport } from '../../server/src/engine';
import { ExprError, evaluate, exprText } from './harness/expr';
import { readHeader } from './harness/header';
import { judge } from './harness/judge';
import { mentions } from './harness/evaluate';
import { TruthBuilder, type BuiltTruth } from './harness/truth';

test('expressions: the notation of issue 11', () => {
  const v = (s: string, env: Record<string, number> = {}) => evaluate(s, (n) => env[n]);
  assert.equal(v('64·numFeatures + 64', { numFeatures: 10 }), 704);
  assert.equal(v('⌊(h−3)/2⌋+1', { h: 10 }), 4);
  assert.equal(v('⌈h / 4⌉ × 2', { h: 10 }), 6);
  assert.equal(v('2(h+1) - 3', { h: 4 }), 7);
  assert.equal(v('floor(h/2)*8 + max(1, h)', { h: 5 }), 21);
  assert.equal(v('inputShape[0] * 3 + cfg.filters^2', { 'inputShape[0]': 2, 'cfg.filters': 4 }), 22);
  assert.equal(v('-3 + 5'), 2);
  assert.throws(() => v('64·nFeat'), ExprError);
  assert.throws(() => v('64 +'), ExprError);
  assert.equal(exprText({ text: 'h + 1', structured: {} }), 'h + 1');
  assert.equal(exprText(12), 12);
  assert.equal(exprText(undefined), undefined);
});

test('variant labels: words match whole', () => {
  const r = (variant: unknown) => ({ variant }) as unknown as ModelReport & Record<string, unknown>;
  assert.ok(mentions(r({ text: "modelType = 'mlp'" }), ['mlp']));
  assert.ok(!mentions(r({ text: "modelType = 'mlp-l2'" }), ['mlp']));
  assert.ok(mentions(r("useBatchNorm = true"), ['useBatchNorm', 'true']));
  assert.ok(!mentions(r("useBatchNorm = false"), ['useBatchNorm', 'true']));
  // A negated call is not the call: '!Array.isArray(sizes)' does not mention 'Array.isArray(sizes)'.
  assert.ok(mentions(r({ label: 'Array.isArray(sizes)' }), ['Array.isArray(sizes)']));
  assert.ok(!mentions(r({ label: '!Array.isArray(sizes)' }), ['Array.isArray(sizes)']));
  assert.ok(mentions(r({ label: '!Array.isArray(sizes)' }), ['!Array.isArray(sizes)']));
});

const FILE = resolve(__dirname, 'fixtures/symbolic_sizes.ts');

/** buildRegressor(numFeatures): dense 64 (64·n + 64 params) then dense 1 (65). */
// `over` is loose on purpose: the judge reads expressions as strings, {text} objects or numbers, not only the engine's SymExpr.
function report(over: Record<string, unknown> = {}, layer0: Record<string, unknown> = {}): ModelReport & Record<string, unknown> {
  const dense = (params: number | null, out: (number | null)[], extra: Record<string, unknown>) =>
    ({ className: 'Dense', params, trainableParams: params, outputShape: out, ...extra }) as unknown as ModelReport['layers'][number];
  return {
    name: 'buildRegressor', totalParams: null, trainableParams: null, nonTrainableParams: 0,
    inputShapes: [[null, null]], outputShapes: [[null, 1]],
    layers: [dense(null, [null, 64], layer0), dense(65, [null, 1], {})],
    ...over,
  } as ModelReport & Record<string, unknown>;
}

test('verdicts against tfjs: symbolic, wrong, unknown, unverifiable', async () => {
  const header = readHeader(FILE)!;
  const built: BuiltTruth = await new TruthBuilder(FILE, header).build(header.models[0]!.build!);
  assert.deepEqual(built.free, ['numFeatures']);
  assert.equal(built.instances.length, 3);
  const inst = built.instances;
  const right = { totalParamsExpr: '64·numFeatures + 129', trainableParamsExpr: { text: '64 numFeatures + 129' }, inputShapesExpr: [[null, 'numFeatures']] };
  const layer0 = { paramsExpr: '64·numFeatures + 64', trainableParamsExpr: '64·numFeatures + 64' };

  assert.equal(judge(report(right, layer0), inst, header).verdict, 'symbolic');
  // Unknowns are acceptable but not exact.
  const unk = judge(report(), inst, header);
  assert.equal(unk.verdict, 'unknown');
  assert.ok(unk.unknown.includes('totalParams'));
  // A concrete number that holds for one instantiation only: wrong (a guess).
  const guess = judge(report({ ...right, totalParams: inst[0]!.truth.totalParams }, layer0), inst, header);
  assert.equal(guess.verdict, 'wrong');
  assert.match(guess.wrong[0]!, /totalParams: states \d+, tfjs \d+ \(with numFeatures=\d+\)/);
  // A wrong expression, a wrong stated rank, a layer list that claims completeness.
  assert.equal(judge(report({ ...right, totalParamsExpr: '64·numFeatures + 64' }, layer0), inst, header).verdict, 'wrong');
  assert.equal(judge(report({ ...right, outputShapes: [[null, 1, 1]] }, layer0), inst, header).verdict, 'wrong');
  const short = report({ ...right, totalParams: 0 });
  short.layers = [];
  assert.match(judge(short, inst, header).wrong.join(), /layers: states 0/);
  // A symbol the header does not know: cannot be checked. Its alias makes it checkable.
  assert.equal(judge(report({ ...right, totalParamsExpr: '64·nFeat + 129' }, layer0), inst, header).verdict, 'unverifiable');
  const aliased = { ...header, symbols: { ...header.symbols, numFeatures: { range: [1, 100] as [number, number], aliases: ['nFeat'] } } };
  assert.equal(judge(report({ ...right, totalParamsExpr: '64·nFeat + 129' }, layer0), inst, aliased).verdict, 'symbolic');
});

test('verdicts against tfjs: a decided model is exact only when every number is stated and right', async () => {
  const header = readHeader(FILE)!;
  // numFeatures = 5 passed as a literal: nothing is read from the symbols.
  const built = await new TruthBuilder(FILE, header).build({ call: 'buildRegressor', args: [5], bind: { numFeatures: 5 } });
  assert.deepEqual(built.free, []);
  const t = built.instances[0]!.truth;
  const exact = report({ totalParams: t.totalParams, trainableParams: t.trainableParams, inputShapes: [[null, 5]] }, { params: 384, trainableParams: 384 });
  assert.equal(judge(exact, built.instances, header).verdict, 'exact');
  // An expression in the builder's own parameter, checked through `bind`.
  const viaBind = report({ totalParamsExpr: '64·numFeatures + 129', trainableParams: t.trainableParams, inputShapes: [[null, 5]] }, { params: 384, trainableParams: 384 });
  assert.equal(judge(viaBind, built.instances, header).verdict, 'symbolic', JSON.stringify(judge(viaBind, built.instances, header)));
  assert.equal(judge({ ...exact, totalParams: t.totalParams + 1 }, built.instances, header).verdict, 'wrong');
});
