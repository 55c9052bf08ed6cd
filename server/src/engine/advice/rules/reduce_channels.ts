/**
 * GoogLeNet / ResNet bottleneck: a k×k conv (k ≥ 3) reading many channels costs k²·Cin·Cout. A 1×1
 * conv that first reduces Cin to r costs Cin·r + k²·r·Cout. Fires when that cuts params and MACs by
 * at least 30% and the conv does not already sit behind a 1×1 conv (ResNet-50's bottlenecks do).
 */
import { type Proposal, type Rule, type RuleContext, conv2d, producer, round8, spatial } from '../context';
import { insertBefore, useSiteOf } from '../edits';
import { firstLayerKeys } from '../first_layer';
import { layerCall } from '../style';
import { paramsText, savingText } from '../wording';

const MIN_CIN = 128;
const MIN_SAVING = 0.3;

export const reduceChannels: Rule = {
  code: 'reduce-channels',
  summary: 'k×k conv on ≥128 channels with no 1×1 reduction before it, when one would cut params and MACs by ≥30% (GoogLeNet, ResNet bottleneck)',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      const c = conv2d(n);
      if (!c || c.kh < 3 || c.kw < 3 || c.cin < MIN_CIN || c.cin <= c.cout) continue;
      const src = producer(n.inputs[0]?.node);
      const srcConv = src ? conv2d(src) : undefined;
      if (srcConv && srcConv.kh === 1 && srcConv.kw === 1) continue;
      const r = round8(Math.min(c.cin / 2, c.cout));
      const inS = spatial(n.inputs[0]!.shape);
      const outS = spatial(n.output.shape);
      if (!inS || !outS) continue;
      const k2 = c.kh * c.kw;
      const b = c.useBias ? 1 : 0;
      const before = k2 * c.cin * c.cout + b * c.cout;
      const after = c.cin * r + r + k2 * r * c.cout + b * c.cout;
      const macsBefore = outS[0] * outS[1] * k2 * c.cin * c.cout;
      const macsAfter = inS[0] * inS[1] * c.cin * r + outS[0] * outS[1] * k2 * r * c.cout;
      if (1 - after / before < MIN_SAVING || 1 - macsAfter / macsBefore < MIN_SAVING) continue;
      const site = useSiteOf(ctx.sf, n.applyLoc);
      const edits = site && n.applyLoc.file === ctx.file ? insertBefore(ctx.sf, site, [layerCall(ctx.style, 'conv2d', [...firstLayerKeys(ctx, n), ['filters', r], ['kernelSize', 1], ['activation', 'relu']])]) : undefined;
      const kxk = `${c.kh}×${c.kw}`;
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'site',
        mustSave: true,
        message: (s) =>
          `${kxk} conv reads ${c.cin} channels directly: a 1×1 conv reducing them to ${r} first (GoogLeNet, ResNet bottleneck) ${savingText(s)}`,
        fix: edits ? { title: (s) => `Insert 1×1 reduction to ${r} channels — ${paramsText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
