// VGG16 (Simonyan & Zisserman, 2014) as Keras lays it out: 13 3×3 convs in five blocks, a 3-dense head.
// Sequential, with the layer list given to tf.sequential({layers}). Keras reports 138,357,544 params.
import * as tf from '@tensorflow/tfjs';

const conv = (filters: number, name: string) =>
  tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name });
const pool = (name: string) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name });

export function vgg16(): tf.Sequential {
  return tf.sequential({
    name: 'vgg16',
    layers: [
      tf.layers.conv2d({ inputShape: [224, 224, 3], filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv1' }),
      conv(64, 'block1_conv2'),
      pool('block1_pool'),
      conv(128, 'block2_conv1'),
      conv(128, 'block2_conv2'),
      pool('block2_pool'),
      conv(256, 'block3_conv1'),
      conv(256, 'block3_conv2'),
      conv(256, 'block3_conv3'),
      pool('block3_pool'),
      conv(512, 'block4_conv1'),
      conv(512, 'block4_conv2'),
      conv(512, 'block4_conv3'),
      pool('block4_pool'),
      conv(512, 'block5_conv1'),
      conv(512, 'block5_conv2'),
      conv(512, 'block5_conv3'),
      pool('block5_pool'),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc1' }),
      tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc2' }),
      tf.layers.dense({ units: 1000, activation: 'softmax', name: 'predictions' }),
    ],
  });
}
