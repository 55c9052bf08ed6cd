/**
 * Block insertion at a layer: fits an inception / residual / bottleneck / dense+transition / VGG
 * block to the tensor that layer outputs and writes it in the file's style. Functional code gets a
 * helper function (inserted once, or the file's own when it has one) called on the layer's output;
 * Sequential code gets plain layers (VGG) or the block wrapped as a model
 * (`model.add(blockModel(model.outputs[0].shape.slice(1), (x) => ...))`). In TypeScript the
 * inserted code type-checks against tfjs's own types (test/unit/actions.property.test.ts).
 */
import ts from 'typescript';
import { parseSource } from '../syntax/parse';
import { type OffsetEdit, insertAfter, nodeAt, useSiteOf, type UseSite } from '../edit/edits';
import { detectStyle, layerCall, sampleLayerCall, type CodeStyle } from '../edit/style';
import { type BlockKind, blockModelHelper, helperSource, withSkipHelper } from './templates';
import { FileHelpers, tensorTypeImport } from './helpers_in_file';
import type { Shape } from '../layers/types';

/** Where a block goes: after a layer's application, or around a helper call that returns a tensor. */
type Site = UseSite | { kind: 'expr'; call: ts.Expression };

export interface BlockAction {
  kind: BlockKind | 'wrap-residual';
  title: string;
  edits: OffsetEdit[];
  /** What to offer instead when this one does not keep the model sound (ConvLens's helper instead of the file's). */
  fallback?: BlockAction;
}

const r8 = (x: number) => Math.max(8, Math.round(x / 8) * 8);

export interface BlockTarget {
  /** Offsets of the layer's application in `text`. */
  useStart: number;
  useEnd: number;
  /** The layer's output shape [null, H, W, C]; the block is fitted to it. */
  outputShape: Shape;
  /** The layer's input shape, for wrapping it in a residual connection. */
  inputShape?: Shape;
  /** The range is a helper call returning a tensor (`x = convBlock(x, 64)`), not a layer's use. */
  expression?: boolean;
}

/** A block as calls of our helpers, each on the previous one's output. */
interface BlockSpec {
  kind: BlockKind;
  /** `dense block + transition` */
  label: string;
  /** What the numbers are: `4 layers, k = 32: 256 → 384 → 192 channels, /2` */
  detail: string;
  steps: { helper: string; args: (number | undefined)[] }[];
}

export function planBlocks(text: string, fileName: string, target: BlockTarget): BlockAction[] {
  const s = target.outputShape;
  if (s.length !== 4 || s.slice(1).some((d) => d === null)) return [];
  const [h, w, c] = [s[1]!, s[2]!, s[3]!];
  const sf = parseSource(text, fileName);
  const loc = { file: fileName, start: target.useStart, end: target.useEnd };
  let site: Site | undefined;
  if (target.expression) {
    const n = nodeAt(sf, loc);
    site = n && ts.isExpression(n) ? { kind: 'expr', call: n } : undefined;
  } else site = useSiteOf(sf, loc);
  if (!site) return [];
  const style = detectStyle(sf, text, sampleLayerCall(sf));
  if (site.kind !== 'apply' && site.kind !== 'expr' && !style.tf) return planVggOnly(sf, site, style, h, w, c);
  const specs: BlockSpec[] = [];
  // GoogLeNet 3a's proportions (64, 96→128, 16→32, 32 on 192 channels), with the pool branch
  // sized so the block keeps the channel count: it slots in without touching later layers.
  const f1 = r8(c / 4), f3r = r8(c / 3), f3 = r8(c / 2), f5r = r8(c / 12), f5 = r8(c / 8);
  const fp = c - f1 - f3 - f5;
  if (fp >= 1) specs.push({ kind: 'inception', label: 'inception block', detail: `${c} channels: 1×1 ${f1}, 3×3 ${f3}, 5×5 ${f5}, pool ${fp}`, steps: [{ helper: 'inceptionBlock', args: [f1, f3r, f3, f5r, f5, fp] }] });
  specs.push({ kind: 'residual', label: 'residual block', detail: `${c} channels`, steps: [{ helper: 'residualBlock', args: [c] }] });
  if (h >= 2 && w >= 2) specs.push({ kind: 'residual-down', label: 'downsampling residual block', detail: `${c} → ${2 * c} channels, /2, projection shortcut`, steps: [{ helper: 'residualBlock', args: [2 * c, 2] }] });
  const bf = Math.max(8, Math.floor(c / 4));
  specs.push({ kind: 'bottleneck', label: 'bottleneck residual block', detail: `${c} → ${bf} → ${bf * 4} channels${bf * 4 !== c ? ', projection shortcut' : ''}`, steps: [{ helper: 'bottleneckBlock', args: [bf] }] });
  const k = Math.min(32, r8(c / 4));
  if (h >= 2 && w >= 2) specs.push({ kind: 'dense', label: 'dense block + transition', detail: `4 layers, k = ${k}: ${c} → ${c + 4 * k} → ${Math.floor((c + 4 * k) / 2)} channels, /2`, steps: [{ helper: 'denseBlock', args: [4, k] }, { helper: 'transitionBlock', args: [] }] });
  const vf = c < 512 ? Math.min(512, 2 * c) : c;
  const out: BlockAction[] = [];
  if (h >= 2 && w >= 2) {
    if (site.kind === 'apply' || site.kind === 'expr') specs.push({ kind: 'vgg', label: 'VGG block', detail: `2 × 3×3 conv, ${vf} channels, /2`, steps: [{ helper: 'vggBlock', args: [vf] }] });
    else out.push(...planVggOnly(sf, site, style, h, w, c));
  }
  for (const spec of specs) {
    // The file's own helper first (when it has one that fits), ConvLens's as the fallback.
    const own = insertBlock(sf, site, style, spec, [h, w, c], false);
    const reused = insertBlock(sf, site, style, spec, [h, w, c], true);
    if (reused && own && reused.title !== own.title) out.push({ ...reused, fallback: own });
    else if (own) out.push(own);
  }
  if (site.kind === 'apply' && target.inputShape) {
    const wrap = wrapResidual(sf, site, style, target.inputShape, s);
    if (wrap) out.push(wrap);
  }
  if ((site.kind === 'add' || site.kind === 'element') && target.inputShape?.length === 4) {
    const arg = site.kind === 'add' ? site.call.arguments[0] : site.element;
    const wrap = arg && wrapSequentialResidual(sf, site, style, arg.getStart(sf), arg.end, target.inputShape);
    if (wrap) out.push(wrap);
  }
  return out;
}

function planVggOnly(sf: ts.SourceFile, site: UseSite, style: CodeStyle, h: number, w: number, c: number): BlockAction[] {
  if (h < 2 || w < 2) return [];
  const vf = c < 512 ? Math.min(512, 2 * c) : c;
  const conv = layerCall(style, 'conv2d', [['filters', vf], ['kernelSize', 3], ['padding', 'same'], ['activation', 'relu']]);
  const pool = layerCall(style, 'maxPooling2d', [['poolSize', 2], ['strides', 2]]);
  return [{ kind: 'vgg', title: `Insert VGG block (2 × 3×3 conv, ${vf} channels, /2)`, edits: insertAfter(sf, site, [conv, conv, pool]) }];
}

/**
 * The input shape a Sequential block is built for: read from the model where it is added
 * (`model.outputs[0].shape.slice(1)`), so it follows the input size; in a `layers: [...]` list
 * there is no model yet, and the inserted comment says which shape it assumes.
 */
function sequentialInputShape(site: UseSite, style: CodeStyle, shape: number[]): string {
  if (site.kind === 'add') return `${site.model}.outputs[0].shape.slice(1)${style.typescript && style.tensorType ? ' as number[]' : ''}`;
  return `[${shape.join(', ')}] /* input ${shape.join('×')} as today: update it if the input size changes */`;
}

/** The block at the site: helpers inserted once (or the file's own reused), called on the layer's output. */
function insertBlock(sf: ts.SourceFile, site: Site, style0: CodeStyle, spec: BlockSpec, shape: number[], reuse: boolean): BlockAction | undefined {
  const typeImport = tensorTypeImport(sf, style0);
  const style = typeImport?.style ?? style0;
  const files = new FileHelpers(sf, style);
  const templates = helperSource(spec.kind, style);
  const uses = spec.steps.map((st) => files.use(templates.find((t) => t.name === st.helper)!, reuse));
  const compose = (input: string) => spec.steps.reduce((acc, st, i) => uses[i]!.call(acc, st.args), input);
  const edits: OffsetEdit[] = [];
  const helpers: (string | undefined)[] = uses.map((u) => u.code);
  if (site.kind === 'apply' || site.kind === 'expr') {
    const arg = files.tensorArgument(site.call);
    edits.push({ start: arg.start, end: arg.end, newText: compose(arg.text) });
  } else {
    if (!style.tf) return undefined;
    const bm = files.use(blockModelHelper(style), false);
    helpers.unshift(bm.code);
    edits.push(...insertAfter(sf, site, [`${bm.name}(${sequentialInputShape(site, style, shape)}, (x) => ${compose('x')})`]));
  }
  const helperText = helpers.filter((x) => x).map((x) => `${x}\n`).join('');
  if (helperText) {
    const anchor = topLevelStart(sf, site);
    edits.push({ start: anchor, end: anchor, newText: helperText });
  }
  if (typeImport && edits.some((e) => e.newText.includes(style.tensorType!))) edits.push(typeImport.edit);
  const reused = uses.filter((u) => u.reused).map((u) => u.name);
  if (reuse && !reused.length) return undefined;
  const mine = `this file's ${reused.join(' and ')}`;
  const title = !reused.length
    ? `Insert ${spec.label} (${spec.detail})`
    : uses.every((u) => u.complete)
      ? `Insert ${spec.label} (${spec.detail}; ${mine})`
      : `Insert ${spec.label} with ${mine}`;
  return { kind: spec.kind, title, edits };
}

/**
 * Wrap `L.apply(x)` as `withSkip(x, L.apply(x))`: an identity shortcut, or a 1×1 projection when
 * the shape changes (decided per call by the helper, so loops and helpers work too).
 */
export function wrapResidual(sf: ts.SourceFile, site: UseSite, style0: CodeStyle, inS: Shape, outS: Shape): BlockAction | undefined {
  if (site.kind !== 'apply' || !ts.isIdentifier(site.arg)) return undefined;
  if (inS.length !== 4 || outS.length !== 4) return undefined;
  const typeImport = tensorTypeImport(sf, style0);
  const style = typeImport?.style ?? style0;
  const files = new FileHelpers(sf, style);
  const same = inS.every((d, i) => d === outS[i]);
  const helper = files.use(withSkipHelper(style), false);
  const arg = files.tensorArgument(site.call);
  const edits: OffsetEdit[] = [{ start: arg.start, end: arg.end, newText: `${helper.name}(${files.tensorIdentifier(site.arg)}, ${arg.text})` }];
  if (helper.code) {
    const at = topLevelStart(sf, site);
    edits.push({ start: at, end: at, newText: `${helper.code}\n` });
  }
  if (typeImport && edits.some((e) => e.newText.includes(style.tensorType!))) edits.push(typeImport.edit);
  return { kind: 'wrap-residual', title: `Wrap in residual block (${same ? 'identity shortcut' : '1×1 projection shortcut'})`, edits };
}

/**
 * The same for a Sequential model (`model.add(L)` or a `layers: [...]` entry), which cannot
 * branch: the layer moves into a small functional block with a skip, added as one layer. Its input
 * shape is read from the model at that point (`model.outputs[0].shape`), so the edit also works
 * inside a loop; in a layers list, `inputShape` is written with a comment saying so.
 */
export function wrapSequentialResidual(sf: ts.SourceFile, site: UseSite, style: CodeStyle, layerStart: number, layerEnd: number, inputShape?: Shape): BlockAction | undefined {
  if ((site.kind !== 'add' && site.kind !== 'element') || !style.tf) return undefined;
  const arg = site.kind === 'add' ? site.call.arguments[0] : site.element;
  if (!arg || arg.getStart(sf) !== layerStart || arg.end !== layerEnd) return undefined;
  let shape: string;
  if (site.kind === 'add') shape = sequentialInputShape(site, style, []);
  else if (inputShape?.length === 4 && inputShape.slice(1).every((d) => d !== null)) shape = sequentialInputShape(site, style, inputShape.slice(1) as number[]);
  else return undefined;
  const files = new FileHelpers(sf, style);
  const bm = files.use(blockModelHelper(style), false);
  const skip = files.use(withSkipHelper(style), false);
  const ts_ = style.typescript && style.tensorType;
  const inner = `${arg.getText(sf)}.apply(x)${ts_ ? ` as ${style.tensorType}` : ''}`;
  const edits: OffsetEdit[] = [{ start: layerStart, end: layerEnd, newText: `${bm.name}(${shape}, (x) => ${skip.name}(x, ${inner}))` }];
  const at = topLevelStart(sf, site);
  const helpers = [bm.code, skip.code].filter((x) => x).map((x) => `${x}\n`).join('');
  if (helpers) edits.push({ start: at, end: at, newText: helpers });
  return { kind: 'wrap-residual', title: 'Wrap in residual block (skip connection through a functional block)', edits };
}

/** Start of the top-level statement holding the site, before its leading comments. */
function topLevelStart(sf: ts.SourceFile, site: Site): number {
  const pos = site.kind === 'add' ? site.statement.getStart(sf) : site.kind === 'element' ? site.element.getStart(sf) : site.call.getStart(sf);
  const stmt = sf.statements.find((s) => s.getStart(sf) <= pos && pos < s.end);
  if (!stmt) return 0;
  const comments = ts.getLeadingCommentRanges(sf.text, stmt.pos);
  return comments?.length ? comments[0]!.pos : stmt.getStart(sf);
}
