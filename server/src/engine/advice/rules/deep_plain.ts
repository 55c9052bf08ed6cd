/**
 * ResNet: plain networks deeper than about 20 weighted layers train *worse*, even on the training
 * set (degradation: He et al. 2015, plain-34 vs plain-18; plain-56 vs plain-20 on CIFAR), while
 * VGG-19 (19 weighted layers) is the deepest plain net that trains well. The rule measures the
 * *shortest* chain of conv/dense layers from the input to each layer — skips (add) and
 * concatenations give gradients a short path — and fires once per model where that chain reaches 20.
 */
import { type Proposal, type Rule, type RuleContext, WEIGHTED, spatial } from '../context';
import type { LayerNode } from '../../tfjs/values';
import { useSiteOf } from '../../edit/edits';
import { wrapResidual, wrapSequentialResidual } from '../../blocks/insert';
import { savingText } from '../wording';

export const PLAIN_DEPTH_LIMIT = 20;

function keepsSize(n: LayerNode): boolean {
  const a = spatial(n.inputs[0]?.shape ?? null);
  const b = spatial(n.output.shape);
  return !!a && !!b && a[0] === b[0] && a[1] === b[1];
}

export const deepPlain: Rule = {
  code: 'deep-plain',
  summary: `${PLAIN_DEPTH_LIMIT}+ conv/dense layers on every path from the input with no skip connection (ResNet's degradation lesson; VGG-19 is the deepest plain net that trains well)`,
  check(ctx: RuleContext): Proposal[] {
    const depth = new Map<LayerNode, number>();
    for (const n of ctx.nodes) {
      let d = n.inputs.length ? Infinity : 0;
      for (const i of n.inputs) if (i.node) d = Math.min(d, depth.get(i.node) ?? 0);
      if (!isFinite(d)) d = 0;
      if (WEIGHTED.has(n.layer.className)) d += 1;
      depth.set(n, d);
      if (d === PLAIN_DEPTH_LIMIT && WEIGHTED.has(n.layer.className)) {
        const sequential = ctx.model.kind === 'sequential';
        // The fix wraps this layer, or the next one that keeps the spatial size (a skip around a
        // strided layer would need cropping), in a skip connection.
        // Every layer the edited call builds (a loop or helper builds several) must keep its size.
        const siteKeeps = new Map<string, boolean>();
        for (const o of ctx.nodes) {
          const k = `${o.layer.loc.file}:${o.layer.loc.start}:${o.layer.loc.end}`;
          siteKeeps.set(k, (siteKeeps.get(k) ?? true) && keepsSize(o));
        }
        const allKeepSize = (m: LayerNode) => siteKeeps.get(`${m.layer.loc.file}:${m.layer.loc.start}:${m.layer.loc.end}`) ?? true;
        const target = ctx.nodes.slice(ctx.nodes.indexOf(n)).find((m) => WEIGHTED.has(m.layer.className) && allKeepSize(m));
        const site = target && target.applyLoc.file === ctx.file ? useSiteOf(ctx.sf, target.applyLoc) : undefined;
        const inS = target?.inputs[0]?.shape;
        const wrap =
          target && site && inS && target.output.shape
            ? (wrapResidual(ctx.sf, site, ctx.style, inS, target.output.shape) ??
              (target.layer.loc.file === ctx.file ? wrapSequentialResidual(ctx.sf, site, ctx.style, target.layer.loc.start, target.layer.loc.end) : undefined))
            : undefined;
        return [
          {
            code: this.code,
            severity: 'warning',
            node: n,
            basis: 'model',
            fix: wrap ? { title: (s) => `${wrap.title} — ${savingText(s)}`, edits: wrap.edits } : undefined,
            message: () =>
              `${PLAIN_DEPTH_LIMIT} conv/dense layers in a row with no skip connection reach this layer: plain networks this deep train worse than shallower ones (ResNet's degradation problem). ` +
              (sequential
                ? 'A Sequential model cannot branch: wrap layers in residual blocks (functional sub-models with a skip), or build it with tf.model.'
                : 'Add residual connections (“Wrap in residual block” on a layer), or insert residual blocks.'),
          },
        ];
      }
    }
    return [];
  },
};
