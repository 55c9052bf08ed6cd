// A small GoogLeNet-style network for CIFAR-10 (32×32×3 → 10 classes): a 3×3 stem, five mini
// inception modules (1×1 / 1×1→3×3 / 5×5 / pool→1×1 branches, concatenated) with two max-pools,
// then a flatten + dense head. Style: functional API with an `inception` helper.
// It is valid tfjs, but deliberately leaves room for design advice:
//   - the 5×5 branch convolves the full, wide input directly (up to 512 channels) instead of
//     first reducing it with a 1×1 conv as GoogLeNet does;
//   - the head flattens an 8×8×640 map into a 512-unit dense layer (≈21M of the params) where a
//     global average pool would do.
// No published total; tfjs counts 25,338,874 params.
import * as tf from '@tensorflow/tfjs';

type T = tf.SymbolicTensor;

const conv = (x: T, filters: number, kernelSize: number, name: string): T =>
  tf.layers.conv2d({ filters, kernelSize, padding: 'same', activation: 'relu', name }).apply(x) as T;

function inception(x: T, f1: number, f3r: number, f3: number, f5: number, fp: number, name: string): T {
  const b1 = conv(x, f1, 1, `${name}_1x1`);
  const b3 = conv(conv(x, f3r, 1, `${name}_3x3_reduce`), f3, 3, `${name}_3x3`);
  const b5 = conv(x, f5, 5, `${name}_5x5`); // straight on the wide input, no 1×1 reduction
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: `${name}_pool` }).apply(x) as T;
  const bp = conv(pooled, fp, 1, `${name}_pool_proj`);
  return tf.layers.concatenate({ name: `${name}_concat` }).apply([b1, b3, b5, bp]) as T;
}

export function inceptionCifar(numClasses = 10): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  let x = conv(input, 96, 3, 'stem');

  x = inception(x, 32, 48, 64, 32, 32, 'mixed1');
  x = inception(x, 64, 64, 96, 48, 48, 'mixed2');
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as T;

  x = inception(x, 96, 96, 128, 64, 64, 'mixed3');
  x = inception(x, 128, 128, 192, 96, 96, 'mixed4');
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as T;

  x = inception(x, 160, 160, 224, 128, 128, 'mixed5');

  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as T;
  x = tf.layers.dense({ units: 512, activation: 'relu', name: 'fc' }).apply(x) as T;
  x = tf.layers.dropout({ rate: 0.5, name: 'fc_dropout' }).apply(x) as T;
  const out = tf.layers.dense({ units: numClasses, activation: 'softmax', name: 'predictions' }).apply(x) as T;

  return tf.model({ inputs: input, outputs: out, name: 'inception_cifar' });
}
