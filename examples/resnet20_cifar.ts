// ResNet-20 for CIFAR-10 (He et al., 2015, section 4.2): 32×32×3 input, a 3×3 16-filter stem, three
// stages of n = 3 basic blocks with 16/32/64 filters, downsampling by stride 2 in the first block of
// stages 2 and 3 with a 1×1 stride-2 projection shortcut (option B), tf.layers.add, GAP, dense 10.
// Style: arrow functions plus a CONFIG object; the block count is derived from CONFIG.depth.
// The paper quotes 0.27M params (option A shortcuts, no BN counted); tfjs counts 274,042 here (272,474 trainable),
// BN moving statistics included.
import * as tf from '@tensorflow/tfjs';

const CONFIG = {
  depth: 20,
  inputShape: [32, 32, 3] as [number, number, number],
  numClasses: 10,
  stageFilters: [16, 32, 64],
  weightDecay: 1e-4,
};

const n = (CONFIG.depth - 2) / 6;

const conv = (filters: number, kernelSize: number, strides: number, name: string) =>
  tf.layers.conv2d({
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: 'heNormal',
    kernelRegularizer: tf.regularizers.l2({ l2: CONFIG.weightDecay }),
    name,
  });

const bn = (name: string) => tf.layers.batchNormalization({ name });
const relu = (name: string) => tf.layers.activation({ activation: 'relu', name });

const basicBlock = (x: tf.SymbolicTensor, filters: number, strides: number, name: string): tf.SymbolicTensor => {
  let y = conv(filters, 3, strides, `${name}_conv1`).apply(x) as tf.SymbolicTensor;
  y = bn(`${name}_bn1`).apply(y) as tf.SymbolicTensor;
  y = relu(`${name}_relu1`).apply(y) as tf.SymbolicTensor;
  y = conv(filters, 3, 1, `${name}_conv2`).apply(y) as tf.SymbolicTensor;
  y = bn(`${name}_bn2`).apply(y) as tf.SymbolicTensor;

  let shortcut = x;
  if (strides !== 1 || x.shape[3] !== filters) {
    shortcut = conv(filters, 1, strides, `${name}_proj`).apply(x) as tf.SymbolicTensor;
    shortcut = bn(`${name}_proj_bn`).apply(shortcut) as tf.SymbolicTensor;
  }

  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return relu(`${name}_out`).apply(sum) as tf.SymbolicTensor;
};

export const resnet20 = (): tf.LayersModel => {
  const input = tf.input({ shape: CONFIG.inputShape, name: 'image' });

  let x = conv(CONFIG.stageFilters[0]!, 3, 1, 'stem_conv').apply(input) as tf.SymbolicTensor;
  x = bn('stem_bn').apply(x) as tf.SymbolicTensor;
  x = relu('stem_relu').apply(x) as tf.SymbolicTensor;

  CONFIG.stageFilters.forEach((filters, stage) => {
    for (let block = 0; block < n; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(x, filters, strides, `stage${stage + 1}_block${block + 1}`);
    }
  });

  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: CONFIG.numClasses, activation: 'softmax', kernelInitializer: 'heNormal', name: 'classifier' })
    .apply(x) as tf.SymbolicTensor;

  return tf.model({ inputs: input, outputs: logits, name: `resnet${CONFIG.depth}` });
};
