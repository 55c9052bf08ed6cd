/**
 * A generated tfjs model.json of N layers, ResNet-like (conv–BN–ReLU units, a residual add every
 * third unit, a 4-branch concat every tenth), in the layout tfjs writes (Keras 2 inbound nodes),
 * with a weights manifest whose shapes are the ones tfjs would save: for the saved-model bench and
 * the big-file test.
 */
export function generatedModelJson(layers: number): string {
  const out: Record<string, unknown>[] = [{ class_name: 'InputLayer', name: 'input', config: { batch_input_shape: [null, 32, 32, 16], dtype: 'float32', sparse: false, name: 'input' }, inbound_nodes: [] }];
  const weights: { name: string; shape: number[]; dtype: string }[] = [];
  let last = 'input';
  let skip = 'input';
  let k = 0;
  const add = (cls: string, config: Record<string, unknown>, inputs: string[]) => {
    const name = `${cls.toLowerCase()}_${++k}`;
    out.push({ class_name: cls, name, config: { ...config, name, trainable: true }, inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])] });
    return name;
  };
  let unit = 0;
  while (out.length < layers - 2) {
    unit++;
    if (unit % 10 === 0) {
      const branches = [1, 3, 5, 1].map((ks, b) => {
        const c = add('Conv2D', { filters: 4, kernel_size: [ks, ks], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'relu', use_bias: true }, [last]);
        weights.push({ name: `${c}/kernel`, shape: [ks, ks, 16, 4], dtype: 'float32' }, { name: `${c}/bias`, shape: [4], dtype: 'float32' });
        return b === 3 ? c : c;
      });
      last = skip = add('Concatenate', { axis: -1 }, branches);
      continue;
    }
    const c = add('Conv2D', { filters: 16, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: false }, [last]);
    weights.push({ name: `${c}/kernel`, shape: [3, 3, 16, 16], dtype: 'float32' });
    const bn = add('BatchNormalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, [c]);
    for (const w of ['gamma', 'beta', 'moving_mean', 'moving_variance']) weights.push({ name: `${bn}/${w}`, shape: [16], dtype: 'float32' });
    last = add('Activation', { activation: 'relu' }, [bn]);
    if (unit % 3 === 0) {
      last = add('Add', {}, [last, skip]);
      skip = last;
    }
  }
  const gap = add('GlobalAveragePooling2D', { data_format: 'channels_last' }, [last]);
  const dense = add('Dense', { units: 10, activation: 'softmax', use_bias: true }, [gap]);
  weights.push({ name: `${dense}/kernel`, shape: [16, 10], dtype: 'float32' }, { name: `${dense}/bias`, shape: [10], dtype: 'float32' });
  const topology = { class_name: 'Model', config: { name: `generated_${layers}`, layers: out, input_layers: [['input', 0, 0]], output_layers: [[dense, 0, 0]] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  return JSON.stringify({ modelTopology: topology, format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }] }, null, 1);
}
