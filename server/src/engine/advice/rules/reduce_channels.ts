/**
 * GoogLeNet / ResNet bottleneck: a k×k conv (k ≥ 3) reading many channels costs k²·Cin·Cout. A 1×1
 * conv that first reduces Cin to r costs Cin·r + k²·r·Cout. Fires when that cuts params and MACs by
 * at least 30% and the conv does not already sit behind a 1×1 conv (ResNet-50's bottlenecks do).
 */
import { type Proposal, type Rule, type RuleContext, conv2d, producer, round8, spatial } from '../context';
import { insertBefore, useSiteOf } from '../../edit/edits';
import { firstLayerKeys } from '../first_layer';
import { helperCallInput } from '../helper_call';
import { layerCall } from '../../edit/style';
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
      const reduce = layerCall(ctx.style, 'conv2d', [...firstLayerKeys(ctx, n), ['filters', r], ['kernelSize', 1], ['activation', 'relu']]);
      const kxk = `${c.kh}×${c.kw}`;
      let edits;
      let where: Proposal['at'];
      let cins = [c.cin];
      const h = ctx.siteLayers(n.layer).length > 1 ? helperCallInput(ctx, n) : undefined;
      if (h) {
        // A shared helper builds this conv: reduce the tensor passed at this helper call only.
        const cast = ctx.style.typescript && ctx.style.tensorType ? ` as ${ctx.style.tensorType}` : '';
        edits = [{ start: h.arg.getStart(ctx.sf), end: h.arg.end, newText: `${reduce}.apply(${h.arg.getText(ctx.sf)})${cast}` }];
        where = { start: h.call.getStart(ctx.sf), end: h.call.end, layers: h.nodes.map((m) => m.layer) };
        cins = h.nodes.map((m) => conv2d(m)?.cin ?? c.cin);
      } else {
        const site = useSiteOf(ctx.sf, n.applyLoc);
        edits = site && n.applyLoc.file === ctx.file ? insertBefore(ctx.sf, site, [reduce]) : undefined;
      }
      const lo = Math.min(...cins);
      const hi = Math.max(...cins);
      const reads = cins.length > 1 ? `the ${cins.length} ${kxk} convs this call builds read ${lo === hi ? lo : `${lo}–${hi}`} channels directly` : `${kxk} conv reads ${c.cin} channels directly`;
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        at: where,
        basis: 'site',
        mustSave: true,
        message: (s) =>
          `${reads}: a 1×1 conv reducing them to ${r} first (GoogLeNet, ResNet bottleneck) ${savingText(s)}`,
        fix: edits ? { title: (s) => `Insert 1×1 reduction to ${r} channels — ${paramsText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
