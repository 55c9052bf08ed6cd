/**
 * VGG: n stacked 3×3 stride-1 convs see a (2n+1)×(2n+1) region — two replace a 5×5, three a 7×7 —
 * with 9·Cin·C + (n−1)·9·C² weights instead of k²·Cin·C, and a non-linearity between each.
 * Fires only when the stack really has fewer params (not on 3-channel stems).
 */
import { type Proposal, type Rule, type RuleContext, conv2d } from '../context';
import { configValueText, constructCall, setConfig, insertBefore, useSiteOf } from '../../edit/edits';
import { layerCall, raw } from '../../edit/style';
import { firstLayerKeys } from '../first_layer';
import { human } from '../../report/format';
import { paramsText, savingText } from '../wording';

export const stack3x3: Rule = {
  code: 'stack-3x3',
  summary: '5×5 / 7×7 stride-1 conv that stacked 3×3 convs replace with the same receptive field and fewer params (VGG)',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      const c = conv2d(n);
      if (!c || c.kh !== c.kw || c.kh < 5 || c.kh > 7 || c.kh % 2 === 0) continue;
      if (c.strides[0] !== 1 || c.strides[1] !== 1 || c.dilation[0] !== 1 || c.dilation[1] !== 1) continue;
      const k = c.kh;
      const stack = (k - 1) / 2;
      const b = c.useBias ? c.cout : 0;
      const before = k * k * c.cin * c.cout + b;
      const after = 9 * c.cin * c.cout + b + (stack - 1) * (9 * c.cout * c.cout + b);
      if (after >= before) continue;
      const call = n.layer.loc.file === ctx.file ? constructCall(ctx.sf, n.layer.loc) : undefined;
      const site = useSiteOf(ctx.sf, n.applyLoc);
      let edits;
      if (call && site && n.applyLoc.file === ctx.file) {
        const filters = configValueText(ctx.sf, call, 'filters') ?? String(c.cout);
        const entries: [string, string | number][] = [['filters', raw(filters)], ['kernelSize', 3]];
        if (c.padding !== 'valid') entries.push(['padding', c.padding]);
        if (!c.useBias) entries.push(['useBias', raw('false')]);
        entries.push(['activation', 'relu']);
        const extra = Array.from({ length: stack - 1 }, (_, i) => layerCall(ctx.style, 'conv2d', i === 0 ? [...firstLayerKeys(ctx, n), ...entries] : entries));
        edits = [...insertBefore(ctx.sf, site, extra), ...setConfig(ctx.sf, call, 'kernelSize', '3', ctx.style.braceSpacing)];
      }
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'site',
        mustSave: true,
        message: (s) =>
          `${k}×${k} conv: ${stack} stacked 3×3 convs see the same ${k}×${k} region (VGG) with ${human(after)} params instead of ${human(before)} and a ReLU between each; ${savingText(s)}`,
        fix: edits ? { title: (s) => `Replace ${k}×${k} conv with ${stack} stacked 3×3 convs — ${paramsText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
