/**
 * Two linear layers in a row (a conv or dense with no activation feeding another one) compose into
 * a single linear map: the first adds parameters and compute but no expressive power. A depthwise
 * conv feeding a 1×1 conv is exempt: that is a deliberate separable factorisation.
 */
import { type Proposal, type Rule, type RuleContext, WEIGHTED, activationOf, conv2d } from '../context';
import { constructCall, setConfig } from '../../edit/edits';
import type { LayerNode } from '../../tfjs/values';

const LINEAR_PASS = new Set(['Flatten', 'Reshape', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

export const linearStack: Rule = {
  code: 'linear-stack',
  summary: 'two conv/dense layers with no activation between them (they collapse into one linear map)',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      if (!WEIGHTED.has(n.layer.className) || activationOf(n.layer) !== 'linear') continue;
      let next: LayerNode | undefined = n;
      for (;;) {
        const cs: LayerNode[] = ctx.consumers(next);
        if (cs.length !== 1) {
          next = undefined;
          break;
        }
        next = cs[0]!;
        if (!LINEAR_PASS.has(next.layer.className)) break;
      }
      if (!next || !WEIGHTED.has(next.layer.className)) continue;
      if (n.layer.className === 'DepthwiseConv2D') {
        const c = conv2d(next);
        if (c && c.kh === 1 && c.kw === 1) continue;
      }
      const call = n.layer.loc.file === ctx.file ? constructCall(ctx.sf, n.layer.loc) : undefined;
      const q = ctx.style.quote;
      const edits = call ? setConfig(ctx.sf, call, 'activation', `${q}relu${q}`, ctx.style.braceSpacing) : undefined;
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'site',
        message: () => `${n.layer.className} has no activation and feeds ${next!.layer.className} directly: two linear layers compose into one linear map, so this one adds parameters but no expressive power`,
        fix: edits ? { title: () => "Add activation: 'relu' — same params and MACs", edits } : undefined,
      });
    }
    return out;
  },
};
