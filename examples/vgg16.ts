// VGG16 (Simonyan & Zisserman, 2014) on 224×224×3, 1000 classes — the example `npm run demo`
// profiles. Written the way a config-driven codebase would: a `vggBlock` helper adds n stacked 3×3
// convs and a 2×2 max-pool, and a table of (filters, convs) drives it. Keras publishes
// 138,357,544 params; `convlens profile examples/vgg16.ts` should say the same.
import * as tf from '@tensorflow/tfjs';

/** VGG's configuration D: filters and the number of 3×3 convs of each block. */
const BLOCKS: [filters: number, convs: number][] = [
  [64, 2],
  [128, 2],
  [256, 3],
  [512, 3],
  [512, 3],
];

function vggBlock(model: tf.Sequential, block: number, filters: number, convs: number, first: boolean): void {
  for (let i = 1; i <= convs; i++) {
    model.add(
      tf.layers.conv2d({
        ...(first && i === 1 ? { inputShape: [224, 224, 3] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name: `block${block}_conv${i}`,
      }),
    );
  }
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${block}_pool` }));
}

export function vgg16(numClasses = 1000): tf.Sequential {
  const model = tf.sequential({ name: 'vgg16' });
  BLOCKS.forEach(([filters, convs], i) => vggBlock(model, i + 1, filters, convs, i === 0));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc1' }));
  model.add(tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc2' }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', name: 'predictions' }));
  return model;
}
