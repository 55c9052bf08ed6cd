/** Synthetic CNN-shaped models of any size, for the big-graph test and the panel benchmark. */
import type { LayerReport, ModelGraph, ModelReport, Range } from '../../server/src/engine/report/types';

const R: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } };

/**
 * A ResNet/Inception-like network of about `n` layers, no helper groups (so nothing collapses and
 * every node is laid out): conv-bn-relu units, a residual add every 3 units (a projection on every
 * 4th), and every 10th unit an inception-style 4-branch concat.
 */
export function syntheticModel(n: number): { report: ModelReport; graph: ModelGraph } {
  const layers: LayerReport[] = [];
  const nodes: ModelGraph['nodes'] = [{ id: 'n0', layerIndex: null, className: 'InputLayer', label: 'input', family: 'input', name: 'input', inputShapes: [], outputShape: [null, 56, 56, 64], params: 0, macs: 0, range: R, file: '/synthetic.ts' }];
  const edges: ModelGraph['edges'] = [];
  const shape = [null, 56, 56, 64];
  const add = (className: string, label: string, family: LayerReport['family'], inputs: string[], params = 0): string => {
    const i = layers.length;
    const id = `n${i + 1}`;
    layers.push({
      className, label, family, displayName: `${className.toLowerCase()}_${i}`, range: { start: { line: i + 1, character: 2 }, end: { line: i + 1, character: 40 } }, file: '/synthetic.ts', useRange: R, useFile: '/synthetic.ts',
      inputShapes: inputs.map(() => shape), outputShape: shape, params, trainableParams: params, nonTrainableParams: 0, macs: params * 3136, activationBytes: 802816, weights: [], applications: 1, chain: [],
      receptiveField: [3 + i, 3 + i], jump: [1, 1],
    });
    nodes.push({ id, layerIndex: i, className, label, family, inputShapes: inputs.map(() => shape), outputShape: shape, params, macs: params * 3136, range: layers[i]!.range, file: '/synthetic.ts' });
    inputs.forEach((s, k) => edges.push({ id: `e${s}_${id}_${k}`, source: s, target: id, targetInput: k, shape }));
    return id;
  };
  let x = 'n0';
  let unit = 0;
  while (layers.length < n) {
    if (unit % 10 === 9) {
      const b = [add('Conv2D', '1×1 conv, 64', 'conv', [x], 4160)];
      const r3 = add('Conv2D', '1×1 conv, 48', 'conv', [x], 3120);
      b.push(add('Conv2D', '3×3 conv, 64', 'conv', [r3], 27712));
      const r5 = add('Conv2D', '1×1 conv, 16', 'conv', [x], 1040);
      b.push(add('Conv2D', '5×5 conv, 16', 'conv', [r5], 6416));
      const pool = add('MaxPooling2D', '3×3 max pool', 'pooling', [x]);
      b.push(add('Conv2D', '1×1 conv, 16', 'conv', [pool], 1040));
      x = add('Concatenate', 'concat (axis -1)', 'merge', b);
    } else if (unit % 3 === 2) {
      const start = x;
      let y = add('Conv2D', '3×3 conv, 64', 'conv', [x], 36928);
      y = add('BatchNormalization', 'batch norm', 'normalization', [y], 256);
      y = add('Activation', 'relu', 'activation', [y]);
      y = add('Conv2D', '3×3 conv, 64', 'conv', [y], 36928);
      y = add('BatchNormalization', 'batch norm', 'normalization', [y], 256);
      const skip = unit % 4 === 0 ? add('Conv2D', '1×1 conv, 64', 'conv', [start], 4160) : start;
      x = add('Add', 'add', 'merge', [y, skip]);
    } else {
      x = add('Conv2D', '3×3 conv, 64', 'conv', [x], 36928);
      x = add('Activation', 'relu', 'activation', [x]);
    }
    unit++;
  }
  const report: ModelReport = {
    name: `synthetic${n}`, kind: 'functional', range: R, file: '/synthetic.ts', inputShapes: [shape], outputShapes: [shape],
    totalParams: layers.reduce((s, l) => s + (l.params ?? 0), 0), trainableParams: null, nonTrainableParams: null, macs: layers.reduce((s, l) => s + (l.macs ?? 0), 0),
    activationBytes: layers.length * 802816, layers, diagnostics: [], depth: layers.length,
  };
  return { report, graph: { model: report.name, nodes, edges, groups: [] } };
}
