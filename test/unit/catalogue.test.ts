/**
 * Hand-written checks of the layer catalogue: MACs (tfjs has no MAC count, so these are written
 * from DESIGN.md's formulas), RF transforms, Unknown handling, error wording, input declarations.
 * Shapes and params are differential-tested against tfjs in catalogue.diff.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unknown } from '../../server/src/engine/unknown';
import {
  LayerError, allLayerSpecs, declaredInputShape, findLayerSpec, hasDeclaredInputShape, inputConfigShape,
  layerSpecByClassName, requiresConfigArgument, type LayerConfig, type LayerOutput, type Shape,
} from '../../server/src/engine/layers/index';

function run(factory: string, config: LayerConfig, ...inputs: Shape[]): LayerOutput {
  const spec = findLayerSpec(factory);
  assert.ok(spec, `no spec for ${factory}`);
  return spec.apply(spec.configure(config), inputs);
}

function fails(factory: string, config: LayerConfig, inputs: Shape[], kind: 'config' | 'shape', ...mentions: string[]): LayerError {
  const spec = findLayerSpec(factory)!;
  let err: unknown;
  try {
    spec.apply(spec.configure(config), inputs);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof LayerError, `${factory} ${JSON.stringify(config)}: expected a LayerError, got ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  for (const m of mentions) assert.ok(`${err.message} ${err.hint ?? ''}`.includes(m), `"${err.message}" (hint "${err.hint}") should mention ${m}`);
  return err;
}

const describe = (factory: string, config: LayerConfig) => {
  const spec = findLayerSpec(factory)!;
  return spec.describe!(spec.configure(config));
};

test('MACs follow DESIGN.md: conv, depthwise, separable, transposed, dense; zero elsewhere', () => {
  assert.equal(run('conv2d', { filters: 128, kernelSize: 3, padding: 'same' }, [null, 56, 56, 64]).macs, 56 * 56 * 9 * 64 * 128);
  // ResNet stem: 7×7/2 conv, 3 → 64 channels, 224 → 112.
  assert.equal(run('conv2d', { filters: 64, kernelSize: 7, strides: 2, padding: 'same' }, [null, 224, 224, 3]).macs, 118_013_952);
  assert.equal(run('conv2d', { filters: 8, kernelSize: 3, dataFormat: 'channelsFirst' }, [null, 4, 10, 12]).macs, 8 * 10 * 9 * 4 * 8);
  assert.equal(run('conv1d', { filters: 16, kernelSize: 3 }, [null, 100, 8]).macs, 98 * 3 * 8 * 16);
  assert.equal(run('conv3d', { filters: 4, kernelSize: 3, padding: 'same' }, [null, 8, 8, 8, 2]).macs, 512 * 27 * 2 * 4);
  assert.equal(run('depthwiseConv2d', { kernelSize: 3, padding: 'same' }, [null, 112, 112, 32]).macs, 112 * 112 * 9 * 32);
  assert.equal(run('depthwiseConv2d', { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }, [null, 112, 112, 32]).macs, 56 * 56 * 9 * 32 * 2);
  assert.equal(run('separableConv2d', { filters: 64, kernelSize: 3, padding: 'same' }, [null, 56, 56, 32]).macs, 56 * 56 * 9 * 32 + 56 * 56 * 32 * 64);
  // Transposed: counted over the input grid (fvcore).
  assert.equal(run('conv2dTranspose', { filters: 8, kernelSize: 3, strides: 2 }, [null, 7, 7, 16]).macs, 7 * 7 * 9 * 16 * 8);
  assert.equal(run('dense', { units: 4096 }, [null, 25088]).macs, 25088 * 4096);
  assert.equal(run('dense', { units: 16 }, [null, 10, 32]).macs, 10 * 32 * 16);
  for (const [f, cfg, shape] of [
    ['maxPooling2d', {}, [null, 8, 8, 3]],
    ['batchNormalization', {}, [null, 8, 8, 3]],
    ['flatten', {}, [null, 8, 8, 3]],
    ['lstm', { units: 4 }, [null, 5, 3]],
    // The recurrent family is not counted; ConvLSTM2D follows LSTM (layers/recurrent.ts).
    ['convLstm2d', { filters: 4, kernelSize: 3 }, [null, 5, 8, 8, 3]],
    ['embedding', { inputDim: 10, outputDim: 4 }, [null, 7]],
  ] as [string, LayerConfig, Shape][]) {
    assert.equal(run(f, cfg, shape).macs, 0, f);
  }
  assert.equal(run('add', {}, [null, 4, 4, 8], [null, 4, 4, 8]).macs, 0);
});

test('receptive-field transforms', () => {
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: 3, strides: 2 }, [null, 9, 9, 3]).rf, { kind: 'window', kernel: [3, 3], stride: [2, 2], dilation: [1, 1] });
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: [3, 5], dilationRate: 2, padding: 'same' }, [null, 9, 9, 3]).rf, { kind: 'window', kernel: [3, 5], stride: [1, 1], dilation: [2, 2] });
  // tfjs's DepthwiseConv2D ignores dilationRate altogether: the field does too.
  assert.deepEqual(run('depthwiseConv2d', { kernelSize: 3, dilationRate: 2 }, [null, 9, 9, 3]).rf, { kind: 'window', kernel: [3, 3], stride: [1, 1], dilation: [1, 1] });
  assert.deepEqual(run('maxPooling2d', { poolSize: 3, strides: 2 }, [null, 9, 9, 3]).rf, { kind: 'window', kernel: [3, 3], stride: [2, 2], dilation: [1, 1] });
  assert.deepEqual(run('maxPooling2d', {}, [null, 8, 8, 3]).rf, { kind: 'window', kernel: [2, 2], stride: [2, 2], dilation: [1, 1] });
  assert.deepEqual(run('conv1d', { filters: 2, kernelSize: 5, strides: 3 }, [null, 30, 3]).rf, { kind: 'window', kernel: [5], stride: [3], dilation: [1] });
  assert.deepEqual(run('conv2dTranspose', { filters: 2, kernelSize: 4, strides: 2 }, [null, 4, 4, 3]).rf, { kind: 'transpose', kernel: [4, 4], stride: [2, 2] });
  assert.deepEqual(run('upSampling2d', { size: [2, 3] }, [null, 4, 4, 3]).rf, { kind: 'upsample', factor: [2, 3] });
  assert.equal(run('zeroPadding2d', { padding: 1 }, [null, 4, 4, 3]).rf.kind, 'shift');
  assert.equal(run('cropping2D', { cropping: 1 }, [null, 4, 4, 3]).rf.kind, 'shift');
  for (const f of ['flatten', 'globalAveragePooling2d', 'globalMaxPooling2d']) assert.equal(run(f, {}, [null, 4, 4, 3]).rf.kind, 'drop', f);
  assert.equal(run('reshape', { targetShape: [-1] }, [null, 4, 4, 3]).rf.kind, 'drop');
  assert.equal(run('permute', { dims: [2, 1] }, [null, 4, 3]).rf.kind, 'drop');
  assert.equal(run('repeatVector', { n: 2 }, [null, 4]).rf.kind, 'drop');
  for (const [f, cfg] of [['dense', { units: 3 }], ['batchNormalization', {}], ['dropout', { rate: 0.5 }], ['activation', { activation: 'relu' }], ['reLU', {}]] as [string, LayerConfig][]) {
    assert.equal(run(f, cfg, [null, 4, 4, 3]).rf.kind, 'identity', f);
  }
  assert.equal(run('add', {}, [null, 4, 4, 3], [null, 4, 4, 3]).rf.kind, 'identity');
  assert.equal(run('concatenate', {}, [null, 4, 4, 3], [null, 4, 4, 5]).rf.kind, 'identity');
});

test('weights: BatchNormalization statistics are non-trainable; trainable: false freezes all', () => {
  const bn = run('batchNormalization', { center: false }, [null, 4, 4, 16]);
  assert.deepEqual(bn.weights.map((w) => [w.name, w.shape, w.trainable]), [
    ['gamma', [16], true],
    ['moving_mean', [16], false],
    ['moving_variance', [16], false],
  ]);
  assert.ok(run('dense', { units: 3, trainable: false }, [null, 4]).weights.every((w) => !w.trainable));
  assert.deepEqual(run('prelu', { sharedAxes: [1, 2] }, [null, 8, 8, 5]).weights[0]!.shape, [1, 1, 5]);
  assert.deepEqual(run('separableConv2d', { filters: 8, kernelSize: 3, depthMultiplier: 2, useBias: false }, [null, 8, 8, 4]).weights.map((w) => w.shape), [[3, 3, 4, 2], [1, 1, 8, 8]]);
});

test('Unknown config values and null dims give null dims, never a throw', () => {
  const u = unknown('a parameter with no default');
  let out = run('conv2d', { filters: u, kernelSize: 3 }, [null, 28, 28, 1]);
  assert.deepEqual(out.outputShape, [null, 26, 26, null]);
  assert.deepEqual(out.weights.map((w) => w.shape), [[3, 3, 1, null], [null]]);
  assert.equal(out.macs, null);
  out = run('conv2d', { filters: 8, kernelSize: u, padding: 'same' }, [null, 28, 28, 1]);
  assert.deepEqual(out.outputShape, [null, 28, 28, 8]); // 'same' does not depend on the kernel
  assert.deepEqual(out.weights[0]!.shape, [null, null, 1, 8]);
  assert.equal(out.rf.kind, 'drop');
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: 3, strides: [u, 2] }, [null, 28, 28, 1]).outputShape, [null, null, 13, 8]);
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: 3, padding: u }, [null, 28, 28, 1]).outputShape, [null, null, null, 8]);
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: 3, dataFormat: u }, [null, 28, 28, 1]).outputShape, [null, null, null, null]);
  assert.deepEqual(run('conv2d', { filters: 8, kernelSize: 3 }, [null, null, null, null]).weights[0]!.shape, [3, 3, null, 8]);
  assert.deepEqual(run('dense', { units: u }, [null, 10]).outputShape, [null, null]);
  assert.deepEqual(run('dense', { units: 5 }, [null, null]).weights[0]!.shape, [null, 5]);
  assert.deepEqual(run('flatten', {}, [null, null, 4, 3]).outputShape, [null, null]);
  assert.deepEqual(run('maxPooling2d', { poolSize: u }, [null, 8, 8, 3]).outputShape, [null, null, null, 3]);
  assert.deepEqual(run('reshape', { targetShape: [u, 4] }, [null, 8, 8]).outputShape, [null, null, 4]);
  // An unknown targetShape leaves even the output's rank unknown (its length decides it): no guessed rank.
  assert.equal(run('reshape', { targetShape: u }, [null, 8, 8]).outputShape, null);
  assert.deepEqual(run('concatenate', {}, [null, null, 4, 3], [null, 4, 4, 5]).outputShape, [null, 4, 4, 8]);
  assert.deepEqual(run('concatenate', { axis: u }, [null, 4, 4, 3], [null, 4, 4, 5]).outputShape, [null, null, null, null]);
  assert.deepEqual(run('add', {}, [null, null, 4, 3], [null, 4, 4, 3]).outputShape, [null, null, 4, 3]);
  assert.deepEqual(run('batchNormalization', { axis: u }, [null, 4, 4, 3]).weights[0]!.shape, [null]);
  assert.deepEqual(run('embedding', { inputDim: u, outputDim: 8 }, [null, 10]).weights[0]!.shape, [null, 8]);
  assert.deepEqual(run('lstm', { units: u }, [null, 5, 3]).outputShape, [null, null]);
  out = run('convLstm2d', { filters: u, kernelSize: 3, returnSequences: true }, [null, 5, 8, 8, 3]);
  assert.deepEqual(out.outputShape, [null, 5, 6, 6, null]);
  assert.deepEqual(out.weights.map((w) => w.shape), [[3, 3, 3, null], [3, 3, null, null], [null]]);
  assert.equal(run('convLstm2d', { filters: 4, kernelSize: 3, returnSequences: u }, [null, 5, 8, 8, 3]).outputShape, null);
  assert.deepEqual(run('convLstm2d', { filters: 4, kernelSize: 3, strides: [u, 1] }, [null, 5, 8, 8, 3]).outputShape, [null, null, 6, 4]);
  assert.deepEqual(run('convLstm2d', { filters: 4, kernelSize: 3, dataFormat: u }, [null, 5, 8, 8, 3]).outputShape, [null, null, null, null]);
  assert.equal(describe('convLstm2d', { filters: u, kernelSize: 3, strides: 2, returnSequences: true }), '3×3 convLstm2d, ?, /2, sequences');
  run('dropout', { rate: u }, [null, 4]);
  run('activation', { activation: u }, [null, 4]);
  run('zeroPadding2d', { padding: [[u, 1], [1, u]] }, [null, 4, 4, 3]);
  assert.equal(describe('conv2d', { filters: u, kernelSize: 3, strides: 2 }), '3×3 conv, ?, /2');
  // A wholly unknown config (tf.layers.conv2d(opts), opts a parameter): every key is unknown.
  assert.deepEqual(run('conv2d', u as unknown as LayerConfig, [null, 28, 28, 1]).outputShape, [null, null, null, null]);
  assert.deepEqual(run('dense', u as unknown as LayerConfig, [null, 28]).outputShape, [null, null]);
  for (const spec of allLayerSpecs()) spec.configure(u as unknown as LayerConfig);
  assert.ok(hasDeclaredInputShape(u as unknown as LayerConfig));
});

test('errors name the shapes involved and say what to change', () => {
  const e = fails('conv2d', { filters: 8, kernelSize: 7 }, [[null, 5, 5, 3]], 'shape', '7×7', '5×5', '-1×-1', 'valid');
  assert.match(e.hint!, /padding: 'same'/);
  fails('conv2d', { filters: 8, kernelSize: 3 }, [[null, 28, 28]], 'shape', '[null, 28, 28]', '4-D', '[28, 28, 1]');
  fails('maxPooling2d', { poolSize: 3, strides: 1 }, [[null, 1, 1, 8]], 'shape', '3×3', '1×1', '-1×-1');
  // One too big: an empty output, which tfjs builds: a warning, and the shape.
  const empty = run('maxPooling2d', { poolSize: 3 }, [null, 2, 2, 8]);
  assert.deepEqual(empty.outputShape, [null, 0, 0, 8]);
  assert.match(empty.warnings?.[0] ?? '', /3×3 window .* 2×2 input: the output is 0×0, an empty tensor/);
  fails('add', {}, [[null, 28, 28, 64], [null, 28, 28, 32]], 'shape', '[null, 28, 28, 64]', '[null, 28, 28, 32]', '1×1 conv');
  fails('concatenate', {}, [[null, 28, 28, 64], [null, 14, 14, 32]], 'shape', '[null, 28, 28, 64]', '[null, 14, 14, 32]', 'axis 1');
  fails('reshape', { targetShape: [5] }, [[null, 4, 4, 3]], 'shape', '[null, 4, 4, 3]', '48', '-1');
  fails('dense', { units: '10' }, [[null, 4]], 'config', "'10'", 'units: 10');
  fails('conv2d', { kernelSize: 3 }, [[null, 4, 4, 3]], 'config', 'filters');
  fails('dense', {}, [[null, 4]], 'config', 'units');
  fails('conv2d', { filters: 8, kernelSize: 3, strides: 2, dilationRate: 2 }, [[null, 9, 9, 3]], 'config', 'strides', 'dilation');
  fails('conv2d', { filters: 8, kernelSize: 3, padding: 'causal' }, [[null, 9, 9, 3]], 'config', 'causal');
  fails('conv2d', { filters: 8, kernelSize: 3, padding: 'SAME' }, [[null, 9, 9, 3]], 'config', "padding: 'same'");
  fails('dense', { units: 3, activation: 'Relu' }, [[null, 4]], 'config', "activation: 'relu'");
  fails('softmax', {}, [[null, 4, 4, 10]], 'shape', 'axis 1', 'axis: -1');
  fails('batchNormalization', {}, [[null, 4, 4, 4, 8]], 'shape', '5-D');
  fails('concatenate', { axis: -2 }, [[null, 4, 3], [null, 4, 3]], 'config', 'last axis');
  fails('dropout', { rate: 50 }, [[null, 4]], 'config', 'rate: 0.5');
  fails('lstm', { units: 4, stateful: true }, [[null, 5, 3]], 'shape', 'batch size');
  fails('add', {}, [[null, 4]], 'shape', '2 input');
  fails('dense', { units: 3 }, [[null, 4], [null, 4]], 'shape', 'one input');
});

test('odd configs throw LayerError, never a raw TypeError', () => {
  const odd: unknown[] = [{}, { kernelSize: {} }, { filters: [], kernelSize: [{}] }, { units: {} }, { poolSize: 'x', strides: {} }, { targetShape: [{}] }, { dims: {} }, { axis: {} }, { padding: [[{}]] }, { cropping: 'x' }, { size: [null] }, { rate: [] }, { sharedAxes: {} }, { inputShape: {} }, { axes: {} }, { inputLength: {} }, { activation: 7 }];
  const shapes: Shape[][] = [[[null, 4, 4, 3]], [[null, 4]], [[null, 5, 3]], [[null, 4, 4, 3], [null, 4, 4, 3]], [], [[null, 2, 2, 2, 2]]];
  for (const spec of allLayerSpecs()) {
    for (const cfg of odd) {
      for (const inputs of shapes) {
        try {
          spec.apply(spec.configure(cfg as LayerConfig), inputs);
        } catch (e) {
          assert.ok(e instanceof LayerError, `${spec.className} ${JSON.stringify(cfg)} ${JSON.stringify(inputs)}: ${String(e)}`);
        }
      }
    }
  }
});

test('declared input shapes (Layer constructor, Dense inputDim, Embedding inputLength, InputLayer, tf.input)', () => {
  assert.deepEqual(declaredInputShape({ inputShape: [28, 28, 1] }), [null, 28, 28, 1]);
  assert.deepEqual(declaredInputShape({ inputShape: [28, 28, 1], batchSize: 8 }), [8, 28, 28, 1]);
  assert.deepEqual(declaredInputShape({ inputShape: [4], batchInputShape: [2, 7] }), [2, 7]); // batchInputShape wins
  assert.deepEqual(declaredInputShape({ inputShape: 784 }), [null, 784]); // [batch].concat(784)
  assert.deepEqual(declaredInputShape({ units: 3, inputDim: 10 }, 'Dense'), [null, 10]);
  assert.equal(declaredInputShape({ units: 3, inputDim: 10 }, 'Conv2D'), undefined);
  assert.deepEqual(declaredInputShape({ inputDim: 100, outputDim: 8, inputLength: 20 }, 'Embedding'), [null, 20]);
  assert.deepEqual(declaredInputShape({ inputDim: 100, outputDim: 8 }, 'Embedding'), [null, null]);
  assert.equal(declaredInputShape({ filters: 3 }), undefined);
  assert.deepEqual(declaredInputShape({ inputShape: [null, unknown('io'), 3] }), [null, null, null, 3]);
  assert.equal(declaredInputShape({ inputShape: unknown('io') }), undefined);
  assert.ok(hasDeclaredInputShape({ inputShape: unknown('io') }));
  assert.ok(!hasDeclaredInputShape({ units: 4 }, 'Dense'));
  assert.deepEqual(declaredInputShape({ inputShape: [5], batchSize: 3 }, 'InputLayer'), [3, 5]);
  assert.throws(() => declaredInputShape({ inputShape: [5], batchInputShape: [null, 5] }, 'InputLayer'), LayerError);
  assert.throws(() => declaredInputShape({}, 'InputLayer'), LayerError);
  assert.throws(() => declaredInputShape({ inputShape: ['28', 28] }), (e: LayerError) => /numbers, not strings/.test(e.hint ?? ''));
  assert.throws(() => declaredInputShape({ inputShape: [0, 3] }), LayerError);
  assert.deepEqual(inputConfigShape({ shape: [3] }), [null, 3]);
  assert.deepEqual(inputConfigShape({ batchShape: [4, 3] }), [4, 3]);
  assert.throws(() => inputConfigShape({}), LayerError);
  assert.deepEqual(run('inputLayer', { inputShape: [28, 28, 1] }).outputShape, [null, 28, 28, 1]);
});

test('graph labels', () => {
  assert.equal(describe('conv2d', { filters: 64, kernelSize: 3, strides: 2 }), '3×3 conv, 64, /2');
  assert.equal(describe('conv2d', { filters: 64, kernelSize: [1, 7] }), '1×7 conv, 64');
  assert.equal(describe('conv2d', { filters: 64, kernelSize: 3, dilationRate: 2 }), '3×3 conv, 64, dilation 2×2');
  assert.equal(describe('conv1d', { filters: 16, kernelSize: 5 }), '5 conv1d, 16');
  assert.equal(describe('conv2dTranspose', { filters: 32, kernelSize: 4, strides: 2 }), '4×4 deconv, 32, ×2');
  assert.equal(describe('separableConv2d', { filters: 32, kernelSize: 3 }), '3×3 sep conv, 32');
  assert.equal(describe('depthwiseConv2d', { kernelSize: 3, strides: 2 }), '3×3 depthwise conv, /2');
  assert.equal(describe('maxPooling2d', { poolSize: 2 }), '2×2 max pool, /2');
  assert.equal(describe('maxPooling2d', { poolSize: 3, strides: 2 }), '3×3 max pool, /2');
  assert.equal(describe('averagePooling2d', { poolSize: 2, strides: 1 }), '2×2 avg pool');
  assert.equal(describe('globalAveragePooling2d', {}), 'global avg pool');
  assert.equal(describe('dense', { units: 4096 }), 'dense 4096');
  assert.equal(describe('concatenate', {}), 'concat (axis -1)');
  assert.equal(describe('add', {}), 'add');
  assert.equal(describe('dropout', { rate: 0.5 }), 'dropout 0.5');
  assert.equal(describe('batchNormalization', {}), 'batch norm');
  assert.equal(describe('activation', { activation: 'relu' }), 'relu');
  assert.equal(describe('reshape', { targetShape: [7, 7, -1] }), 'reshape [7, 7, -1]');
});

test('lookup by factory alias and class name', () => {
  assert.equal(findLayerSpec('maxPool2d')?.className, 'MaxPooling2D');
  assert.equal(findLayerSpec('avgPool1d')?.className, 'AveragePooling1D');
  assert.equal(findLayerSpec('avgPooling3d')?.className, 'AveragePooling3D');
  assert.equal(findLayerSpec('globalMaxPool2d')?.className, 'GlobalMaxPooling2D');
  assert.equal(findLayerSpec('convolution2d'), undefined); // not a tfjs 4.22 alias
  assert.equal(layerSpecByClassName('Conv2DTranspose')?.factories[0], 'conv2dTranspose');
  assert.ok(requiresConfigArgument('globalAveragePooling2d'));
  assert.ok(requiresConfigArgument('maxPooling2d'));
  assert.ok(!requiresConfigArgument('flatten'));
  const factories = allLayerSpecs().flatMap((s) => s.factories);
  assert.equal(new Set(factories).size, factories.length, 'each factory maps to one spec');
});

test('wrappers: MACs and RF follow the wrapped layer; an inner layer we cannot see into is unknown, never an error', () => {
  const u = unknown('a parameter with no default');
  const inner = (factory: string, config: LayerConfig) => {
    const spec = findLayerSpec(factory)!;
    return { className: spec.className, spec, config: spec.configure(config) };
  };
  // TimeDistributed repeats the inner layer once per step (batch 1); RNNs count 0 MACs (DESIGN.md), so both directions do too.
  assert.equal(run('timeDistributed', { layer: inner('dense', { units: 4 }) }, [null, 20, 32]).macs, 20 * 32 * 4);
  assert.equal(run('timeDistributed', { layer: inner('dense', { units: 4 }) }, [null, null, 32]).macs, null);
  assert.equal(run('bidirectional', { layer: inner('lstm', { units: 8 }) }, [null, 20, 32]).macs, 0);
  assert.equal(run('bidirectional', { layer: inner('dense', { units: 3 }) }, [null, 5, 2]).macs, 2 * 5 * 2 * 3);
  // A conv applied per frame: the time axis keeps its field (kernel 1, stride 1).
  assert.deepEqual(run('timeDistributed', { layer: inner('conv2d', { filters: 2, kernelSize: 3, strides: 2 }) }, [null, 4, 9, 9, 1]).rf,
    { kind: 'window', kernel: [1, 3, 3], stride: [1, 2, 2], dilation: [1, 1, 1] });
  // Weights of the backward copy are named apart in the breakdown.
  assert.deepEqual(run('bidirectional', { layer: inner('simpleRNN', { units: 2 }) }, [null, 3, 1]).weights.map((w) => w.name),
    ['forward/kernel', 'forward/recurrent_kernel', 'forward/bias', 'backward/kernel', 'backward/recurrent_kernel', 'backward/bias']);
  // mergeMode unknown: the last axis is units or 2·units.
  assert.deepEqual(run('bidirectional', { layer: inner('lstm', { units: 8 }), mergeMode: u }, [null, 5, 3]).outputShape, [null, null]);
  // An unknown layer, or one the catalogue does not model (a model used as a layer): rank and weights unknown.
  const opaque = { className: 'Sequential', spec: undefined, config: undefined };
  for (const layer of [u, opaque, new (class CustomCell {})()]) {
    for (const f of ['bidirectional', 'timeDistributed']) {
      const out = run(f, { layer } as LayerConfig, [null, 5, 3]);
      assert.equal(out.outputShape, null, f);
      assert.ok(out.weights.some((w) => w.shape.includes(null)), `${f}: params must read unknown, not 0`);
      assert.equal(out.macs, null);
    }
  }
  fails('bidirectional', {}, [[null, 5, 3]], 'config', "'layer' is required");
  fails('timeDistributed', { layer: { units: 4 } }, [[null, 5, 3]], 'config', 'a layer made by tf.layers');
  fails('bidirectional', { layer: inner('lstm', { units: 8 }), mergeMode: 'max' }, [[null, 5, 3]], 'config', 'mergeMode');
  fails('bidirectional', { layer: inner('lstm', { units: 8 }) }, [[null, 5]], 'shape', 'Bidirectional: LSTM', '3-D');
  fails('timeDistributed', { layer: inner('dense', { units: 8 }) }, [[null, 5]], 'shape', 'time axis');
  assert.equal(describe('bidirectional', { layer: inner('lstm', { units: 8, returnSequences: true }), mergeMode: 'sum' }), 'bidirectional(lstm 8, sequences, sum)');
});
