/**
 * A conv or dense layer with a bias directly followed by BatchNormalization: BN subtracts the batch
 * mean, which removes any constant bias, and adds its own β. The bias is dead weight.
 */
import { type Proposal, type Rule, type RuleContext, kernelShape } from '../context';
import { constructCall, setConfig } from '../../edit/edits';
import { paramsText } from '../wording';

const BIASED = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Dense']);

export const biasBeforeBn: Rule = {
  code: 'bias-before-bn',
  summary: 'a layer with a bias directly followed by batchNormalization (BN removes the bias): useBias: false',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      if (!BIASED.has(n.layer.className) || n.layer.rawConfig.useBias === false) continue;
      const cs = ctx.consumers(n);
      if (cs.length !== 1 || cs[0]!.layer.className !== 'BatchNormalization') continue;
      const biasOf = (l: typeof n.layer) => {
        const b = l.weights?.find((w) => w.name === 'bias');
        return b && b.shape.length === 1 && typeof b.shape[0] === 'number' ? b.shape[0] : null;
      };
      if (biasOf(n.layer) === null || !kernelShape(n.layer)) continue;
      // The edit is made at the constructing call: every layer that call builds loses its bias.
      let removed: number | null = 0;
      for (const l of ctx.siteLayers(n.layer)) {
        const b = biasOf(l);
        removed = removed === null || b === null ? null : removed + b;
      }
      const call = n.layer.loc.file === ctx.file ? constructCall(ctx.sf, n.layer.loc) : undefined;
      const edits = call ? setConfig(ctx.sf, call, 'useBias', 'false', ctx.style.braceSpacing) : undefined;
      out.push({
        code: this.code,
        severity: 'hint',
        node: n,
        basis: 'site',
        saving: { params: removed, macs: 0, paramsBasis: null, macsBasis: null },
        message: (s) => `${n.layer.className} has a bias but feeds batchNormalization, which subtracts the mean and adds its own β: the bias is redundant (useBias: false ${paramsText(s)})`,
        fix: edits ? { title: (s) => `Set useBias: false — ${paramsText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
