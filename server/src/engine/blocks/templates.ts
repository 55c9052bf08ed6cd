/**
 * Classic CNN blocks as helper functions written in the file's style: inception (GoogLeNet),
 * residual and bottleneck residual (ResNet, projection shortcut when the shape changes), dense block
 * and transition (DenseNet), and the VGG block. Each helper takes a symbolic tensor and returns one.
 */
import type { CodeStyle } from '../edit/style';

export type BlockKind = 'inception' | 'residual' | 'residual-down' | 'bottleneck' | 'dense' | 'vgg';

/** How helpers are typed: `tf.SymbolicTensor` annotations only in TypeScript with a namespace import. */
interface Typing {
  t: string; // tensor type annotation, e.g. ': tf.SymbolicTensor' or ''
  n: string; // ': number' or ''
  cast: string; // ' as tf.SymbolicTensor' or ''
  ret: string; // return annotation
}

function typing(style: CodeStyle): Typing {
  if (!style.typescript || !style.tensorType) return { t: '', n: '', cast: '', ret: '' };
  const T = style.tensorType;
  return { t: `: ${T}`, n: ': number', cast: ` as ${T}`, ret: `: ${T}` };
}

function q(style: CodeStyle, s: string): string {
  return `${style.quote}${s}${style.quote}`;
}

/** A helper function a block is written with: its name, its parameters after the tensor, its source. */
export interface Helper {
  name: string;
  /** Parameters after the input tensor, in order (a call passes them positionally). */
  params: string[];
  /** Values of the parameters that have defaults. */
  defaults?: Record<string, number>;
  code: string;
}

/** The helper's source, indented with the file's unit, ending with a newline. */
export function helperSource(kind: BlockKind, style: CodeStyle): Helper[] {
  const ty = typing(style);
  const L = style.layers;
  const I = style.indentUnit;
  const s = style.semi;
  const relu = q(style, 'relu');
  const same = q(style, 'same');
  const lines = (xs: string[]) => braces(style, xs.map((x) => (x ? x.replace(/^(\t*)/, (m) => m.replace(/\t/g, I)) : x)).join('\n') + '\n');
  switch (kind) {
    case 'inception':
      return [{
        name: 'inceptionBlock',
        params: ['f1', 'f3r', 'f3', 'f5r', 'f5', 'fp'],
        code: lines([
          '/** Inception module (GoogLeNet): 1×1, 1×1→3×3, 1×1→5×5 and 3×3 max-pool→1×1 branches, concatenated. */',
          `function inceptionBlock(x${ty.t}, f1${ty.n}, f3r${ty.n}, f3${ty.n}, f5r${ty.n}, f5${ty.n}, fp${ty.n})${ty.ret} {`,
          `\tconst conv = (input${ty.t}, filters${ty.n}, kernelSize${ty.n}) =>`,
          `\t\t${L}conv2d({ filters, kernelSize, padding: ${same}, activation: ${relu} }).apply(input)${ty.cast}${s}`,
          `\tconst pool = ${L}maxPooling2d({ poolSize: 3, strides: 1, padding: ${same} }).apply(x)${ty.cast}${s}`,
          `\treturn ${L}concatenate().apply([conv(x, f1, 1), conv(conv(x, f3r, 1), f3, 3), conv(conv(x, f5r, 1), f5, 5), conv(pool, fp, 1)])${ty.cast}${s}`,
          '}',
        ]),
      }];
    case 'residual':
    case 'residual-down':
      return [{
        name: 'residualBlock',
        params: ['filters', 'strides'],
        defaults: { strides: 1 },
        code: lines([
          '/** Residual block (ResNet basic block): two 3×3 conv–BN layers plus a shortcut; a 1×1 projection when the shape changes. */',
          `function residualBlock(x${ty.t}, filters${ty.n}, strides = 1)${ty.ret} {`,
          `\tconst conv = (input${ty.t}, kernelSize${ty.n}, s${ty.n}) =>`,
          `\t\t${L}batchNormalization().apply(${L}conv2d({ filters, kernelSize, strides: s, padding: ${same}, useBias: false }).apply(input))${ty.cast}${s}`,
          `\tconst y = conv(${L}activation({ activation: ${relu} }).apply(conv(x, 3, strides))${ty.cast}, 3, 1)${s}`,
          `\tconst channels = x.shape[x.shape.length - 1]${s}`,
          `\tconst shortcut = strides === 1 && channels === filters ? x : conv(x, 1, strides)${s}`,
          `\treturn ${L}activation({ activation: ${relu} }).apply(${L}add().apply([y, shortcut]))${ty.cast}${s}`,
          '}',
        ]),
      }];
    case 'bottleneck':
      return [{
        name: 'bottleneckBlock',
        params: ['filters', 'strides', 'expansion'],
        defaults: { strides: 1, expansion: 4 },
        code: lines([
          '/** Bottleneck residual block (ResNet-50): 1×1 reduce → 3×3 → 1×1 expand, plus a shortcut; a 1×1 projection when the shape changes. */',
          `function bottleneckBlock(x${ty.t}, filters${ty.n}, strides = 1, expansion = 4)${ty.ret} {`,
          `\tconst conv = (input${ty.t}, f${ty.n}, kernelSize${ty.n}, s${ty.n}) =>`,
          `\t\t${L}batchNormalization().apply(${L}conv2d({ filters: f, kernelSize, strides: s, padding: ${same}, useBias: false }).apply(input))${ty.cast}${s}`,
          `\tconst relu = (input${ty.t}) => ${L}activation({ activation: ${relu} }).apply(input)${ty.cast}${s}`,
          `\tconst y = conv(relu(conv(relu(conv(x, filters, 1, 1)), filters, 3, strides)), filters * expansion, 1, 1)${s}`,
          `\tconst channels = x.shape[x.shape.length - 1]${s}`,
          `\tconst shortcut = strides === 1 && channels === filters * expansion ? x : conv(x, filters * expansion, 1, strides)${s}`,
          `\treturn relu(${L}add().apply([y, shortcut])${ty.cast})${s}`,
          '}',
        ]),
      }];
    case 'dense':
      return [
        {
          name: 'denseBlock',
          params: ['depth', 'growthRate'],
          code: lines([
            '/** Dense block (DenseNet-BC): each layer BN–ReLU–1×1 conv (4k)–BN–ReLU–3×3 conv (k), concatenated onto its input. */',
            `function denseBlock(x${ty.t}, depth${ty.n}, growthRate${ty.n})${ty.ret} {`,
            `\tconst bnReluConv = (input${ty.t}, filters${ty.n}, kernelSize${ty.n}) =>`,
            `\t\t${L}conv2d({ filters, kernelSize, padding: ${same}, useBias: false }).apply(`,
            `\t\t\t${L}activation({ activation: ${relu} }).apply(${L}batchNormalization().apply(input)))${ty.cast}${s}`,
            '\tfor (let i = 0; i < depth; i++) {',
            `\t\tconst y = bnReluConv(bnReluConv(x, 4 * growthRate, 1), growthRate, 3)${s}`,
            `\t\tx = ${L}concatenate().apply([x, y])${ty.cast}${s}`,
            '\t}',
            `\treturn x${s}`,
            '}',
          ]),
        },
        {
          name: 'transitionBlock',
          params: ['compression'],
          defaults: { compression: 0.5 },
          code: lines([
            '/** Transition (DenseNet): BN–ReLU–1×1 conv compressing channels by `compression`, then 2×2 average pooling. */',
            `function transitionBlock(x${ty.t}, compression = 0.5)${ty.ret} {`,
            `\tconst channels = x.shape[x.shape.length - 1]${s}`,
            `\tconst y = ${L}activation({ activation: ${relu} }).apply(${L}batchNormalization().apply(x))${s}`,
            `\tconst z = ${L}conv2d({ filters: Math.floor(${ty.t ? '(channels as number)' : 'channels'} * compression), kernelSize: 1, useBias: false }).apply(y)${s}`,
            `\treturn ${L}averagePooling2d({ poolSize: 2, strides: 2 }).apply(z)${ty.cast}${s}`,
            '}',
          ]),
        },
      ];
    case 'vgg':
      return [{
        name: 'vggBlock',
        params: ['filters', 'convs'],
        defaults: { convs: 2 },
        code: lines([
          '/** VGG block: stacked 3×3 convolutions (same padding, ReLU), then 2×2 max-pooling. */',
          `function vggBlock(x${ty.t}, filters${ty.n}, convs = 2)${ty.ret} {`,
          '\tfor (let i = 0; i < convs; i++) {',
          `\t\tx = ${L}conv2d({ filters, kernelSize: 3, padding: ${same}, activation: ${relu} }).apply(x)${ty.cast}${s}`,
          '\t}',
          `\treturn ${L}maxPooling2d({ poolSize: 2, strides: 2 }).apply(x)${ty.cast}${s}`,
          '}',
        ]),
      }];
  }
}

/** `blockModel([28, 28, 192], (x) => inceptionBlock(x, ...))`: a block as a model, so a Sequential model can add it. */
export function blockModelHelper(style: CodeStyle): Helper {
  const ty = typing(style);
  const I = style.indentUnit;
  const tf = style.tf ?? '';
  const fnType = ty.t ? `: (x${ty.t}) => ${ty.t.slice(2)}` : '';
  const shapeType = ty.t ? ': number[]' : '';
  return {
    name: 'blockModel',
    params: ['block'],
    code: braces(style, [
      '/** Wraps a block (tensor → tensor) as a model, so it can be added to a Sequential model as one layer. */',
      `function blockModel(inputShape${shapeType}, block${fnType})${ty.t ? `: ${tf}LayersModel` : ''} {`,
      `${I}const input = ${tf}input({ shape: inputShape })${style.semi}`,
      `${I}return ${tf}model({ inputs: input, outputs: block(input) })${style.semi}`,
      '}',
      '',
    ].join('\n')),
  };
}

/**
 * `withSkip(x, y)`: y plus a shortcut from x — x itself when the shapes match, else a 1×1 projection
 * (stride from the spatial ratio). It adapts per call, so a wrapped layer inside a loop or helper
 * works for every instance.
 */
export function withSkipHelper(style: CodeStyle): Helper {
  const ty = typing(style);
  const L = style.layers;
  const I = style.indentUnit;
  const s = style.semi;
  const num = ty.t ? ' as number' : '';
  const same = `${style.quote}same${style.quote}`;
  return {
    name: 'withSkip',
    params: ['y'],
    code: braces(style, [
      '/** Residual connection (ResNet): y + x, with a 1×1 projection of x when the shapes differ. */',
      `function withSkip(x${ty.t}, y${ty.t})${ty.ret} {`,
      `${I}const cx = x.shape[x.shape.length - 1]${s}`,
      `${I}const cy = y.shape[y.shape.length - 1]${num}${s}`,
      `${I}const strides = Math.max(1, Math.round((x.shape[1]${num}) / (y.shape[1]${num})))${s}`,
      `${I}const shortcut = cx === cy && strides === 1 ? x : ${L}conv2d({ filters: cy, kernelSize: 1, strides, padding: ${same} }).apply(x)${ty.cast}${s}`,
      `${I}return ${L}add().apply([y, shortcut])${ty.cast}${s}`,
      '}',
      '',
    ].join('\n')),
  };
}

/** Object literals as the file writes them: `{ filters: 1 }` or `{filters: 1}`. */
function braces(style: CodeStyle, code: string): string {
  return style.braceSpacing ? code : code.replace(/\{ (?=\S)/g, '{').replace(/(?<=\S) \}/g, '}');
}
