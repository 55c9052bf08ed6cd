/**
 * Too much downsampling: once the feature map is 1×1, further convs and poolings only see a single
 * position (a k×k kernel is mostly padding). Fires at the downsampling layer that reaches 1×1 while
 * spatial layers with windows larger than 1 still follow.
 */
import { type Proposal, type Rule, type RuleContext, POOLING, conv2d, kernelShape, spatial } from '../context';
import { removeSite, useSiteOf } from '../../edit/edits';
import { savingText } from '../wording';
import type { LayerNode } from '../../tfjs/values';

function windowed(n: LayerNode): boolean {
  if (POOLING.has(n.layer.className)) return true;
  const k = kernelShape(n.layer);
  return !!k && k.length === 4 && ((k[0] ?? 1) > 1 || (k[1] ?? 1) > 1);
}

export const overDownsampled: Rule = {
  code: 'over-downsampled',
  summary: 'spatial size reaches 1×1 while convs or poolings with larger windows still follow',
  check(ctx: RuleContext): Proposal[] {
    for (const n of ctx.nodes) {
      const s = spatial(n.output.shape);
      const inS = spatial(n.inputs[0]?.shape ?? null);
      if (!s || !inS || s[0] > 1 || s[1] > 1 || (inS[0] <= 1 && inS[1] <= 1)) continue;
      if (!POOLING.has(n.layer.className) && !conv2d(n)) continue;
      const after: LayerNode[] = [];
      const seen = new Set<LayerNode>();
      const stack = [...ctx.consumers(n)];
      while (stack.length) {
        const c = stack.pop()!;
        if (seen.has(c)) continue;
        seen.add(c);
        const cs = spatial(c.output.shape);
        if (!cs) continue;
        if (windowed(c)) after.push(c);
        stack.push(...ctx.consumers(c));
      }
      if (!after.length) continue;
      const site = POOLING.has(n.layer.className) ? useSiteOf(ctx.sf, n.applyLoc) : undefined;
      const edits = site && n.applyLoc.file === ctx.file ? removeSite(ctx.sf, site) : undefined;
      return [
        {
          code: this.code,
          severity: 'warning',
          node: n,
          basis: 'model',
          message: (sv) =>
            `the feature map is 1×1 after this layer, yet ${after.length} more conv/pooling layer${after.length > 1 ? 's' : ''} with larger windows follow and see a single position${edits ? `; removing this pooling ${savingText(sv)}` : ''}`,
          fix: edits ? { title: (sv) => `Remove this pooling layer — ${savingText(sv)}`, edits } : undefined,
        },
      ];
    }
    return [];
  },
};
