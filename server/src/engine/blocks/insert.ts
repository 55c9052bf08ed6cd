/**
 * Block insertion at a layer: fits an inception / residual / bottleneck / dense+transition / VGG
 * block to the tensor that layer outputs and writes it in the file's style. Functional code gets a
 * helper function (inserted once) called on the layer's output; Sequential code gets plain layers
 * (VGG) or the block wrapped as a model (`model.add(blockModel([h, w, c], (x) => ...))`).
 */
import ts from 'typescript';
import { parseSource } from '../syntax/parse';
import { type OffsetEdit, insertAfter, nodeAt, useSiteOf, type UseSite } from '../edit/edits';

/** Where a block goes: after a layer's application, or around a helper call that returns a tensor. */
type Site = UseSite | { kind: 'expr'; call: ts.Expression };
import { detectStyle, layerCall, sampleLayerCall, type CodeStyle } from '../edit/style';
import { type BlockKind, blockModelHelper, helperSource, withSkipHelper } from './templates';
import type { Shape } from '../layers/types';

export interface BlockAction {
  kind: BlockKind | 'wrap-residual';
  title: string;
  edits: OffsetEdit[];
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
  const out: BlockAction[] = [];
  const add = (kind: BlockKind, title: string, call: (input: string) => string) => {
    const edits = insertBlock(sf, site, style, kind, call, [h, w, c]);
    if (edits) out.push({ kind, title, edits });
  };
  // GoogLeNet 3a's proportions (64, 96→128, 16→32, 32 on 192 channels), with the pool branch
  // sized so the block keeps the channel count: it slots in without touching later layers.
  const f1 = r8(c / 4), f3r = r8(c / 3), f3 = r8(c / 2), f5r = r8(c / 12), f5 = r8(c / 8);
  const fp = c - f1 - f3 - f5;
  if (fp >= 1) add('inception', `Insert inception block (${c} channels: 1×1 ${f1}, 3×3 ${f3}, 5×5 ${f5}, pool ${fp})`, (x) => `inceptionBlock(${x}, ${f1}, ${f3r}, ${f3}, ${f5r}, ${f5}, ${fp})`);
  add('residual', `Insert residual block (${c} channels)`, (x) => `residualBlock(${x}, ${c})`);
  if (h >= 2 && w >= 2) add('residual-down', `Insert downsampling residual block (${c} → ${2 * c} channels, /2, projection shortcut)`, (x) => `residualBlock(${x}, ${2 * c}, 2)`);
  const bf = Math.max(8, Math.floor(c / 4));
  add('bottleneck', `Insert bottleneck residual block (${c} → ${bf} → ${bf * 4} channels${bf * 4 !== c ? ', projection shortcut' : ''})`, (x) => `bottleneckBlock(${x}, ${bf})`);
  const k = Math.min(32, r8(c / 4));
  if (h >= 2 && w >= 2) add('dense', `Insert dense block + transition (4 layers, k = ${k}: ${c} → ${c + 4 * k} → ${Math.floor((c + 4 * k) / 2)} channels, /2)`, (x) => `transitionBlock(denseBlock(${x}, 4, ${k}))`);
  const vf = c < 512 ? Math.min(512, 2 * c) : c;
  if (h >= 2 && w >= 2) {
    if (site.kind === 'apply' || site.kind === 'expr') add('vgg', `Insert VGG block (2 × 3×3 conv, ${vf} channels, /2)`, (x) => `vggBlock(${x}, ${vf})`);
    else out.push(...planVggOnly(sf, site, style, h, w, c));
  }
  if (site.kind === 'apply' && target.inputShape) {
    const wrap = wrapResidual(sf, site, style, target.inputShape, s);
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

/** Insert the helper(s) once, and call the block on the layer's output. */
function insertBlock(sf: ts.SourceFile, site: Site, style: CodeStyle, kind: BlockKind, call: (input: string) => string, shape: number[]): OffsetEdit[] | undefined {
  const helpers = helperSource(kind, style);
  const edits: OffsetEdit[] = [];
  const anchor = topLevelStart(sf, site);
  let helperText = '';
  if (site.kind === 'apply' || site.kind === 'expr') {
    for (const h of helpers) if (!declares(sf, h.name)) helperText += `${h.code}\n`;
    edits.push({ start: site.call.getStart(sf), end: site.call.end, newText: call(site.call.getText(sf)) });
  } else {
    if (!style.tf) return undefined;
    for (const h of [blockModelHelper(style), ...helpers]) if (!declares(sf, h.name)) helperText += `${h.code}\n`;
    edits.push(...insertAfter(sf, site, [`blockModel([${shape.join(', ')}], (x) => ${call('x')})`]));
  }
  if (helperText) edits.push({ start: anchor, end: anchor, newText: helperText });
  return edits;
}

/**
 * Wrap `L.apply(x)` as `withSkip(x, L.apply(x))`: an identity shortcut, or a 1×1 projection when
 * the shape changes (decided per call by the helper, so loops and helpers work too).
 */
export function wrapResidual(sf: ts.SourceFile, site: UseSite, style: CodeStyle, inS: Shape, outS: Shape): BlockAction | undefined {
  if (site.kind !== 'apply' || !ts.isIdentifier(site.arg)) return undefined;
  if (inS.length !== 4 || outS.length !== 4) return undefined;
  const same = inS.every((d, i) => d === outS[i]);
  const helper = withSkipHelper(style);
  const edits: OffsetEdit[] = [{ start: site.call.getStart(sf), end: site.call.end, newText: `withSkip(${site.arg.text}, ${site.call.getText(sf)})` }];
  if (!declares(sf, helper.name)) {
    const at = topLevelStart(sf, site);
    edits.push({ start: at, end: at, newText: `${helper.code}\n` });
  }
  return { kind: 'wrap-residual', title: `Wrap in residual block (${same ? 'identity shortcut' : '1×1 projection shortcut'})`, edits };
}

/**
 * The same for a Sequential model (`model.add(L)`), which cannot branch: the layer moves into a
 * small functional block with a skip, added as one layer. Its input shape is read from the model
 * at that point (`model.outputs[0].shape`), so the edit also works inside a loop.
 */
export function wrapSequentialResidual(sf: ts.SourceFile, site: UseSite, style: CodeStyle, layerStart: number, layerEnd: number): BlockAction | undefined {
  if (site.kind !== 'add' || !style.tf) return undefined;
  const arg = site.call.arguments[0];
  if (!arg || arg.getStart(sf) !== layerStart || arg.end !== layerEnd) return undefined;
  const ts_ = style.typescript && style.tensorType;
  const shape = `${site.model}.outputs[0].shape.slice(1)${ts_ ? ' as number[]' : ''}`;
  const inner = `${arg.getText(sf)}.apply(x)${ts_ ? ` as ${style.tensorType}` : ''}`;
  const edits: OffsetEdit[] = [{ start: layerStart, end: layerEnd, newText: `blockModel(${shape}, (x) => withSkip(x, ${inner}))` }];
  const at = topLevelStart(sf, site);
  let helpers = '';
  for (const h of [blockModelHelper(style), withSkipHelper(style)]) if (!declares(sf, h.name)) helpers += `${h.code}\n`;
  if (helpers) edits.push({ start: at, end: at, newText: helpers });
  return { kind: 'wrap-residual', title: 'Wrap in residual block (skip connection through a functional block)', edits };
}

function declares(sf: ts.SourceFile, name: string): boolean {
  return sf.statements.some((s) => (ts.isFunctionDeclaration(s) && s.name?.text === name) ||
    (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name)));
}

/** Start of the top-level statement holding the site, before its leading comments. */
function topLevelStart(sf: ts.SourceFile, site: Site): number {
  const pos = site.kind === 'add' ? site.statement.getStart(sf) : site.kind === 'element' ? site.element.getStart(sf) : site.call.getStart(sf);
  const stmt = sf.statements.find((s) => s.getStart(sf) <= pos && pos < s.end);
  if (!stmt) return 0;
  const comments = ts.getLeadingCommentRanges(sf.text, stmt.pos);
  return comments?.length ? comments[0]!.pos : stmt.getStart(sf);
}
