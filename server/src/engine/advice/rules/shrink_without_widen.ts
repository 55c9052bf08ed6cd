/**
 * "Halve the resolution, double the channels" (VGG, ResNet): each downsampling throws away spatial
 * detail, and the channels carry what is kept. Fires when the channel count has not grown across
 * two consecutive downsamplings (a single flat stage, like VGG's last block, is common and fine).
 */
import { type Proposal, type Rule, type RuleContext, POOLING, channels, conv2d, spatial } from '../context';
import { constructCall, configValueText, setConfig } from '../../edit/edits';
import { savingText } from '../wording';
import type { LayerNode } from '../../tfjs/values';

function isDownsampling(n: LayerNode): boolean {
  const a = spatial(n.inputs[0]?.shape ?? null);
  const b = spatial(n.output.shape);
  return !!a && !!b && (POOLING.has(n.layer.className) || !!conv2d(n)) && b[0] * b[1] < a[0] * a[1];
}

export const shrinkWithoutWiden: Rule = {
  code: 'shrink-without-widen',
  summary: 'spatial size shrinks across two downsamplings while channels do not grow',
  check(ctx: RuleContext): Proposal[] {
    const points: { node: LayerNode; ch: number }[] = [];
    for (const n of ctx.nodes) {
      if (!isDownsampling(n)) continue;
      const ch = channels(n.output.shape);
      if (ch !== undefined) points.push({ node: n, ch });
    }
    for (let i = 2; i < points.length; i++) {
      const p = points[i]!;
      const q = points[i - 2]!;
      if (p.ch > q.ch) continue;
      // The fix: double the filters of the first conv after this downsampling.
      const next = firstConvAfter(ctx, p.node);
      const call = next && next.layer.loc.file === ctx.file ? constructCall(ctx.sf, next.layer.loc) : undefined;
      const f = call ? configValueText(ctx.sf, call, 'filters') : undefined;
      const edits = call && f ? setConfig(ctx.sf, call, 'filters', /^\d+$/.test(f) ? String(2 * Number(f)) : `2 * ${f}`, ctx.style.braceSpacing) : undefined;
      return [
        {
          code: this.code,
          severity: 'information',
          node: p.node,
          basis: 'model',
          message: (s) =>
            `the feature map has been downsampled twice since it had ${q.ch} channels and still has ${p.ch}: spatial detail is discarded without wider features to hold it (VGG/ResNet double the channels at each halving)` +
            (edits ? `; doubling the next conv's filters ${savingText(s)}` : ''),
          fix: edits ? { title: (s) => `Double the filters of the next conv — ${savingText(s)}`, edits } : undefined,
        },
      ];
    }
    return [];
  },
};

function firstConvAfter(ctx: RuleContext, n: LayerNode): LayerNode | undefined {
  const seen = new Set<LayerNode>();
  const queue = [...ctx.consumers(n)];
  while (queue.length) {
    const c = queue.shift()!;
    if (seen.has(c)) continue;
    seen.add(c);
    if (conv2d(c)) return c;
    queue.push(...ctx.consumers(c));
  }
  return undefined;
}
