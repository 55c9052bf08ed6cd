/** A layer inserted in front of a Sequential model's first layer takes over its input shape. */
import type { LayerNode } from '../tfjs/values';
import type { RuleContext } from './context';
import { constructCall, inputShapeEntries } from '../edit/edits';

export function firstLayerKeys(ctx: RuleContext, n: LayerNode): [string, string][] {
  if (ctx.model.kind !== 'sequential' || n.inputs[0]?.node?.layer.className !== 'InputLayer') return [];
  return n.layer.loc.file === ctx.file ? inputShapeEntries(ctx.sf, constructCall(ctx.sf, n.layer.loc)) : [];
}
