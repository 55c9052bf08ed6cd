/**
 * GoogLeNet / NiN: flatten → dense on a feature map puts most of the model's weights in one layer
 * (AlexNet: 38M of 62M; VGG16: 103M of 138M). Global average pooling first keeps one value per
 * channel, so the dense layer shrinks by the spatial area and the head no longer overfits position.
 */
import { type Proposal, type Rule, type RuleContext, spatial } from '../context';
import { constructCall, configValueText, nodeAt } from '../../edit/edits';
import { layerCall, raw } from '../../edit/style';
import { savingText } from '../wording';
import { totalParams } from '../../tfjs/session';

export const gapHead: Rule = {
  code: 'gap-head',
  summary: 'flatten → dense holding most of the model’s params (and at least convlens.advice.gapHeadMinParams, 1M): use global average pooling instead (GoogLeNet)',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    if (!ctx.totalParams) return out;
    for (const n of ctx.nodes) {
      if (n.layer.className !== 'Flatten') continue;
      const s = spatial(n.inputs[0]?.shape ?? null);
      if (!s || s[0] * s[1] <= 1) continue;
      const dense = ctx.consumers(n).find((c) => c.layer.className === 'Dense');
      const dp = dense?.layer.weights ? totalParams(dense.layer.weights) : null;
      // Most of the params, and many in absolute terms: a toy CNN's 5k-param head is not worth a warning.
      if (!dense || dp === null || dp < ctx.totalParams / 2 || dp < ctx.options.gapHeadMinParams) continue;
      let edits;
      const call = n.layer.loc.file === ctx.file ? constructCall(ctx.sf, n.layer.loc) : undefined;
      if (call && nodeAt(ctx.sf, n.layer.loc)) {
        const df = configValueText(ctx.sf, call, 'dataFormat');
        edits = [{ start: call.getStart(ctx.sf), end: call.end, newText: layerCall(ctx.style, 'globalAveragePooling2d', df ? [['dataFormat', raw(df)]] : []) }];
      }
      const share = Math.round((100 * dp) / ctx.totalParams);
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'model',
        mustSave: true,
        message: (sv) =>
          `flatten → dense holds ${share}% of the model's params (${s[0]}×${s[1]} positions × channels × units): global average pooling instead (GoogLeNet) ${savingText(sv)}`,
        fix: edits ? { title: (sv) => `Replace flatten with global average pooling — ${savingText(sv)}`, edits } : undefined,
      });
    }
    return out;
  },
};
