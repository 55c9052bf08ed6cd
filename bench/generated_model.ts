/**
 * A generated functional CNN of a given number of layers, written out line by line (no loops):
 * conv–BN–ReLU triples with a residual add every four triples and a stride-2 conv every 250
 * layers, at ResNet widths (64 → 512 channels on 224×224×3). Used by the engine benchmark as the
 * "1,000-layer model".
 */
export function generatedModel(layers: number): string {
  const out: string[] = ["import * as tf from '@tensorflow/tfjs';", '', 'export function generated(): tf.LayersModel {'];
  out.push("  const input = tf.input({ shape: [224, 224, 3], name: 'input' });");
  out.push("  let x = tf.layers.conv2d({ filters: 64, kernelSize: 7, strides: 2, padding: 'same' }).apply(input) as tf.SymbolicTensor;");
  let n = 1;
  let filters = 64;
  out.push('  let s = x;');
  while (n < layers - 3) {
    if (n % 250 === 0) {
      filters *= 2;
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
