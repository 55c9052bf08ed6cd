/**
 * Generated functional CNNs of any number of layers, for the engine and scale benchmarks and the
 * complexity test. Two styles, because they stress different paths:
 * - straight: one line per layer, no loops or helpers (the parser, one call site per layer, one
 *   inlay hint per line);
 * - loop: a residual-block helper called in a loop (few call sites with thousands of instances,
 *   one nested group per helper call, which the panel collapses).
 * `width` is the input's spatial size: benchmarks edit it to change every shape in the model.
 */

/**
 * Straight style: conv–BN–ReLU triples with a residual add every four triples and a stride-2 conv
 * every 250 layers, at ResNet widths (64 → 512 channels on 224×224×3), written out line by line.
 */
export function generatedModel(layers: number, width = 224): string {
  const out: string[] = ["import * as tf from '@tensorflow/tfjs';", '', `const WIDTH = ${width};`, '', 'export function generated(): tf.LayersModel {'];
  out.push("  const input = tf.input({ shape: [WIDTH, WIDTH, 3], name: 'input' });");
  out.push("  let x = tf.layers.conv2d({ filters: 64, kernelSize: 7, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor;");
  let n = 1;
  let filters = 64;
  out.push('  let s = x;');
  while (n < layers - 3) {
    if (n % 250 === 0) {
      filters = Math.min(512, filters * 2);
      out.push(`  x = tf.layers.conv2d({ filters: ${filters}, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;`);
      out.push('  s = x;');
      n += 1;
      continue;
    }
    out.push(`  x = tf.layers.conv2d({ filters: ${filters}, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;`);
    out.push('  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;');
    out.push("  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;");
    n += 3;
    if (n % 12 === 0) {
      out.push('  x = tf.layers.add().apply([x, s]) as tf.SymbolicTensor;');
      out.push('  s = x;');
      n += 1;
    }
  }
  out.push('  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;');
  out.push("  const output = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;");
  out.push('  return tf.model({ inputs: input, outputs: output });', '}', '');
  return out.join('\n');
}

/** Layers per residual block in the loop style: three conv–BN–ReLU units (nested helpers) and an add. */
const BLOCK_LAYERS = 10;

/**
 * Loop style: a stem, then `blocks` residual blocks (a helper of three conv–BN–ReLU helpers and an
 * add) called in a loop, then a head: about `layers` layers in a 30-line file.
 */
export function generatedLoopModel(layers: number, width = 32): string {
  const blocks = Math.max(1, Math.round((layers - 4) / BLOCK_LAYERS));
  return `import * as tf from '@tensorflow/tfjs';

const WIDTH = ${width};
const BLOCKS = ${blocks};

function convBnRelu(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  let y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
}

function residualBlock(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  let y = convBnRelu(x, filters);
  y = convBnRelu(y, filters);
  y = convBnRelu(y, filters);
  return tf.layers.add().apply([x, y]) as tf.SymbolicTensor;
}

export function generated(): tf.LayersModel {
  const input = tf.input({ shape: [WIDTH, WIDTH, 3] });
  let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  for (let i = 0; i < BLOCKS; i++) x = residualBlock(x, 16);
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}
`;
}

/**
 * The design-advice probes: a Sequential model of n dense layers with no activation (linear-stack
 * fires on every one, deep-plain once), and one of n 5×5 convs (stack-3x3 fires on every one, each
 * saving measured). Advice must stay linear in n.
 */
export function denseStack(n: number): string {
  const out = ["import * as tf from '@tensorflow/tfjs';", '', 'export function build(): tf.Sequential {', '  const m = tf.sequential();'];
  out.push('  m.add(tf.layers.dense({ units: 8, inputShape: [8] }));');
  for (let i = 1; i < n; i++) out.push('  m.add(tf.layers.dense({ units: 8 }));');
  out.push('  return m;', '}', '');
  return out.join('\n');
}

export function conv5x5Stack(n: number): string {
  const out = ["import * as tf from '@tensorflow/tfjs';", '', 'export function build(): tf.Sequential {', '  const m = tf.sequential();'];
  out.push("  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [8, 8, 16] }));");
  for (let i = 1; i < n; i++) out.push("  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }));");
  out.push('  return m;', '}', '');
  return out.join('\n');
}
