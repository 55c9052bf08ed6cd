/**
 * DenseNet: each concatenation adds the growth rate k channels, so a dense block ends with
 * C0 + n·k channels. A transition — BN → 1×1 conv (compression θ = 0.5) → 2×2 average pooling —
 * keeps that in check between blocks. Fires where a run of dense concatenations is downsampled with
 * no 1×1 compression conv in between.
 */
import { type Proposal, type Rule, type RuleContext, POOLING, TRANSPARENT, channels, conv2d } from '../context';
import { insertBefore, useSiteOf } from '../../edit/edits';
import { layerCall, raw } from '../../edit/style';
import { savingText } from '../wording';
import type { LayerNode } from '../../tfjs/values';

/** Length of the chain of concatenations feeding each other directly, ending at n. */
function runOf(n: LayerNode): LayerNode[] {
  const run: LayerNode[] = [];
  let cur: LayerNode | undefined = n;
  while (cur && cur.layer.className === 'Concatenate') {
    run.unshift(cur);
    cur = cur.inputs.map((i) => i.node).find((p) => p?.layer.className === 'Concatenate');
  }
  return run;
}

function downsamples(n: LayerNode): boolean {
  if (POOLING.has(n.layer.className)) {
    const s = n.layer.rawConfig.strides ?? n.layer.rawConfig.poolSize ?? 2;
    return typeof s === 'number' ? s > 1 : Array.isArray(s) && s.some((x) => typeof x === 'number' && x > 1);
  }
  const c = conv2d(n);
  return !!c && (c.strides[0] > 1 || c.strides[1] > 1) && !(c.kh === 1 && c.kw === 1);
}

export const denseTransition: Rule = {
  code: 'dense-transition',
  summary: 'a run of DenseNet-style concatenations downsampled with no transition (BN → 1×1 compression conv → pooling)',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      if (n.layer.className !== 'Concatenate') continue;
      if (ctx.consumers(n).some((c) => c.layer.className === 'Concatenate')) continue; // not the end of a run
      const run = runOf(n);
      if (run.length < 3) continue;
      const first = run[0]!;
      const c0 = Math.min(...first.inputs.map((i) => channels(i.shape) ?? Infinity));
      const cn = channels(n.output.shape);
      if (!cn || !isFinite(c0)) continue;
      // Walk down through BN / activation to the next real layer.
      let next: LayerNode | undefined = n;
      const between: LayerNode[] = [];
      while (next) {
        const cs: LayerNode[] = ctx.consumers(next);
        if (cs.length !== 1) {
          next = undefined;
          break;
        }
        next = cs[0]!;
        if (!TRANSPARENT.has(next.layer.className)) break;
        between.push(next);
      }
      if (!next || !downsamples(next)) continue;
      const target = Math.max(8, Math.floor(cn / 2));
      const site = useSiteOf(ctx.sf, next.applyLoc);
      const hasBn = between.some((b) => b.layer.className === 'BatchNormalization');
      const codes = [
        ...(hasBn ? [] : [layerCall(ctx.style, 'batchNormalization', [])]),
        ...(between.some((b) => b.layer.className !== 'BatchNormalization') ? [] : [layerCall(ctx.style, 'activation', [['activation', 'relu']])]),
        layerCall(ctx.style, 'conv2d', [['filters', target], ['kernelSize', 1], ['useBias', raw('false')]]),
      ];
      const edits = site && next.applyLoc.file === ctx.file ? insertBefore(ctx.sf, site, codes) : undefined;
      out.push({
        code: this.code,
        severity: 'warning',
        node: next,
        basis: 'model',
        message: (s) =>
          `channels grew from ${c0} to ${cn} through ${run.length} concatenations and are downsampled here with no transition: a 1×1 compression conv to ${target} first (DenseNet, θ = 0.5) ${savingText(s)}`,
        fix: edits ? { title: (s) => `Insert transition (1×1 conv to ${target} channels) — ${savingText(s)}`, edits } : undefined,
      });
    }
    return out;
  },
};
