/**
 * Dropout directly before BatchNormalization: BN's moving variance is estimated with dropout on
 * during training and off at inference, so the statistics no longer match ("variance shift",
 * Li et al. 2019). Put dropout after the normalisation (or after the block).
 */
import { type Proposal, type Rule, type RuleContext, DROPOUTS } from '../context';
import { useSiteOf, type OffsetEdit } from '../../edit/edits';
import type ts from 'typescript';

export const dropoutBeforeBn: Rule = {
  code: 'dropout-before-bn',
  summary: 'dropout directly before batchNormalization (variance shift): move the dropout after it',
  check(ctx: RuleContext): Proposal[] {
    const out: Proposal[] = [];
    for (const n of ctx.nodes) {
      if (!DROPOUTS.has(n.layer.className)) continue;
      const cs = ctx.consumers(n);
      if (cs.length !== 1 || cs[0]!.layer.className !== 'BatchNormalization') continue;
      const bn = cs[0]!;
      const edits = n.applyLoc.file === ctx.file && bn.applyLoc.file === ctx.file ? swapEdits(ctx, n, bn) : undefined;
      out.push({
        code: this.code,
        severity: 'warning',
        node: n,
        basis: 'model',
        // Shapes and weights stay as they are: the driver checks these fixes together, with one analysis.
        saving: { params: 0, macs: 0, paramsBasis: null, macsBasis: null },
        message: () => `${n.layer.className} feeds batchNormalization directly: BN learns its statistics with dropout on and is used with it off (variance shift); apply dropout after the normalisation`,
        fix: edits ? { title: () => 'Move the dropout after batchNormalization — same params and MACs', edits } : undefined,
      });
    }
    return out;
  },
};

/** Swap two consecutive layers written as add statements, array entries, or nested apply calls. */
function swapEdits(ctx: RuleContext, first: { applyLoc: { start: number; end: number; file: string } }, second: { applyLoc: { start: number; end: number; file: string } }): OffsetEdit[] | undefined {
  const a = useSiteOf(ctx.sf, first.applyLoc as never);
  const b = useSiteOf(ctx.sf, second.applyLoc as never);
  if (!a || !b || a.kind !== b.kind) return undefined;
  const text = (n: ts.Node) => n.getText(ctx.sf);
  if (a.kind === 'add' && b.kind === 'add') {
    return [
      { start: a.call.getStart(ctx.sf), end: a.call.end, newText: text(b.call) },
      { start: b.call.getStart(ctx.sf), end: b.call.end, newText: text(a.call) },
    ];
  }
  if (a.kind === 'element' && b.kind === 'element') {
    return [
      { start: a.element.getStart(ctx.sf), end: a.element.end, newText: text(b.element) },
      { start: b.element.getStart(ctx.sf), end: b.element.end, newText: text(a.element) },
    ];
  }
  if (a.kind === 'apply' && b.kind === 'apply' && b.arg.getStart(ctx.sf) === a.call.getStart(ctx.sf) && b.arg.end === a.call.end) {
    // bn.apply(drop.apply(x)) → drop.apply(bn.apply(x))
    const dropCallee = text(a.call.expression);
    const bnCallee = text(b.call.expression);
    return [{ start: b.call.getStart(ctx.sf), end: b.call.end, newText: `${dropCallee}(${bnCallee}(${text(a.arg)}))` }];
  }
  return undefined;
}
