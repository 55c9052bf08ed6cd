/**
 * ZFNet (2013): AlexNet's first layer, 11×11 with stride 4, aliases the input and leaves dead
 * filters; a 7×7 stride-2 conv followed by a 3×3 stride-2 max-pool (ZFNet, then ResNet's stem)
 * keeps more detail at the same output size. Fires on a k ≥ 9, stride-4 first conv when the new stem
 * gives exactly the same output shape, so nothing after it changes.
 */
import { type Proposal, type Rule, type RuleContext, conv2d, spatial } from '../context';
import { constructCall, insertAfter, setConfig, useSiteOf } from '../../edit/edits';
import { layerCall } from '../../edit/style';
import { savingText } from '../wording';

function convOut(x: number, k: number, s: number, same: boolean): number {
  return same ? Math.ceil(x / s) : Math.floor((x - k) / s) + 1;
}

export const stem7x7: Rule = {
  code: 'stem-7x7',
  summary: 'an 11×11 stride-4 first conv (AlexNet) where a 7×7/2 conv + 3×3/2 max-pool (ZFNet, ResNet stem) gives the same output size',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      const c = conv2d(n);
      if (!c || c.kh < 9 || c.kw < 9 || c.strides[0] !== 4 || c.strides[1] !== 4 || !c.channelsLast) continue;
      if (n.inputs[0]?.node?.layer.className !== 'InputLayer') continue;
      const inS = spatial(n.inputs[0].shape);
      const outS = spatial(n.output.shape);
      if (!inS || !outS) continue;
      const same = c.padding === 'same';
      const newOut = inS.map((x) => convOut(convOut(x, 7, 2, same), 3, 2, same));
      if (newOut[0] !== outS[0] || newOut[1] !== outS[1]) continue;
      const call = n.layer.loc.file === ctx.file ? constructCall(ctx.sf, n.layer.loc) : undefined;
      const site = useSiteOf(ctx.sf, n.applyLoc);
      let edits;
      if (call && site && n.applyLoc.file === ctx.file) {
        const pool = layerCall(ctx.style, 'maxPooling2d', [['poolSize', 3], ['strides', 2], ...(same ? ([['padding', 'same']] as [string, string][]) : [])]);
        edits = [...setConfig(ctx.sf, call, 'kernelSize', '7', ctx.style.braceSpacing), ...setConfig(ctx.sf, call, 'strides', '2', ctx.style.braceSpacing), ...insertAfter(ctx.sf, site, [pool])];
      }
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'site',
        message: (s) =>
          `${c.kh}×${c.kw} conv with stride 4 on the input skips detail (ZFNet): a 7×7 stride-2 conv and a 3×3 stride-2 max-pool give the same ${outS[0]}×${outS[1]} output; ${savingText(s)}`,
        fix: edits ? { title: (s) => `Use a 7×7/2 conv + 3×3/2 max-pool stem (ZFNet) — ${savingText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
