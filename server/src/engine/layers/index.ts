/**
 * The layer catalogue: one LayerSpec per tf.layers class, found by factory name or class name.
 * Semantics follow @tensorflow/tfjs 4.22 (differential-tested in test/unit/catalogue.diff.test.ts).
 */
import { activationSpecs } from './activation';
import { convSpecs } from './conv';
import { denseSpec, maskingSpec } from './core';
import { embeddingSpec } from './embedding';
import { inputLayerSpec } from './input';
import { mergeSpecs } from './merge';
import { noiseSpecs } from './noise';
import { normalizationSpecs } from './normalization';
import { paddingSpecs } from './padding';
import { poolingSpecs } from './pooling';
import { rescalingSpec } from './preprocessing';
import { recurrentSpecs } from './recurrent';
import { reshapingSpecs } from './reshaping';
import { wrapperSpecs } from './wrappers';
import type { LayerConfig, LayerOutput, LayerSpec, Shape } from './types';

export * from './types';
export { declaredInputShape, hasDeclaredInputShape, inputConfigShape } from './input';
export { unusableInAModel } from './preprocessing';

const ALL: LayerSpec[] = [
  inputLayerSpec,
  ...convSpecs,
  ...poolingSpecs,
  denseSpec,
  ...reshapingSpecs,
  ...activationSpecs,
  ...normalizationSpecs,
  ...noiseSpecs,
  ...paddingSpecs,
  ...mergeSpecs,
  embeddingSpec,
  maskingSpec,
  rescalingSpec,
  ...recurrentSpecs,
  ...wrapperSpecs,
];

const byFactory = new Map<string, LayerSpec>();
const byClass = new Map<string, LayerSpec>();
for (const s of ALL) {
  byClass.set(s.className, s);
  for (const f of s.factories) byFactory.set(f, s);
}

/** The spec behind a `tf.layers.<factoryName>` call (aliases included), if catalogued. */
export function findLayerSpec(factoryName: string): LayerSpec | undefined {
  return byFactory.get(factoryName);
}

/** The spec for a tfjs getClassName() ('Conv2D', 'MaxPooling2D', ...). */
export function layerSpecByClassName(className: string): LayerSpec | undefined {
  return byClass.get(className);
}

export function allLayerSpecs(): LayerSpec[] {
  return ALL.slice();
}

/** Factories tfjs lets you call without an argument; every other one throws a TypeError then. */
const NO_ARGUMENT_OK = new Set([
  'add', 'average', 'batchNormalization', 'concatenate', 'elu', 'flatten', 'globalAveragePooling1d',
  'globalMaxPool1d', 'globalMaxPooling1d', 'layerNormalization', 'leakyReLU', 'masking', 'maximum',
  'minimum', 'multiply', 'prelu', 'reLU', 'softmax', 'thresholdedReLU', 'zeroPadding2d',
]);

/**
 * True when `tf.layers.<factory>()` with no argument at all crashes in tfjs 4.22 (it reads
 * `args.x` of undefined), e.g. globalAveragePooling2d() and maxPooling2d(): pass `{}`.
 */
export function requiresConfigArgument(factoryName: string): boolean {
  return !NO_ARGUMENT_OK.has(factoryName);
}

/** configure + apply in one step, for callers that hold a raw config. */
export function evaluateLayer(spec: LayerSpec, config: LayerConfig, inputShapes: Shape[]): LayerOutput {
  return spec.apply(spec.configure(config), inputShapes);
}
